"""Vosk grammar recognition: audio blocks in, judged results out.

One `Model` per process (loading takes ~2 s and ~500 MB), one recognizer per listening
thread (recognizers are not thread-safe). The grammar holds only what can be said now
plus fillers; `core.hearing` decides what counts as a command.
"""

from __future__ import annotations

import array
import json
import logging
import math
import sys
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.commands import normalize_words
from .hearing import UNKNOWN, Endpointer, Rules, Verdict, grammar, judge, parse_result

log = logging.getLogger(__name__)

RENEW_AFTER = 200
"""Results after which the recognizer is made anew: long-lived recognizers grow
(vosk-api #209, #526), and a new grammar recognizer costs ~1 ms."""


class ModelLoadError(Exception):
    """The model folder could not be loaded."""


def load_model(path: Path) -> Any:
    """Load a vosk model (~1.5-2.5 s for a small one), quietly."""
    import vosk

    # vosk logs every result to stderr otherwise; -2 keeps errors and drops the per-grammar
    # "missing in vocabulary" warnings (missing words are checked and reported by name instead).
    vosk.SetLogLevel(-2)
    try:
        return vosk.Model(str(path))
    except Exception as error:
        raise ModelLoadError(f"cannot load the speech model in {path}: {error}") from None


def knows(model: Any, word: str) -> bool:
    """True when the model's vocabulary has `word` (vosk drops unknown grammar words silently)."""
    return bool(model.vosk_model_find_word(word) != -1)


def missing_words(model: Any, phrases: Iterable[str]) -> list[str]:
    """The words of `phrases` the model does not know, in first-seen order."""
    missing: dict[str, None] = {}
    for phrase in phrases:
        for word in normalize_words(phrase).split():
            if word not in missing and not knows(model, word):
                missing[word] = None
    return list(missing)


def builtin_fillers(language: str) -> tuple[str, ...]:
    """The built-in filler words for a language (empty when there is no list)."""
    name = language.split("-", maxsplit=1)[0].lower()
    try:
        text = resources.files(__package__).joinpath(f"fillers/{name}.txt").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class Recognizer:
    """A vosk grammar recognizer that listens for a changing set of phrases."""

    def __init__(
        self, model: Any, rate: int, rules: Rules, fillers: Sequence[str] = (), end_silence: float = 0.0
    ) -> None:
        """`end_silence` > 0: end an utterance after that much quiet, without waiting for
        vosk's own endpointing (which comes 0.6-1.0 s after the last word)."""
        self._model = model
        self._rate = rate
        self.rules = rules
        self._endpointer = Endpointer(end_silence) if end_silence > 0 else None
        self._extra = [UNKNOWN] if knows(model, UNKNOWN) else []
        # Fillers the model lacks would be dropped by vosk anyway; dropping them here keeps
        # the grammar honest and saves vosk a warning per word.
        self._fillers = [
            f for f in dict.fromkeys(normalize_words(f) for f in fillers) if f and knows(model, f)
        ]
        self._phrases: tuple[str, ...] = ()
        self._rec: Any = None
        self._results = 0
        self._dirty = False

    @property
    def rate(self) -> int:
        """Samples per second of the audio it is fed."""
        return self._rate

    @property
    def phrases(self) -> tuple[str, ...]:
        return self._phrases

    def listen_for(self, phrases: Iterable[str]) -> None:
        """Listen for these phrases from now on (drops any utterance in progress)."""
        wanted = tuple(sorted({normalize_words(p) for p in phrases} - {""}))
        if wanted == self._phrases and self._rec is not None:
            return
        self._phrases = wanted
        if self._rec is None or not wanted:
            self._rec = self._new() if wanted else None
            return
        # SetGrammar mid-utterance aborts the whole process (KaldiFatalError): Reset first.
        self._rec.Reset()
        self._rec.SetGrammar(self._grammar_json())
        self._dirty = False

    def feed(self, pcm: bytes) -> Verdict | None:
        """Decode a block; a verdict when an utterance ended in it."""
        if self._rec is None:
            return None
        self._dirty = True
        if self._rec.AcceptWaveform(pcm):
            if self._endpointer is not None:
                self._endpointer.reset()
            return self._verdict(self._rec.Result())
        if self._endpointer is not None and self._endpointer.update(_rms(pcm), len(pcm) / 2 / self._rate):
            return self._verdict(self._rec.FinalResult())
        return None

    def flush(self) -> Verdict | None:
        """End the utterance in progress now (for the end of a file or a test)."""
        if self._rec is None or not self._dirty:
            return None
        return self._verdict(self._rec.FinalResult())

    def reset(self) -> None:
        """Forget the utterance in progress (the companion started speaking over it)."""
        if self._endpointer is not None:
            self._endpointer.reset()
        if self._rec is not None and self._dirty:
            self._rec.Reset()
            self._dirty = False

    def _verdict(self, result: str) -> Verdict | None:
        self._dirty = False
        self._results += 1
        if self._results >= RENEW_AFTER:
            self._results = 0
            self._rec = self._new()
        text, words = parse_result(result)
        if not text:
            return None
        return judge(text, words, self._phrases, self.rules)

    def _grammar_json(self) -> str:
        # ensure_ascii=False: vosk does not decode \\u escapes, so escaped non-ASCII words
        # (all of Korean) would all be "missing in vocabulary" and the grammar empty.
        return json.dumps(grammar(self._phrases, self._fillers, self._extra), ensure_ascii=False)

    def _new(self) -> Any:
        import vosk

        rec = vosk.KaldiRecognizer(self._model, float(self._rate), self._grammar_json())
        rec.SetWords(True)
        self._dirty = False
        return rec


SILENT_DBFS = -120.0
"""The level given for digital silence (its true dBFS is minus infinity)."""


def dbfs(pcm: bytes) -> float:
    """Loudness of int16 little-endian mono audio in dB below full scale (0 = loudest)."""
    rms = _rms(pcm)
    return max(SILENT_DBFS, 20 * math.log10(rms / 32768)) if rms > 0 else SILENT_DBFS


def _rms(pcm: bytes) -> float:
    """Loudness of int16 little-endian mono audio (~30 us for a 50 ms block)."""
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))
