"""Who may use the page: sessions, the lock (PIN or pairing code), CSRF, and the address check.

SKELETON: sessions and CSRF work; the PIN, the pairing code, slowing wrong PINs and the Host
check are to be filled in (see the issue's "Lock and network"). Until then a visitor from this
machine gets a session without a PIN, and nobody else gets one.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from starlette.requests import Request

SESSION_COOKIE = "companion_session"
CSRF_FIELD = "csrf"
"""The hidden form field (or `X-CSRF-Token` header) every state-changing request carries."""


@dataclass
class Session:
    token: str
    csrf: str
    who: str
    """How this visitor got in, as history and the journal name them ("this computer")."""
    created: float = field(default_factory=time.time)


class Locks:
    """Sessions in memory (a restart signs everybody out, which is the safe side)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open_session(self, who: str) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), who)
        with self._lock:
            self._sessions[session.token] = session
        return session

    def session(self, request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        if token is None:
            return None
        with self._lock:
            return self._sessions.get(token)

    def csrf_ok(self, session: Session, sent: str | None) -> bool:
        return sent is not None and secrets.compare_digest(session.csrf, sent)

    def may_skip_pin(self, request: Request) -> bool:
        """A visitor from this machine while no PIN is set."""
        client = request.client
        return client is not None and client.host in ("127.0.0.1", "::1")
