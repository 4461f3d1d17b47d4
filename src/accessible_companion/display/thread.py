"""Runs any Display on its own thread, so a slow or frozen terminal never stalls the loop.

A terminal can block writes for good (Ctrl-S, a full pty nobody reads); the switch must
keep working regardless. Only the newest view matters, so older ones are dropped.
"""

from __future__ import annotations

import logging
import threading

from ..core.view import View
from ..ports import Display

log = logging.getLogger(__name__)


class DisplayThread:
    """A Display that hands each view to `inner` on a worker thread, newest first."""

    def __init__(self, inner: Display) -> None:
        self._inner = inner
        self._latest: View | None = None
        self._closing = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="display", daemon=True)
        self._thread.start()

    def show(self, view: View) -> None:
        """Never blocks: replaces any view not drawn yet."""
        with self._wake:
            self._latest = view
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        # A display stuck in a write cannot be waited for; the thread is a daemon.
        self._thread.join(timeout=1.0)
        if not self._thread.is_alive():
            self._inner.close()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._latest is None and not self._closing:
                    self._wake.wait()
                view, self._latest = self._latest, None
                if self._closing or view is None:
                    return
            try:
                self._inner.show(view)
            except Exception:
                log.exception("display failed")
