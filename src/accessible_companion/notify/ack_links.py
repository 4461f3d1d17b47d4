"""The "I'm coming" links in a contact's notification: one single-use token per (alert, contact).

Tokens are random (`secrets.token_urlsafe`, 128 bits) and kept here, in the companion's memory,
rather than signed with a kept secret: only this process ever checks them, and only while
its alert can be on; alert numbers start again at each run, so a link from an earlier run
must not name this run's alert 1 (a signed token outliving the process would need a run id
and a store of used tokens anyway); and there is no key file to create, protect or leak.
A restart makes every open link expire, which is what a restart does to its alerts.

A link is open until it is used, its alert ends, or `LIFETIME` passes. Using it is the one
thing that changes anything (the page never uses it on GET: chat apps fetch links for their
previews). After one contact's link acknowledged an alert, every link of that alert says
who did and when. Thread-safe: the notifier makes links on its caller's thread (the loop),
the page's reader uses them, the loop ends alerts.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

LIFETIME = 2 * 3600.0
"""Seconds a link stays open at most (an alert left on longer than this is well past a link)."""

State = Literal["open", "acknowledged", "used", "expired", "unknown"]


@dataclass(frozen=True)
class Answer:
    """What a token is now. `acknowledged`: this very call used it (only `use` says so)."""

    state: State
    alert: int = 0
    contact: str = ""
    by: str = ""
    """Who acknowledged the alert (`used`)."""
    at: str = ""
    """When, as the clock on the wall shows it (`14:02`)."""

    def fields(self) -> dict[str, object]:
        return {
            "state": self.state,
            "alert": self.alert,
            "contact": self.contact,
            "by": self.by,
            "at": self.at,
        }


@dataclass
class _Link:
    alert: int
    contact: str
    made: float


class AckLinks:
    def __init__(self, clock: Callable[[], float] = time.time, lifetime: float = LIFETIME) -> None:
        """`clock`: wall-clock seconds (the page says the time of an acknowledgement)."""
        self._clock = clock
        self._lifetime = lifetime
        self._lock = threading.Lock()
        self._links: dict[str, _Link] = {}
        self._acknowledged: dict[int, tuple[str, float]] = {}
        self._ended: set[int] = set()
        self.page_url = ""
        """The caregiver page's address once it serves ("" until then, or without a page)."""

    def make(self, alert: int, contact: str) -> str:
        """A new token for `contact` about `alert` (a second call for the same pair replaces nothing:
        each notification attempt gets its own, all open until the alert ends)."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._forget_old()
            self._links[token] = _Link(alert, contact, self._clock())
        return token

    def end(self, alert: int) -> None:
        """Alert `alert` is over (acknowledged, cancelled, or the caregiver's key): its links expire."""
        with self._lock:
            self._ended.add(alert)

    def look(self, token: str) -> Answer:
        """What `token` is, changing nothing."""
        with self._lock:
            return self._state(token)

    def use(self, token: str) -> Answer:
        """Acknowledge with `token`: `acknowledged` once (the caller then tells the core), else
        what it is (used, expired, unknown) and nothing changes."""
        with self._lock:
            answer = self._state(token)
            if answer.state != "open":
                return answer
            now = self._clock()
            self._acknowledged[answer.alert] = (answer.contact, now)
            self._ended.add(answer.alert)
            return Answer("acknowledged", answer.alert, answer.contact, answer.contact, _clock_time(now))

    def _state(self, token: str) -> Answer:
        link = self._links.get(token)
        if link is None:  # never made here, changed on the way, or from an earlier run
            return Answer("unknown")
        done = self._acknowledged.get(link.alert)
        if done is not None:
            return Answer("used", link.alert, link.contact, done[0], _clock_time(done[1]))
        if link.alert in self._ended or self._clock() - link.made > self._lifetime:
            return Answer("expired", link.alert, link.contact)
        return Answer("open", link.alert, link.contact)

    def _forget_old(self) -> None:
        """Drop links long past their lifetime (a week of alerts stays small either way)."""
        horizon = self._clock() - 2 * self._lifetime
        for token in [t for t, link in self._links.items() if link.made < horizon]:
            del self._links[token]

    def line(self, alert: int, contact: str, link_text: str, key_text: str) -> str:
        """What ends `contact`'s notification: the link (a new token) while the page is
        reachable from another device, else `key_text`."""
        base = self.page_url
        if not link_text or not reachable(base):
            return key_text
        return link_text.format(url=f"{base.rstrip('/')}/ack/{self.make(alert, contact)}")


def reachable(page_url: str) -> bool:
    """Whether a phone could open a page at `page_url`: not on this computer's loopback only."""
    host = urlsplit(page_url).hostname if page_url else None
    if not host:
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"


def _clock_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds).astimezone().strftime("%H:%M")
