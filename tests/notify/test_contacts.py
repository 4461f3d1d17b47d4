"""The contacts of a call for help through Apprise, with real servers on loopback: an HTTP
server takes `json://` notifications (one path per contact) and an SMTP server (aiosmtpd)
takes a `mailto://` contact's e-mail. The escalation's order and timing come from the real
core (fake clock, tests/core/test_escalation.py); here the real notifier sends what the core
asks for, when the loop would (the core's times, replayed on the real clock)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from accessible_companion.core.effects import NotifyContact
from accessible_companion.core.events import NotifyDone
from accessible_companion.core.menus import Action, Item
from accessible_companion.core.settings import Contact, HelpCall, Mode
from accessible_companion.notify.notifier import Notifier
from rigs.recorder import Recorder
from tests.support.harness import Harness, menu_set, settings

pytestmark = pytest.mark.real


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests (under Apprise) honours *_proxy variables; loopback must be reached directly."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


class Received:
    def __init__(self) -> None:
        self.posts: list[tuple[float, str, dict[str, Any]]] = []
        self.lock = threading.Lock()


@pytest.fixture
def http_server() -> Iterator[tuple[int, Received]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = 500 if self.path.startswith("/broken") else 200
            with received.lock:
                received.posts.append((time.monotonic(), self.path, json.loads(body)))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_contacts_are_reached_in_escalation_order_with_their_names(http_server: tuple[int, Received]) -> None:
    port, received = http_server
    contacts = (
        Contact("Anna", url=f"json://127.0.0.1:{port}/anna", after_seconds=0),
        Contact("Ben", url=f"json://127.0.0.1:{port}/broken-ben", after_seconds=0.6),
        Contact("Carol", url=f"json://127.0.0.1:{port}/carol?token=s3cret-value", after_seconds=1.2),
    )
    help_call = HelpCall(cancel_seconds=0, contacts=contacts)
    menus = menu_set(home=[Item("Help", action=Action.HELP, say="Please come."), "Water"])
    h = Harness.start(menus, replace(settings(Mode.STEP), help=help_call))
    h.press(2)
    h.wait(5)
    asked = [(t, e) for t, e in h.effects if isinstance(e, NotifyContact)]
    assert [e.name for _, e in asked] == ["Anna", "Ben", "Carol"]

    events = Recorder()
    notifier = Notifier(contacts=contacts, timeout=3.0, retries=1)
    notifier.start(events.post)
    assert notifier.ready.wait(10)  # as in the app, started long before any call for help
    try:
        began, first = time.monotonic(), asked[0][0]
        for at, effect in asked:  # as the loop would, at the core's times
            time.sleep(max(began + at - first - time.monotonic(), 0.0))
            notifier.notify(effect.alert, effect.message, effect.trigger, effect.contact, effect.level)
        done = [e for e, _ in events.wait_for_type(NotifyDone, 3, timeout=15)]
    finally:
        notifier.stop()
    assert [path.split("?")[0] for _, path, _ in received.posts] == ["/anna", "/broken-ben", "/carol"]
    assert {body["message"] for _, _, body in received.posts} == {"Please come."}
    arrivals = [t for t, _, _ in received.posts]
    assert 0.6 - 0.1 < arrivals[1] - arrivals[0] < 0.6 + 0.3  # each at its time (a margin for
    assert 0.6 - 0.1 < arrivals[2] - arrivals[1] < 0.6 + 0.3  # two loaded cores, not a benchmark)
    by_name = {d.contact: d for d in done}
    assert by_name["Anna"].ok and by_name["Carol"].ok and by_name["Anna"].kind == "apprise"
    assert not by_name["Ben"].ok and by_name["Ben"].detail  # a failure, and Carol still called
    assert all(d.alert == 1 for d in done)
    assert not any("s3cret" in d.detail or str(port) + "/carol" in d.detail for d in done)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_an_email_contact_gets_the_call_by_smtp() -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    got: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            got.append(bytes(envelope.content))
            return "250 OK"

    port = free_port()
    controller = controller_module.Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    events = Recorder()
    url = f"mailto://127.0.0.1:{port}?mode=insecure&from=companion@example.org&to=anna@example.org"
    notifier = Notifier(contacts=(Contact("Anna", url=url),), timeout=10.0, retries=1)
    notifier.start(events.post)
    try:
        notifier.notify(4, "Please come, I need help now.", "hold", 0, "now")
        [(done, _)] = events.wait_for_type(NotifyDone, 1, timeout=15)
    finally:
        notifier.stop()
        controller.stop()
    assert (done.ok, done.contact, done.alert) == (True, "Anna", 4), done
    [mail] = got
    message = message_from_bytes(mail)
    assert message["To"] and "anna@example.org" in message["To"]
    part = message.get_payload(0) if message.is_multipart() else message
    assert isinstance(part, Message)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes) and b"Please come, I need help now." in payload


def test_contacts_of_a_reloaded_config_are_called(http_server: tuple[int, Received]) -> None:
    """The core numbers contacts from the config it runs; the loop hands a reloaded one to the
    notifier, which had none at start (so it had not even started its thread)."""
    port, received = http_server
    events = Recorder()
    notifier = Notifier()
    notifier.start(events.post)
    try:
        notifier.configure(HelpCall(contacts=(Contact("Anna", url=f"json://127.0.0.1:{port}/anna"),)))
        notifier.notify(2, "Please come.", "hold", 0, "now")
        [(done, _)] = events.wait_for_type(NotifyDone, 1, timeout=15)
    finally:
        notifier.stop()
    assert (done.ok, done.contact) == (True, "Anna")
    assert [path for _, path, _ in received.posts] == ["/anna"]
