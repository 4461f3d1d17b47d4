"""Whether something the recognizer heard is a command: pure rules, no audio.

A vosk grammar is a bigram model over its words, so it outputs any sequence of them,
and a closed grammar maps almost any speech onto some command (measured: every
unrelated Korean utterance became a command). So a result is accepted only when it is
exactly one allowed phrase, every word is heard surely enough, it lasts long enough to
be speech, and it contains no filler: everyday words put into the grammar so that talk
to someone else has somewhere to go that is not a command.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from .voice import normalize_words

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
    """The recognizer's grammar: the phrases, then fillers that are no phrase's word.

    `known` are extra grammar entries the model has (such as UNKNOWN). A filler that is
    also a word of a phrase is left out: it would make that phrase unsayable.
    """
    allowed = sorted({normalize_words(p) for p in phrases} - {""})
    used = {word for phrase in allowed for word in phrase.split()}
    extra = sorted({normalize_words(f) for f in fillers} - used - {""})
    return [*allowed, *extra, *known]


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
    if least < rules.min_confidence:
        return Verdict(text, confidence=least, reason=f"unsure ({least:.2f})")
    length = words[-1].end - words[0].start if words else 0.0
    if length < rules.min_seconds:
        return Verdict(text, confidence=least, reason=f"too short ({length:.2f} s)")
    return Verdict(text, phrase=heard, confidence=least)


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
