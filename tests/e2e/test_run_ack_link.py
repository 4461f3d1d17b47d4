"""The "I'm coming" link end to end (issue 15, item 3): the real companion with its page on
the home network calls for help; a real HTTP server, Anna's `json://` contact, receives the
notification with the link; a real HTTP client opens it (nothing happens) and presses its
button: the trace shows Anna's acknowledgement, the room is told she is coming, Ben (due
3 s later) is never called, and a second press is refused."""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.config.document import ConfigDocument
from accessible_companion.core.records import Alert, NotifyResult
from accessible_companion.journal import Journal
from rigs.page_visitor import config_folder
from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display

NO_PROXY = {name: "" for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY")}
BEN_AFTER = 3.0


class Contacts:
    """A loopback server taking every contact's `json://` POST (the path names the contact)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.times: list[float] = []
        """time.monotonic() when each post arrived."""
        self.failing: set[str] = set()
        """Paths answered 500 (a contact whose service is down)."""
        self.arrived = threading.Condition()

    def wait_for(self, count: int, timeout: float) -> list[tuple[str, dict[str, Any]]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.posts) >= count, timeout), self.posts
            return list(self.posts)


@pytest.fixture
def contacts() -> Iterator[tuple[int, Contacts]]:
    received = Contacts()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            with received.arrived:
                received.posts.append((self.path, body))
                received.times.append(time.monotonic())
                received.arrived.notify_all()
            self.send_response(500 if self.path in received.failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def fetch(url: str, post: bool = False) -> tuple[int, str]:
    """A real HTTP request with no proxy: (status, page with its entities read, as shown)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=b"" if post else None, method="POST" if post else "GET")
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status), html.unescape(response.read().decode())
    except urllib.error.HTTPError as error:
        return int(error.code), html.unescape(error.read().decode())


def test_the_link_in_a_notification_acknowledges_once_and_the_room_hears_who_is_coming(
    tmp_path: Path, xvfb_display: str, contacts: tuple[int, Contacts]
) -> None:
    port, received = contacts
    folder = config_folder(tmp_path, listen="0.0.0.0")
    document = ConfigDocument.read(folder)
    for key, value in {
        "scanning.mode": "step",
        "help.hold_seconds": 1.2,
        "help.cancel_seconds": 0.0,
        "help.contacts": [
            {"name": "Anna", "url": f"json://127.0.0.1:{port}/anna", "after_seconds": 0},
            {"name": "Ben", "url": f"json://127.0.0.1:{port}/ben", "after_seconds": BEN_AFTER},
        ],
    }.items():
        document.set_setting(key, value)
    document.save()
    journal = tmp_path / "journal.sqlite3"
    app = Companion.start(
        tmp_path,
        *("--config", str(folder), "--input", "x11", "--no-speech", "--no-voice", "--journal", str(journal)),
        env={"DISPLAY": xvfb_display, **NO_PROXY},
        page=True,
    )
    try:
        page = str(app.wait_for(lambda line: line.get("event") == "caregiver_page" and "url" in line)["url"])
        assert not page.startswith("http://127."), page  # a phone could reach it
        app.wait_for(event("highlight", menu="home", index=0))
        press(xvfb_display, "space", hold=1.8)
        raised = app.wait_for(event("alert", trigger="hold"), timeout=5)
        path, body = received.wait_for(1, timeout=10)[0]
        assert path == "/anna"
        message, link_line = body["message"].split("\n")
        assert link_line.startswith(f"I'm coming: {page}ack/")
        link = link_line.removeprefix("I'm coming: ")
        # Opening the link (a chat app's preview does the same) changes nothing.
        status, shown = fetch(link)
        assert status == 200 and "I'm coming</button>" in shown
        assert not [line for line in app.lines() if line["event"] == "acknowledged"]
        status, shown = fetch(link, post=True)
        acknowledged_at = time.monotonic()
        assert status == 200 and "you are coming" in shown
        acknowledged = app.wait_for(event("acknowledged", by="Anna"), timeout=5)
        ended = app.wait_for(event("record", kind="Alert", stage="ended"), timeout=5)
        coming = app.wait_for(event("speak", text="Anna is coming."), timeout=5)
        status, again = fetch(link, post=True)
        assert status == 409 and "Already acknowledged by Anna at" in again
        # Ben was due BEN_AFTER seconds after Anna; wait past that and some.
        time.sleep(max(0.0, BEN_AFTER + 1.5 - (time.monotonic() - acknowledged_at)))
    finally:
        assert app.stop() == 0
    assert [p for p, _ in received.posts] == ["/anna"]
    lines = app.lines()
    assert not [line for line in lines if line["event"] == "notify_contact" and line.get("name") == "Ben"]
    assert acknowledged["alert"] == raised["alert"] == ended["number"] == 1
    assert ended["acknowledged_by"] == "Anna" and ended["cancelled"] is False
    assert ended["seconds_to_ack"] > 0
    assert lines.index(acknowledged) < lines.index(ended) < lines.index(coming)
    assert message == "Please come, I need help now."
    with Journal(journal) as stored:  # the journal's row of the call: who came, after how long
        assert [s.entry for s in stored.alerts()] == [Alert("hold", "Anna", ended["seconds_to_ack"], False)]


