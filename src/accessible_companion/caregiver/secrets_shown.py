"""Secrets as the page shows them: enough to recognise, never enough to use.

A webhook's URL is often its own key (`https://hooks.example/T01/B02/XyZ...`, an ntfy
topic), and a notify command may carry a token as an argument. The page never sends them
back in full: it shows `shown_url` / `shown_command`, and a form that comes back with the
shown text unchanged keeps what was stored (`kept_url`, `kept_command`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..errors import HIDDEN, redact

_SECRET_FLAG = re.compile(
    r"(?i)^-{1,2}(token|access-?token|api-?key|key|secret|password|passwd|pass|auth|authorization|"
    r"bearer|webhook|url|header|h|u|user|p)$"
)
"""An option whose next argument is the secret itself (`--token X`, `curl -u user:pw`, `-H ...`)."""

_TOKENISH = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-.+=~]{12,}|[A-Za-z0-9_\-.+=~]{24,}")
"""A word that looks like a key: 12+ key characters with letters and digits, or 24+ of them."""


def shown_url(url: str) -> str:
    """`url` with everything after its host hidden: `https://ntfy.sh/***` ("" stays "")."""
    text = url.strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return HIDDEN
    if not parts.scheme or not host:
        return HIDDEN
    if ":" in host:
        host = f"[{host}]"
    hidden = parts.path.strip("/") or parts.query or parts.fragment or parts.username
    return f"{parts.scheme}://{host}{port}/{HIDDEN if hidden else ''}"


def shown_command(argv: Sequence[str]) -> tuple[str, ...]:
    """The notify command with its secret-looking arguments hidden: URLs past their host, the
    argument after `--token`-like options, `token=...` pairs, and key-like words."""
    shown: list[str] = []
    after_flag = False
    for index, arg in enumerate(argv):
        if index == 0:
            shown.append(arg)  # the program: a path or a name, never the secret
        elif after_flag:
            shown.append(HIDDEN)
        elif "://" in arg:
            shown.append(shown_url(arg))
        elif _TOKENISH.search(arg.rpartition("=")[2]) and "/" not in arg:
            key, eq, _ = arg.rpartition("=")
            shown.append(f"{key}{eq}{HIDDEN}" if eq else HIDDEN)
        else:
            shown.append(redact(arg))
        after_flag = index > 0 and bool(_SECRET_FLAG.match(arg))
    return tuple(shown)


def kept_url(sent: str, stored: str) -> str:
    """What a form's URL field means: the stored URL when it came back as it was shown."""
    return stored if stored and sent.strip() == shown_url(stored) else sent.strip()


def kept_command(sent: Sequence[str], stored: Sequence[str]) -> tuple[str, ...]:
    """Each argument the form sent back as it was shown is the stored one (same place)."""
    shown = shown_command(stored)
    return tuple(
        stored[index] if index < len(stored) and arg == shown[index] else arg
        for index, arg in enumerate(sent)
    )
