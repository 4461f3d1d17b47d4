"""The heartbeat (issue 15, item 4): its schedule and news are pure; the pings go to a real
HTTP server on loopback; its settings are checked by `check`."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from accessible_companion.config import load_config
from accessible_companion.notify.heartbeat import Heartbeat, News, Schedule, fail_request, is_uptime_kuma

KEY = "0f1e2d3c-b4a5-4697-8899-aabbccddeeff"
"""A Healthchecks check's UUID: the URL's secret."""


# --- pure: the schedule -------------------------------------------------------------------------


def test_the_first_ping_is_due_at_once_then_every_interval() -> None:
    schedule = Schedule(interval=300.0, due=1000.0)
    assert schedule.wait(1000.0) == 0.0
    schedule.sent(1000.4)  # the ping took 0.4 s: the cadence does not drift by it
    assert schedule.due == 1300.0
    assert schedule.wait(1100.0) == 200.0
    schedule.sent(1301.0)
    assert schedule.due == 1600.0


def test_after_a_stall_one_ping_then_a_full_interval_no_catching_up() -> None:
    schedule = Schedule(interval=300.0, due=1300.0)
    schedule.sent(5000.0)  # the machine slept through twelve pings
    assert schedule.due == 5300.0
    assert schedule.wait(5000.0) == 300.0


def test_a_ping_late_by_less_than_an_interval_keeps_the_cadence() -> None:
    schedule = Schedule(interval=300.0, due=1300.0)
    schedule.sent(1450.0)
    assert schedule.due == 1600.0


# --- pure: what is worth telling ----------------------------------------------------------------


def test_the_first_outcome_and_each_change_are_news_repeats_are_not() -> None:
    news = News()
    told = [news.tell(ok) for ok in (True, True, False, False, False, True, True, False)]
    assert told == [True, False, True, False, False, True, False, True]


def test_a_failing_first_ping_is_news() -> None:
    news = News()
    assert news.tell(False) is True
    assert news.tell(False) is False


# --- pure: the stop ping's request --------------------------------------------------------------


def test_healthchecks_fail_ping_is_a_post_to_fail_with_the_reason() -> None:
    url, body = fail_request(f"https://hc-ping.com/{KEY}", "signal SIGTERM")
    assert url == f"https://hc-ping.com/{KEY}/fail"
    assert body == b"stopped: signal SIGTERM"
    # A trailing slash or a query stays where it belongs.
    url, _ = fail_request("https://hc.example.org/ping/abc/?rid=1", "quit chord")
    assert url == "https://hc.example.org/ping/abc/fail?rid=1"


def test_uptime_kuma_push_gets_status_down_with_the_reason() -> None:
    push = "https://kuma.example.org/api/push/Ab12Cd34?status=up&msg=OK&ping="
    assert is_uptime_kuma(push) and not is_uptime_kuma(f"https://hc-ping.com/{KEY}")
    url, body = fail_request(push, "no switch input")
    parts = urlsplit(url)
    assert body is None and parts.path == "/api/push/Ab12Cd34"
    assert parse_qs(parts.query, keep_blank_values=True) == {
        "status": ["down"],
        "msg": ["stopped: no switch input"],
        "ping": [""],
    }


# --- real: a local HTTP server ------------------------------------------------------------------


@dataclass
class Ping:
    method: str
    path: str
    body: str
    at: float


@dataclass
class Service:
    """A dead-man's-switch service on loopback: records every ping; answers `status`."""

    url: str
    pings: list[Ping] = field(default_factory=list)
    status: int = 200
    server: Any = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Ping]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.pings) >= count:
                return list(self.pings)
            time.sleep(0.01)
        raise AssertionError(f"{len(self.pings)} pings, wanted {count}: {self.pings}")


