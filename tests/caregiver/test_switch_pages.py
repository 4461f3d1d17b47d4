"""The switch test page: presses streamed live from the companion's trace lines, figures and
suggestions from them, and applying one as an ordinary, restorable save."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver import switch_pages
from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from accessible_companion.caregiver.switch_feed import QUEUE_SIZE, SwitchFeed
from accessible_companion.config.loader import load_config

from .conftest import RecordingLink, csrf_of

pytestmark = pytest.mark.timeout(30)

Event = tuple[str, dict[str, Any]]


def events_of(lines: Iterator[str]) -> Iterator[Event]:
    """Server-sent events as (name, data), comments (keep-alives) as (":", {})."""
    name, data = "message", ""
    for line in lines:
        if line.startswith(":"):
            yield ":", {}
        elif line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data += line[len("data: ") :]
        elif line == "" and data:
            yield name, json.loads(data)
            name, data = "message", ""


def next_event(events: Iterator[Event], name: str) -> dict[str, Any]:
    for got, data in events:
        if got == name:
            return data
    raise AssertionError(f"the stream ended before a {name} event")


def switch(t: float, kind: str) -> dict[str, Any]:
    """An `input` trace line of switch 1."""
    return {"t": t, "event": "input", "source": "switch", "kind": kind, "key": "space", "switch": 1}


def one_press(
    link: RecordingLink,
    t: float,
    label: str,
    reaction: float,
    hold: float,
    utterance: int = 1,
    cue: float = 0.4,
) -> None:
    """A highlight, its cue spoken for `cue` s, and a press `reaction` s after the cue ended."""
    link.emit({"t": t, "event": "highlight", "menu": "home", "index": 0, "label": label})
    link.emit({"t": t, "event": "speak", "utterance": utterance, "voice": "cue", "text": label, "earcon": ""})
    link.emit({"t": t + 0.01, "event": "speech_start", "utterance": utterance})
    link.emit({"t": t + cue, "event": "speech_end", "utterance": utterance, "interrupted": False})
    down = t + cue + reaction
    link.emit(switch(down, "press"))
    link.emit(switch(down + hold, "release"))


def test_presses_stream_live_with_reaction_hold_and_whether_counted(
    client: TestClient, link: RecordingLink
) -> None:
    with client.stream("GET", "/switch/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = events_of(response.iter_lines())
        assert next_event(events, "ready") == {"seen": 0, "needed": 10}
        assert len(link._listeners) == 1

        one_press(link, 10.0, "Phrases", reaction=0.7, hold=0.25)
        assert next_event(events, "highlight")["label"] == "Phrases"
        assert next_event(events, "down")["switch"] == 1
        press = next_event(events, "press")
        assert press["item"] == "Phrases"
        assert press["reaction"] == pytest.approx(1.1)  # from the highlight: the cue, then 0.7 s
        assert press["after_cue"] == pytest.approx(0.7)
        assert press["hold"] == pytest.approx(0.25)
        assert press["counted"] == "Yes"
        assert press["seen"] == 1

        # Shorter than acceptance (0.05 s in the built-in settings): the companion ignores it.
        one_press(link, 20.0, "Rest", reaction=0.5, hold=0.02, utterance=2)
        press = next_event(events, "press")
        assert press["counted"] == "No: shorter than acceptance (0.05 s)"
        assert press["number"] == 2
    # The page went away: the companion no longer calls it.
    assert link._listeners == []


def test_a_press_during_the_cue_and_one_too_soon_after_a_release(
    client: TestClient, link: RecordingLink
) -> None:
    with client.stream("GET", "/switch/events") as response:
        events = events_of(response.iter_lines())
        next_event(events, "ready")
        link.emit({"t": 5.0, "event": "highlight", "menu": "home", "index": 1, "label": "Needs"})
        link.emit({"t": 5.0, "event": "speak", "utterance": 7, "voice": "cue", "text": "Needs", "earcon": ""})
        link.emit(switch(5.3, "press"))
        link.emit(switch(5.5, "release"))
        link.emit(switch(5.55, "press"))
        link.emit(switch(5.7, "release"))
        first = next_event(events, "press")
        assert first["after_cue"] == 0.0 and first["reaction"] == pytest.approx(0.3)
        second = next_event(events, "press")
        assert second["counted"].startswith("No: too soon after the last release")


def test_a_quiet_stream_sends_keep_alives(
    client: TestClient, link: RecordingLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(switch_pages, "KEEP_ALIVE", 0.05)
    with client.stream("GET", "/switch/events") as response:
        events = events_of(response.iter_lines())
        next_event(events, "ready")
        assert next(events) == (":", {})


def test_streams_end_when_the_server_stops(client: TestClient, link: RecordingLink) -> None:
    with client.stream("GET", "/switch/events") as response:
        events = events_of(response.iter_lines())
        next_event(events, "ready")
        switch_pages.end_streams(client.app)  # type: ignore[arg-type]
        assert list(events) == []  # the stream ended by itself
    assert link._listeners == []


def test_figures_and_suggestions_then_applying_one_is_a_saved_version(
    client: TestClient, link: RecordingLink, page_state: PageState, config_dir: Path
) -> None:
    page = client.get("/switch").text
    assert "0 presses seen: suggestions after 10" in page
    assert "Interval (presses after a highlight): 0 of the 10 presses needed" in page

    reactions = [0.6, 0.7, 0.8, 0.9, 1.0, 0.75, 0.85, 0.65, 0.95, 0.8, 0.8, 0.8]
    with client.stream("GET", "/switch/events") as response:
        events = events_of(response.iter_lines())
        next_event(events, "ready")
        for number, reaction in enumerate(reactions):
            one_press(
                link, 10.0 * (number + 1), f"Item {number}", reaction=reaction, hold=0.2, utterance=number
            )
        for _ in reactions:
            last = next_event(events, "press")
    assert last["seen"] == 12

    page = client.get("/switch").text
    assert "12 presses seen." in page
    assert "Mean reaction time 0.80 s + 2" in page
    assert "Item 11" in page
    found = re.search(
        r'name="setting" value="interval">\s*<input type="hidden" name="value" value="([0-9.]+)"', page
    )
    assert found is not None, "no interval suggestion to apply"
    value = found.group(1)
    assert float(value) < 1.5  # quicker than the built-in 1.5 s

    answer = client.post(
        "/switch/apply",
        data={"csrf": csrf_of(page), "setting": "interval", "value": value},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert load_config(config_dir).settings.scanning.interval == float(value)
    newest = page_state.history.versions(1)[0]
    assert newest.summary == f"Switch test: interval from 1.5 s to {float(value):g} s"
    assert newest.who == "this computer"
    assert link.applied == [f"page:{newest.number}"]
    shown = client.get(answer.headers["location"]).text
    assert f"Saved: interval is now {float(value):g} s." in shown
    assert "In use now." in shown
    assert f"this change is version {newest.number}" in shown


def test_a_suggestion_that_would_break_the_config_writes_nothing(
    client: TestClient, link: RecordingLink, config_dir: Path
) -> None:
    before = (config_dir / "settings.yaml").read_text(encoding="utf-8")
    page = client.get("/switch").text
    answer = client.post(
        "/switch/apply", data={"csrf": csrf_of(page), "setting": "acceptance", "value": "0.9"}
    )
    assert answer.status_code == 400
    assert "Nothing was saved" in answer.text
    assert "must be shorter than scanning.long_press" in answer.text
    assert (config_dir / "settings.yaml").read_text(encoding="utf-8") == before
    assert link.applied == []


def test_apply_needs_the_csrf_token_and_a_known_setting(client: TestClient, config_dir: Path) -> None:
    page = client.get("/switch").text
    before = (config_dir / "settings.yaml").read_text(encoding="utf-8")
    assert client.post("/switch/apply", data={"setting": "interval", "value": "2"}).status_code == 403
    refused = client.post("/switch/apply", data={"csrf": csrf_of(page), "setting": "loops", "value": "2"})
    assert refused.status_code == 400
    refused = client.post(
        "/switch/apply", data={"csrf": csrf_of(page), "setting": "interval", "value": "nan"}
    )
    assert refused.status_code == 400
    assert (config_dir / "settings.yaml").read_text(encoding="utf-8") == before


def test_start_over_forgets_the_presses(client: TestClient, link: RecordingLink) -> None:
    with client.stream("GET", "/switch/events") as response:
        events = events_of(response.iter_lines())
        next_event(events, "ready")
        one_press(link, 1.0, "Phrases", reaction=0.5, hold=0.2)
        next_event(events, "press")
    page = client.get("/switch").text
    assert "1 press seen" in page
    client.post("/switch/clear", data={"csrf": csrf_of(page)})
    assert "0 presses seen" in client.get("/switch").text


def test_without_the_companion_the_page_says_when_the_test_works(tmp_path: Path, config_dir: Path) -> None:
    history = History(tmp_path / "history.sqlite3", config_dir)
    app = build_app(PageState(config_dir, history, Locks(), None))
    with TestClient(app, base_url="http://127.0.0.1:8765", client=("127.0.0.1", 50000)) as client:
        page = client.get("/switch")
        assert page.status_code == 200
        assert "The switch test works while the companion is running." in page.text
        assert "/static/switch.js" not in page.text
        events = client.get("/switch/events")
        assert events.status_code == 503
    history.close()


def test_a_slow_page_loses_its_oldest_updates_never_the_companions_time(
    config_dir: Path, link: RecordingLink
) -> None:
    async def scenario() -> list[str]:
        feed = SwitchFeed(link, config_dir)
        queue = await feed.open()
        for number in range(QUEUE_SIZE + 50):
            link.emit(
                {"t": float(number), "event": "highlight", "menu": "home", "index": 0, "label": f"{number}"}
            )
        await asyncio.sleep(0.05)  # the loop takes the handed-over lines
        labels = []
        while not queue.empty():
            labels.append(queue.get_nowait()[1]["label"])
        feed.close(queue)
        return labels

    labels = asyncio.run(scenario())
    assert len(labels) == QUEUE_SIZE
    assert labels[0] == "50" and labels[-1] == str(QUEUE_SIZE + 49)
    assert link._listeners == []
