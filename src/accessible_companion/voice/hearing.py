"""Whether something the recognizer heard is a command: pure rules, no audio.

A vosk grammar is a bigram model over its words, so it outputs any sequence of them,
and a closed grammar maps almost any speech onto some command (measured: every
unrelated Korean utterance became a command). So a result is accepted only when it is
exactly one allowed phrase, every word is heard surely enough, it lasts long enough to
be speech, and it contains no filler: everyday words put into the grammar so that talk
to someone else has somewhere to go that is not a command.

Behind the voice-activity detector the whole utterance can be read a second time
(`second_reading`): a caregiver can ask for it to confirm every command (`Rules.min_margin`),
and it gives a phrase heard a little unsure a second chance (`Rules.unsure_margin`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.commands import normalize_words
from ..core.settings import Listening

UNKNOWN = "[unk]"
"""The out-of-vocabulary word of models that have one."""


@dataclass(frozen=True)
class Word:
    """One recognized word, its confidence (0-1) and time in the stream (s)."""

    text: str
    confidence: float
    start: float
    end: float


@dataclass(frozen=True)
class Rules:
    """The caregiver's rejection settings."""

    min_confidence: float = 0.9
    min_seconds: float = 0.15
    min_voiced: float = 0.12
    """Least voiced share of a command (`speechlike.not_speech`; 0 = not checked)."""
    min_margin: float = 0.0
    """How far a command must lead the next likeliest reading (`second_reading`; 0 = no
    second reading)."""
    unsure_margin: float = 1.0
    """How far a phrase heard unsure (`unsure_phrase`) must lead on a second reading to count
    after all (0 = never)."""
    busy_margin: float = 1.0
    """As `min_margin`, for a command in a room busy with running talk (`utterance.busy_room`;
    0 = as in a quiet room)."""

    def margin(self, busy: bool) -> float:
        """How far a command must lead on a second reading (0 = none needed): `min_margin`,
        or `busy_margin` in a room busy with talk, whichever is more."""
        return max(self.min_margin, self.busy_margin) if busy else self.min_margin

    @classmethod
    def of(cls, listening: Listening) -> Rules:
        """The rules a caregiver set (`settings.listening`)."""
        return cls(
            listening.min_confidence,
            listening.min_seconds,
            listening.min_voiced,
            listening.min_margin,
            listening.unsure_margin,
            listening.busy_margin,
        )


@dataclass(frozen=True)
class Verdict:
    """The judgement on one final result: `phrase` when accepted, else `reason`."""

    text: str
    phrase: str = ""
    confidence: float = 0.0
    """The least sure word's confidence."""
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return bool(self.phrase)


def parse_result(result: str) -> tuple[str, tuple[Word, ...]]:
    """Text and words of a vosk JSON result (with SetWords(True))."""
    data = json.loads(result)
    words = tuple(
        Word(str(w["word"]), float(w.get("conf", 1.0)), float(w.get("start", 0.0)), float(w.get("end", 0.0)))
        for w in data.get("result", ())
    )
    return str(data.get("text", "")), words


def grammar(phrases: Iterable[str], fillers: Iterable[str], known: Iterable[str] = ()) -> list[str]:
    """The recognizer's grammar: the phrases, then the fillers that do not sound like them.

    `known` are extra grammar entries the model has (such as UNKNOWN). A filler that is a
    word of a phrase, or spelled much like one, is left out: it would steal that phrase
    (measured on Korean: pruning kept 7-16 points more of the commands at the same size).
    """
    allowed = sorted({normalize_words(p) for p in phrases} - {""})
    targets = {target for phrase in allowed for target in (phrase, *phrase.split())}
    extra = sorted(
        filler
        for filler in {normalize_words(f) for f in fillers} - targets - {""}
        if not any(sounds_alike(filler, target) for target in targets)
    )
    return [*allowed, *extra, *known]


ALIKE = 0.6
"""Two words whose letters differ in at most this share of places sound alike."""


def letters(word: str) -> tuple[str, ...]:
    """The letters of a word: a Korean syllable is its initial, vowel and final letter."""
    found: list[str] = []
    for char in word:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            found += [f"L{code // 588}", f"V{code % 588 // 28}"] + ([f"T{code % 28}"] if code % 28 else [])
        elif not char.isspace():
            found.append(char)
    return tuple(found)


@functools.lru_cache(maxsize=65536)
def sounds_alike(a: str, b: str) -> bool:
    """Spelled much alike (edit distance over letters, per letter, at most ALIKE): for
    Korean, whose spelling follows sound closely, a fair guess at sounding alike."""
    x, y = letters(a), letters(b)
    if not x or not y:
        return False
    previous = list(range(len(y) + 1))
    for i, p in enumerate(x, 1):
        current = [i]
        for j, q in enumerate(y, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (p != q)))
        previous = current
    return previous[-1] / max(len(x), len(y)) <= ALIKE


def judge(text: str, words: tuple[Word, ...], phrases: Iterable[str], rules: Rules) -> Verdict:
    """Accept `text` as one of `phrases`, or say why not."""
    heard = normalize_words(text)
    if not heard:
        return Verdict(text, reason="nothing")
    least = min((w.confidence for w in words), default=0.0)
    allowed = {normalize_words(p) for p in phrases}
    if UNKNOWN in text.split():
        return Verdict(text, confidence=least, reason="unknown word")
    if heard not in allowed:
        # A filler, or several grammar words in a row (the bigram model's doing).
        return Verdict(text, confidence=least, reason="not a command")
    length = words[-1].end - words[0].start if words else 0.0
    if length < rules.min_seconds:
        return Verdict(text, confidence=least, reason=f"too short ({length:.2f} s)")
    if least < rules.min_confidence:  # the last check: `unsure_phrase` relies on it
        return Verdict(text, confidence=least, reason=f"{UNSURE} ({least:.2f})")
    return Verdict(text, phrase=heard, confidence=least)


