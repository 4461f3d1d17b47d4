"""The switch test: the user's presses live, figures from them, and timings suggested with reasons.

`/switch` shows the presses seen so far with their figures and suggestions (tuning.py);
`/switch/events` streams each press as it happens (server-sent events, read by
static/switch.js) from the running companion's trace (switch_feed.py). Applying a
suggestion is an ordinary save (saving.save): checked, kept in the history, and restorable.
The `caregiver` command, which has no running companion, shows how the test is used.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ..config.document import ConfigDocument
from ..config.problems import ConfigError, Problem
from ..core.limits import LIMITS
from ..core.records import PressTimed
from ..journal.store import JournalError, open_existing
from . import saving
from .pages import checked_form, render, session_of, state_of
from .state import PageState
from .switch_feed import END, SwitchFeed, Update, ignored_words, read_settings
from .tuning import MIN_PRESSES, Suggestion, hold_bins, suggest_help_hold, tune

KEEP_ALIVE = 15.0
"""Seconds between keep-alive comments on a quiet stream (proxies and phones drop idle ones)."""
SHOWN = 50
"""Presses listed on the page (the newest); the figures use all of them."""
NAMES = {"interval": "Interval", "acceptance": "Acceptance", "long_press": "Long press"}
"""The settings the test suggests, as the page names them."""
NOT_RUNNING = "The switch test works while the companion is running."


def feed_of(request: Request) -> SwitchFeed | None:
    """The page server's one feed (made at first use); None without a running companion."""
    state = state_of(request)
    if state.link is None:
        return None
    feed: SwitchFeed | None = getattr(request.app.state, "switch_feed", None)
    if feed is None:
        feed = SwitchFeed(state.link, state.config)
        request.app.state.switch_feed = feed
    return feed


@dataclass(frozen=True)
class HoldLook:
    """The user's hold times from the journal's presses, and the hold for help they suggest."""

    trouble: str = ""
    """Why there is nothing to show ("" when there is)."""
    bins: list[tuple[str, int]] = field(default_factory=list)
    help_hold: float = 0.0
    help_bin: str = ""
    """The label of the bin the hold for help falls in (marked on the page)."""
    suggestion: Suggestion | str = ""


def hold_look(journal: Path | None, config: Path) -> HoldLook:
    """Blocking (a thread): read the presses as the journal page reads its entries."""
    settings = read_settings(config)
    if journal is None or not journal.is_file():
        return HoldLook("No journal yet: the user's hold times show here once presses are recorded.")
    try:
        with open_existing(journal) as opened:
            # In hold-to-scan a selecting hold is the scan itself, as long as the menu needs.
            holds = [
                e.entry.hold
                for e in opened.entries(PressTimed)
                if e.entry.hold is not None and not (e.entry.mode == "inverse" and e.entry.action == "select")
            ]
    except JournalError as error:
        return HoldLook(f"The journal cannot be read just now: {error}")
    current = settings.help.hold_seconds
    bins = hold_bins(holds)
    marked = hold_bins([current])
    help_bin = next(label for label, count in marked if count)
    suggestion = suggest_help_hold(holds, current, settings.scanning.long_press)
    return HoldLook("", bins, current, help_bin, suggestion)


async def switch_page(request: Request) -> Response:
    return await _page(request)


async def _page(request: Request, problems: list[Problem] | None = None) -> Response:
    feed = feed_of(request)
    state = state_of(request)
    holds = await run_in_threadpool(hold_look, state.journal_path, state.config)
    if feed is None:
        return render(request, "switch.html", not_running=NOT_RUNNING, holds=holds)
    settings = await run_in_threadpool(read_settings, state_of(request).config)
    presses = list(feed.presses)
    shown = [
        {"press": press, "counted": ignored_words(press, feed.timing)} for press in reversed(presses[-SHOWN:])
    ]
    applied = request.query_params.get("applied", "")
    return render(
        request,
        "switch.html",
        status_code=400 if problems else 200,
        tuning=tune(presses, feed.current(settings)),
        shown=shown,
        seen=feed.seen,
        needed=MIN_PRESSES,
        names=NAMES,
        limits={name: LIMITS[f"scanning.{name}"] for name in NAMES},
        applied=NAMES.get(applied, ""),
        applied_value=request.query_params.get("value", ""),
        version=request.query_params.get("version", ""),
        in_use=request.query_params.get("in_use") == "1",
        problems=problems or [],
        seconds=seconds,
        holds=holds,
    )


async def events(request: Request) -> Response:
    """Each update as an SSE event, until the page goes away."""
    feed = feed_of(request)
    if feed is None:
        return PlainTextResponse(NOT_RUNNING, status_code=503)
    return StreamingResponse(
        _stream(feed),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(feed: SwitchFeed) -> AsyncIterator[str]:
    # Subscribed here, not in the handler: only a stream that starts can end, and its
    # `finally` (the page went away, or the server stopped it) is what unsubscribes.
    queue = await feed.open()
    try:
        yield "retry: 3000\n" + _event(("ready", {"seen": feed.seen, "needed": MIN_PRESSES}))
        while True:
            try:
                update = await asyncio.wait_for(queue.get(), KEEP_ALIVE)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if update is END:
                return
            yield _event(update)
    finally:
        feed.close(queue)


def end_streams(app: Starlette) -> None:
    """End the switch test's live streams (the server is stopping); from any thread."""
    feed: SwitchFeed | None = getattr(app.state, "switch_feed", None)
    if feed is not None:
        feed.end()


def _event(update: Update) -> str:
    name, data = update
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def apply(request: Request) -> Response:
    """Save one suggested timing, as any change is saved."""
    form = await checked_form(request)
    setting = str(form.get("setting", ""))
    if setting not in NAMES:
        return PlainTextResponse("That is not a setting the switch test suggests.", status_code=400)
    try:
        value = float(str(form.get("value", "")))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return PlainTextResponse("The suggested value was not a number.", status_code=400)
    state = state_of(request)
    saved = await run_in_threadpool(_save_setting, state, session_of(request).who, setting, value)
    if not saved.ok:
        return await _page(request, saved.problems)
    query = f"applied={setting}&value={value:g}&version={saved.version}&in_use={int(saved.in_use)}"
    return RedirectResponse(f"/switch?{query}#result", status_code=303)


def _save_setting(state: PageState, who: str, setting: str, value: float) -> saving.Saved:
    with saving.one_change:
        return _set_and_save(state, who, setting, value)


def _set_and_save(state: PageState, who: str, setting: str, value: float) -> saving.Saved:
    try:
        document = ConfigDocument.read(state.config)
    except ConfigError as error:
        return saving.Saved(problems=list(error.problems))
    dotted = f"scanning.{setting}"
    before = document.setting(dotted)
    document.set_setting(dotted, value)
    was = f"{before:g} s" if isinstance(before, int | float) else "its default"
    summary = f"Switch test: {NAMES[setting].lower()} from {was} to {value:g} s"
    return saving.save(state, document, who=who, summary=summary)


async def clear(request: Request) -> Response:
    """Start the test over."""
    await checked_form(request)
    feed = feed_of(request)
    if feed is not None:
        feed.clear()
    return RedirectResponse("/switch", status_code=303)


def seconds(value: Any) -> str:
    """A time for the page: `0.42 s`, or a dash when not known."""
    return "–" if value is None else f"{value:.2f} s"


routes: list[BaseRoute] = [
    Route("/switch", switch_page),
    Route("/switch/events", events),
    Route("/switch/apply", apply, methods=["POST"]),
    Route("/switch/clear", clear, methods=["POST"]),
]
