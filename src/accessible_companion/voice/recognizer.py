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
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..audio.microphone import block_bytes
from ..core.commands import normalize_words
from .hearing import (
    READINGS,
    UNKNOWN,
    Endpointer,
    Rules,
    Verdict,
    grammar,
    judge,
    parse_result,
    rescuable,
    second_reading,
    unsure_phrase,
)
from .utterance import (
    FRAME,
    Segmenter,
    Segmenting,
    Utterance,
    busy_room,
    going_on,
    heard_so_far,
    plausible,
)
from .vad import FRAME_BYTES, FRAME_SAMPLES, Detector, Heard

PIECE_BYTES = block_bytes(16000)
"""What `Gated` judges loudness by: the microphone's short blocks (20 ms)."""
FLOOR_RISE, FLOOR_STEP = 1.02**0.4, 0.4
"""How the room's level (the quietest recent piece) rises per piece: 2% (+1) per 50 ms."""

if TYPE_CHECKING:
    from .takes import Takes

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
        self,
        model: Any,
        rate: int,
        rules: Rules,
        fillers: Sequence[str] = (),
        end_silence: float = 0.0,
        vad: Detector | None = None,
        takes: Takes | None = None,
    ) -> None:
        """`end_silence` > 0: end an utterance after that much quiet, without waiting for
        vosk's own endpointing (which comes 0.6-1.0 s after the last word).

        `vad` (see `vad.detector`; 16 kHz only): vosk hears only
        isolated utterances (`utterance.Segmenter`), level-normalised, and nothing else; in
        quiet only a loudness check runs. `takes`: the user's own takes (voice/takes.py), a
        second opinion on each isolated utterance (only with `vad`)."""
        self.takes = takes
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
        self._asked: Iterable[str] | None = None
        """What `listen_for` was last given (the same tuple again: nothing to do)."""
        self._rec: Any = None
        self._results = 0
        self._dirty = False
        self._gated: Gated | None = None
        self._stream = -1
        """Start frame of the utterance vosk is being fed as it is said (-1 = none)."""
        self._parts: list[str] = []
        """Results vosk gave within that utterance (its own endpointing, in a pause)."""
        self._going_on = ""
        """The phrase last taken (`utterance.going_on`)."""
        if vad is not None and rate == 16000:
            quiet = max(end_silence, 0.3)
            self._gated = Gated(
                vad, Segmenting(end_silence=quiet), self._hear_part, min_voiced=rules.min_voiced
            )

    @property
    def rate(self) -> int:
        """Samples per second of the audio it is fed."""
        return self._rate

    @property
    def phrases(self) -> tuple[str, ...]:
        return self._phrases

    @property
    def idle(self) -> bool:
        """Whether nothing is awaited (`Gated.idle`); never without a voice-activity detector,
        when every block goes to vosk as it comes."""
        return self._gated is not None and self._gated.idle

    def listen_for(self, phrases: Iterable[str]) -> None:
        """Listen for these phrases from now on (drops any utterance in progress)."""
        if phrases is self._asked and self._rec is not None:
            return  # the listener asks with every block: normalising 26 phrases took 60 us
        self._asked = phrases
        wanted = tuple(sorted({normalize_words(p) for p in phrases} - {""}))
        if wanted == self._phrases and self._rec is not None:
            return
        self._phrases = wanted
        if self._rec is None or not wanted:
            self._rec = self._new() if wanted else None
            return
        # SetGrammar mid-utterance aborts the whole process (KaldiFatalError): Reset first.
        self._rec.Reset()
        self._stream = -1
        self._rec.SetGrammar(self._grammar_json())
        self._dirty = False

    def feed(self, pcm: bytes) -> Verdict | None:
        """Decode a block; a verdict when an utterance ended in it."""
        if self._rec is None:
            return None
        if self._gated is not None:
            found = self._gated.feed(pcm)
            return self._decode(found) if found is not None else None
        self._dirty = True
        if self._rec.AcceptWaveform(pcm):
            if self._endpointer is not None:
                self._endpointer.reset()
            return self._verdict(self._rec.Result())
        if self._endpointer is not None and self._endpointer.update(_rms(pcm), len(pcm) / 2 / self._rate):
            return self._verdict(self._rec.FinalResult())
        return None

    def _decode(self, found: tuple[Utterance, bytes]) -> Verdict | None:
        """Judge an utterance: rejected unheard when not isolated, else decoded alone."""
        utterance, pcm = found
        if utterance.reason:
            return Verdict("", reason=utterance.reason)
        verdict = self._verdict(self._final(utterance, pcm))
        if verdict is not None:
            busy = self._gated is not None and busy_room(self._gated.rules, utterance)
            verdict = self._second_reading(verdict, pcm, busy)
        if self.takes is not None:
            verdict = self._second_opinion(self.takes, verdict, pcm)
        if verdict is not None and verdict.accepted:
            why = plausible(verdict.phrase, utterance.seconds)
            if not why and self.rules.min_voiced > 0:
                from .speechlike import not_speech  # numpy: only once voice is on

                why = not_speech(pcm, self._rate, self.rules.min_voiced)
            if not why and self._gated is not None:
                same = verdict.phrase == self._going_on
                why = going_on(self._gated.rules, utterance, same)
            if why:
                verdict = Verdict(verdict.text, confidence=verdict.confidence, reason=why)
        if self._gated is not None and verdict is not None and verdict.accepted:
            self._going_on = verdict.phrase
            self._gated.going_on()
        return verdict

    def _second_reading(self, verdict: Verdict, pcm: bytes, busy: bool) -> Verdict:
        """The whole utterance read again, at its own level, for its best two readings
        (`hearing.second_reading`), where the rules ask for it: a command taken must be
        confirmed when `Rules.margin` asks (`min_margin`, or `busy_margin` in a room `busy`
        with talk); a phrase heard unsure may be (`unsure_margin`) when nothing stronger
        decides: not with the user's takes (they choose for an unsure phrase themselves: on
        the evaluation streams this second chance took them from 0.5 to 0.6 false commands an
        hour) and not when every command must be confirmed. A second reading costs ~35 ms
        (p50, `bench.voice_latency`)."""
        rules = self.rules
        needed = rules.margin(busy)
        if verdict.accepted:
            phrase, margin = verdict.phrase, needed
        elif self.takes is None and needed <= 0:
            phrase, margin = unsure_phrase(verdict), rules.unsure_margin
        else:
            return verdict
        if not phrase or margin <= 0:
            return verdict
        rec = self._made(READINGS)
        rec.AcceptWaveform(normalise(pcm))
        why = second_reading(str(rec.FinalResult()), phrase, margin)
        if not verdict.accepted:
            return verdict if why else Verdict(verdict.text, phrase=phrase, confidence=verdict.confidence)
        if why and needed > rules.min_margin:
            why += ", in a room busy with talk"  # so `voice test` shows why a clear room differs
        return Verdict(verdict.text, confidence=verdict.confidence, reason=why) if why else verdict

    def _hear_part(self, pcm: bytes, start: int, first: bool) -> str:
        """Decode the next piece of an isolated utterance while it is said (`Gated`), so that
        at its end only the final result is left; what the words so far say (`heard_so_far`)."""
        if first:
            # A new recognizer (~1 ms): Reset after an utterance left undecided (running
            # talk, too long) leaves state that added words to the next one.
            self._rec = self._new()
            self._stream, self._parts = start, []
        elif start != self._stream:
            return ""  # the recognizer was reset meanwhile: decoded whole at the end
        if self._rec.AcceptWaveform(pcm):
            self._parts.append(self._rec.Result())
        words = " ".join(parse_result(part)[0] for part in self._parts)
        partial = str(json.loads(self._rec.PartialResult()).get("partial", ""))
        return heard_so_far(f"{words} {partial}", self._phrases)

    def _final(self, utterance: Utterance, pcm: bytes) -> str:
        """vosk's result on an utterance: what is left of the one fed while said, or `pcm` decoded alone."""
        streamed, self._stream = utterance.start == self._stream, -1
        if not streamed:
            self._rec.Reset()
            self._rec.AcceptWaveform(normalise(pcm))
            return str(self._rec.FinalResult())
        return merged([*self._parts, self._rec.FinalResult()])

    def _second_opinion(self, takes: Takes, verdict: Verdict | None, pcm: bytes) -> Verdict | None:
        """The user's takes agree, veto (another voice, a television) or, where the model
        heard words of a phrase but took none (`rescuable`), choose the phrase themselves when
        they are sure. Out of nothing, or fillers alone, they make no command."""
        heard = verdict.phrase if verdict is not None and verdict.accepted else ""
        if not heard and not rescuable(verdict, self._phrases):
            return verdict
        chosen = takes.decide(heard, pcm, self._rate, allowed=self._phrases)
        if chosen == heard:
            return verdict
        if not chosen:
            assert verdict is not None
            return Verdict(verdict.text, confidence=verdict.confidence, reason="not like the user's takes")
        assert verdict is not None
        return Verdict(verdict.text, phrase=chosen, confidence=verdict.confidence)

    def flush(self) -> Verdict | None:
        """End the utterance in progress now (for the end of a file or a test)."""
        if self._gated is not None:
            if self._rec is None:
                return None
            found = self._gated.flush()
            return self._decode(found) if found is not None else None
        if self._rec is None or not self._dirty:
            return None
        return self._verdict(self._rec.FinalResult())

    def skip(self, pcm: bytes) -> None:
        """A block not to be heard: the companion's own sound (half-duplex). The utterance in
        progress is forgotten; the block's time may pass as quiet (`Segmenter.skip`)."""
        if self._gated is None:
            self.reset()
            return
        self._gated.skip(pcm)
        self._stream = -1

    def reset(self) -> None:
        """Forget the utterance in progress (listening paused)."""
        if self._gated is not None:
            self._gated.reset()
            self._stream = -1
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
        """A new recognizer for the current phrases, as the one in use."""
        rec = self._made()
        self._dirty = False
        return rec

    def _made(self, readings: int = 0) -> Any:
        """A grammar recognizer for the current phrases; `readings` > 0: that many N-best
        readings instead of words with their confidence."""
        import vosk

        rec = vosk.KaldiRecognizer(self._model, float(self._rate), self._grammar_json())
        rec.SetWords(True)
        if readings:
            rec.SetMaxAlternatives(readings)
        return rec


