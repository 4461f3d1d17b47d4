"""The page started and stopped: beside the running companion (`run`), or on its own
(`accessible-companion caregiver`), and the caregiver's own copy of the built-in config.

Beside the companion it must never stop or slow the switch: it starts after the loop, on
threads of its own, and any failure (a taken port, an address this computer does not have,
a broken history file) is traced as `caregiver_page` with `error` while the companion goes
on. Its address, and the pairing code while it listens on the home network, go to the core
(`PageAddress`), which puts them in the view: the bedside window's and the terminal's
status line show them the usual way. (The caregiver's own copy of the config is made in
`own_config.py`, which `run` imports before it knows whether there will be a page.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from .. import paths
from ..core.events import PageAddress, SayPreview
from ..core.records import Entry
from ..errors import named
from ..ports import JournalSink, Post
from ..trace import TraceWriter
from .auth import Locks
from .history import History
from .link import CompanionLink, TraceLine
from .server import PageServer
from .state import PageState

log = logging.getLogger(__name__)


class LiveLink:
    """`CompanionLink` to the running companion: events to its loop, reloads to its config
    watcher, its trace lines, its journal. Every call returns at once."""

    def __init__(
        self,
        post: Post,
        reload: Callable[[str], None] | None,
        trace: TraceWriter,
        journal: JournalSink | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._post = post
        self._reload = reload
        self._trace = trace
        self._journal = journal
        self._clock = clock

    def say(self, text: str, voice: str) -> None:
        self._post(SayPreview(text, "cue" if voice == "cue" else "main"), self._clock())

    def apply(self, reason: str) -> None:
        if self._reload is not None:
            self._reload(reason)

    def listen(self, callback: Callable[[TraceLine], None]) -> Callable[[], None]:
        return self._trace.listen(callback)

    def journal(self, entry: object) -> None:
        if self._journal is not None:
            self._journal.write(cast(Entry, entry), time.time())


class CodeKeeper:
    """Replaces the pairing code when it runs out, even when nobody signs in (a thread that
    sleeps until then)."""

    def __init__(self, locks: Locks) -> None:
        self._locks = locks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pairing-code", daemon=True)

    def start(self) -> None:
        if self._locks.pairing is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1.0)

    def _run(self) -> None:
        pairing = self._locks.pairing
        assert pairing is not None
        while not self._stop.wait(max(pairing.refresh(), 0.05)):
            pass


class RunningPage:
    """The page for the config folder `config`, on `listen`:`port` (`port` 0: any free one)."""

    def __init__(
        self,
        config: Path,
        listen: str,
        port: int,
        link: CompanionLink | None,
        shown: Callable[[str, str], None],
        journal_path: Path | None = None,
    ) -> None:
        """`shown(url, code)` hears the address once serving, and each new pairing code;
        `journal_path`: the journal the report page reads (None: no journal this run)."""
        self.config = config
        self.journal_path = journal_path
        self.listen = listen
        self.port = port
        self._link = link
        self._shown = shown
        self.url = ""
        self.locks = Locks(paths.caregiver_pin_file(), listen=listen, on_code=self._code_changed)
        self._history: History | None = None
        self._server: PageServer | None = None
        self._keeper = CodeKeeper(self.locks)

    def start(self) -> str:
        """Serve from now on: "" once it listens, else why not (nothing is left running)."""
        try:
            self._history = History(paths.caregiver_history_file(), self.config)
            state = PageState(
                self.config, self._history, self.locks, self._link, journal_path=self.journal_path
            )
            self._server = PageServer(state, self.listen, self.port)
            if not self._server.start():
                error = self._server.error
                self.stop()
                return error
        except Exception as error:  # whatever it is, the companion goes on without the page
            log.exception("the caregiver page could not start")
            self.stop()
            return named(error)
        self.port = self._server.port
        self.url = state.address
        self._keeper.start()
        self._shown(self.url, self.locks.pairing_code())
        return ""

    def stop(self) -> None:
        self._keeper.stop()
        if self._server is not None:
            self._server.stop()
        if self._history is not None:
            self._history.close()
            self._history = None

    def _code_changed(self, code: str) -> None:
        if self.url:
            self._shown(self.url, code)


def start_beside_companion(
    config: Path,
    listen: str,
    port: int,
    post: Post,
    reload: Callable[[str], None] | None,
    trace: TraceWriter,
    journal: JournalSink | None,
    journal_path: Path | None,
) -> Callable[[], None] | None:
    """The page beside the running companion, editing `config`; returns what stops it, or
    None when it could not start (traced: `caregiver_page` with `error`)."""

    def shown(url: str, code: str) -> None:
        post(PageAddress(url, code), time.monotonic())

    page = RunningPage(config, listen, port, LiveLink(post, reload, trace, journal), shown, journal_path)
    error = page.start()
    if error:
        log.warning("no caregiver page: %s", error)
        trace.write("caregiver_page", error=error, listen=listen, port=port)
        return None
    trace.write("caregiver_page", url=page.url, listen=listen, config=str(config))
    return page.stop
