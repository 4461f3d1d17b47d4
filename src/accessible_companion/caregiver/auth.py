"""Who may use the page: the lock (a PIN or a one-time pairing code), sessions, CSRF, the
Host check, and wrong tries slowed down.

- Only a visitor on this computer (a loopback client address *and* a loopback Host) gets in
  without signing in, and only while no PIN is set. Everyone else types the PIN (set on this
  computer with `accessible-companion caregiver pin`) or the pairing code shown on the
  bedside window while the page listens on the home network.
- While it listens on loopback only, a request naming any other Host is refused: a web page
  elsewhere cannot reach it by pointing a name of its own at 127.0.0.1 (DNS rebinding).
- The PIN is kept hashed (scrypt, random salt) in a private file; the pairing code is six
  random digits, good once and for ten minutes.
- Wrong tries: per client address, after three each further try waits 1, 2, 4 ... 60 s, and a
  try within the wait is refused unchecked; and all addresses together get at most
  `GLOBAL_FAILURES` wrong tries a minute.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from .. import private

SESSION_COOKIE = "companion_session"
LOGIN_COOKIE = "companion_login"
"""Carries the sign-in form's own token (there is no session yet to hold a CSRF token)."""
CSRF_FIELD = "csrf"
"""The hidden form field (or `X-CSRF-Token` header) every state-changing request carries."""

IDLE_SECONDS = 12 * 3600
"""A session nobody used this long is over."""
CODE_SECONDS = 600
"""A pairing code is good this long (and once)."""
FREE_TRIES = 3
"""Wrong tries from one address before each further try must wait."""
MAX_WAIT = 60
"""The longest wait between tries from one address, in seconds."""
GLOBAL_FAILURES = 20
"""Wrong tries a minute from all addresses together before everyone waits."""
FORGET_SECONDS = 3600
"""An address with no wrong try this long starts again with its free tries."""
MIN_PIN = 4
LOOPBACK_NAMES = frozenset({"localhost"})
"""Host names that can only mean this computer (besides loopback addresses: 127.0.0.1, [::1])."""

How = Literal["here", "pin", "code"]

# scrypt with n=2**14, r=8 (16 MB, ~50 ms): a stolen hash of a short PIN still takes a while.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


# --- the PIN, kept hashed ---------------------------------------------------------------------


