"""The caregiver's page: Contacts. Whom a call for help reaches, how each was last reached,
a test message to any one of them, and the heartbeat.

A contact is shown by its name and its `after_seconds` only: its URL or command line often
holds a token or a password, so neither is ever put in the page (nor is the heartbeat URL).

"Send a test" sends through `notify.notifier.Notifier`, the class a real call for help uses:
the same channel numbering (`help_channels`), the same Apprise call, command run or webhook
POST, the same timeout and redaction. It runs here, in the page's process, from the config
files as saved, so a contact can be tried while setting it up, even with the companion
stopped; what it cannot show is a fault of the companion's own process (its notifier
thread), which the benchmark and the escalation tests cover. One attempt, no retries: the
caregiver sees the result in seconds and can press again. Nothing is journaled: a test is
not a call for help and must not show in the report.

The last delivery per contact is the journal's last `notify_results` row with its name. The
heartbeat's last ping comes from the running companion (each ping's outcome is sent over
the page's link: the trace keeps only the changes).
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..core.events import NotifyDone
from ..core.records import NotifyResult
from ..core.settings import HelpCall, help_channels
from ..journal.store import JournalError, Stamped, open_existing
from ..notify.notifier import Notifier
from . import flash
from .pages import checked_form, render, state_of
from .switch_feed import read_settings

log = logging.getLogger(__name__)

TEST_MESSAGE = "Test from Accessible Companion: no help is needed"
TEST_TRIGGER = "test"
LOAD_WAIT = 10.0
"""Seconds past the notify timeout a test may take: loading Apprise takes about 2 s."""
KINDS = {"apprise": "notification service", "command": "command", "webhook": "webhook"}


@dataclass(frozen=True)
class Delivery:
    when: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ContactRow:
    index: int
    """Its number among the channels (`help_channels`), as the notifier numbers them."""
    name: str
    kind: str
    after_seconds: float
    last: Delivery | None


def _when(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%a %d %b %Y, %H:%M:%S")


def last_deliveries(path: Path | None) -> tuple[dict[str, Delivery], str]:
    """The last delivery per contact name from the journal, and why none could be read ("")."""
    if path is None or not path.is_file():
        return {}, ""
    try:
        with open_existing(path) as journal:
            rows: list[Stamped[NotifyResult]] = journal.notify_results()
    except JournalError as error:
        return {}, f"The journal cannot be read just now: {error}"
    found: dict[str, Delivery] = {}
    for row in rows:  # oldest first: the last one stays
        name = row.entry.contact or row.entry.kind  # rows from before contacts: "command", "webhook"
        found[name] = Delivery(_when(row.at), row.entry.ok, row.entry.detail)
    return found, ""


def contact_rows(help_call: HelpCall, delivered: dict[str, Delivery]) -> list[ContactRow]:
    return [
        ContactRow(
            index,
            channel.contact.name,
            KINDS.get(channel.kind, channel.kind),
            channel.contact.after_seconds,
            delivered.get(channel.contact.name),
        )
        for index, channel in enumerate(help_channels(help_call))
    ]


def send_test(help_call: HelpCall, index: int) -> NotifyDone:
    """Send the test message to channel `index` only, once, through the real notifier; waits
    for its result (blocking: call in a thread)."""
    done: queue.Queue[NotifyDone] = queue.Queue()

    def post(event: object, _at: float) -> None:
        if isinstance(event, NotifyDone):
            done.put(event)

    notifier = Notifier(
        help_call.notify_command,
        help_call.webhook,
        help_call.notify_timeout,
        retries=1,
        contacts=help_call.contacts,
    )
    notifier.start(post)
    try:
        # "need": Apprise marks it as information, not as a failure alert.
        notifier.notify(0, TEST_MESSAGE, TEST_TRIGGER, contact=index, level="need")
        try:
            return done.get(timeout=help_call.notify_timeout + LOAD_WAIT)
        except queue.Empty:
            return NotifyDone("", False, "no answer in time", 1, 0, "")
    finally:
        notifier.stop()


def heartbeat_view(help_call: HelpCall, seen: dict[str, Any] | None, running: bool) -> dict[str, Any]:
    """What the page says of the heartbeat (never its URL)."""
    configured = bool(help_call.heartbeat_url.strip())
    view: dict[str, Any] = {"configured": configured, "minutes": help_call.heartbeat_minutes}
    if seen is not None and isinstance(seen.get("at"), int | float):
        view["last"] = {
            "when": _when(float(seen["at"])),
            "ok": bool(seen.get("ok")),
            "ping": str(seen.get("ping", "")),
            "detail": str(seen.get("detail", "")),
        }
    elif configured and running:
        view["note"] = (
            "The running companion has sent no ping yet. A heartbeat URL added or changed "
            "while it runs is used from its next start."
        )
    elif configured:
        view["note"] = "The companion is not running, so it sends no pings now."
    return view


async def contacts_page(request: Request) -> Response:
    state = state_of(request)
    settings = await run_in_threadpool(read_settings, state.config)
    delivered, trouble = await run_in_threadpool(last_deliveries, state.journal_path)
    seen = state.link.last_heartbeat() if state.link is not None else None
    return render(
        request,
        "contacts.html",
        contacts=contact_rows(settings.help, delivered),
        trouble=trouble,
        heartbeat=heartbeat_view(settings.help, seen, state.link is not None),
        flash=flash.take(request),
        test_message=TEST_MESSAGE,
    )


async def test_contact(request: Request) -> Response:
    form = await checked_form(request)
    state = state_of(request)
    settings = await run_in_threadpool(read_settings, state.config)
    channels = help_channels(settings.help)
    index_text, name = form.get("contact"), form.get("name")
    index = int(index_text) if isinstance(index_text, str) and index_text.isdigit() else -1
    # The name guards against the files changing between showing the page and the press.
    if not 0 <= index < len(channels) or channels[index].contact.name != name:
        return flash.redirect(
            request, "/contacts", "The contacts changed since this page was shown. Try again.", good=False
        )
    result = await run_in_threadpool(send_test, settings.help, index)
    if result.ok:
        return flash.redirect(request, "/contacts", f"Test sent to {name}: {result.detail}.")
    return flash.redirect(
        request, "/contacts", f"The test did not reach {name}: {result.detail}.", good=False
    )


routes: list[BaseRoute] = [
    Route("/contacts", contacts_page),
    Route("/contacts/test", test_contact, methods=["POST"]),
]
