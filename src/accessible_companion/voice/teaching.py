"""The user's takes on disk, and `accessible-companion voice teach`: say each command a few
times so the companion knows this voice (voice/takes.py uses them as a second opinion).

Takes are kept per language and phrase as 16 kHz mono WAV files under the user's data
folder (`voice-takes/ko/<phrase>/1.wav`), readable by this user only: they are the user's
voice. ALS speech changes over months, so teaching again replaces a phrase's takes.
"""

from __future__ import annotations

import shutil
import sys
import time
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import paths, private
from ..core.commands import normalize_words
from .hearing import Endpointer
from .takes import RATE, Takes, distance, features, to_rate

TAKES = 4
"""Takes of each phrase asked for (3-5 work; more costs the user more)."""
PRE_ROLL = 0.3
"""Seconds kept before the speech began (its first sound is quiet)."""
WAIT = 8.0
"""Seconds to wait for one take before asking again."""


def takes_root() -> Path:
    return paths.data_dir() / "voice-takes"


@dataclass(frozen=True)
class TakeFolder:
    """The takes of one language."""

    root: Path

    @classmethod
    def of(cls, language: str, root: Path | None = None) -> TakeFolder:
        return cls((root or takes_root()) / language.split("-", maxsplit=1)[0].lower())

    def folder(self, phrase: str) -> Path:
        return self.root / normalize_words(phrase).replace(" ", "_")

    def replace(self, phrase: str, recordings: Iterable[bytes]) -> None:
        """The takes of `phrase` from now on (earlier ones are removed)."""
        folder = self.folder(phrase)
        if folder.exists():
            shutil.rmtree(folder)
        private.make_folder(folder)
        for number, pcm in enumerate(recordings, 1):
            path = folder / f"{number}.wav"
            with private.open_binary(path, "wb") as out, wave.open(out, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(RATE)
                wav.writeframes(pcm)

    def files(self) -> list[Path]:
        """Every take's file, of every phrase."""
        return sorted(self.root.glob("*/*.wav"))

    def recordings(self) -> dict[str, list[bytes]]:
        """Phrase -> its takes (16 kHz int16 PCM)."""
        found: dict[str, list[bytes]] = {}
        if not self.root.is_dir():
            return found
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            pcms = []
            for path in sorted(folder.glob("*.wav")):
                with wave.open(str(path), "rb") as wav:
                    if wav.getframerate() == RATE and wav.getnchannels() == 1 and wav.getsampwidth() == 2:
                        pcms.append(wav.readframes(wav.getnframes()))
            if pcms:
                found[folder.name.replace("_", " ")] = pcms
        return found

    def load(self) -> Takes | None:
        """The takes, or None when no phrase has two or more."""
        recordings = self.recordings()
        takes = Takes.of(recordings)
        return takes if any(takes.has(phrase) for phrase in recordings) else None


@dataclass(frozen=True)
class Fit:
    """How well one phrase's takes tell it from the others."""

    phrase: str
    takes: int
    confused_with: str
    """Another phrase one of its takes is nearer to, or ""."""
    told_apart: int = 0
    """Its takes that are nearer to another take of its own than to any other phrase's (left
    out one at a time, as the listener would meet them): `takes` when it works well."""


def fits(recordings: dict[str, list[bytes]]) -> list[Fit]:
    """For each phrase: is every take nearer to another take of its own than to any other
    phrase's? (A phrase that is not should get another word.)"""
    frames = {phrase: [features(pcm) for pcm in pcms] for phrase, pcms in recordings.items()}
    result = []
    for phrase, own in frames.items():
        confused = ""
        apart = 0
        for n, take in enumerate(own):
            near = min((distance(take, o) for k, o in enumerate(own) if k != n), default=float("inf"))
            nearer = [
                other
                for other, theirs in frames.items()
                if other != phrase and theirs and min(distance(take, t) for t in theirs) < near
            ]
            if nearer:
                confused = nearer[-1]
            elif near < float("inf"):
                apart += 1
        result.append(Fit(phrase, len(own), confused, apart))
    return result


def record_take(read: Callable[[float], tuple[bytes, int] | None], wait: float = WAIT) -> bytes | None:
    """One utterance from `read(timeout) -> (pcm block, rate)`: from a little before speech
    began to its end (the companion's own end-of-speech rule), at 16 kHz; None if nothing
    was said within `wait` seconds."""
    endpointer = Endpointer(end_silence=0.6, min_voiced=0.15)
    kept: list[bytes] = []
    before: list[bytes] = []
    rate = RATE
    voiced = False
    end = time.monotonic() + wait
    while time.monotonic() < end:
        got = read(0.2)
        if got is None:
            continue
        block, rate = got
        seconds = len(block) / 2 / rate
        level = _rms(block)
        loud = level > max(endpointer.least, 1.0)
        finished = endpointer.update(level, seconds)
        if voiced or loud:
            if not voiced:
                voiced = True
                kept = before[:]
            kept.append(block)
        else:
            before = [*before, block][-max(1, round(PRE_ROLL / seconds)) :]
        if voiced and finished:
            return _to_16k(b"".join(kept), rate)
    return None


def _rms(pcm: bytes) -> float:
    from .recognizer import _rms as rms

    return rms(pcm)


def _to_16k(pcm: bytes, rate: int) -> bytes:
    if rate == RATE:
        return pcm
    import numpy as np

    resampled = to_rate(np.frombuffer(pcm, dtype="<i2").astype(np.float64), rate)
    return bytes(np.clip(resampled, -32768, 32767).round().astype("<i2").tobytes())


def teach(
    phrases: list[str],
    folder: TakeFolder,
    read: Callable[[float], tuple[bytes, int] | None],
    takes: int = TAKES,
    out: Callable[[str], None] = print,
) -> list[Fit]:
    """Ask for `takes` takes of each phrase, keep them, and say how well each works."""
    for phrase in phrases:
        recorded: list[bytes] = []
        while len(recorded) < takes:
            out(f"Say: {phrase}   ({len(recorded) + 1} of {takes})")
            pcm = record_take(read)
            if pcm is None:
                out("  Nothing heard. Again, when ready.")
                continue
            recorded.append(pcm)
        folder.replace(phrase, recorded)
    report = fits(folder.recordings())
    for fit in report:
        if fit.confused_with:
            out(f"  '{fit.phrase}' sounds like '{fit.confused_with}' in this voice: choose another word.")
        else:
            out(f"  '{fit.phrase}': {fit.takes} takes, told apart from the others.")
    return report


def main(config_path: Path | None, only: list[str], takes: int) -> int:
    """`voice teach`: every phrase that can be said (or `only` these), `takes` times each."""
    from ..audio.microphone import Microphone
    from ..config import load_or_explain
    from ..core.commands import every_phrase

    config = load_or_explain(config_path)
    if config is None:
        return 2
    settings = config.settings
    menus = [menu.items for menu in config.menus.menus.values()]
    phrases = [normalize_words(p) for p in only] or list(every_phrase(menus, settings.commands))
    folder = TakeFolder.of(settings.listening.language)
    microphone = Microphone(device=settings.listening.microphone)

    def read(timeout: float) -> tuple[bytes, int] | None:
        block = microphone.read(timeout)
        return None if block is None else (block.data, block.rate)

    print(f"Teaching {len(phrases)} phrases, {takes} takes each; kept in {folder.root}. Ctrl-C stops.")
    sys.stdout.flush()
    try:
        teach(phrases, folder, read, takes)
    except KeyboardInterrupt:
        return 1
    finally:
        microphone.close()
    return 0
