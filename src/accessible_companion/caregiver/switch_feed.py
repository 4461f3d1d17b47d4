"""The switch test's live feed: the running companion's trace lines, read into presses and
passed on to every open switch test page (server-sent events).

The link calls `listen`'s callback on the thread that reads the companion's messages: the
callback only hands the line to the page server's event loop (`call_soon_threadsafe`) and
returns, so a busy page never holds up the lines behind it. Everything else happens on
that loop, one line at a time: reading presses, keeping the last KEEP_PRESSES, and putting
updates in each page's queue. A page that reads slowly loses its oldest updates (a queue of
QUEUE_SIZE), never the companion's time. The feed listens only while a page is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..config.loader import load_config
from ..config.problems import ConfigError
from ..core.settings import Mode, Settings
from .link import CompanionLink, TraceLine
from .press_trace import EVENTS, PressReader, Timing
from .tuning import IGNORED_DEBOUNCE, IGNORED_PAUSE, IGNORED_SHORT, MIN_PRESSES, Current, Press

log = logging.getLogger(__name__)

QUEUE_SIZE = 200
"""Updates waiting for one page; past this the oldest go."""
KEEP_PRESSES = 1000
"""Presses kept for the figures (a long test; the oldest go first)."""

Update = tuple[str, dict[str, Any]]
"""An SSE event's name and its data."""
END: Update = ("end", {})
"""Put last in every queue when the server stops: the pages' streams end."""


def read_settings(config: Path) -> Settings:
    """The settings of the config folder (blocking: call in a thread); the built-in ones when
    the files have a problem (the running companion then uses its last good config)."""
    try:
        return load_config(config).settings
    except ConfigError:
        return Settings()


def current_of(settings: Settings) -> Current:
    scanning = settings.scanning
    return Current(
        interval=scanning.interval,
        acceptance=scanning.acceptance,
        long_press=scanning.long_press,
        debounce=scanning.debounce,
        mode=scanning.mode,
        auditory=scanning.auditory,
        help_hold=settings.help.hold_seconds,
    )


def timing_of(settings: Settings) -> Timing:
    scanning = settings.scanning
    return Timing(scanning.acceptance, scanning.debounce, scanning.post_selection_pause)


def ignored_words(press: Press, timing: Timing) -> str:
    """Whether the companion counted `press`, in words for the page."""
    if not press.ignored:
        return "Yes"
    why = {
        IGNORED_SHORT: f"shorter than acceptance ({timing.acceptance:g} s)",
        IGNORED_DEBOUNCE: f"too soon after the last release (debounce {timing.debounce:g} s)",
        IGNORED_PAUSE: f"in the pause after a selection ({timing.post_selection_pause:g} s)",
    }.get(press.ignored)
    return f"No: {why}" if why else "No"


class SwitchFeed:
    """One per page server (its event loop): presses seen, and the pages following them."""

    def __init__(self, link: CompanionLink, config: Path) -> None:
        self._link = link
        self._config = config
        self._reader = PressReader()
        self._queues: set[asyncio.Queue[Update]] = set()
        self._stop: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settings = Settings()
        self._changed: dict[str, Any] = {}
        """Interval and mode as the user changed them while running (Slower, Faster, Mode)."""
        self._reloading: asyncio.Task[None] | None = None
        self.presses: deque[Press] = deque(maxlen=KEEP_PRESSES)
        self.seen = 0
        """Presses seen since the test was (re)started."""

    # On the page server's loop.

    async def open(self) -> asyncio.Queue[Update]:
        """A queue of updates for one page; the feed starts listening with the first."""
        queue: asyncio.Queue[Update] = asyncio.Queue(QUEUE_SIZE)
        if self._stop is None:
            settings = await run_in_threadpool(read_settings, self._config)
            if self._stop is None:  # another page may have started it meanwhile
                self._use(settings)
                self._loop = asyncio.get_running_loop()
                self._stop = self._link.listen(self._heard)
        self._queues.add(queue)
        return queue

    def close(self, queue: asyncio.Queue[Update]) -> None:
        """That page went away; the last one to go stops the listening."""
        self._queues.discard(queue)
        if not self._queues and self._stop is not None:
            stop, self._stop = self._stop, None
            stop()

    def end(self) -> None:
        """The server is stopping: end every page's stream, so that none holds the stop up
        (from any thread; the pages reconnect to the next server by themselves)."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._publish, END)

    def clear(self) -> None:
        """Start the test over: forget the presses seen."""
        self.presses.clear()
        self.seen = 0

    def current(self, settings: Settings | None = None) -> Current:
        """The timings in use: the config's (`settings`, else those last read), with what the
        user changed while running."""
        current = current_of(settings or self._settings)
        if "interval" in self._changed:
            current = replace(current, interval=self._changed["interval"])
        if "mode" in self._changed:
            current = replace(current, mode=self._changed["mode"])
        return current

    @property
    def timing(self) -> Timing:
        return self._reader.timing

    def _use(self, settings: Settings) -> None:
        old = self._settings.scanning
        # As the companion does (core/reload.py): a change made while running stays until the
        # caregiver's config changes that setting.
        if settings.scanning.interval != old.interval:
            self._changed.pop("interval", None)
        if settings.scanning.mode != old.mode:
            self._changed.pop("mode", None)
        self._settings = settings
        self._reader.timing = timing_of(settings)

    async def _reload(self) -> None:
        try:
            self._use(await run_in_threadpool(read_settings, self._config))
        except OSError as error:  # the folder is being replaced: keep the timings read before
            log.warning("switch test: could not read the settings: %s", error)

    def _take(self, line: TraceLine) -> None:
        """One trace line, on the page server's loop."""
        event = line.get("event")
        if event == "config" and (self._reloading is None or self._reloading.done()):
            self._reloading = asyncio.get_running_loop().create_task(self._reload())
        elif event == "setting" and line.get("name") == "interval":
            with contextlib.suppress(TypeError, ValueError):
                self._changed["interval"] = float(line["value"])
        elif event == "setting" and line.get("name") == "mode":
            with contextlib.suppress(ValueError):
                self._changed["mode"] = Mode(str(line.get("value")))
        for kind, what in self._reader.feed(line):
            if kind == "highlight":
                self._publish(("highlight", {"label": what, "t": line.get("t")}))
            elif kind == "down":
                self._publish(("down", {"switch": what, "t": line.get("t")}))
            elif kind == "press":
                self.presses.append(what)
                self.seen += 1
                self._publish(("press", self._described(what)))

    def _described(self, press: Press) -> dict[str, Any]:
        return {
            "number": self.seen,
            "at": press.at,
            "switch": press.switch,
            "item": press.item,
            "hold": press.hold,
            "reaction": press.reaction,
            "after_cue": press.after_cue,
            "counted": ignored_words(press, self._reader.timing),
            "ignored": press.ignored,
            "long": press.long,
            "seen": self.seen,
            "needed": MIN_PRESSES,
        }

    def _publish(self, update: Update) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()  # the page reads slowly: it loses the oldest
            queue.put_nowait(update)

    # On the thread that reads the companion's messages: hand over and return at once.

    def _heard(self, line: TraceLine) -> None:
        if line.get("event") not in EVENTS or self._loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the page server's loop has closed: nobody to tell
            self._loop.call_soon_threadsafe(self._take, line)
