"""The loop tells the voice listener what can be said now and when the companion makes sound.

A recording stand-in for the listener (the real one is tested end to end with a real
model and a real microphone in tests/e2e/test_run_voice.py); speech is NullSpeech, which
finishes each utterance at once.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from accessible_companion.core.companion import Companion
from accessible_companion.core.effects import Speak, Voice
from accessible_companion.core.events import (
    Notice,
    PointerSelect,
    SpeechFinished,
    SwitchDown,
    SwitchUp,
    VoiceCommand,
    VoiceRejected,
)
from accessible_companion.core.menus import Action, Item, Menu, MenuSet
from accessible_companion.core.settings import Mode, Settings, Speech, VoiceOut
from accessible_companion.loop import Loop
from accessible_companion.ports import Post
from accessible_companion.speech.speaker import NullSpeech
from bench.support import NoDisplay, RecordingTrace

MENUS = MenuSet(
    {
        "home": Menu(
            "home", "Home", (Item("Water", voice=("water",)), Item("More", action=Action.MENU, menu="more"))
        ),
        "more": Menu("more", "More", (Item("Tea", voice=("tea",)),)),
    }
)


class Listener:
    """Records what the loop tells it."""

    def __init__(self) -> None:
        self.phrases: list[tuple[str, ...]] = []
        self.sound: list[bool] = []
        self.post: Post | None = None

    def start(self, post: Post) -> None:
        self.post = post

    def listen_for(self, phrases: Sequence[str]) -> None:
        self.phrases.append(tuple(phrases))

    def speaking(self, active: bool, at: float) -> None:
        self.sound.append(active)

    def stop(self) -> None:
        pass


def running(
    settings: Settings, menus: MenuSet = MENUS
) -> tuple[Loop, Listener, RecordingTrace, Callable[[], None]]:
    listener = Listener()
    trace = RecordingTrace()
    speech = NullSpeech()
    loop = Loop(Companion(menus, settings), speech, NoDisplay(), trace, listener)
    speech.start(loop.post)
    listener.start(loop.post)
    loop.start()

    def stop() -> None:
        loop.stop()
        assert loop.wait(timeout=5)

    return loop, listener, trace, stop


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_voice_off_listens_for_nothing() -> None:
    loop, listener, trace, stop = running(Settings())
    try:
        wait_until(lambda: bool(trace.lines))
        loop.post(VoiceCommand("water"), time.monotonic())
        wait_until(lambda: any(f.get("source") == "voice" for _, _, f in trace.lines))
        time.sleep(0.1)
    finally:
        stop()
    assert listener.phrases == [()]
    assert not any(event == "select" for _, event, _ in trace.lines)


def test_listens_for_the_current_menu_and_follows_menu_changes() -> None:
    loop, listener, trace, stop = running(dataclasses.replace(Settings(), voice_commands=True))
    try:
        wait_until(lambda: bool(listener.phrases))
        assert "water" in listener.phrases[0] and "next" in listener.phrases[0]
        assert "tea" not in listener.phrases[0]
        loop.post(VoiceCommand("more"), time.monotonic())
        wait_until(lambda: any("tea" in p for p in listener.phrases))
        loop.post(VoiceRejected("the tea", "not a command", 0.8), time.monotonic())
        wait_until(lambda: any(f.get("kind") == "rejected" for _, _, f in trace.lines))
    finally:
        stop()
    assert "water" not in listener.phrases[-1]
    rejected = [f for _, e, f in trace.lines if e == "input" and f.get("kind") == "rejected"]
    assert rejected == [
        {
            "source": "voice",
            "kind": "rejected",
            "key": "the tea",
            "reason": "not a command",
            "confidence": 0.8,
        }
    ]
    assert [f["label"] for _, e, f in trace.lines if e == "select"] == ["More"]


def test_a_grids_row_highlight_and_a_click_are_traced() -> None:
    home = Menu("home", "Home", tuple(Item(label) for label in ("Water", "Tea", "Juice")), columns=2)
    loop, _, trace, stop = running(Settings(), MenuSet({"home": home}))
    try:
        wait_until(lambda: any(e == "highlight" for _, e, _ in trace.lines))
        loop.post(PointerSelect("home", 2), time.monotonic())
        wait_until(lambda: any(e == "select" for _, e, _ in trace.lines))
    finally:
        stop()
    highlights = [f for _, e, f in trace.lines if e == "highlight"]
    assert highlights[:2] == [
        {"menu": "home", "row": 0, "label": "Water, Tea"},
        {"menu": "home", "index": 2, "label": "Juice"},
    ]
    clicks = [f for _, e, f in trace.lines if e == "input"]
    assert clicks == [{"source": "pointer", "kind": "click", "menu": "home", "index": 2}]
    assert [f["label"] for _, e, f in trace.lines if e == "select"] == ["Juice"]


def test_muted_while_sounding_and_unmuted_when_all_speech_ended() -> None:
    loop, listener, trace, stop = running(dataclasses.replace(Settings(), voice_commands=True))
    try:
        wait_until(lambda: listener.sound[-1:] == [False])
        loop.post(Notice("Microphone lost.", spoken=True), time.monotonic())
        wait_until(lambda: any(e == "notice" for _, e, _ in trace.lines))
        wait_until(lambda: len(listener.sound) >= 4 and listener.sound[-1] is False)
    finally:
        stop()
    # Every True is followed by a False: the listener is never left deaf.
    assert listener.sound[0] is True
    assert all(a != b for a, b in zip(listener.sound, listener.sound[1:], strict=False))
    spoken = [f["text"] for _, e, f in trace.lines if e == "speak"]
    assert "Microphone lost." in spoken


def test_cues_in_an_earphone_do_not_mute_listening_and_the_rooms_sound_does() -> None:
    speech = Speech(cue=VoiceOut(device="earphone"), main=VoiceOut(device="speaker"))
    loop, listener, trace, stop = running(dataclasses.replace(Settings(), speech=speech, voice_commands=True))
    try:
        wait_until(lambda: any(e == "speak" and f.get("voice") == "cue" for _, e, f in trace.lines))
        time.sleep(0.1)
        assert listener.sound == []  # the cues went to the earphone: still listening
        loop.post(Notice("Microphone lost.", spoken=True), time.monotonic())
        wait_until(lambda: listener.sound[-1:] == [False])
    finally:
        stop()
    assert listener.sound[:2] == [True, False]  # the main voice is heard in the room


def test_which_sound_reaches_the_microphone() -> None:
    assert Speech().reaches_microphone("cue") and Speech().reaches_microphone("main")
    same = Speech(cue=VoiceOut(device="USB"), main=VoiceOut(device="USB"))
    assert same.reaches_microphone("cue")
    own = Speech(cue=VoiceOut(device="earphone"))
    assert not own.reaches_microphone("cue") and own.reaches_microphone("main")


class HeldSpeech(NullSpeech):
    """Finishes every utterance at once except a banked one, which sounds until `release()`."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[Speak] = []
        self.prepared: list[tuple[str, ...]] = []

    def speak(self, request: Speak) -> None:
        if request.sound:
            self.held.append(request)
        else:
            super().speak(request)

    def prepare(self, texts: Sequence[str], voice: Voice, sounds: Sequence[str] = ()) -> None:
        self.prepared.append(tuple(sounds))

    def release(self) -> None:
        assert self._post is not None
        for request in self.held:
            self._post(SpeechFinished(request.utterance), time.monotonic())


