"""The caregiver's page pauses voice commands while it records the user's takes: nothing heard
is acted on, the pause ends by itself, and resuming reads the takes again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accessible_companion.audio.microphone import Block
from accessible_companion.caregiver.beside import MAX_VOICE_PAUSE, PageProcess
from accessible_companion.core.events import VoiceCommand
from accessible_companion.core.settings import Listening
from accessible_companion.trace import TraceWriter
from accessible_companion.voice.hearing import Verdict
from accessible_companion.voice.listener import VoiceListener


class Hears:
    """A recognizer that hears 'next' in every block fed to it."""

    def __init__(self) -> None:
        self.resets = 0

    def listen_for(self, phrases: Any) -> None:
        pass

    def reset(self) -> None:
        self.resets += 1

    def feed(self, pcm: bytes) -> Verdict:
        return Verdict("next", "next", 0.9)


def test_nothing_heard_is_acted_on_while_paused_and_the_pause_ends_by_itself() -> None:
    now = [100.0]
    posted: list[Any] = []
    listener = VoiceListener(Listening(), lambda: Path("/nowhere"), clock=lambda: now[0])
    listener._post = lambda event, at: posted.append(event)
    recognizer = Hears()
    block = Block(b"\0\0" * 800, 16000, captured=100.0)

    listener.pause(13.0)
    listener._hear(recognizer, ("next",), block)  # type: ignore[arg-type]
    assert posted == [] and recognizer.resets == 1
    now[0] += 13.5  # the page never resumed (it went away): the pause is over anyway
    listener._hear(recognizer, ("next",), block)  # type: ignore[arg-type]
    assert posted == [VoiceCommand("next", 0.9)]


def test_resuming_listens_at_once_and_has_the_takes_read_again() -> None:
    now = [100.0]
    posted: list[Any] = []
    listener = VoiceListener(Listening(), lambda: Path("/nowhere"), clock=lambda: now[0])
    listener._post = lambda event, at: posted.append(event)
    listener.pause(60.0)
    assert not listener._takes_changed
    listener.pause(0)
    assert listener._takes_changed
    listener._hear(Hears(), ("next",), Block(b"\0\0" * 800, 16000, captured=100.0))
    assert posted == [VoiceCommand("next", 0.9)]


def test_the_companion_side_of_the_page_passes_a_pause_on_capped(tmp_path: Path) -> None:
    asked: list[float] = []
    page = PageProcess(
        tmp_path, "127.0.0.1", 0, lambda e, at: None, None, TraceWriter(None), None, None, asked.append
    )
    page._handle({"pause_voice": 13.0})
    page._handle({"pause_voice": 10_000})
    page._handle({"pause_voice": "forever"})  # not a number: ignored
    page._handle({"pause_voice": 0})
    assert asked == [13.0, MAX_VOICE_PAUSE, 0.0]


class Records:
    """A recognizer that keeps what it was fed and what it skipped, by sample count."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def listen_for(self, phrases: Any) -> None:
        pass

    def skip(self, pcm: bytes) -> None:
        self.calls.append(("skip", len(pcm) // 2))

    def feed(self, pcm: bytes) -> None:
        self.calls.append(("feed", len(pcm) // 2))


def test_a_long_block_the_companions_sound_ended_in_is_heard_only_after_the_tail() -> None:
    listener = VoiceListener(Listening(mute_tail=0.3), lambda: Path("/nowhere"), clock=lambda: 100.0)
    listener.speaking(True, 99.0)
    listener.speaking(False, 99.83)  # open from 100.13 on
    recognizer = Records()
    listener._hear(recognizer, ("next",), Block(bytes(6400), 16000, captured=100.2))  # type: ignore[arg-type]
    # 100.0-100.2 in 20 ms pieces: those captured before 100.13 are skipped.
    assert recognizer.calls == [("skip", 320)] * 6 + [("feed", 320)] * 4
    recognizer.calls.clear()
    listener._hear(recognizer, ("next",), Block(bytes(6400), 16000, captured=100.4))  # type: ignore[arg-type]
    assert recognizer.calls == [("feed", 3200)]  # wholly open: as it came