def merged(results: Sequence[str]) -> str:
    """vosk JSON results of one utterance as one (vosk's own endpointing can split it in a pause)."""
    datas = [json.loads(result) for result in results]
    text = " ".join(str(d.get("text", "")) for d in datas if d.get("text"))
    words = [w for d in datas for w in d.get("result", ())]
    return json.dumps({"text": text, "result": words}, ensure_ascii=False)


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


TARGET_RMS = 3000.0
"""The level (int16 RMS, about -21 dBFS) an utterance is brought to before decoding: soft
clips were recognised far worse than the same clips made louder."""
MAX_GAIN = 10.0
"""At most +20 dB: more would raise the room's noise into words."""


def normalise(pcm: bytes, target: float = TARGET_RMS, max_gain: float = MAX_GAIN) -> bytes:
    """int16 audio scaled to `target` RMS (gain at most `max_gain`, and never clipping)."""
    return scaled(pcm, gain_for(pcm, target, max_gain))


def gain_for(
    pcm: bytes, target: float = TARGET_RMS, max_gain: float = MAX_GAIN, peak: float = 32000.0
) -> float:
    """The gain that brings int16 audio to `target` RMS (at most `max_gain`, its peak at most `peak`)."""
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    if not samples.size:
        return 1.0
    rms = float(np.sqrt(np.mean(samples * samples)))
    top = float(np.max(np.abs(samples)))
    if rms <= 0 or top <= 0:
        return 1.0
    return min(target / rms, max_gain, peak / top)


