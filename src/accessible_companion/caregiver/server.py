"""The page's web server: uvicorn on a thread of its own, with its own event loop.

The scan never waits for it: the page talks to the companion only through `CompanionLink`,
whose calls return at once. If the port is taken or the server fails, the companion carries
on without the page, and says so in the trace.
"""

from __future__ import annotations

import logging
import threading

import uvicorn

from .site import build_app
from .state import PageState
from .switch_pages import end_streams

log = logging.getLogger(__name__)

START_WAIT = 5.0
STREAM_CUT = 1
"""Seconds a stop waits for responses still open before cutting them."""


class PageServer:
    def __init__(self, state: PageState, host: str, port: int) -> None:
        self.state = state
        self.host = host
        self.port = port
        self._app = build_app(state)
        config = uvicorn.Config(
            self._app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            # A response still open at stop (a live stream that began as it stopped) is cut
            # after this long, so that stop() never hangs on it.
            timeout_graceful_shutdown=STREAM_CUT,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self.error: str = ""
        """Why it is not serving (empty while it is)."""

    def start(self) -> bool:
        """Serve from now on; True once it listens (False: `error` says why)."""
        self._thread = threading.Thread(target=self._run, name="caregiver-page", daemon=True)
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(START_WAIT / 0.02)):
            if self._server.started or not self._thread.is_alive():
                break
            deadline.wait(0.02)
        if not self._server.started:
            self.error = self.error or "the page's server did not start"
            return False
        sockets = [s for server in self._server.servers for s in server.sockets]
        if sockets:
            self.port = sockets[0].getsockname()[1]
        shown = "127.0.0.1" if self.host in ("127.0.0.1", "localhost") else self.host
        self.state.address = f"http://{shown}:{self.port}/"
        return True

    def stop(self) -> None:
        end_streams(self._app)  # the switch test's live streams end first, so the stop is clean
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=3.0)

    def _run(self) -> None:
        try:
            self._server.run()
        except SystemExit as error:  # uvicorn exits when it cannot bind
            self.error = f"could not listen on {self.host}:{self.port} ({error})"
        except Exception as error:
            log.exception("the caregiver page failed")
            self.error = f"the page's server failed: {error}"