def test_contacts_are_called_in_turn_in_real_time_until_the_caregiver_key_stops_it(
    tmp_path: Path, xvfb_display: str, contacts: tuple[int, Contacts]
) -> None:
    """Issue 15, item 5: escalation order and timing through the real process, in real time.
    Anna's service is down: Ben is still called at his time; the caregiver key ends the call
    before Carol's."""
    port, received = contacts
    received.failing.add("/anna")
    folder = config_folder(tmp_path)
    document = ConfigDocument.read(folder)
    for key, value in {
        "scanning.mode": "step",
        "help.hold_seconds": 1.2,
        "help.cancel_seconds": 0.0,
        "help.notify_retries": 1,
        "help.contacts": [
            {"name": "Anna", "url": f"json://127.0.0.1:{port}/anna", "after_seconds": 0},
            {"name": "Ben", "url": f"json://127.0.0.1:{port}/ben", "after_seconds": 2.0},
            {"name": "Carol", "url": f"json://127.0.0.1:{port}/carol", "after_seconds": 30.0},
        ],
    }.items():
        document.set_setting(key, value)
    document.save()
    journal = tmp_path / "journal.sqlite3"
    app = Companion.start(
        tmp_path,
        *("--config", str(folder), "--input", "x11", "--no-speech", "--no-voice", "--journal", str(journal)),
        env={"DISPLAY": xvfb_display, **NO_PROXY},
    )
    try:
        app.wait_for(event("highlight", menu="home", index=0))
        press(xvfb_display, "space", hold=1.8)
        app.wait_for(event("alert", trigger="hold"), timeout=5)
        received.wait_for(2, timeout=10)
        app.wait_for(event("notified", contact="Ben"), timeout=10)
        press(xvfb_display, "Escape")
        ended = app.wait_for(event("record", kind="Alert", stage="ended"), timeout=5)
    finally:
        assert app.stop() == 0
    assert [p for p, _ in received.posts] == ["/anna", "/ben"]
    gap = received.times[1] - received.times[0]
    assert 1.5 < gap < 4.0, gap  # Ben's after_seconds, 2 s after Anna's (not after her failure)
    lines = app.lines()
    assert [line["name"] for line in lines if line["event"] == "notify_contact"] == ["Anna", "Ben"]
    assert ended["acknowledged_by"] == "caregiver" and ended["level"] == "now"
    with Journal(journal) as stored:
        results = [(s.entry.contact, s.entry.ok) for s in stored.notify_results()]
        assert results == [("Anna", False), ("Ben", True)]
        assert all(isinstance(s.entry, NotifyResult) for s in stored.notify_results())
        (call,) = [s.entry for s in stored.alerts()]
        assert (call.acknowledged_by, call.level) == ("caregiver", "now")
