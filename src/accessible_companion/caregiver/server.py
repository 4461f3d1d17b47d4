"""The page's web server: uvicorn on a thread of its own, with its own event loop.

The scan never waits for it: the page talks to the companion only through `CompanionLink`,
whose calls return at once. The listening socket is opened here first, so a taken port or
an address this computer does not have is a plain error at once; then the companion carries
on without the page, and says so in the trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import threading

import uvicorn

from ..errors import one_line
from .site import build_app
from .state import PageState
from .switch_pages import end_streams

log = logging.getLogger(__name__)

START_WAIT = 5.0
STREAM_CUT = 1
"""Seconds a stop waits for responses still open before cutting them."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on `host` (an IP address) and `port` (0: any free one); OSError if not."""
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle's algorithm off only on sockets that say
    # they are TCP, and with it on each answer on a kept-alive connection waited about 40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Lets a restarted companion take its port back at once (never two listeners at once).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def home_network_address() -> str:
    """This computer's address on the home network (the one its default route uses), or ""."""
    # Connecting a UDP socket sends nothing; it only picks the route and so the local address.
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real host
        address = str(probe.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback and address != "0.0.0.0":
            return address
    return ""


def page_url(host: str, port: int) -> str:
    """What a caregiver types for a page listening on `host`: on every address, the home
    network's; on one, that one (an IPv6 address in brackets)."""
    address = ipaddress.ip_address(host)
    shown = host
    if address.is_unspecified:
        shown = home_network_address() or ("127.0.0.1" if address.version == 4 else "::1")
    if ipaddress.ip_address(shown).version == 6:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


class QuietServer(uvicorn.Server):
    """uvicorn without its ten wake-ups a second (to look for `should_exit` and renew its Date
    header: 0.35 % of a core while nobody uses the page): it sleeps until `wake`."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stopped: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._stopped = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        await self.on_tick(0)  # the default headers, once (no Date header: it would go stale)
        if not self.should_exit:
            await self._stopped.wait()

    def wake(self) -> None:
        """Stop serving soon (from any thread)."""
        self.should_exit = True
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None:
            with contextlib.suppress(RuntimeError):  # its loop already closed
                loop.call_soon_threadsafe(stopped.set)


class PageServer:
    def __init__(self, state: PageState, host: str, port: int) -> None:
        self.state = state
        self.host = host
        self.port = port
        self._app = build_app(state)
        config = uvicorn.Config(
            self._app,
            log_config=None,  # the companion's logging as it is: uvicorn's loggers propagate to it
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
            lifespan="off",
            # The page is a few forms: no request needs more, and slow clients are let go.
            limit_concurrency=32,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=STREAM_CUT,  # a live switch-test stream must not hold up a stop
        )
        self._server = QuietServer(config)
        self._thread: threading.Thread | None = None
        self.error: str = ""
        """Why it is not serving (empty while it is)."""

    def start(self) -> bool:
        """Serve from now on; True once it listens (False: `error` says why)."""
        try:
            sock = listening_socket(self.host, self.port)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.error = f"could not listen on {self.host} port {self.port}: {one_line(reason)}"
            return False
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, args=(sock,), name="caregiver-page", daemon=True)
        self._thread.start()
        waiting = threading.Event()
        for _ in range(int(START_WAIT / 0.02)):
            if self._server.started or not self._thread.is_alive():
                break
            waiting.wait(0.02)
        if not self._server.started:
            self.error = self.error or "the page's server did not start"
            self.stop()
            return False
        self.state.address = page_url(self.host, self.port)
        return True

    def stop(self) -> None:
        end_streams(self._app)  # the switch test's live streams end first, so the stop is clean
        self._server.wake()
        if self._thread is not None:
            self._thread.join(timeout=3.0)

    def _run(self, sock: socket.socket) -> None:
        try:
            self._server.run(sockets=[sock])
        except SystemExit as error:  # uvicorn exits when its startup fails
            self.error = f"the page's server could not start ({error})"
        except Exception as error:
            log.exception("the caregiver page failed")
            self.error = f"the page's server failed: {one_line(error)}"
        finally:
            sock.close()
