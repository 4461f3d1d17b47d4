"""The "I'm coming" link of a contact's notification: `/ack/TOKEN`, open without signing in.

The token is the credential (single use, known only to whoever got the notification), and
also what makes the POST safe from cross-site requests: a forged form would need it. A GET
only shows the alert and one button; it never acknowledges, because chat apps (Telegram,
Signal, Matrix) fetch a link to preview it. The POST asks the companion, which keeps the
tokens (notify/ack_links.py), to use it once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core.settings import Messages
from .pages import render, state_of
from .state import PageState
from .switch_feed import read_settings

PREFIX = "/ack/"


def _said(answer: dict[str, Any], words: Messages) -> tuple[str, str, int]:
    """(heading, sentence, HTTP status) for a link that is not open, or has just been used."""
    state = answer.get("state")
    if state == "acknowledged":
        return words.ack_thanks_heading, words.ack_thanks, 200
    if state == "used":
        said = words.ack_used.format(name=answer.get("by", ""), time=answer.get("at", ""))
        return words.ack_used_heading, said, 409
    if state == "expired":
        return words.ack_expired_heading, words.ack_expired, 410
    if state == "silent":
        return words.ack_silent_heading, words.ack_silent, 503
    return words.ack_expired_heading, words.ack_unknown, 404


def _words(state: PageState) -> tuple[Messages, str]:
    """The config's words for the page (caregivers translate them) and its language (blocking)."""
    settings = read_settings(state.config)
    return settings.messages, settings.listening.language


async def _answer(request: Request, use: bool) -> dict[str, Any]:
    link = state_of(request).link
    token = str(request.path_params["token"])
    if link is None:  # the `caregiver` command: no companion, so no call for help is on
        return {"state": "unknown"}
    answer = await asyncio.to_thread(link.acknowledgement, token, use)
    return answer if answer is not None else {"state": "silent"}


async def _page(request: Request, use: bool) -> Response:
    answer = await _answer(request, use)
    words, language = await asyncio.to_thread(_words, state_of(request))
    if answer.get("state") == "open" and not use:
        contact = str(answer.get("contact") or "")
        return render(
            request,
            "ack.html",
            language=language,
            heading=words.ack_heading,
            state="open",
            token=str(request.path_params["token"]),
            said=words.ack_open.format(alert=answer.get("alert")),
            whose=words.ack_whose.format(name=contact) if contact else "",
            button=words.ack_button,
        )
    heading, said, status = _said(answer, words)
    return render(
        request, "ack.html", status, language=language, heading=heading, state=answer.get("state"), said=said
    )


async def show(request: Request) -> Response:
    return await _page(request, use=False)


async def acknowledge(request: Request) -> Response:
    return await _page(request, use=True)


routes = [
    Route(PREFIX + "{token}", show, methods=["GET"]),
    Route(PREFIX + "{token}", acknowledge, methods=["POST"]),
]