def scaled(pcm: bytes, gain: float) -> bytes:
    """int16 audio times `gain` (clipped)."""
    import numpy as np

    if gain == 1.0:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    return bytes(np.clip(samples * gain, -32768, 32767).astype("<i2").tobytes())


IDLE_AFTER = 3.0
"""Seconds without a voice-like frame (and no utterance in progress) after which listening
is idle: no end of speech is awaited, so the microphone may deliver long blocks
(`Microphone.pace`). The same rest as silero's sleep (`vad.SILERO_REST`)."""


class Gated:
    """Audio in, isolated utterances (and their audio) out: the detector runs only on 20 ms
    pieces louder than the room, so listening to a quiet room costs a loudness check a piece.

    The room's level is the quietest recent piece, rising slowly (as `Endpointer`); a piece
    at most `ratio` times it is quiet and its frames count as no speech unheard."""

    PRE_ROLL = 0.3
    """Seconds of audio kept before the speech (its onset, which the detector calls late)."""
    TAIL = 0.15
    """Seconds after the last speech frame given to the recognizer."""
    GAIN_AFTER = 0.2
    """Seconds of speech whose level (with the pre-roll's) sets the gain of an utterance
    decoded while it is said (the same audio whatever the block size); shorter utterances
    are normalised whole at their end."""

    def __init__(
        self,
        vad: Detector,
        rules: Segmenting,
        listen: Callable[[bytes, int, bool], str] | None = None,
        ratio: float = 2.0,
        min_voiced: float = 0.0,
    ) -> None:
        """`listen(pcm, start, first)`: an isolated utterance's audio (level-normalised) as it
        comes, `start` its first speech frame, `first` for its first piece; it returns what
        was heard so far (`utterance.heard_so_far`), which sets the quiet that ends it.
        `min_voiced` > 0: an utterance less voiced than that (`speechlike.voiced_share`: a
        cough, a breath) is no speech and breaks no quiet (`Segmenter.forget`)."""
        self._vad = vad
        self._min_voiced = min_voiced
        self._listen = listen
        self._stream = -1
        """Start frame of the utterance being given to `listen` (-1 = none)."""
        self._sent = 0
        """Frame number up to which its audio was given."""
        self._gain: float | None = None
        self._was_loud = False
        self._segmenter = Segmenter(rules)
        self._ratio = ratio
        self._floor: float | None = None
        self._audio = bytearray()
        self._base = 0
        """Frame number of `_audio`'s first frame."""
        self._rest = b""
        quiet = max(rules.end_silence, rules.slow_end)
        keep = rules.max_speech + quiet + self.PRE_ROLL + 0.5 + vad.lag * FRAME
        self._keep = round(keep / FRAME)
        self._sound = (-1, -1)
        """The run of `Heard.SOUND` frames going on or last ended: (first, one past its last)."""
        self.decided = 0
        """Frames the detector judged (for the benchmark: its cost)."""
        self._voice = 0
        """The frame of the last voice-like verdict (SPEECH or SOUND); the start counts as one."""

    @property
    def idle(self) -> bool:
        """No voice-like frame for IDLE_AFTER seconds and no utterance in progress."""
        segmenter = self._segmenter
        return not segmenter.active and segmenter.frame - self._voice >= IDLE_AFTER / FRAME

    def feed(self, pcm: bytes) -> tuple[Utterance, bytes] | None:
        """A block of any length; an utterance that ended in it, with its audio. Loudness is
        judged in 20 ms pieces (the microphone's short blocks), so every decision is the same
        whether the microphone gives 20 ms or 0.2 s at a time."""
        import numpy as np

        data = self._rest + pcm
        whole = len(data) // PIECE_BYTES * PIECE_BYTES
        self._rest = data[whole:]
        if not whole:
            return None
        pieces = np.frombuffer(data, dtype="<i2", count=whole // 2).astype(np.float32)
        pieces = pieces.reshape(-1, PIECE_BYTES // 2)
        powers = np.einsum("ij,ij->i", pieces, pieces) / pieces.shape[1]  # np.mean: 2x the cost
        found: tuple[Utterance, bytes] | None = None
        quiet_from = 0
        for n, rms in enumerate(np.sqrt(powers).tolist()):
            floor = rms if self._floor is None else min(rms, self._floor * FLOOR_RISE + FLOOR_STEP)
            self._floor = floor
            if rms > floor * self._ratio or self._segmenter.active:
                self._pass_quiet(data[quiet_from * PIECE_BYTES : n * PIECE_BYTES])
                found = self._loud(data[n * PIECE_BYTES : (n + 1) * PIECE_BYTES], pieces[n]) or found
                quiet_from = n + 1
        self._pass_quiet(data[quiet_from * PIECE_BYTES : whole])
        return found

    def _pass_quiet(self, pcm: bytes) -> None:
        """Quiet pieces, no utterance in progress: no frame is judged, and their time passes
        at once (as frame by frame: the run of sound is followed up to their last frame)."""
        frames = len(pcm) // FRAME_BYTES
        if not frames:
            return
        self._was_loud = False
        self._audio += pcm
        if self._sound[0] < 0:
            self._segmenter.quiet(frames)
        else:
            self._segmenter.quiet(frames - 1)
            self._follow_sound(False)
            self._segmenter.quiet(1)
        self._trim()

    def _loud(self, block: bytes, samples: Any) -> tuple[Utterance, bytes] | None:
        """A piece louder than the room (or within an utterance): each frame judged."""
        import numpy as np

        if not self._was_loud and self._vad.warmup:
            # Give the detector the audio it skipped, as far back as it needs.
            frames = min(self._vad.warmup, len(self._audio) // FRAME_BYTES)
            for i in range(len(self._audio) - frames * FRAME_BYTES, len(self._audio), FRAME_BYTES):
                self.decided += 1
                self._vad(bytes(self._audio[i : i + FRAME_BYTES]))
        self._was_loud = True
        self._audio += block
        found: tuple[Utterance, bytes] | None = None
        each = samples.reshape(-1, FRAME_SAMPLES)
        levels = (10 * np.log10(np.mean(each * each, axis=1) / 32768.0**2 + 1e-12)).tolist()  # dBFS
        for n, i in enumerate(range(0, len(block), FRAME_BYTES)):
            self.decided += 1
            heard = self._vad(block[i : i + FRAME_BYTES])
            if heard is not Heard.QUIET:
                self._voice = self._segmenter.frame
            self._follow_sound(heard is Heard.SOUND)
            utterance = self._segmenter.push(heard is Heard.SPEECH, levels[n], heard is Heard.SOUND)
            if utterance is not None:
                found = (utterance, self._cut(utterance))
                self._forget_unvoiced(*found)
        self._give()
        self._trim()
        return found

    def _follow_sound(self, sound: bool) -> None:
        """Runs of sound that is no speech (`Heard.SOUND`): one that is unvoiced (a breath,
        a hiss) is forgotten once it ends, as an unvoiced utterance is (`_forget_unvoiced`):
        else a breath as loud as the command after it made it running talk."""
        frame = self._segmenter.frame
        if sound:
            self._sound = (frame if self._sound[0] < 0 else self._sound[0], frame + 1)
            return
        start, end = self._sound
        if start < 0 or frame - end <= self.rules.bridge / FRAME:
            return
        self._sound = (-1, -1)
        if end - start < self.rules.min_speech / FRAME or end <= self._base:
            return
        if self._unvoiced(self._span(max(start, self._base), end)):
            self._segmenter.forget_sound(start, end)

    def _forget_unvoiced(self, utterance: Utterance, pcm: bytes) -> None:
        """A cough or a breath leaves the quiet before a command unbroken: after a 1.1 s
        cough, "next" was turned down for 2.7 s when it counted as speech."""
        if self._unvoiced(pcm):
            self._segmenter.forget(utterance)

    def _unvoiced(self, pcm: bytes) -> bool:
        """Whether `pcm` is no speech by its voicing (`min_voiced`; never when that is 0)."""
        if self._min_voiced <= 0:
            return False
        from .speechlike import voiced_share

        return voiced_share(pcm) < self._min_voiced

    def _trim(self) -> None:
        excess = len(self._audio) // FRAME_BYTES - self._keep
        if excess > 0:  # what is older belongs to no utterance that can still count
            del self._audio[: excess * FRAME_BYTES]
            self._base += excess

    def _give(self) -> None:
        """Give `listen` the new audio of an isolated utterance in progress."""
        segmenter = self._segmenter
        if self._listen is None or not segmenter.isolated:
            return
        now = self._base + len(self._audio) // FRAME_BYTES
        if segmenter.start != self._stream:
            self._stream, self._gain = segmenter.start, None
            self._sent = self._first(segmenter.start, segmenter.sound_end)
        first = self._gain is None
        if first:
            gain_end = segmenter.start + round(self.GAIN_AFTER / FRAME)
            if now < gain_end:
                return
            # Half the peak room of `normalise`: the louder speech still to come must not clip.
            self._gain = gain_for(self._span(self._sent, gain_end), peak=16000.0)
        assert self._gain is not None
        pcm = scaled(self._span(self._sent, now), self._gain)
        self._sent = now
        segmenter.hear(self._listen(pcm, self._stream, first))

    def _first(self, start: int, sound_end: int) -> int:
        """First audio frame given for an utterance whose speech starts at frame `start`
        (`Utterance.sound_end`: not before the end of the sound before it)."""
        return max(self._base, sound_end, start - round(self.PRE_ROLL / FRAME) - self._vad.lag)

    def _span(self, first: int, last: int) -> bytes:
        return bytes(self._audio[(first - self._base) * FRAME_BYTES : (last - self._base) * FRAME_BYTES])

    def flush(self) -> tuple[Utterance, bytes] | None:
        """End the utterance in progress (the end of a file): as if quiet followed."""
        found: tuple[Utterance, bytes] | None = None
        while self._segmenter.active:
            utterance = self._segmenter.push(False)
            if utterance is not None:
                found = (utterance, self._cut(utterance))
        return found

    @property
    def rules(self) -> Segmenting:
        return self._segmenter.rules

    def going_on(self) -> None:
        """The utterance just given was taken as a command (`Segmenter.going_on`)."""
        self._segmenter.going_on()

    def reset(self) -> None:
        """Forget the utterance in progress (the room's level and the past are kept)."""
        self._segmenter.drop()

    def skip(self, pcm: bytes) -> None:
        """A block of the companion's own sound, not heard: the utterance in progress is
        forgotten, and the block's time passes as quiet where `Segmenter.skip` says so (as
        silent audio, so frame numbers and audio stay in step)."""
        self._rest = b""
        self._was_loud = False  # the detector gets its warm-up again after it
        frames = self._segmenter.skip(len(pcm) // FRAME_BYTES)
        self._audio += bytes(frames * FRAME_BYTES)
        self._trim()

    def _cut(self, utterance: Utterance) -> bytes:
        last = utterance.end + round(self.TAIL / FRAME)
        if utterance.start == self._stream and self._gain is not None and self._listen is not None:
            # The end of the one given while said (the utterance ended within this block).
            end = min(last, self._base + len(self._audio) // FRAME_BYTES)
            if end > self._sent:
                self._listen(scaled(self._span(self._sent, end), self._gain), self._stream, False)
                self._sent = end
        return self._span(self._first(utterance.start, utterance.sound_end), last)
