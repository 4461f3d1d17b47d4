"""The Voice page: the user's takes per command word, how well they work, how often each is
taken, the prompt to record again, and recording takes from the page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.audio.microphone import Block
from accessible_companion.caregiver import voice_pages
from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from accessible_companion.core.records import VoiceHeard
from accessible_companion.journal.store import Journal
from accessible_companion.voice.teaching import TAKES, TakeFolder
from tests.voice.test_takes import WORDS, tones

from .conftest import RecordingLink, csrf_of

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def page_state(tmp_path: Path, config_dir: Path, link: RecordingLink) -> Iterator[PageState]:
    history = History(tmp_path / "state" / "history.sqlite3", config_dir)
    yield PageState(config_dir, history, Locks(), link, takes_root=tmp_path / "takes")
    history.close()


class Speaker:
    """A microphone that hears `pcm` once, between quiet blocks."""

    def __init__(self, pcm: bytes) -> None:
        quiet = bytes(800 * 2 * 10)
        stream = quiet + pcm + quiet * 3
        self.blocks = [stream[i : i + 1600] for i in range(0, len(stream), 1600)]
        self.closed = False

    def read(self, timeout: float) -> Block | None:
        if not self.blocks:
            time.sleep(min(timeout, 0.01))
            return None
        return Block(self.blocks.pop(0), 16000, time.monotonic())

    def close(self) -> None:
        self.closed = True


def journal_of(page_state: PageState, tmp_path: Path, rows: list[tuple[float, VoiceHeard]]) -> None:
    """The companion's journal holding these voice outcomes, as the page reads it."""
    page_state.journal_path = tmp_path / "data" / "journal.sqlite3"
    with Journal(page_state.journal_path) as journal:
        for at, entry in rows:
            journal.record(entry, at)


def taken(words: str) -> VoiceHeard:
    return VoiceHeard(words, words, True, "", 0.9)


def not_taken(words: str, phrase: str, reason: str = "unsure (0.50)") -> VoiceHeard:
    return VoiceHeard(words, phrase, False, reason, 0.5)


def test_the_page_is_in_the_nav_and_lists_every_command_word(client: TestClient) -> None:
    page = client.get("/")
    assert '<a href="/voice">Voice</a>' in page.text
    page = client.get("/voice")
    assert page.status_code == 200
    assert "<h1>Voice commands in the user's own voice</h1>" in page.text
    for words in ("next", "go back", "help me", "wake up"):
        assert f"'{words}' <small>" in page.text
    assert "No takes: the speech model alone hears it." in page.text
    assert "Record take 1 of 4 of 'next'" in page.text


def test_takes_show_how_well_they_work(client: TestClient, page_state: PageState) -> None:
    folder = TakeFolder.of("en", page_state.takes_root)
    folder.replace("next", [tones(WORDS["first"], seed=n) for n in range(3)])
    folder.replace("home", [tones(WORDS["second"], seed=20 + n) for n in range(3)])
    folder.replace("stop", [tones(WORDS["first"], seed=n) for n in range(3)])  # the very sounds of next
    page = client.get("/voice").text
    home = page[page.index('id="word-home"') :][:900]
    assert "Every take is nearer its own other takes" in home and "Told apart: 3 of 3 takes" in home
    stop = page[page.index('id="word-stop"') :][:1200]
    assert "sound more like &#39;next&#39;" in stop
    assert f"recorded {date.today().isoformat()}" in stop
    # One syllable and confused: a longer word is suggested, as the config check words it.
    assert "is one syllable" in stop and "Choose a longer word" in stop


def test_acceptance_from_the_journal(client: TestClient, page_state: PageState, tmp_path: Path) -> None:
    now = time.time()
    rows = [(now - n, taken("next")) for n in range(6)]
    rows += [(now - 10 - n, not_taken("next", "next")) for n in range(4)]
    rows += [(now - 20, not_taken("um next", "", "not a command"))]  # a try at no command
    rows += [(now - timedelta(days=20).total_seconds(), not_taken("next", "next"))]  # older than 2 weeks
    journal_of(page_state, tmp_path, rows)
    page = client.get("/voice").text
    block = page[page.index('id="word-next"') :][:1500]
    assert "60% of 10" in block
    assert "not heard" in page[page.index('id="word-home"') :][:1500]


def test_without_a_journal_the_page_says_so(client: TestClient) -> None:
    page = client.get("/voice").text
    assert "No journal yet: how often each command is taken shows here" in page
    assert "Taken when heard, this week" not in page


