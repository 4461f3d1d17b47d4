"""What a page says once after a change (a flash), carried across the redirect that follows a POST.

A POST that changes something answers with a redirect (so a reload never posts it again);
the words for the next page are kept here, on the server, under a random key in the URL,
for the session that made the change only. Nothing the URL says is shown as such, so a
crafted link cannot put words on the page.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse

from .pages import session_of
from .saving import Saved

KEEP = 200
"""Flashes kept at most (a flash not shown within that many changes is dropped)."""
PARAM = "done"


@dataclass(frozen=True)
class Flash:
    lines: tuple[str, ...]
    good: bool = True
    """False: something did not work (shown as a problem, not as a success)."""


class _Store:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[str, Flash]] = OrderedDict()

    def put(self, owner: str, flash: Flash) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._kept[key] = (owner, flash)
            while len(self._kept) > KEEP:
                self._kept.popitem(last=False)
        return key

    def take(self, owner: str, key: str) -> Flash | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != owner:
                return None
            del self._kept[key]
            return kept[1]


def _store(request: Request) -> _Store:
    store: _Store | None = getattr(request.app.state, "flashes", None)
    if store is None:
        store = request.app.state.flashes = _Store()
    return store


def redirect(request: Request, url: str, *lines: str, good: bool = True) -> RedirectResponse:
    """A 303 to `url` (a path on this site) whose page then says `lines` once."""
    key = _store(request).put(session_of(request).token, Flash(tuple(lines), good))
    path, hash_mark, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}{PARAM}={key}{hash_mark}{fragment}", status_code=303)


def take(request: Request) -> Flash | None:
    """The flash the URL names, once."""
    key = request.query_params.get(PARAM)
    if not key:
        return None
    return _store(request).take(session_of(request).token, key)


def saved_words(saved: Saved, running: bool) -> str:
    """What a save means for the user, in the caregiver's words."""
    if saved.in_use:
        return f"Saved (version {saved.version}). In use now."
    if running:
        return f"Saved (version {saved.version}). The companion will use it when it is free."
    return "Saved. The companion uses it at its next start."


def local_path(url: str | None, fallback: str) -> str:
    """`url` if it is a path on this site, else `fallback` (a form's "back" field is not trusted)."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return fallback
