"""Call-for-help notifier: real commands (sh scripts in tmp_path) and a real HTTP server on loopback.

Timeouts and retry waits are kept small so the whole file runs in a few seconds; each
test measures what it promises (call time, delivery time, timeout accuracy).
"""

from __future__ import annotations

import itertools
import json
import logging
import shlex
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.core.events import NotifyDone
from accessible_companion.notify import notifier as notify
from accessible_companion.notify.notifier import Notifier
from rigs.recorder import Recorder

LOGGER = "accessible_companion.notify.notifier"

Make = Callable[..., Notifier]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours *_proxy variables; the loopback test server must be reached directly."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def events() -> Recorder:
    return Recorder()


@pytest.fixture
def make(events: Recorder) -> Iterator[Make]:
    """Builds started Notifiers (Notifier's arguments) and stops them all after the test."""
    made: list[Notifier] = []

    def build(**kwargs: Any) -> Notifier:
        notifier = Notifier(**kwargs)
        made.append(notifier)
        notifier.start(events.post)
        return notifier

    yield build
    for notifier in made:
        notifier.stop()


def script(tmp_path: Path, name: str, body: str) -> list[str]:
    """A small sh script in tmp_path; returns the argv that runs it."""
    path = tmp_path / name
    path.write_text(body)
    return ["sh", str(path)]


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 in a container may not reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not true within {timeout} s"
        time.sleep(0.01)


def timed_notify(
    notifier: Notifier, alert: int, message: str = "I need help", trigger: str = "hold"
) -> float:
    """Call notify() and return how long the call took (s)."""
    began = time.perf_counter()
    notifier.notify(alert, message, trigger)
    return time.perf_counter() - began


# A command that never ends on its own: a child sleeping in the same process group,
# with both pids written down so the test can check they were killed.
HANG = 'sleep 60 &\necho $! > "$0.child"\necho $$ > "$0.pid"\nwait\n'


def pids(tmp_path: Path, name: str) -> list[int]:
    return [int((tmp_path / f"{name}.{kind}").read_text()) for kind in ("pid", "child")]


# --- the command ---


def test_not_configured_does_nothing(events: Recorder) -> None:
    for notifier in (Notifier(), Notifier(command=[""], webhook="  ")):
        assert not notifier.configured
        notifier.start(events.post)
        notifier.notify(1, "help", "hold")
        notifier.stop()
    time.sleep(0.1)
    assert events.events == []
    assert Notifier(command=["true"]).configured
    assert Notifier(webhook="http://127.0.0.1:9/").configured