def pin_problem(pin: str) -> str:
    """Why `pin` cannot be the PIN, or ""."""
    if len(pin.strip()) < MIN_PIN:
        return f"The PIN needs at least {MIN_PIN} digits or characters."
    if pin != pin.strip():
        return "The PIN must not start or end with a space."
    return ""


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def set_pin(path: Path, pin: str) -> None:
    """Keep `pin` hashed in `path` (0600), replacing any PIN before (ValueError: not a PIN)."""
    problem = pin_problem(pin)
    if problem:
        raise ValueError(problem)
    salt = secrets.token_bytes(16)
    record = {"scrypt": {**_SCRYPT, "salt": salt.hex(), "hash": _hash(pin, salt, **_SCRYPT).hex()}}
    private.make_folder(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    with private.open_text(temp, "w") as out:
        out.write(json.dumps(record) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def clear_pin(path: Path) -> bool:
    """No PIN from now on; False if there was none."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def pin_is_set(path: Path | None) -> bool:
    return path is not None and path.is_file()


def pin_matches(path: Path | None, sent: str) -> bool:
    """Whether `sent` is the PIN kept in `path` (False when none is set or it cannot be read)."""
    if path is None:
        return False
    try:
        record = json.loads(path.read_text(encoding="utf-8"))["scrypt"]
        salt, wanted = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
        got = _hash(sent, salt, int(record["n"]), int(record["r"]), int(record["p"]))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return secrets.compare_digest(got, wanted)


# --- the pairing code -------------------------------------------------------------------------


class PairingCode:
    """Six random digits, good once and for `CODE_SECONDS`; a new one after each use and when
    it runs out (`on_change` hears each new code, outside the lock)."""

    def __init__(self, clock: Callable[[], float], on_change: Callable[[str], None] | None = None) -> None:
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._code, self._until = self._new()

    def _new(self) -> tuple[str, float]:
        return f"{secrets.randbelow(10**6):06d}", self._clock() + CODE_SECONDS

    def current(self) -> str:
        self.refresh()
        with self._lock:
            return self._code

    def refresh(self) -> float:
        """A new code if this one ran out; returns the seconds the code now shown is good for."""
        with self._lock:
            changed = self._clock() >= self._until
            if changed:
                self._code, self._until = self._new()
            code, left = self._code, self._until - self._clock()
        if changed:
            self._told(code)
        return left

    def take(self, sent: str) -> bool:
        """True (and a new code) if `sent` is the code and it has not run out."""
        self.refresh()
        with self._lock:
            if not secrets.compare_digest(sent.strip().encode(), self._code.encode()):
                return False
            self._code, self._until = self._new()
            code = self._code
        self._told(code)
        return True

    def _told(self, code: str) -> None:
        if self._on_change is not None:
            self._on_change(code)


# --- wrong tries ------------------------------------------------------------------------------


class Slowdown:
    """Wrong tries counted per client address, and all together."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._by_address: dict[str, tuple[int, float]] = {}
        """Address -> (wrong tries in a row, when the last one was)."""
        self._recent: deque[float] = deque()
        """When each wrong try of the last minute was, from any address."""

    def wait(self, address: str) -> int:
        """Whole seconds `address` must wait before its next try is checked (0: try now)."""
        now = self._clock()
        with self._lock:
            self._forget(now)
            own = 0.0
            failures, last = self._by_address.get(address, (0, 0.0))
            if failures >= FREE_TRIES:
                own = last + min(MAX_WAIT, 2 ** (failures - FREE_TRIES)) - now
            everyone = self._recent[0] + 60 - now if len(self._recent) >= GLOBAL_FAILURES else 0.0
        return math.ceil(max(own, everyone, 0.0))

    def failed(self, address: str) -> None:
        now = self._clock()
        with self._lock:
            failures, _ = self._by_address.get(address, (0, 0.0))
            self._by_address[address] = (failures + 1, now)
            self._recent.append(now)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._by_address.pop(address, None)

    def _forget(self, now: float) -> None:
        while self._recent and self._recent[0] <= now - 60:
            self._recent.popleft()
        if len(self._by_address) > 1000 or any(
            now - last > FORGET_SECONDS for _, last in self._by_address.values()
        ):
            self._by_address = {
                a: (n, last) for a, (n, last) in self._by_address.items() if now - last <= FORGET_SECONDS
            }


# --- addresses --------------------------------------------------------------------------------


def is_loopback_address(host: str | None) -> bool:
    """Whether a client address is this computer (127.0.0.0/8, ::1, or IPv4 ones as IPv6)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def host_name(header: str | None) -> str:
    """The name in a Host header without its port (lower case; "" when it is not one)."""
    text = (header or "").strip().lower()
    if text.startswith("["):
        name, closed, rest = text.partition("]")
        if not closed:
            return ""
        name += "]"
    else:
        name, _, rest = text.partition(":")
        rest = f":{rest}" if _ else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return ""
    return name


def is_loopback_host(header: str | None) -> bool:
    """A Host that can only mean this computer: `localhost` or a loopback address written out
    (never another name, which a site elsewhere could point at 127.0.0.1)."""
    name = host_name(header)
    return name in LOOPBACK_NAMES or is_loopback_address(name.strip("[]"))


# --- sessions ---------------------------------------------------------------------------------


@dataclass
class Session:
    token: str
    csrf: str
    who: str
    """How this visitor got in, as history and the journal name them: "this computer",
    "PIN from 192.168.1.7", "pairing code from 192.168.1.7"."""
    how: How = "here"
    created: float = field(default_factory=time.time)
    seen: float = 0.0
    """When it was last used (the lock's clock)."""


@dataclass(frozen=True)
class Attempt:
    """How a try to sign in went."""

    session: Session | None = None
    wrong: bool = False
    """It was checked, and it is neither the PIN nor the pairing code."""
    wait: int = 0
    """Seconds to wait before the next try is checked (this one was not, if not `wrong`)."""


def set_session_cookie(response: Response, session: Session) -> None:
    # HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it along.
    # Not Secure: the page is plain http on the home network (there is no certificate a
    # phone would trust for a bedside computer), and a Secure cookie is never sent over http.
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict", path="/")


class Locks:
    """The lock for one page server. Sessions live in memory (a restart signs everybody out,
    the safe side); the PIN is read from `pin_file` at each check, so `caregiver pin` takes
    effect at once. `pin_file` None: no PIN can be set (tests)."""

    def __init__(
        self,
        pin_file: Path | None = None,
        *,
        listen: str = "127.0.0.1",
        clock: Callable[[], float] = time.monotonic,
        on_code: Callable[[str], None] | None = None,
    ) -> None:
        self.pin_file = pin_file
        self.on_network = not is_loopback_address(listen)
        """Listening beyond this computer: any Host is fine, and the pairing code is on."""
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.slowdown = Slowdown(clock)
        self.pairing = PairingCode(clock, on_code) if self.on_network else None

    def pin_is_set(self) -> bool:
        return pin_is_set(self.pin_file)

    def pairing_code(self) -> str:
        """The code to show now ("" while the page listens on this computer only)."""
        return self.pairing.current() if self.pairing is not None else ""

    def host_ok(self, request: Request) -> bool:
        """Any Host on the network; on loopback only a name for this computer."""
        return self.on_network or is_loopback_host(request.headers.get("host"))

    def may_skip_pin(self, request: Request) -> bool:
        """A visitor on this computer (address and Host) while no PIN is set."""
        client = request.client
        return (
            client is not None
            and is_loopback_address(client.host)
            and is_loopback_host(request.headers.get("host"))
            and not self.pin_is_set()
        )

    def open_session(self, who: str, how: How = "here") -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), who, how, seen=self._clock())
        with self._lock:
            self._sessions[session.token] = session
        return session

    def session(self, request: Request) -> Session | None:
        """The visitor's session, if it is still good: used within `IDLE_SECONDS`; one opened
        without a PIN only on this computer, and it ends when a PIN is set."""
        token = request.cookies.get(SESSION_COOKIE)
        if token is None:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.seen > IDLE_SECONDS:
                del self._sessions[token]
                return None
            session.seen = now
        if session.how == "here" and not self.may_skip_pin(request):
            # Opened without a PIN: good only for this computer, and only while no PIN is set.
            if self.pin_is_set():
                self.end_session(session)
            return None
        return session

    def end_session(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.token, None)

    def csrf_ok(self, session: Session, sent: str | None) -> bool:
        return sent is not None and secrets.compare_digest(session.csrf.encode(), sent.encode())

    def sign_in(self, address: str, sent: str) -> Attempt:
        """Check `sent` (the pairing code, then the PIN) for a visitor from `address`; a try
        within its wait is refused without being checked. Blocking (scrypt): call from a thread."""
        wait = self.slowdown.wait(address)
        if wait:
            return Attempt(wait=wait)
        how: How | None = None
        if self.pairing is not None and self.pairing.take(sent):
            how = "code"
        elif pin_matches(self.pin_file, sent):
            how = "pin"
        if how is None:
            self.slowdown.failed(address)
            return Attempt(wrong=True, wait=self.slowdown.wait(address))
        self.slowdown.succeeded(address)
        words = "pairing code" if how == "code" else "PIN"
        return Attempt(session=self.open_session(f"{words} from {address}", how))
