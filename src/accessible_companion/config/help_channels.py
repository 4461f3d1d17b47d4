"""The call for help's channels, checked before they are needed: a webhook and a heartbeat
that are safe URLs, a notify command that exists, every contact's Apprise URL (parsed by
Apprise, never sent to) or command. A channel found broken at 3 am calls nobody. A contact
is named by its `name`; its URL is never repeated (it may hold a token)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from ..core.settings import Contact, HelpCall
from .problems import Problem
from .yaml_lines import LinedYaml


def help_channel_problems(help_call: HelpCall, doc: LinedYaml) -> list[Problem]:
    problems = (
        _url_problems("webhook", help_call.webhook, help_call, doc)
        + _url_problems("heartbeat_url", help_call.heartbeat_url, help_call, doc)
        + _command_problems(help_call, doc)
    )
    names: set[str] = set()
    for index, contact in enumerate(help_call.contacts):
        problems += _contact_problems(contact, index, doc, names)
    return problems


def _contact_problems(contact: Contact, index: int, doc: LinedYaml, names: set[str]) -> list[Problem]:
    where = ("settings", "help", "contacts", index)
    name = contact.name.strip()
    if not name:
        return [
            doc.problem(
                where, f"help.contacts[{index}]: give the contact a name (it is shown, the URL never)"
            )
        ]
    problems: list[Problem] = []
    if name in names:
        problems.append(doc.problem((*where, "name"), f"help.contacts: '{name}' is named twice"))
    names.add(name)
    if contact.after_seconds < 0:
        problems.append(
            doc.problem((*where, "after_seconds"), f"help.contacts '{name}': after_seconds below 0")
        )
    if bool(contact.url.strip()) == bool(contact.command):
        problems.append(
            doc.problem(where, f"help.contacts '{name}': give either url or command (one of them)")
        )
        return problems
    if contact.command:
        problem = _program_problem(contact.command[0], f"help.contacts '{name}' command")
        if problem:
            problems.append(doc.problem((*where, "command", 0), problem))
        return problems
    if not _apprise_accepts(contact.url.strip()):
        problems.append(
            doc.problem(
                (*where, "url"),
                f"help.contacts '{name}': not a notification URL Apprise knows "
                "(e.g. ntfy://topic, tgram://token/chat, mailto://user:pass@host, json://host/path)",
            )
        )
    return problems


def _apprise_accepts(url: str) -> bool:
    """Apprise parses the URL into one of its services, sending nothing."""
    import apprise  # loads its plugins: only when there are contacts to check

    return apprise.Apprise.instantiate(url) is not None


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
    if not command[0].strip():
        return [doc.problem(where, "help.notify_command[0] is blank: give the program to run")]
    problem = _program_problem(command[0], "help.notify_command")
    return [doc.problem(where, problem)] if problem else []


def _program_problem(program: str, what: str) -> str:
    """What is wrong with a command's program (`what` names the setting), or ""."""
    if not program.strip():
        return f"{what}: the program is blank"
    if "/" not in program:
        return f"{what}: '{program}' is not found on PATH" if shutil.which(program) is None else ""
    path = Path(program)
    if not path.is_absolute():
        return f"{what}: give the full path of '{program}' (starting with /)"
    if not path.exists():
        return f"{what}: no such program '{program}'"
    if not path.is_file() or not os.access(path, os.X_OK):
        return f"{what}: '{program}' is not executable"
    return ""
