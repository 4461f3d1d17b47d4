"""The page started and stopped with what it needs: its lock, its history, its server, and
the thread that renews the pairing code. Used by the page's own process beside the running
companion (page_process.py) and by `accessible-companion caregiver` (files only).

Any failure to start (a taken port, an address this computer does not have, a broken history
file) comes back as words, for the companion's trace or the command's message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from .. import paths
from ..errors import named
from .auth import Locks
from .history import History
from .link import CompanionLink
from .server import PageServer
from .state import PageState

log = logging.getLogger(__name__)


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
