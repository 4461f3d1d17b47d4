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

from .pages import render, state_of

PREFIX = "/ack/"


def _said(answer: dict[str, Any]) -> tuple[str, str, int]:
    """(heading, sentence, HTTP status) for a link that is not open, or has just been used."""
    state = answer.get("state")
    if state == "acknowledged":
        return "Thank you", "The alarm has stopped and the room has been told you are coming.", 200
    if state == "used":
        who, at = answer.get("by", ""), answer.get("at", "")
        return "Already acknowledged", f"Already acknowledged by {who} at {at}.", 409
    if state == "expired":
        return "This link has expired", "This link has expired: the call for help is over.", 410
    return "This link has expired", "This link has expired or was never valid.", 404


async def _answer(request: Request, use: bool) -> dict[str, Any]:
    link = state_of(request).link
    token = str(request.path_params["token"])
    if link is None:  # the `caregiver` command: no companion, so no call for help is on
        return {"state": "unknown"}
    answer = await asyncio.to_thread(link.acknowledgement, token, use)
    return answer if answer is not None else {"state": "silent"}


async def show(request: Request) -> Response:
    answer = await _answer(request, use=False)
    if answer.get("state") == "silent":
        return render(
            request, "ack.html", 503, heading="Try again", state="", said="The companion did not answer."
        )
    if answer.get("state") == "open":
        token = str(request.path_params["token"])
        return render(
            request,
            "ack.html",
            heading="Call for help",
            state="open",
            token=token,
            alert=answer.get("alert"),
            contact=answer.get("contact"),
        )
    heading, said, status = _said(answer)
    return render(request, "ack.html", status, heading=heading, state=answer.get("state"), said=said)


async def acknowledge(request: Request) -> Response:
    answer = await _answer(request, use=True)
    if answer.get("state") == "silent":
        return render(
            request, "ack.html", 503, heading="Try again", state="", said="The companion did not answer."
        )
    heading, said, status = _said(answer)
    return render(request, "ack.html", status, heading=heading, state=answer.get("state"), said=said)


routes = [
    Route(PREFIX + "{token}", show, methods=["GET"]),
    Route(PREFIX + "{token}", acknowledge, methods=["POST"]),
]
