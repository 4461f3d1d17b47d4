"""The call for help's channels, checked before they are needed: a webhook and a heartbeat
that are safe URLs, a notify command that exists. A channel found broken at 3 am calls nobody."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from ..core.settings import HelpCall
from .problems import Problem
from .yaml_lines import LinedYaml


def help_channel_problems(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    return (
        _url_problems("webhook", help_call.webhook, help_call, doc)
        + _url_problems("heartbeat_url", help_call.heartbeat_url, help_call, doc)
        + _command_problems(help_call, doc)
    )


HEARTBEAT_WARN_MINUTES = 1.0
"""Below this, pings every few seconds: fine for a test, noise for a real service's log."""


def help_channel_warnings(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    """Told, not refused: a heartbeat more often than once a minute."""
    where = ("settings", "help", "heartbeat_minutes")
    if not help_call.heartbeat_url.strip() or help_call.heartbeat_minutes >= HEARTBEAT_WARN_MINUTES:
        return []
    if where not in doc.lines:  # only what this file says
        return []
    message = (
        f"help.heartbeat_minutes: {help_call.heartbeat_minutes:g} pings more than once a minute; "
        "a heartbeat service expects minutes (5 is usual)"
    )
    return [Problem(doc.file, doc.line(where), message, True)]


def _url_problems(key: str, url: str, help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    """help.webhook and help.heartbeat_url: the same rules, as both may carry the alarm."""
    name = f"help.{key}"
    where = ("settings", "help", key)
    if url == "":
        return []
    if not url.strip():
        return [doc.problem(where, f"{name} is blank: give a URL or remove the key")]
    # The URL is never repeated: it may hold a token.
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return [doc.problem(where, f"{name}: not a URL like https://example.org/hook")]
    allowed = ("https", "http") if help_call.allow_insecure_webhook else ("https",)
    if parts.scheme.lower() not in allowed:
        if help_call.allow_insecure_webhook:
            return [doc.problem(where, f"{name}: must start with https:// or http://")]
        hint = " (or set help.allow_insecure_webhook: true)" if parts.scheme.lower() == "http" else ""
        return [doc.problem(where, f"{name}: must start with https://, so the alert is private{hint}")]
    if parts.username is not None or parts.password is not None:
        return [
            doc.problem(
                where,
                f"{name}: a user name or password in the URL would be shown and kept in logs; "
                "use a token in the path instead",
            )
        ]
    if not parts.hostname:
        return [doc.problem(where, f"{name}: no host name after https://")]
    return []


def _command_problems(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    command = help_call.notify_command
    where = ("settings", "help", "notify_command", 0)
    if not command:
        return []
    program = command[0]
    if not program.strip():
        return [doc.problem(where, "help.notify_command[0] is blank: give the program to run")]
    if "/" not in program:
        if shutil.which(program) is None:
            return [doc.problem(where, f"help.notify_command: '{program}' is not found on PATH")]
        return []
    path = Path(program)
    if not path.is_absolute():
        return [
            doc.problem(where, f"help.notify_command: give the full path of '{program}' (starting with /)")
        ]
    if not path.exists():
        return [doc.problem(where, f"help.notify_command: no such program '{program}'")]
    if not path.is_file() or not os.access(path, os.X_OK):
        return [doc.problem(where, f"help.notify_command: '{program}' is not executable")]
    return []
