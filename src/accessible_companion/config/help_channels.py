"""The call for help's channels, checked before they are needed: a webhook that is a safe
URL, a notify command that exists. A channel found broken at 3 am calls nobody."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from ..core.settings import HelpCall
from .problems import Problem
from .yaml_lines import LinedYaml


def help_channel_problems(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    return _webhook_problems(help_call, doc) + _command_problems(help_call, doc)


def _webhook_problems(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    url = help_call.webhook
    where = ("settings", "help", "webhook")
    if url == "":
        return []
    if not url.strip():
        return [doc.problem(where, "help.webhook is blank: give a URL or remove the key")]
    # The URL is never repeated: it may hold a token.
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return [doc.problem(where, "help.webhook: not a URL like https://example.org/hook")]
    allowed = ("https", "http") if help_call.allow_insecure_webhook else ("https",)
    if parts.scheme.lower() not in allowed:
        if help_call.allow_insecure_webhook:
            return [doc.problem(where, "help.webhook: must start with https:// or http://")]
        hint = " (or set help.allow_insecure_webhook: true)" if parts.scheme.lower() == "http" else ""
        return [doc.problem(where, f"help.webhook: must start with https://, so the alert is private{hint}")]
    if parts.username is not None or parts.password is not None:
        return [
            doc.problem(
                where,
                "help.webhook: a user name or password in the URL would be shown and kept in logs; "
                "use a token in the path instead",
            )
        ]
    if not parts.hostname:
        return [doc.problem(where, "help.webhook: no host name after https://")]
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
