""" "Send a test alert": try the saved notify command and webhook, without a real call for help.

The page makes a `Notifier` of its own from the saved help settings, so the companion's
core never hears of it (no alert, no chime, no journal entry), and its message says plainly
that it is a test. Each channel is tried once and waited for, so the caregiver sees at once
whether the phone would ring.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass

from ..core.events import Event, NotifyDone
from ..core.settings import HelpCall
from ..errors import redact, url_secrets
from ..notify.notifier import Notifier

MESSAGE = (
    "This is a test of the call for help, sent from the caregiver's page. "
    "It is not a real call for help: nobody needs to come."
)
TRIGGER = "test"
"""COMPANION_TRIGGER and the webhook's `trigger` for a test (real calls say hold, gesture, voice or menu)."""
ALERT = 0
"""The alert number of a test (real alerts count from 1)."""
LONGEST = 20.0
"""Seconds a channel is given at most, whatever `notify_timeout` says: the caregiver is waiting."""
GRACE = 2.0
"""Seconds beyond that for the notifier's own bookkeeping."""


@dataclass(frozen=True)
class ChannelResult:
    kind: str
    """`command` or `webhook`."""
    ok: bool
    detail: str
    """What happened, with secrets hidden."""

    @property
    def words(self) -> str:
        name = "The notify command" if self.kind == "command" else "The webhook"
        return f"{name}: {'delivered' if self.ok else 'not delivered'} ({self.detail})."


def send_test_alert(help_call: HelpCall) -> list[ChannelResult]:
    """Try each configured channel once and wait for its result (blocking: call from a thread)."""
    timeout = min(help_call.notify_timeout, LONGEST)
    notifier = Notifier(help_call.notify_command, help_call.webhook, timeout=timeout, retries=1)
    if not notifier.configured:
        return []
    kinds = (["command"] if help_call.notify_command else []) + (
        ["webhook"] if help_call.webhook.strip() else []
    )
    done: queue.Queue[NotifyDone] = queue.Queue()

    def post(event: Event, _at: float) -> None:
        if isinstance(event, NotifyDone):
            done.put(event)

    results: dict[str, NotifyDone] = {}
    notifier.start(post)
    try:
        notifier.notify(ALERT, MESSAGE, TRIGGER)
        deadline = time.monotonic() + timeout + GRACE
        while len(results) < len(kinds) and (left := deadline - time.monotonic()) > 0:
            try:
                event = done.get(timeout=left)
            except queue.Empty:
                break
            results.setdefault(event.kind, event)
    finally:
        notifier.stop()
    secrets = (*(url_secrets(help_call.webhook) if help_call.webhook else ()), *_command_secrets(help_call))
    return [
        ChannelResult(kind, results[kind].ok, redact(results[kind].detail, secrets))
        if kind in results
        else ChannelResult(kind, False, f"no answer within {timeout + GRACE:g} s")
        for kind in kinds
    ]


def _command_secrets(help_call: HelpCall) -> list[str]:
    """The parts of the command line `redact` would hide (`--token=abc`: `abc`), which the
    command's own output may repeat; the notifier only knows the webhook's."""
    found: list[str] = []
    for part in help_call.notify_command:
        if redact(part) == part:
            continue
        found.append(part)
        for separator in ("=", ":"):
            if separator in part:
                found.append(part.split(separator, 1)[1].strip())
        if "://" in part:
            found += url_secrets(part)
    return [text for text in found if len(text) >= 4]
