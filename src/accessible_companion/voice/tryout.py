"""`accessible-companion voice test`: listen and show what is heard, for a caregiver
choosing command words that work for this user's voice.

It runs the listener the companion uses (same microphone code, model, fillers and
rejection rules), listening for every phrase of the config at once.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import threading
import time
from collections import deque
from pathlib import Path

from ..app import model_locator
from ..config import load_or_explain
from ..core.commands import command_words, every_phrase, normalize_words
from ..core.events import AdapterError, Event, Notice, VoiceCommand, VoiceRejected
from .listener import VoiceListener
from .recognizer import MAX_GAIN, TARGET_RMS

LOW_DBFS = round(20 * math.log10(TARGET_RMS / MAX_GAIN / 32768), 1)
"""Speech whose loudest moment is below this (about -41 dBFS) stays below the level recognition
is tuned for even after the most gain the recogniser gives (+20 dB)."""
PEAK_WINDOW = 4.0
"""Seconds of levels before a heard line that its speech's peak is taken from."""
LOW_ADVICE = (
    "  The microphone hears this speech quietly (loudest {peak:.0f} dBFS; recognition needs"
    " about {low:.0f} dBFS or more): move the microphone closer to the user's mouth, or raise"
    " the input volume (pavucontrol: Input Devices, or the system's sound settings)."
)


def level_advice(peak: float | None) -> str | None:
    """What to do when the speech just heard peaked too low for recognition; None when loud enough
    (or its level is not known)."""
    if peak is None or peak >= LOW_DBFS:
        return None
    return LOW_ADVICE.format(peak=peak, low=LOW_DBFS)


class Levels:
    """The microphone's recent levels (added from the main thread, read from the listener's)."""

    def __init__(self) -> None:
        self._seen: deque[tuple[float, float]] = deque(maxlen=round(PEAK_WINDOW * 10) + 5)

    def add(self, level: float | None) -> None:
        if level is not None:
            self._seen.append((time.monotonic(), level))

    def peak(self) -> float | None:
        """The loudest level of the last PEAK_WINDOW seconds (None: none known)."""
        now = time.monotonic()
        recent = [level for at, level in list(self._seen) if now - at <= PEAK_WINDOW]
        return max(recent) if recent else None


def main(config_path: Path | None, model: Path | None, seconds: float | None) -> int:
    """Print one line per thing heard until Ctrl-C or `seconds`; 0 if the model loaded."""
    config = load_or_explain(config_path)
    if config is None:
        return 2
    settings = config.settings
    listening = settings.listening
    if model is not None:
        listening = dataclasses.replace(listening, model=str(model))
    menus = [menu.items for menu in config.menus.menus.values()]
    phrases = every_phrase(menus, settings.commands)
    meanings = {words: f"command {name}" for words, name in command_words(settings.commands).items()}
    for menu in config.menus.menus.values():
        for item in menu.items:
            for words in item.voice_words:
                meanings.setdefault(normalize_words(words), f"item '{item.label}' ({menu.id})")
    ready = threading.Event()
    levels = Levels()

    def warn_if_low() -> None:
        advice = level_advice(levels.peak())
        if advice is not None:
            print(advice)

    def post(event: Event, at: float) -> None:
        match event:
            case VoiceCommand(phrase=phrase, confidence=confidence):
                print(f"heard  {phrase!r:24} confidence {confidence:.2f}  -> {meanings.get(phrase, '?')}")
                warn_if_low()
            case VoiceRejected(text=text, reason=reason, confidence=confidence):
                print(f"heard  {text!r:24} confidence {confidence:.2f}  not taken: {reason}")
                warn_if_low()
            case Notice(text=text, kind=kind):
                print(text)
                if kind == "voice_ready":
                    ready.set()
            case AdapterError(component=component, message=message):
                print(f"{component}: {message}", file=sys.stderr)
        sys.stdout.flush()

    listener = VoiceListener(listening, model_locator(listening), phrases, settings.messages)
    listener.start(post)
    listener.listen_for(phrases)
    print(f"Loading the speech model for '{listening.language}'; listening for {len(phrases)} phrases.")
    second_chance = listening.unsure_margin > 0 and listening.min_margin <= 0
    print(
        "Say a command or an item's words. Lines show what was heard, how sure (0-1), and what it"
        f" would do; below {listening.min_confidence:g}"
        + (" (unless a second reading puts it well ahead)" if second_chance else "")
        + (", or when a second reading of the sound does not confirm it," if listening.min_margin > 0 else "")
        + " it is not taken."
        + (
            " While the room is busy with talk, a second reading must confirm it."
            if listening.busy_margin > listening.min_margin
            else ""
        )
        + " Ctrl-C stops."
    )
    sys.stdout.flush()
    end = None if seconds is None else time.monotonic() + seconds
    try:
        while end is None or time.monotonic() < end:
            time.sleep(0.1)
            levels.add(listener.level())
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()
    return 0 if ready.is_set() else 1
