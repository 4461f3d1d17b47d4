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

from accessible_companion.caregiver.link import CompanionLink, TraceLine
from accessible_companion.caregiver.running import LiveLink, RunningPage, start_beside_companion
from accessible_companion.config.loader import load_config
from accessible_companion.config.watch import ConfigWatcher
from accessible_companion.core.events import ConfigChanged, Event, PageAddress, SayPreview
from accessible_companion.core.records import PhraseUsed
from accessible_companion.trace import TraceWriter


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


def test_the_live_link_posts_previews_reloads_with_the_reason_and_hears_the_trace(
    config_dir: Path, tmp_path: Path
) -> None:
    posted = Posted()
    trace = TraceWriter(None)
    journal = Journal()
    watcher = ConfigWatcher(config_dir, lambda s: s, load_config(config_dir), poll=60)
    watcher.start(posted)
    link: CompanionLink = LiveLink(posted, watcher.reload_now, trace, journal)
    try:
        link.say("Hello there", "cue")
        link.say("Hello there", "anything else")
        assert posted.events == [SayPreview("Hello there", "cue"), SayPreview("Hello there", "main")]
        link.apply("page:4")  # long before the next poll: only the reload can have done it
        soon(lambda: any(isinstance(e, ConfigChanged) for e in posted.events))
        [changed] = [e for e in posted.events if isinstance(e, ConfigChanged)]
        assert changed.reason == "page:4" and changed.path == str(config_dir)
        heard: list[TraceLine] = []
        stop = link.listen(heard.append)
        trace.write("config", reason="page:4")
        stop()
        trace.write("config", reason="page:5")
        assert [line["reason"] for line in heard] == ["page:4"]
        link.journal(PhraseUsed("home", "Water", "Water"))
        assert journal.entries == [PhraseUsed("home", "Water", "Water")]
    finally:
        watcher.stop()


def test_the_page_starts_beside_the_companion_and_says_where(config_dir: Path, tmp_path: Path) -> None:
    posted = Posted()
    trace_file = tmp_path / "trace.jsonl"
    trace = TraceWriter(trace_file)
    stop = start_beside_companion(config_dir, "127.0.0.1", 0, posted, None, trace, None, None)
    assert stop is not None
    try:
        [address] = [e for e in posted.events if isinstance(e, PageAddress)]
        assert address.url.startswith("http://127.0.0.1:") and address.code == ""  # no code on loopback
        with urllib.request.urlopen(address.url, timeout=5) as answer:
            assert answer.status == 200
            assert "Caregiver page" in answer.read().decode()
        [line] = [
            json_line for json_line in trace_file.read_text().splitlines() if "caregiver_page" in json_line
        ]
        assert f'"url": "{address.url}"' in line and '"listen": "127.0.0.1"' in line
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
        assert start_beside_companion(config_dir, "127.0.0.1", port, posted, None, trace, None, None) is None
    finally:
        taken.close()
    assert posted.events == []
    [line] = heard
    assert line["event"] == "caregiver_page" and "url" not in line
    assert f"could not listen on 127.0.0.1 port {port}" in line["error"]
    assert "in use" in line["error"].lower()


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
