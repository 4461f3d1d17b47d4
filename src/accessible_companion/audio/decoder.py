"""Decoding recordings in a child process (decode_process.py says why), seen from the companion.

`Decoder.decode()` starts the child at its first call (~0.3-0.5 s: Python, numpy,
libsndfile) and reuses it; a child that crashed, hung past its time or could not start
costs that one call a `DecodeError`, and the next call starts a new one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from ..child import start_child
from .pcm import Pcm

log = logging.getLogger(__name__)

START_TIMEOUT = 15.0
"""Seconds the first answer of a new child may take (importing numpy on a busy machine)."""
DECODE_TIMEOUT = 10.0
"""Seconds one decode may take: 60 s of FLAC at 48 kHz decode and resample in ~0.3 s."""
END_WAIT = 1.0
"""Seconds the child has to exit after its socket closes, before it is killed."""


class DecodeError(Exception):
    """The recording could not be decoded; the message says why, for a caregiver."""


def child_command() -> list[str]:
    return [sys.executable, "-m", "accessible_companion.audio.decode_process"]


class Decoder:
    """Decodes recordings to mono Pcm in a child process. Thread-safe: one decode at a time."""

    def __init__(
        self,
        command: list[str] | None = None,
        *,
        start_timeout: float = START_TIMEOUT,
        timeout: float = DECODE_TIMEOUT,
    ) -> None:
        self._command = command or child_command()
        self._start_timeout = start_timeout
        self._timeout = timeout
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None
        self._fresh = False
        """The child has not answered yet (its first answer gets `start_timeout`)."""
        self.starts = 0
        """Children started so far (a test and the benchmark read it)."""

    def decode(self, path: str, rate: int = 0, volume: float = 1.0) -> Pcm:
        """`path` as mono Pcm at `rate` (0: the file's own) scaled by `volume`; DecodeError if not."""
        with self._lock:
            connection = self._connection or self._start()
            request = json.dumps({"path": path, "rate": rate, "volume": volume}).encode()
            try:
                connection.send_bytes(request)
                answer = json.loads(self._receive(connection))
                self._fresh = False
                data = self._receive(connection) if answer.get("ok") else b""
            except (OSError, EOFError, ValueError) as error:
                raise DecodeError(self._lost(error)) from error
        if not answer.get("ok"):
            raise DecodeError(str(answer.get("error", "cannot be decoded")))
        if len(data) != 2 * int(answer["frames"]):
            raise DecodeError("the decoder's answer was cut short")
        return Pcm(data, int(answer["rate"]))

    def close(self) -> None:
        """End the child (it exits when its socket closes; killed after END_WAIT)."""
        with self._lock:
            self._end()

    # --- with the lock held ---

    def _start(self) -> Connection:
        try:
            self._child, ours = start_child(self._command)
        except OSError as error:
            raise DecodeError(f"the decoder could not start: {error}") from error
        self.starts += 1
        self._connection = Connection(ours.detach())
        self._fresh = True
        return self._connection

    def _receive(self, connection: Connection) -> bytes:
        wait = self._start_timeout if self._fresh else self._timeout
        if not connection.poll(wait):
            raise TimeoutError(f"no answer within {wait:g} s")
        return connection.recv_bytes()

    def _lost(self, error: BaseException) -> str:
        """End a child that failed mid-request; why, in words for the notice."""
        status = self._end(kill=True)
        if isinstance(error, TimeoutError):
            why = f"the decoder gave {error}"
        elif status is not None and status < 0:
            why = f"the decoder crashed on it ({signal.Signals(-status).name})"
        elif status is not None and status != 0:
            why = f"the decoder ended with status {status} (numpy, soundfile or soxr missing?)"
        else:
            why = f"the decoder stopped answering: {error}"
        log.warning("%s", why)
        return why

    def _end(self, kill: bool = False) -> int | None:
        connection, self._connection = self._connection, None
        child, self._child = self._child, None
        if connection is not None:
            connection.close()
        if child is None:
            return None
        if kill and child.poll() is None:
            child.kill()
        try:
            return child.wait(END_WAIT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                child.kill()
            return child.wait()
