"""The page beside the companion: the live link (events to the loop, reloads with a reason,
trace lines, the journal), and starting it for real on a free port or failing on a taken one
without stopping anything."""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from accessible_companion.caregiver.beside import PageProcess, start_beside_companion
from accessible_companion.caregiver.link import TraceLine
from accessible_companion.caregiver.running import RunningPage
from accessible_companion.core.events import Event, PageAddress, SayPreview
from accessible_companion.core.records import ConfigEdit
from accessible_companion.trace import TraceWriter
from rigs.page_forms import form_fields, replaced
from rigs.page_visitor import Visitor, csrf_of


@pytest.fixture(autouse=True)
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


class Posted:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event, at: float) -> None:
        self.events.append(event)


class Journal:
    def __init__(self) -> None:
        self.entries: list[object] = []

    def write(self, entry: object, at: float | None = None) -> None:
        self.entries.append(entry)


def soon(check: Callable[[], bool]) -> None:
    end = time.monotonic() + 5
    while not check():
        assert time.monotonic() < end, "never happened"
        time.sleep(0.02)


def address_of(posted: Posted) -> PageAddress:
    soon(lambda: any(isinstance(e, PageAddress) for e in posted.events))
    return next(e for e in posted.events if isinstance(e, PageAddress))


def test_the_page_process_says_where_it_is_and_hands_its_requests_to_the_companion(
    config_dir: Path, tmp_path: Path
) -> None:
    posted = Posted()
    trace_file = tmp_path / "trace.jsonl"
    trace = TraceWriter(trace_file)
    journal = Journal()
    reloads: list[str] = []

    def reload(reason: str) -> None:
        # As the companion does once it runs the files: the page hears it in the trace.
        reloads.append(reason)
        trace.write("config", reason=reason, path=str(config_dir))

    stop = start_beside_companion(config_dir, "127.0.0.1", 0, posted, reload, trace, journal, None)
    assert stop is not None
    try:
        address = address_of(posted)
        assert address.url.startswith("http://127.0.0.1:") and address.code == ""  # no code on loopback
        soon(lambda: "caregiver_page" in trace_file.read_text())
        [line] = [text for text in trace_file.read_text().splitlines() if "caregiver_page" in text]
        assert f'"url": "{address.url}"' in line and '"listen": "127.0.0.1"' in line

        visitor = Visitor(address.url)
        status, _, form_page = visitor.request("GET", "/menus/home/items/0")
        assert status == 200
        fields = form_fields(form_page, "/menus/home/items/0")
        status, _, _ = visitor.request(
            "POST", "/say", {"csrf": csrf_of(form_page), "text": "Hello", "voice": "cue"}
        )
        assert status in (200, 303)
        soon(lambda: SayPreview("Hello", "cue") in posted.events)

        status, headers, _ = visitor.request("POST", "/menus/home/items/0", replaced(fields, label="Chats"))
        assert status == 303
        status, _, saved_page = visitor.request("GET", headers["location"])
        assert "In use now" in saved_page  # the trace line reached the page
        assert reloads and reloads[0].startswith("page:")
        soon(lambda: len(journal.entries) == 1)
        [edit] = journal.entries
        assert isinstance(edit, ConfigEdit) and "Chats" in edit.summary
    finally:
        stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(address.url, timeout=2)


def test_a_taken_port_is_traced_and_nothing_else_happens(config_dir: Path, tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    posted = Posted()
    heard: list[TraceLine] = []
    trace = TraceWriter(None)
    trace.listen(heard.append)
    try:
        stop = start_beside_companion(config_dir, "127.0.0.1", port, posted, None, trace, None, None)
        assert stop is not None  # the process started; it says it cannot serve
        soon(lambda: bool(heard))
        stop()
    finally:
        taken.close()
    assert posted.events == []
    [line] = heard
    assert line["event"] == "caregiver_page" and "url" not in line
    assert f"could not listen on 127.0.0.1 port {port}" in line["error"]
    assert "in use" in line["error"].lower()


def test_the_page_process_ends_when_the_companion_is_gone(config_dir: Path) -> None:
    posted = Posted()
    page = PageProcess(config_dir, "127.0.0.1", 0, posted, None, TraceWriter(None), None, None)
    assert page.start()
    address = address_of(posted)
    child = page._child
    assert child is not None
    assert page._channel is not None
    page._channel.close()  # as a SIGKILLed companion's end closes
    child.wait(timeout=10)
    with pytest.raises(OSError):
        urllib.request.urlopen(address.url, timeout=2)


def test_on_the_home_network_the_pairing_code_is_shown_and_a_new_one_after_use(config_dir: Path) -> None:
    shown: list[tuple[str, str]] = []
    page = RunningPage(config_dir, "0.0.0.0", 0, None, lambda url, code: shown.append((url, code)))
    assert page.start() == ""
    try:
        [(url, code)] = shown
        assert url == page.url and url.endswith(f":{page.port}/") and len(code) == 6
        assert page.locks.sign_in("192.168.1.7", code).session is not None
        assert len(shown) == 2 and shown[1][0] == url and shown[1][1] not in ("", code)
    finally:
        page.stop()


@pytest.mark.real
def test_the_contacts_page_shows_the_running_companions_last_heartbeat(config_dir: Path) -> None:
    """A real heartbeat pings a real server; its page process hears every ping (the trace
    only the changes) and the Contacts page says when the last one was answered."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from accessible_companion.notify.heartbeat import Heartbeat

    pings: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            pings.append(self.path)
            self.answer()

        def do_POST(self) -> None:  # the stop ping
            self.answer()

        def answer(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    service = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{service.server_address[1]}/ping/s3cret-key"
    settings = config_dir / "settings.yaml"
    text = settings.read_text().replace("    contacts: []\n", f"    heartbeat_url: {url}\n")
    settings.write_text(text.replace("allow_insecure_webhook: false", "allow_insecure_webhook: true"))
    trace = TraceWriter(None)
    told: list[TraceLine] = []
    trace.listen(told.append)
    heartbeat = Heartbeat(url, 0.01, trace.write)  # every 0.6 s
    heartbeat.start()
    posted = Posted()
    stop = start_beside_companion(
        config_dir, "127.0.0.1", 0, posted, None, trace, None, None, heartbeat=heartbeat
    )
    assert stop is not None
    try:
        visitor = Visitor(address_of(posted).url)
        soon(lambda: len(pings) >= 3)
        status, _, page = visitor.request("GET", "/contacts")
        assert status == 200
        assert 'id="last-ping"' in page and "answered" in page.split('id="last-ping"')[1].split("</p>")[0]
        assert "s3cret-key" not in page
        assert len([line for line in told if line["event"] == "heartbeat"]) == 1  # the trace: the first only
    finally:
        stop()
        heartbeat.stop("test")
        heartbeat.wait()
        service.shutdown()
        service.server_close()
