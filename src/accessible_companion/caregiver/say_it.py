""" "Say it": any words, spoken on the companion's speaker with the cue or main voice.

A plain form post (answered by a redirect back to the page it came from, which then says
what happened) or a `fetch()` with the CSRF header asking for JSON (the page stays as it is,
with what the caregiver typed). The item form's own Say it buttons post the whole form here:
`say_it` names the field to say.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..config.kinds import MAX_TEXT
from . import flash
from .pages import checked_form, state_of

VOICES = ("main", "cue")
NOT_RUNNING = "Say it works while the companion is running."


async def say(request: Request) -> Response:
    form = await checked_form(request)
    which = form.get("say_it")
    words: object
    voice: object
    if which in ("say", "cue"):
        words, voice = form.get(str(which)), "main" if which == "say" else "cue"
        if not (isinstance(words, str) and words.strip()):
            words = form.get("label")  # an empty `say` or `cue` says the label
    else:
        words, voice = form.get("text"), form.get("voice")
    text = words.strip() if isinstance(words, str) else ""
    back = form.get("back")
    back_to = flash.local_path(back if isinstance(back, str) else None, "/settings")
    link = state_of(request).link
    ok = False
    if voice not in VOICES:
        message = "Choose the cue voice or the main voice."
    elif not text:
        message = "Write some words to say first."
    elif len(text) > MAX_TEXT:
        message = f"That is too long to try here (at most {MAX_TEXT:,} characters)."
    elif link is None:
        message = NOT_RUNNING
    else:
        link.say(text, str(voice))
        ok, message = True, f"Said with the {voice} voice: “{text}”"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": ok, "message": message})
    return flash.redirect(request, back_to, message, good=ok)


routes: list[BaseRoute] = [Route("/say", say, methods=["POST"])]