def test_a_recording_mutes_the_listener_until_it_ends() -> None:
    banked = Item("Water", voice=("water",), sound="/cfg/water.wav", sound_seconds=2.0)
    menus = MenuSet({"home": Menu("home", "Home", (banked, Item("Tea", voice=("tea",))))})
    listener = Listener()
    trace = RecordingTrace()
    speech = HeldSpeech()
    loop = Loop(
        Companion(menus, dataclasses.replace(Settings(), voice_commands=True)),
        speech,
        NoDisplay(),
        trace,
        listener,
    )
    speech.start(loop.post)
    listener.start(loop.post)
    loop.start()
    try:
        wait_until(lambda: listener.sound[-1:] == [False])
        loop.post(VoiceCommand("water"), time.monotonic())
        wait_until(lambda: bool(speech.held))
        time.sleep(0.2)
        assert listener.sound[-1] is True  # still sounding: the microphone is not heard
        speech.release()
        wait_until(lambda: listener.sound[-1] is False)
    finally:
        loop.stop()
        assert loop.wait(timeout=5)
    assert ("/cfg/water.wav",) in speech.prepared
    spoken = [f for _, e, f in trace.lines if e == "speak" and f.get("sound")]
    assert spoken == [
        {
            "utterance": spoken[0]["utterance"],
            "voice": "main",
            "text": "Water",
            "earcon": "",
            "sound": "water.wav",
        }
    ]