UNSURE = "unsure"
"""How the reason of an allowed phrase heard less sure than `min_confidence` begins."""
UNSURE_FLOOR = 0.5
"""Least confidence of a phrase heard unsure that a second reading may still confirm: on
the quick corpus (tuning), 8 of the 11 clean commands that bare grammar decoding got right
and the pipeline missed were the right phrase heard at 0.45-0.89, 7 of them from 0.5 (a
round floor, not tuned further)."""


def unsure_phrase(verdict: Verdict) -> str:
    """The allowed phrase of a verdict turned down only as unsure (`judge`'s last check), at
    least `UNSURE_FLOOR` sure, else ""."""
    if verdict.accepted or not verdict.reason.startswith(UNSURE) or verdict.confidence < UNSURE_FLOOR:
        return ""
    return normalize_words(verdict.text)


READINGS = 2
"""Readings asked of vosk for the second reading (`SetMaxAlternatives`): the best and the next."""


def second_reading(result: str, phrase: str, min_margin: float) -> str:
    """Why a second reading of an utterance (a vosk result with alternatives) does not confirm
    `phrase`, or "" when it does: its best reading must be the phrase, ahead of the next
    likeliest by at least `min_margin` (a log-likelihood). Of the utterances heard as a
    command, the background audio's ones are mostly close calls between the command and
    other grammar words; a command said to the companion mostly has no close second."""
    readings = json.loads(result).get("alternatives", ())
    best = normalize_words(str(readings[0].get("text", ""))) if readings else ""
    if best != phrase:
        return "heard otherwise on a second reading"
    margin = (
        float(readings[0]["confidence"]) - float(readings[1]["confidence"]) if len(readings) > 1 else math.inf
    )
    if margin < min_margin:
        return f"close to another reading ({margin:.2f})"
    return ""


NOT_SPEECH = "not speech"
"""How the reason of a sound turned down as no speech begins (`speechlike.not_speech`)."""


def rescuable(verdict: Verdict | None, phrases: Iterable[str]) -> bool:
    """Whether the user's takes may choose a phrase for this rejected result: only when the
    recognizer heard words of an allowed phrase in it (the phrase itself but unsure, or with a
    filler or other words around it). Heard as nothing or as fillers alone, the takes alone
    made commands of coughs and breaths (issue 14); of the user's commands the recognizer
    missed, 18 of 26 were heard with extra words (bench/voice_teach.py: only a phrase heard
    unsure, 83% right with takes; this, 96%; from anything, 99%)."""
    if verdict is None or verdict.accepted:
        return False
    words = {word for phrase in phrases for word in normalize_words(phrase).split()}
    return any(word in words for word in normalize_words(verdict.text).split())


class HalfDuplex:
    """Whether audio captured at a time may be decoded: not while the companion speaks,
    nor for `tail` seconds after (what is still in the speaker's buffer and the room),
    so its own cues never become commands."""

    def __init__(self, tail: float) -> None:
        self.tail = tail
        self._speaking = False
        self._since = -float("inf")
        """When speech last began (while speaking) or ended."""

    def speaking(self, active: bool, at: float) -> None:
        """The companion started (True) or stopped (False) making sound at `at`."""
        if active != self._speaking:
            self._speaking = active
            self._since = at

    def open_at(self, captured: float) -> bool:
        """True when audio captured at `captured` may be decoded."""
        if self._speaking:
            return captured < self._since
        return captured >= self._since + self.tail

    def open_over(self, first: float, last: float) -> bool:
        """True when all audio captured from `first` to `last` may be decoded (as only the
        latest start or end counts, its two ends tell)."""
        return self.open_at(first) and self.open_at(last)

    def quiet_for(self, at: float) -> float:
        """Seconds since the gate opened after the companion's last sound (0 while closed)."""
        return 0.0 if self._speaking else max(0.0, at - self._since - self.tail)


class Endpointer:
    """Says when speech has ended, from the loudness of each block: sooner than vosk.

    vosk ends an utterance by its own rules (model.conf), which measured 0.6-1.0 s after
    the last word even with the trailing silence set to 0.2 s. Here an utterance ends
    after `end_silence` seconds below the speech level, following at least `min_voiced`
    seconds above it. The speech level follows the background: `ratio` times a slowly
    rising floor (the quietest recent block), and never below `least` (int16 RMS).
    """

    def __init__(self, end_silence: float, min_voiced: float = 0.1, ratio: float = 4.0, least: float = 150.0):
        self.end_silence = end_silence
        self.min_voiced = min_voiced
        self.ratio = ratio
        self.least = least
        self._floor: float | None = None
        self._voiced = 0.0
        self._quiet = 0.0

    def reset(self) -> None:
        """Forget the utterance in progress (the background level is kept)."""
        self._voiced = 0.0
        self._quiet = 0.0

    def update(self, rms: float, seconds: float) -> bool:
        """A block of `seconds` with this loudness; True when it ends an utterance."""
        floor = rms if self._floor is None else min(rms, self._floor * 1.02 + 1.0)
        self._floor = floor
        if rms > max(floor * self.ratio, self.least):
            self._voiced += seconds
            self._quiet = 0.0
            return False
        if self._voiced < self.min_voiced:
            self._voiced = 0.0  # a click: not speech
            return False
        self._quiet += seconds
        if self._quiet >= self.end_silence:
            self.reset()
            return True
        return False