@pytest.fixture
def service() -> Iterator[Service]:
    found = Service("")

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            found.pings.append(Ping(self.command, self.path, body, time.monotonic()))
            text = f"no check at {self.path}".encode()  # servers echo the path: a secret
            self.send_response(found.status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def do_GET(self) -> None:
            self.answer()

        def do_POST(self) -> None:
            self.answer()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/ping/{KEY}"
    found.server = server
    yield found
    server.shutdown()
    server.server_close()


class Reports:
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def __call__(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


def test_pings_at_start_every_interval_and_fails_at_stop_with_the_reason(service: Service) -> None:
    reports = Reports()
    beat = Heartbeat(service.url, minutes=0.005, report=reports)  # every 0.3 s
    beat.start()
    pings = service.wait_for(4)
    beat.stop("signal SIGTERM")
    beat.wait()
    pings = list(service.pings)
    beats, last = pings[:-1], pings[-1]
    assert all(p.method == "GET" and p.path == f"/ping/{KEY}" and p.body == "" for p in beats)
    gaps = [b.at - a.at for a, b in itertools.pairwise(beats)]
    assert all(gap > 0.25 for gap in gaps), gaps  # on the interval, not sooner
    assert (last.method, last.path, last.body) == ("POST", f"/ping/{KEY}/fail", "stopped: signal SIGTERM")
    # The first success is told, the repeats are not; the stop ping is told with its reason.
    assert reports.lines == [
        {"event": "heartbeat", "ping": "start", "ok": True, "detail": "HTTP 200"},
        {"event": "heartbeat", "ping": "stop", "ok": True, "detail": "HTTP 200", "reason": "signal SIGTERM"},
    ]
    time.sleep(0.8)
    assert len(service.pings) == len(pings)  # nothing after the stop ping


def test_a_failing_service_is_told_once_until_it_works_again(service: Service) -> None:
    reports = Reports()
    service.status = 503
    beat = Heartbeat(service.url, minutes=0.003, report=reports)  # every 0.18 s
    beat.start()
    try:
        service.wait_for(8)  # each failed ping is tried once more
        failing = list(reports.lines)
        service.status = 200
        count = len(service.pings)
        service.wait_for(count + 4)
    finally:
        beat.stop("quit chord")
        beat.wait()
    detail = "HTTP 503 Service Unavailable"
    assert failing == [{"event": "heartbeat", "ping": "start", "ok": False, "detail": detail}]
    assert reports.lines[1] == {"event": "heartbeat", "ping": "beat", "ok": True, "detail": "HTTP 200"}
    assert [line["ping"] for line in reports.lines] == ["start", "beat", "stop"]
    # One retry per ping, a second after the failure, and no more.
    failed = service.pings[:8]
    assert [round(b.at - a.at) for a, b in zip(failed[::2], failed[1::2], strict=True)] == [1, 1, 1, 1]


def test_a_refused_ping_is_told_without_the_key() -> None:
    reports = Reports()
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        port = probe.server_address[1]  # closed again: nothing listens there
    beat = Heartbeat(f"http://127.0.0.1:{port}/ping/{KEY}", minutes=5, report=reports)
    beat.start()
    deadline = time.monotonic() + 10
    while not reports.lines and time.monotonic() < deadline:
        time.sleep(0.02)
    beat.stop("signal SIGINT")
    beat.wait()
    assert [(line["ping"], line["ok"]) for line in reports.lines] == [("start", False), ("stop", False)]
    assert "Connection refused" in reports.lines[0]["detail"]
    assert all(KEY not in str(line) for line in reports.lines)


def test_a_silent_service_holds_up_neither_start_nor_stop() -> None:
    """A service that takes the connection and never answers, with a 60 s timeout: start and
    stop return at once, and the stop ping is given up within its budget (seconds, not 60)."""
    reports = Reports()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        beat = Heartbeat(f"http://127.0.0.1:{silent.getsockname()[1]}/ping/{KEY}", 5, reports, timeout=60)
        began = time.monotonic()
        beat.start()
        time.sleep(0.3)  # the start ping is stuck now
        beat.stop("signal SIGTERM")
        returned = time.monotonic() - began
        beat.wait()
        waited = time.monotonic() - began
    assert returned < 2.0, returned
    assert waited < 15.0, waited
    ((line),) = reports.lines
    assert line["ping"] == "stop" and line["ok"] is False and "timed out" in line["detail"]


def test_a_beat_that_ends_after_the_stop_began_is_not_reported() -> None:
    """The start ping is stuck when the stop comes; the service then drops the connection, so
    the start ping fails at once. Only the stop ping is reported: a "start failed" after it
    would tell the caregiver's page and the trace of a beat that no longer matters."""
    reports = Reports()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    beat = Heartbeat(f"http://127.0.0.1:{silent.getsockname()[1]}/ping/{KEY}", 5, reports, timeout=60)
    beat.start()
    time.sleep(0.3)  # the start ping is stuck now
    beat.stop("signal SIGTERM")
    silent.close()  # resets the start ping's connection; the stop ping is refused
    beat.wait()
    assert [(line["ping"], line["ok"]) for line in reports.lines] == [("stop", False)]
    assert beat.seen is not None and beat.seen["ping"] == "stop"


def test_no_url_no_pings_and_stop_is_harmless() -> None:
    beat = Heartbeat("", minutes=5)
    assert not beat.configured
    beat.start()
    beat.stop("signal SIGTERM")
    beat.wait()


# --- the settings -------------------------------------------------------------------------------


def test_check_warns_of_a_heartbeat_more_often_than_once_a_minute(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "settings:\n  help:\n    allow_insecure_webhook: true\n"
        f"    heartbeat_url: http://127.0.0.1:9/ping/{KEY}\n    heartbeat_minutes: 0.02\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.settings.help.heartbeat_minutes == 0.02
    (warning,) = config.warnings
    assert warning.warning and warning.line == 5 and "more than once a minute" in warning.message
    assert KEY not in str(warning)
    path.write_text(path.read_text().replace("0.02", "1"), encoding="utf-8")
    assert load_config(path).warnings == ()