# --- the loop's own thread --------------------------------------------------------------------


def test_the_loop_runs_on_its_own_thread_until_stopped() -> None:
    threads: list[str] = []
    trace = RecordingTrace(lambda now, event, fields: threads.append(threading.current_thread().name))
    loop = Loop(Companion(MENUS, Settings()), NullSpeech(), NoDisplay(), trace)
    assert loop.wait(timeout=0)  # never started: nothing to wait for
    loop.start()
    assert not loop.wait(timeout=0.05)
    loop.stop()
    assert loop.wait(timeout=5)
    assert loop.failure is None
    assert threads and set(threads) == {"loop"}


def test_a_failure_inside_the_loop_ends_it_logged_and_traced() -> None:
    trace = RecordingTrace()
    companion = Companion(MENUS, Settings())
    loop = Loop(companion, NullSpeech(), NoDisplay(), trace)

    def broken(event: object, now: float) -> list[Any]:
        raise RuntimeError("a bug\nover two lines")

    companion.handle = broken  # type: ignore[method-assign]
    loop.start()
    loop.post(VoiceCommand("water", 0.9), time.monotonic())
    assert loop.wait(timeout=5)
    assert isinstance(loop.failure, RuntimeError)
    message = "RuntimeError: a bug over two lines"
    assert trace.lines[-1][1:] == ("error", {"component": "loop", "message": message})


def test_events_made_during_a_stall_are_fed_in_the_order_they_happened() -> None:
    """The process stalls (its clock leaps 3 s between two looks); a 2.5 s hold made meanwhile
    arrives behind an event stamped after the stall. Fed at its own times, it calls for help."""
    leap = [0.0]
    trace = RecordingTrace()
    speech = NullSpeech()
    step = dataclasses.replace(Settings().scanning, mode=Mode.STEP)
    config = dataclasses.replace(Settings(), scanning=step)
    clock = lambda: time.monotonic() + leap[0]  # noqa: E731
    loop = Loop(Companion(MENUS, config), speech, NoDisplay(), trace, clock=clock)
    speech.start(loop.post)
    loop.start()
    try:
        wait_until(lambda: any(name == "highlight" for _, name, _ in trace.lines))
        before = time.monotonic()
        leap[0] = 3.0  # the loop's next look at the clock is 3 s on
        loop.post(Notice("after the stall"), before + 3.0)
        loop.post(SwitchDown(1, key="space"), before + 0.2)
        loop.post(SwitchUp(1, key="space"), before + 2.7)
        wait_until(lambda: any(name == "alert" for _, name, _ in trace.lines))
    finally:
        loop.stop()
        assert loop.wait(timeout=5)
    names = [name for _, name, _ in trace.lines]
    assert "select" not in names
    stalls = [fields for _, name, fields in trace.lines if name == "stall"]
    assert len(stalls) == 1 and stalls[0]["late_inputs"] == 2 and stalls[0]["seconds"] >= 2.0, stalls
