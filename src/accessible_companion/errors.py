"""Errors and outside text as one line, and without secrets, for details, notices, the trace
and the journal.

A message from a library may hold newlines (a traceback-ish OSError, a command's output);
every place that shows one to a person or writes it to a line-based file flattens it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit


def one_line(text: object, limit: int | None = None) -> str:
    """`text` with each whitespace run (newlines too) as one space, cut to `limit` with an ellipsis.

    An error without a message gives its type's name, so a reason is never empty.
    """
    flat = " ".join(str(text).split())
    if not flat and isinstance(text, BaseException):
        flat = type(text).__name__
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1] + "…"
    return flat


def named(error: BaseException, limit: int | None = None) -> str:
    """`TypeName: message` on one line, for errors the reader may not guess from the message alone."""
    return one_line(f"{type(error).__name__}: {error}", limit)


# --- secrets ----------------------------------------------------------------------------------

HIDDEN = "***"
"""What a secret is replaced with."""

_STOP = r"\s\"'<>\\"
"""Characters that end a URL in free text (also JSON's quotes and escapes)."""

_URL = re.compile(
    rf"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^{_STOP}/?#@]*@)?(?P<host>[^{_STOP}/?#]*)"
    rf"(?P<path>[^{_STOP}?#]*)(?P<query>\?[^{_STOP}#]*)?(?P<fragment>#[^{_STOP}]*)?"
)

_TOKENISH = re.compile(r"(?=[^/]*\d)(?=[^/]*[A-Za-z])[^/]{8,}|[^/]{20,}")
"""A path segment that looks like a key: 8+ characters with letters and digits, or 20+ of anything."""

_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]+")

_NAMED = re.compile(
    r"(?i)\b((?:access_|refresh_|auth_|api[_-]?)?token|api[_-]?key|apikey|client_secret|secret|"
    r"password|passwd|pwd|authorization|signature|sig)"
    r"([\"']?\s*[=:]\s*[\"']?)(?!\*\*\*|bearer\s|basic\s)([^\s&\"',;]+)"
)


def _hide_url(match: re.Match[str]) -> str:
    user = match["user"]
    path = "/".join(HIDDEN if _TOKENISH.fullmatch(part) else part for part in match["path"].split("/"))
    return "".join(
        (
            match["scheme"],
            f"{HIDDEN}@" if user else "",
            match["host"],
            path,
            f"?{HIDDEN}" if match["query"] is not None else "",
            f"#{HIDDEN}" if match["fragment"] is not None else "",
        )
    )


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with secrets replaced by `***`, for every detail, trace line and journal row.

    `secrets` are known ones (the parts of a configured webhook URL, see `url_secrets`),
    replaced wherever they appear, longest first. Then, by their look: a URL's user:password,
    query and fragment, and path segments that look like keys (the scheme, host, port and
    plain path words stay, so the reader still knows what was called); `Bearer xyz`; and
    `token=xyz`, `password: xyz` and the like. Running it twice changes nothing more.
    """
    for secret in sorted({s for s in secrets if s and s != HIDDEN}, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    text = _URL.sub(_hide_url, text)
    text = _BEARER.sub(rf"\1\2{HIDDEN}", text)
    return _NAMED.sub(rf"\1\2{HIDDEN}", text)


def url_secrets(url: str) -> tuple[str, ...]:
    """The parts of `url` that may be secret, for `redact`: the whole URL and its user:password,
    password, query, fragment and query values, and its path and path segments other than plain
    words (a webhook's path is often its key: `/hooks/T0123/B4567/XyZ...`, an ntfy topic)."""
    parts = urlsplit(url.strip())
    userinfo = parts.netloc.rpartition("@")[0]
    found = [url.strip(), userinfo, parts.query, parts.fragment]
    if userinfo:
        user, _, password = userinfo.partition(":")
        found += [password] if password else [user]  # a lone user name is the key itself
    if parts.path.strip("/"):
        found.append(parts.path)
        found += [s for s in parts.path.split("/") if len(s) >= 6 and not s.isalpha()]
    found += [value for _, value in parse_qsl(parts.query)]
    # A short value ("1", "en") would blank out ordinary words; the password counts whatever its length.
    return tuple(s for s in found if len(s) >= 4 or (s and s in (userinfo, parts.password)))