def test_a_drift_over_two_weeks_of_journal_asks_to_record_again(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    TakeFolder.of("en", page_state.takes_root).replace(
        "next", [tones(WORDS["first"], seed=n) for n in range(3)]
    )
    now = time.time()
    last_week = now - timedelta(days=8).total_seconds()
    rows = []
    for n in range(10):
        rows.append((last_week + n, taken("next")))
        rows.append((now - 60 + n, taken("next") if n < 5 else not_taken("next", "next")))
    journal_of(page_state, tmp_path, rows)
    page = client.get("/voice").text
    block = page[page.index('id="word-next"') :][:2000]
    assert "50% of 10" in block and "100% of 10" in block
    assert "Record it again:" in block and "50% of the times this week, 100% the week before" in block
    # The same fall spread over the week before too: no drift, no prompt.
    journal_of(page_state, tmp_path, [(last_week + 20 + n, not_taken("next", "next")) for n in range(10)])
    block = client.get("/voice").text
    block = block[block.index('id="word-next"') :][:2000]
    assert "Record it again:" not in block and "50% of 20" in block


def test_recording_from_the_page_saves_a_set_and_pauses_the_companion_meanwhile(
    client: TestClient, link: RecordingLink, page_state: PageState, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Speaker] = []

    def microphone(device: str) -> Speaker:
        opened.append(Speaker(tones(WORDS["first"], seed=len(opened))))
        return opened[-1]

    monkeypatch.setattr(voice_pages, "open_microphone", microphone)
    folder = TakeFolder.of("en", page_state.takes_root)
    token = csrf_of(client.get("/voice").text)
    for n in range(1, TAKES + 1):
        page = client.post("/voice/record", data={"csrf": token, "phrase": "next"})
        assert page.status_code == 200
        if n < TAKES:
            assert f"Take {n} of {TAKES} of 'next' kept" in page.text
            assert f"Record take {n + 1} of {TAKES} of 'next'" in page.text
            assert folder.recordings() == {}
    assert f"All {TAKES} takes of 'next' are saved" in page.text
    assert len(folder.recordings()["next"]) == TAKES
    assert all(speaker.closed for speaker in opened)
    # Paused before each take, resumed (and the takes read again) after the set was saved.
    assert len(link.paused) == TAKES + 1 and all(s > 8 for s in link.paused[:-1]) and link.paused[-1] == 0


def test_nothing_said_keeps_nothing_and_resumes(
    client: TestClient, link: RecordingLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(voice_pages, "open_microphone", lambda device: Speaker(b""))
    monkeypatch.setattr("accessible_companion.voice.teaching.WAIT", 0.5)
    token = csrf_of(client.get("/voice").text)
    page = client.post("/voice/record", data={"csrf": token, "phrase": "next"})
    assert "Nothing was heard for 'next'" in page.text
    assert link.paused[-1] == 0


def test_only_command_words_and_only_with_the_forms_token(client: TestClient) -> None:
    token = csrf_of(client.get("/voice").text)
    assert client.post("/voice/record", data={"csrf": token, "phrase": "rm -rf"}).status_code == 400
    assert client.post("/voice/record", data={"csrf": "wrong", "phrase": "next"}).status_code == 403


def test_without_a_running_companion_the_page_still_shows_the_takes(tmp_path: Path, config_dir: Path) -> None:
    history = History(tmp_path / "h.sqlite3", config_dir)
    try:
        app = build_app(PageState(config_dir, history, Locks(), None, takes_root=tmp_path / "takes"))
        with TestClient(app, base_url="http://127.0.0.1:8765", client=("127.0.0.1", 50000)) as client:
            page = client.get("/voice").text
        assert "'next' <small>" in page and "Record take 1 of 4 of 'next'" in page
    finally:
        history.close()


def test_the_home_page_points_to_teaching_while_voice_is_on_and_untaught(
    client: TestClient, page_state: PageState
) -> None:
    hint = "the user's own voice is not taught yet"
    assert hint not in client.get("/").text  # the built-in config: voice commands off
    settings = page_state.config / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "voice_commands: false" in text
    settings.write_text(text.replace("voice_commands: false", "voice_commands: true"), encoding="utf-8")
    page = client.get("/").text
    assert hint in page and '<a href="/voice">Record each command a few times</a>' in page
    takes = [tones(WORDS["first"], seed=n) for n in range(3)]
    TakeFolder.of("en", page_state.takes_root).replace("next", takes)
    assert hint not in client.get("/").text