@pytest.mark.real
def test_command_gets_the_call_in_its_environment(make: Make, events: Recorder, tmp_path: Path) -> None:
    out = tmp_path / "env.json"
    dump = tmp_path / "dump.py"
    dump.write_text(
        "import json, os, sys\n"
        "env = {k: v for k, v in os.environ.items() if k.startswith('COMPANION_')}\n"
        "json.dump(env, open(sys.argv[1], 'w'))\n"
    )
    command = [sys.executable, str(dump), str(out)]
    notifier = make(command=command, retries=1)
    message = "Help! I can't breathe well; 'now' \"please\" — ça $HOME `x`"
    sent_at = time.monotonic()
    call = timed_notify(notifier, 42, message, "gesture")
    [(done, at)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("command", True, "exit 0", 1, 42, "command")
    assert call < 0.005
    assert at - sent_at < 2.0
    env = json.loads(out.read_text())
    assert env["COMPANION_MESSAGE"] == message  # no shell: passed as is
    assert env["COMPANION_TRIGGER"] == "gesture"
    assert env["COMPANION_ALERT"] == "42"
    stamp = datetime.fromisoformat(env["COMPANION_TIME"])
    assert stamp.utcoffset() is not None
    assert abs((datetime.now().astimezone() - stamp).total_seconds()) < 60


@pytest.mark.real
def test_command_failing_twice_then_working_is_retried_with_backoff(
    make: Make, events: Recorder, tmp_path: Path
) -> None:
    tries = tmp_path / "tries"
    command = script(
        tmp_path,
        "flaky.sh",
        f'{shlex.quote(sys.executable)} -c "import time; print(time.monotonic())" >> {tries}\n'
        f'[ "$(wc -l < {tries})" -ge 3 ] || {{ echo "pager busy"; exit 1; }}\n',
    )
    notifier = make(command=command, retries=3, retry_wait=0.1)
    notifier.notify(1, "help", "voice")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("command", True, "exit 0", 3, 1, "command")
    times = [float(line) for line in tries.read_text().split()]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # retry_wait, then twice that (plus the time to start python)
    assert 0.1 <= gaps[0] < 0.6
    assert 0.2 <= gaps[1] < 0.7


@pytest.mark.real
def test_command_always_failing_gives_up_after_retries(
    make: Make, events: Recorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    command = script(
        tmp_path, "fail.sh", 'echo "pager:\n  no line"; yes "long noise" | head -n 200\nexit 7\n'
    )
    caplog.set_level(logging.WARNING, logger=LOGGER)
    notifier = make(command=command, retries=2, retry_wait=0.05)
    notifier.notify(5, "help", "menu")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert (done.kind, done.ok, done.attempts) == ("command", False, 2)
    assert done.detail.startswith("exit 7: pager: no line long noise")
    assert "\n" not in done.detail
    assert len(done.detail) <= notify.DETAIL_MAX
    failed = [r for r in caplog.records if r.levelno == logging.WARNING and "attempt" in r.getMessage()]
    assert len(failed) == 2
    assert "exit 7" in failed[0].getMessage()


@pytest.mark.real
def test_missing_command_is_a_failed_attempt_and_retried(events: Recorder, make: Make) -> None:
    notifier = make(command=["/nonexistent/page-caregiver", "--now"], retries=3, retry_wait=0.01)
    notifier.notify(1, "help", "hold")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone(
        "command", False, "command not found: /nonexistent/page-caregiver", 3, 1, "command"
    )


def test_events_carry_the_given_clock(events: Recorder) -> None:
    notifier = Notifier(command=["/nonexistent/x"], retries=1, clock=lambda: 1234.5)
    notifier.start(events.post)
    try:
        notifier.notify(1, "help", "hold")
        [(_, at)] = events.wait_for_type(NotifyDone, 1)
        assert at == 1234.5
    finally:
        notifier.stop()


@pytest.mark.real
def test_notify_before_start_is_sent_once_started(events: Recorder, tmp_path: Path) -> None:
    notifier = Notifier(command=["true"], retries=1)
    try:
        notifier.notify(1, "help", "hold")
        time.sleep(0.05)
        assert events.events == []
        notifier.start(events.post)
        [(done, _)] = events.wait_for_type(NotifyDone, 1)
        assert done.ok
    finally:
        notifier.stop()


@pytest.mark.real
def test_hanging_command_is_killed_at_the_timeout(make: Make, events: Recorder, tmp_path: Path) -> None:
    command = script(tmp_path, "hang.sh", HANG)
    notifier = make(command=command, timeout=0.5, retries=1)
    sent_at = time.monotonic()
    call = timed_notify(notifier, 3)
    assert call < 0.005  # the loop never waits
    [(done, at)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("command", False, "timed out after 0.5 s", 1, 3, "command")
    assert 0.5 <= at - sent_at < 1.0
    running = pids(tmp_path, "hang.sh")  # the script and its child: the whole group
    wait_for(lambda: not any(alive(pid) for pid in running), timeout=1.0)


@pytest.mark.real
def test_stop_kills_a_running_command_and_returns_soon(events: Recorder, tmp_path: Path) -> None:
    command = script(tmp_path, "hang.sh", HANG)
    notifier = Notifier(command=command, timeout=30, retries=3)
    notifier.start(events.post)
    notifier.notify(1, "help", "hold")
    wait_for((tmp_path / "hang.sh.pid").exists)
    began = time.monotonic()
    notifier.stop()
    assert time.monotonic() - began < 2.0
    [(done, _)] = events.wait_for_type(NotifyDone, 1, timeout=1.0)
    assert done == NotifyDone("command", False, "stopped", 1, 1, "command")
    running = pids(tmp_path, "hang.sh")
    wait_for(lambda: not any(alive(pid) for pid in running), timeout=1.0)
    assert timed_notify(notifier, 2) < 0.005  # after stop: ignored, never raises
    time.sleep(0.05)
    assert len(events.of_type(NotifyDone)) == 1


@pytest.mark.real
def test_stop_ends_a_retry_wait_at_once(events: Recorder, tmp_path: Path) -> None:
    tries = tmp_path / "tries"
    command = script(tmp_path, "fail.sh", f"echo x >> {tries}\nexit 1\n")
    notifier = Notifier(command=command, retries=5, retry_wait=30)
    notifier.start(events.post)
    notifier.notify(1, "help", "hold")
    wait_for(tries.exists)
    time.sleep(0.1)  # into the 30 s wait
    began = time.monotonic()
    notifier.stop()
    assert time.monotonic() - began < 0.5
    [(done, _)] = events.wait_for_type(NotifyDone, 1, timeout=1.0)
    assert done == NotifyDone("command", False, "stopped after: exit 1", 1, 1, "command")


@pytest.mark.real
def test_alerts_in_flight_do_not_wait_for_each_other(make: Make, events: Recorder, tmp_path: Path) -> None:
    command = script(tmp_path, "slow.sh", 'sleep 0.6\necho "$COMPANION_ALERT" >> "$0.log"\n')
    notifier = make(command=command, retries=1)
    sent_at = time.monotonic()
    notifier.notify(1, "help", "hold")
    notifier.notify(2, "help again", "voice")
    done = events.wait_for_type(NotifyDone, 2)
    assert [d.ok for d, _ in done] == [True, True]
    assert max(at for _, at in done) - sent_at < 1.1  # together, not one after the other
    assert sorted((tmp_path / "slow.sh.log").read_text().split()) == ["1", "2"]


# --- the webhook ---


class Hook:
    """A real HTTP server on loopback answering POSTs with `statuses` in turn (the last repeats)."""

    def __init__(self, statuses: list[int], delay: float = 0.0, token: str = "secret-token") -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hook.requests.append((self.command, self.path, dict(self.headers), body))
                status = statuses[min(len(hook.requests), len(statuses)) - 1]
                time.sleep(delay)
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "/elsewhere")
                if status == 204:  # no body allowed
                    self.end_headers()
                    return
                self.send_header("Content-Length", "14")
                self.end_headers()
                self.wfile.write(b"server says hi")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/{token}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks() -> Iterator[list[Hook]]:
    made: list[Hook] = []
    yield made
    for hook in made:
        hook.close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) but never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sock.close()


@pytest.mark.real
def test_webhook_gets_the_json_body(make: Make, events: Recorder, hooks: list[Hook]) -> None:
    hook = Hook([200])
    hooks.append(hook)
    notifier = make(webhook=hook.url, retries=1)
    sent_at = time.monotonic()
    call = timed_notify(notifier, 7, "Please come — now", "voice")
    [(done, at)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("webhook", True, "HTTP 200", 1, 7, "webhook")
    assert call < 0.005
    assert at - sent_at < 1.0
    [(method, path, headers, body)] = hook.requests
    assert (method, path) == ("POST", "/hooks/secret-token")
    assert headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert set(sent) == {"message", "trigger", "alert", "time"}
    assert (sent["message"], sent["trigger"], sent["alert"]) == ("Please come — now", "voice", 7)
    assert datetime.fromisoformat(sent["time"]).utcoffset() is not None


@pytest.mark.real
def test_webhook_500_then_200_is_delivered_on_the_second_attempt(
    make: Make, events: Recorder, hooks: list[Hook]
) -> None:
    hook = Hook([500, 200])
    hooks.append(hook)
    notifier = make(webhook=hook.url, retries=3, retry_wait=0.05)
    notifier.notify(1, "help", "hold")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("webhook", True, "HTTP 200", 2, 1, "webhook")
    assert len(hook.requests) == 2


@pytest.mark.real
def test_webhook_errors_and_redirects_are_failures(make: Make, events: Recorder, hooks: list[Hook]) -> None:
    hook = Hook([302])  # followed, urllib would send a GET without the call and call it delivered
    hooks.append(hook)
    notifier = make(webhook=hook.url, retries=2, retry_wait=0.01)
    notifier.notify(1, "help", "hold")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert (done.ok, done.attempts) == (False, 2)
    assert done.detail == "HTTP 302 Found: server says hi"
    assert [r[0] for r in hook.requests] == ["POST", "POST"]
    assert "secret-token" not in done.detail


@pytest.mark.real
def test_refused_webhook_fails_with_a_one_line_detail(make: Make, events: Recorder) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    notifier = make(webhook=f"http://127.0.0.1:{port}/hook", retries=2, retry_wait=0.01)
    notifier.notify(1, "help", "hold")
    [(done, _)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("webhook", False, "cannot reach 127.0.0.1: Connection refused", 2, 1, "webhook")


def test_bad_webhook_url_fails_without_raising(events: Recorder) -> None:
    notifier = Notifier(webhook="file:///etc/passwd", retries=1)
    notifier.start(events.post)
    try:
        notifier.notify(1, "help", "hold")
        [(done, _)] = events.wait_for_type(NotifyDone, 1)
        assert not done.ok
        assert "http://" in done.detail
    finally:
        notifier.stop()


@pytest.mark.real
def test_silent_webhook_times_out(make: Make, events: Recorder, silent_url: str) -> None:
    notifier = make(webhook=silent_url, timeout=0.5, retries=1)
    sent_at = time.monotonic()
    notifier.notify(1, "help", "hold")
    [(done, at)] = events.wait_for_type(NotifyDone, 1)
    assert done == NotifyDone("webhook", False, "timed out after 0.5 s", 1, 1, "webhook")
    assert 0.5 <= at - sent_at < 1.0


@pytest.mark.real
def test_stop_does_not_wait_for_a_webhook(events: Recorder, silent_url: str) -> None:
    notifier = Notifier(webhook=silent_url, timeout=30, retries=3)
    notifier.start(events.post)
    notifier.notify(1, "help", "hold")
    time.sleep(0.2)  # connected, waiting for an answer
    began = time.monotonic()
    notifier.stop()
    assert time.monotonic() - began < 0.5
    [(done, _)] = events.wait_for_type(NotifyDone, 1, timeout=1.0)
    assert done == NotifyDone("webhook", False, "stopped while sending", 1, 1, "webhook")


# --- both ---


@pytest.mark.real
def test_dead_webhook_does_not_delay_the_command(
    make: Make, events: Recorder, tmp_path: Path, silent_url: str
) -> None:
    notifier = make(command=["true"], webhook=silent_url, timeout=1.0, retries=1)
    sent_at = time.monotonic()
    notifier.notify(1, "help", "hold")
    (first, first_at), (second, second_at) = events.wait_for_type(NotifyDone, 2)
    assert first == NotifyDone("command", True, "exit 0", 1, 1, "command")
    assert first_at - sent_at < 0.5
    assert second == NotifyDone("webhook", False, "timed out after 1 s", 1, 1, "webhook")
    assert 1.0 <= second_at - sent_at < 1.6


@pytest.mark.real
def test_slow_command_does_not_delay_the_webhook(
    make: Make, events: Recorder, tmp_path: Path, hooks: list[Hook]
) -> None:
    hook = Hook([204])
    hooks.append(hook)
    notifier = make(command=["sleep", "1"], webhook=hook.url, retries=1)
    sent_at = time.monotonic()
    notifier.notify(1, "help", "menu")
    (first, first_at), (second, second_at) = events.wait_for_type(NotifyDone, 2)
    assert first == NotifyDone("webhook", True, "HTTP 204", 1, 1, "webhook")
    assert first_at - sent_at < 0.5
    assert second == NotifyDone("command", True, "exit 0", 1, 1, "command")
    assert 1.0 <= second_at - sent_at < 1.6


# --- no secret in a detail ---

SECRETS = ("K3y-secret-42", "T0kenABC", "Pw-secret", "user:Pw")


class EchoHook:
    """A real HTTP server that fails every POST with 500 and the request's path and query in the body,
    as real services do ("no hook at /hook/<key>", "invalid token=<key>")."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = f"no hook at {self.path} (invalid token)".encode()
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.real
def test_no_failure_puts_a_secret_of_the_url_in_the_detail_or_the_log(
    events: Recorder, silent_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    echo = EchoHook()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused_port = closed.getsockname()[1]
    closed.close()
    silent_port = silent_url.split(":")[2].split("/", maxsplit=1)[0]
    tail = "/hook/K3y-secret-42?token=T0kenABC"
    urls = {
        "HTTP 500 echoing the URL": f"http://127.0.0.1:{echo.port}{tail}",
        "refused": f"http://127.0.0.1:{refused_port}{tail}",
        "timeout": f"http://127.0.0.1:{silent_port}{tail}",
        "bad TLS": f"https://127.0.0.1:{echo.port}{tail}",
        "user:password": f"http://user:Pw-secret@127.0.0.1:{echo.port}{tail}",
    }
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    details = {}
    try:
        for name, url in urls.items():
            notifier = Notifier(webhook=url, timeout=0.5, retries=1)
            recorder = Recorder()
            notifier.start(recorder.post)
            notifier.notify(1, "help", "hold")
            [(done, _)] = recorder.wait_for_type(NotifyDone, 1, timeout=5)
            notifier.stop()
            assert not done.ok
            details[name] = done.detail
    finally:
        echo.close()
    leaks = {name: detail for name, detail in details.items() if any(s in detail for s in SECRETS)}
    assert not leaks, leaks
    assert not [s for s in SECRETS if s in caplog.text]
    # The detail still says what went wrong, and where.
    assert (
        details["HTTP 500 echoing the URL"]
        == "HTTP 500 Internal Server Error: no hook at ***?*** (invalid token)"
    )
    assert details["refused"] == "cannot reach 127.0.0.1: Connection refused"
    assert details["timeout"] == "timed out after 0.5 s"
    assert "127.0.0.1" in details["bad TLS"] and "SSL" in details["bad TLS"]
