"""JSON lines over the socket pair between the companion and its page's process.

Each message is one JSON object on one line. Sending is thread-safe (the page's worker
threads and its reader share one socket); receiving is one thread's loop until the other
end closes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

Message = dict[str, Any]


class Channel:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._lock = threading.Lock()

    def send(self, message: Message) -> bool:
        """False once the other end is gone (the message is dropped)."""
        data = json.dumps(message, ensure_ascii=False).encode() + b"\n"
        try:
            with self._lock:
                self._sock.sendall(data)
        except OSError:
            return False
        return True

    def messages(self) -> Iterator[Message]:
        """Every message until the other end closes (or this one is closed)."""
        with self._sock.makefile("rb") as lines:
            while True:
                try:
                    line = lines.readline()
                except (OSError, ValueError):  # closed under us
                    return
                if not line:
                    return
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # never from our own code; not worth ending the page for
                if isinstance(message, dict):
                    yield message

    def close(self) -> None:
        # Shut down first: a reader blocked in `messages()` on another thread then wakes.
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
