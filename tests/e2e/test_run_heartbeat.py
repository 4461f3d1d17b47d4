"""The real process keeps a dead-man's-switch service told (issue 15, item 4): a ping at
start and every `heartbeat_minutes`, a fail ping with the reason on a clean stop, and
silence after a SIGKILL, which is what makes such a service raise the alarm.

The service is a real HTTP server on loopback (tests/notify/test_heartbeat.py), the switch
is read from Xvfb; the interval is 0.02 minutes (1.2 s), which `check` only warns about.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notify.test_heartbeat import KEY, Service, service
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = (xvfb_display, service)  # fixtures, used by name below

INTERVAL = 1.2
SETTINGS = """
settings:
  scanning: {mode: step, long_press: 0.6}
  help:
    allow_insecure_webhook: true
    heartbeat_url: {url}
    heartbeat_minutes: 0.02
  fatigue: {enabled: false}
"""


def start(tmp_path: Path, display: str, url: str) -> Companion:
    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{url}", url), encoding="utf-8")
    return Companion.start(
        tmp_path, "--config", str(config), "--input", "x11", "--no-speech", "--no-voice", "--no-journal",
        env={"DISPLAY": display},
    )  # fmt: skip


def test_pings_at_start_and_on_time_then_a_fail_ping_with_the_reason(
    xvfb_display: str, tmp_path: Path, service: Service
) -> None:
    app = start(tmp_path, xvfb_display, service.url)
    try:
        app.wait_for(event("ready"))
        app.wait_for(event("heartbeat", ping="start", ok=True), timeout=10)
        service.wait_for(4, timeout=15)
    finally:
        assert app.stop() == 0
    beats, last = service.pings[:-1], service.pings[-1]
    assert len(beats) >= 4
    assert all((p.method, p.path, p.body) == ("GET", f"/ping/{KEY}", "") for p in beats)
    gaps = [round(b.at - a.at, 2) for a, b in itertools.pairwise(beats)]
    assert all(gap >= INTERVAL - 0.1 for gap in gaps), gaps  # not faster than asked
    assert (last.method, last.path, last.body) == ("POST", f"/ping/{KEY}/fail", "stopped: signal SIGTERM")
    lines = app.lines()
    told = [line for line in lines if line["event"] == "heartbeat"]
    # The first ping is told; the repeats are not; the stop ping comes before the trace's end.
    assert [(line["ping"], line["ok"]) for line in told] == [("start", True), ("stop", True)]
    assert told[-1]["reason"] == "signal SIGTERM"
    assert lines[-1]["event"] == "stop"
    assert KEY not in app.trace.read_text(encoding="utf-8")


def test_pings_stop_when_the_companion_is_killed(xvfb_display: str, tmp_path: Path, service: Service) -> None:
    app = start(tmp_path, xvfb_display, service.url)
    assert app.proc is not None
    try:
        app.wait_for(event("ready"))
        service.wait_for(2, timeout=15)
    finally:
        app.proc.send_signal(signal.SIGKILL)
        app.proc.wait(timeout=10)
    killed = time.monotonic()
    time.sleep(4 * INTERVAL)
    after = [p for p in service.pings if p.at > killed]
    assert after == []  # neither beats nor a fail ping: the service notices the silence
    assert all(p.method == "GET" for p in service.pings)


def test_options_that_do_not_fit_send_a_config_error(tmp_path: Path, service: Service) -> None:
    """A run that cannot start says so at once, instead of the service waiting out its grace
    time while a supervisor restarts it in vain."""
    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{url}", service.url), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "run", "--config", str(config), "--interval", "99",
         "--no-page", "--no-journal", "--no-speech", "--no-voice"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
             "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--interval 99" in done.stderr
    ((ping),) = service.pings
    assert (ping.method, ping.path, ping.body) == ("POST", f"/ping/{KEY}/fail", "stopped: config error")


def test_check_accepts_a_short_heartbeat_with_a_warning_and_never_shows_the_key(
    tmp_path: Path, service: Service
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{url}", service.url), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "check", str(config)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: help.heartbeat_minutes: 0.02 pings more than once a minute" in done.stderr
    assert KEY not in done.stdout + done.stderr
    assert service.pings == []  # checking sends nothing
