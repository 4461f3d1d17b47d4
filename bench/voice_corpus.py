"""The voice benchmark's corpus: Korean command clips and clips that must not be commands.

Everything is generated here (espeak-ng speech, numpy noise and reverb) and cached under
$XDG_CACHE_HOME/accessible-companion/voice-corpus (or /tmp): nothing is committed.

Command clips: every phrase that can be said in the Korean example config's home menu
(`Companion.voice_phrases()`), in several espeak-ng voices, speeds and pitches, under
six conditions: clean, white and pink noise at 20 and 10 dB SNR, and a room reverb.

Other clips (`kind == "other"`), by group:
  korean-sentence  everyday Korean talk, some of it with command-like words in it
  korean-word      single Korean words that are not commands
  english          English sentences (another language)
  babble           three or four Korean sentences spoken at once
  noise            white, pink, hum and clicks, no speech
  own-cue          the companion's own speech: the Korean menus' labels, cues and phrases
                   and its messages, in the configured cue and main voices (these hold
                   command words), as they reach its microphone
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from accessible_companion.config import load_config
from accessible_companion.config.loader import Config
from accessible_companion.core.companion import Companion
from accessible_companion.core.settings import VoiceOut
from rigs.speech_clips import RATE, Samples, noise_floor, pad, paused, seed_of, synthesize, to_pcm, write_wav

VERSION = 3
"""Bump when clips are made differently: the cache folder changes with it."""

KOREAN = Path(__file__).resolve().parents[1] / "examples" / "ko"

PAD = 0.4
"""Seconds of room before and after the speech."""
FLOOR_DB = -60.0
"""The noise floor under every clip (exact silence distorts recognizers)."""

CONDITIONS = ("clean", "white20", "white10", "pink20", "pink10", "reverb", "soft", "paused")
SOFT_DB = -24.0
"""The "soft" condition: the clean clip's speech this much quieter (a weak voice, a far microphone)."""
PAUSE = 0.4
"""The "paused" condition: each word said alone, this many seconds of quiet between them
(multi-word phrases only: a speaker who pauses between words)."""


@dataclass(frozen=True)
class Variant:
    """An espeak-ng voice setting that stands for one speaker."""

    voice: str
    speed: int
    pitch: int


FULL_VARIANTS = tuple(
    Variant(v, s, p)
    for v, s, p in itertools.product(("ko", "ko+f2", "ko+m3", "ko+f4"), (120, 150, 180), (35, 65))
)
QUICK_VARIANTS = (Variant("ko", 150, 50), Variant("ko+f2", 130, 60), Variant("ko+m3", 170, 40))
QUICK_CONDITIONS = ("clean", "pink10", "reverb", "soft", "paused")

KOREAN_SENTENCES = (
    "오늘 날씨가 정말 좋네요",
    "어제 저녁에 뭐 먹었어요",
    "텔레비전 좀 켜 줄래요",
    "선생님이 오후에 오신대요",
    "창문 열어 드릴까요",
    "약 먹을 시간이에요",
    "아이들이 주말에 온대요",
    "커피 한 잔 마실래요",
    "밖에 비가 와요",
    "점심은 뭐 드시고 싶으세요",
    "전화 왔어요 받아 볼게요",
    "책 읽어 드릴까요",
    "병원 예약은 다음 주 화요일이에요",
    "우리 산책 갈까요",
    "라디오 소리가 너무 커요",
    "손님이 오셨어요",
    # Talk to someone else with command-like words in it.
    "계속 이렇게 하면 돼요",
    "좋아요 그렇게 해요",
    "내일 아침에 다시 올게요",
    "잠깐만 기다려 주세요",
    "물 좀 더 드릴까요",
    "이거 어디에 둘까요",
    "천천히 드세요",
    "메일 확인했어요",
)
KOREAN_WORDS = (
    "사과",
    "학교",
    "자동차",
    "할머니",
    "비행기",
    "컴퓨터",
    "강아지",
    "우산",
    "바다",
    "신문",
    "의자",
    "냉장고",
    "선풍기",
    "고양이",
    "시계",
    "안경",
)
ENGLISH_SENTENCES = (
    "Could you pass me the remote, please?",
    "What time is the doctor coming today?",
    "I think it is going to rain this afternoon.",
    "Let me open the window for you.",
    "The children are coming over on Sunday.",
    "Would you like a cup of tea?",
    "Next week we have an appointment.",
    "Go back to the kitchen and wait.",
)
ENGLISH_VOICES = (Variant("en-us", 160, 50), Variant("en-gb+m3", 150, 40), Variant("en-us+f2", 175, 60))
OTHER_VARIANTS = (
    Variant("ko", 150, 50),
    Variant("ko+f2", 140, 60),
    Variant("ko+m3", 170, 40),
    Variant("ko+f4", 160, 55),
)


@dataclass(frozen=True)
class Clip:
    """One clip of the corpus and what it holds."""

    id: str
    kind: str
    """"command" or "other"."""
    group: str
    """Commands: the phrase's meaning (a command name or an item label); others: the group."""
    condition: str
    text: str
    phrase: str
    """The phrase said (commands), else ""."""
    voice: str
    speed: int
    pitch: int
    start: float
    """Where the speech (the whole rendered utterance) starts in the clip, s."""
    end: float
    file: str
    """Relative to the corpus folder."""


def cache_root() -> Path:
    """$XDG_CACHE_HOME/accessible-companion/voice-corpus, or /tmp when there is no cache home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "accessible-companion" / "voice-corpus"
    return Path("/tmp") / "accessible-companion-voice-corpus"


# Signal processing.


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def speech_power(speech: Samples, rate: int = RATE) -> float:
    """Mean power of the active parts of speech (20 ms frames within 40 dB of the loudest)."""
    frame = rate // 50
    count = len(speech) // frame
    if count == 0:
        return float(np.mean(speech**2)) if len(speech) else 0.0
    powers = np.mean(speech[: count * frame].reshape(count, frame) ** 2, axis=1)
    active = powers[powers >= powers.max() * 1e-4]
    return float(np.mean(active))


def white(count: int, seed: int) -> Samples:
    noise: Samples = np.random.default_rng(seed).standard_normal(count)
    return noise / (rms(noise) or 1.0)


def pink(count: int, seed: int) -> Samples:
    """Noise with a 1/f power spectrum, RMS 1."""
    if count == 0:
        return np.zeros(0)
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(count))
    freqs = np.fft.rfftfreq(count)
    freqs[0] = freqs[1] if len(freqs) > 1 else 1.0
    noise: Samples = np.fft.irfft(spectrum / np.sqrt(freqs), n=count)
    return noise / (rms(noise) or 1.0)


def add_noise(clip: Samples, speech: Samples, kind: str, snr_db: float, seed: int) -> Samples:
    """`clip` with `kind` noise at `snr_db` below the active speech's power."""
    noise = white(len(clip), seed) if kind == "white" else pink(len(clip), seed)
    level = np.sqrt(speech_power(speech) / 10 ** (snr_db / 10))
    mixed: Samples = clip + noise * level
    return mixed


def reverb(clip: Samples, seed: int, rt60: float = 0.5, rate: int = RATE) -> Samples:
    """A simple room: the clip convolved with an exponentially decaying noise impulse
    response (RT60 `rt60` s) after a direct path, at the clip's RMS."""
    length = int(rt60 * rate)
    decay = np.exp(-6.9 * np.arange(length) / (rt60 * rate))
    response = np.random.default_rng(seed).standard_normal(length) * decay * 0.25
    response[0] = 1.0
    size = len(clip) + length - 1
    wet = np.fft.irfft(np.fft.rfft(clip, size) * np.fft.rfft(response, size), size)[: len(clip)]
    out: Samples = wet * (rms(clip) / (rms(wet) or 1.0))
    return out


def condition(clip: Samples, speech: Samples, name: str, seed: int) -> Samples:
    """Apply a named condition (see CONDITIONS)."""
    if name in ("clean", "soft", "paused"):  # made while rendering (`Builder`)
        return clip
    if name == "reverb":
        return reverb(clip, seed)
    kind, snr = name[:-2], float(name[-2:])
    return add_noise(clip, speech, kind, snr, seed)


def normalize(clip: Samples, peak: float = 0.7) -> Samples:
    """Scale to a peak of `peak` full scale, as a microphone's gain would (never clipping)."""
    top = float(np.max(np.abs(clip))) if len(clip) else 0.0
    return clip * (peak / top) if top > 0 else clip


# Texts of the Korean config.


def korean_config() -> Config:
    return load_config(KOREAN)


def home_phrases(config: Config) -> tuple[str, ...]:
    """What can be said in the Korean home menu: the benchmark's command phrases."""
    return Companion(config.menus, config.settings).voice_phrases()


def own_speech(config: Config) -> list[tuple[str, VoiceOut]]:
    """Everything the companion says in the Korean config, with the voice it says it in:
    items' cues (cue voice), their phrases and its messages (main voice)."""
    cue, main = config.settings.speech.cue, config.settings.speech.main
    said: dict[tuple[str, str], VoiceOut] = {}
    companion = Companion(config.menus, config.settings)
    for menu in companion.menus.menus.values():
        for item in menu.items:
            said.setdefault((item.cue_text, "cue"), cue)
            if item.say_text != item.cue_text:
                said.setdefault((item.say_text, "main"), main)
    values = {"seconds": "1.5", "mode": "auto", "answer": "기운 있음", "language": "ko", "minutes": "15"}
    messages = config.settings.messages
    for field in fields(messages):
        text = str(getattr(messages, field.name))
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        said.setdefault((text.format(**{n: values.get(n, "") for n in names}), "main"), main)
    return [(text, voice) for (text, _), voice in said.items() if text.strip()]


# Making the corpus.


class Builder:
    """Writes clips into the corpus folder unless they are there already."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clips: list[Clip] = []
        self.made = 0

    def add(
        self,
        kind: str,
        group: str,
        cond: str,
        text: str,
        phrase: str,
        variant: Variant,
        make: Iterable[Samples] | None = None,
    ) -> Clip:
        """Make (or find) the clip of `text` in `variant` under `cond`."""
        key = json.dumps([kind, group, cond, text, phrase, asdict(variant)], ensure_ascii=False)
        clip_id = hashlib.sha1(key.encode()).hexdigest()[:16]
        speech = None
        if make is None and cond == "paused":
            speech = paused(text.split(), PAUSE, variant.voice, variant.speed, variant.pitch)
        elif make is None:
            speech = synthesize(text, variant.voice, variant.speed, variant.pitch)
        length = len(speech) if speech is not None else 0
        start, end = PAD, PAD + length / RATE
        clip = Clip(
            clip_id, kind, group, cond, text, phrase, variant.voice, variant.speed, variant.pitch,
            start, end, f"{clip_id[:2]}/{clip_id}.wav",
        )  # fmt: skip
        path = self.root / clip.file
        if not path.exists():
            samples = (
                self._render(speech, cond, seed_of(key)) if speech is not None else next(iter(make or ()))
            )
            write_wav(path, to_pcm(samples))
            self.made += 1
        self.clips.append(clip)
        return clip

    def _render(self, speech: Samples, cond: str, seed: int) -> Samples:
        level = 10 ** (SOFT_DB / 20) if cond == "soft" else 1.0
        clip = pad(normalize(speech) * level, PAD, FLOOR_DB, seed)
        return condition(clip, speech, cond, seed + 1)


def babble(sentences: Sequence[str], count: int, seed: int) -> Iterator[tuple[str, Samples]]:
    """`count` clips of 3-4 sentences in different voices, started a little apart and mixed."""
    rng = np.random.default_rng(seed)
    for n in range(count):
        voices = 3 + n % 2
        picks = rng.choice(len(sentences), size=voices, replace=False)
        parts = []
        for k, index in enumerate(picks):
            variant = OTHER_VARIANTS[k % len(OTHER_VARIANTS)]
            speech = normalize(synthesize(sentences[int(index)], variant.voice, variant.speed, variant.pitch))
            offset = int(rng.uniform(0, 0.6) * RATE)
            parts.append(np.concatenate([np.zeros(offset), speech]))
        length = max(len(p) for p in parts)
        mixed = np.sum([np.pad(p, (0, length - len(p))) for p in parts], axis=0)
        text = " / ".join(sentences[int(i)] for i in picks)
        yield text, pad(normalize(mixed), PAD, FLOOR_DB, seed + n)


def noises(seed: int) -> Iterator[tuple[str, Samples]]:
    """Sound that is no speech: 3 s each."""
    count = 3 * RATE
    for level in (-40.0, -30.0, -20.0):
        yield f"white {level:g} dBFS", white(count, seed + 1) * 10 ** (level / 20)
        yield f"pink {level:g} dBFS", pink(count, seed + 2) * 10 ** (level / 20)
    t = np.arange(count) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in (1, 2, 3, 4))
    yield "mains hum", hum * 0.05 + noise_floor(count, FLOOR_DB, seed + 3)
    clicks = noise_floor(count, FLOOR_DB, seed + 4)
    rng = np.random.default_rng(seed + 5)
    for at in rng.uniform(0.2, 2.7, size=6):
        i = int(at * RATE)
        burst = rng.standard_normal(RATE // 50) * np.exp(-np.arange(RATE // 50) / 60)
        clicks[i : i + len(burst)] += burst * 0.3
    yield "clicks (knocks)", clicks
    yield "room (noise floor only)", noise_floor(count, FLOOR_DB, seed + 6)
    yield "breath-like (noise bursts)", breath(count, seed + 7)


def breath(count: int, seed: int) -> Samples:
    """Soft, slowly swelling noise bursts, like breathing near a microphone."""
    t = np.arange(count) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 0.5 * t), 0, None) ** 2
    out: Samples = pink(count, seed) * envelope * 0.03 + noise_floor(count, FLOOR_DB, seed + 1)
    return out


def build(quick: bool = False, root: Path | None = None, log: bool = True) -> tuple[Path, list[Clip]]:
    """Make whatever is missing of the corpus; return its folder and its clips."""
    config = korean_config()
    phrases = home_phrases(config)
    digest = hashlib.sha1(
        json.dumps([VERSION, quick, phrases, own_speech(config)], ensure_ascii=False, default=str).encode()
    ).hexdigest()[:10]
    folder = (root or cache_root()) / f"{'quick' if quick else 'full'}-{digest}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        clips = [Clip(**row) for row in json.loads(manifest.read_text("utf-8"))]
        return folder, clips
    builder = Builder(folder)
    variants = QUICK_VARIANTS if quick else FULL_VARIANTS
    conditions = QUICK_CONDITIONS if quick else CONDITIONS
    table = command_meanings(config)
    for phrase, variant, cond in itertools.product(phrases, variants, conditions):
        if cond == "paused" and " " not in phrase:
            continue
        builder.add("command", table[phrase], cond, phrase, phrase, variant)
    others = OTHER_VARIANTS[:2] if quick else OTHER_VARIANTS
    for text, variant in itertools.product(KOREAN_SENTENCES, others):
        builder.add("other", "korean-sentence", "clean", text, "", variant)
        if not quick:
            builder.add("other", "korean-sentence", "pink20", text, "", variant)
    for text, variant in itertools.product(KOREAN_WORDS, others):
        builder.add("other", "korean-word", "clean", text, "", variant)
    for text, variant in itertools.product(
        ENGLISH_SENTENCES, ENGLISH_VOICES[:2] if quick else ENGLISH_VOICES
    ):
        builder.add("other", "english", "clean", text, "", variant)
    none = Variant("", 0, 0)
    for text, samples in babble(KOREAN_SENTENCES, 6 if quick else 24, seed=7):
        builder.add("other", "babble", "clean", text, "", none, make=[samples])
    for text, samples in noises(seed=11):
        builder.add("other", "noise", "clean", text, "", none, make=[samples])
    for text, voice in own_speech(config):
        variant = Variant(voice.voice or "ko", voice.rate, voice.pitch)
        for cond in ("clean", "reverb") if not quick else ("reverb",):
            builder.add("other", "own-cue", cond, text, "", variant)
    folder.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps([asdict(c) for c in builder.clips], ensure_ascii=False), "utf-8")
    if log:
        print(f"corpus: {len(builder.clips)} clips in {folder} ({builder.made} made now)")
    return folder, builder.clips


def command_meanings(config: Config) -> dict[str, str]:
    """Phrase -> what it means in the home menu: a command name or an item's label."""
    from accessible_companion.core.commands import phrase_table

    companion = Companion(config.menus, config.settings)
    home = companion.menus.menus[companion.menus.home]
    return {
        phrase: meaning.command or home.items[meaning.index].label
        for phrase, meaning in phrase_table(home.items, config.settings.commands).items()
    }


def read(folder: Path, clip: Clip) -> bytes:
    """The clip's 16 kHz mono int16 PCM."""
    from rigs.speech_clips import read_pcm

    rate, pcm = read_pcm(folder / clip.file)
    assert rate == RATE
    return pcm


def speech_of(folder: Path, clip: Clip) -> Samples:
    """The clip's speech alone (without the room before and after it), in [-1, 1]."""
    samples = np.frombuffer(read(folder, clip), dtype="<i2").astype(np.float64) / 32768
    return samples[round(clip.start * RATE) : round(clip.end * RATE)]


def clean_commands(folder: Path, clips: Iterable[Clip]) -> list[tuple[str, Samples]]:
    """(meaning, speech alone) of every clean command clip."""
    return [(c.group, speech_of(folder, c)) for c in clips if c.kind == "command" and c.condition == "clean"]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Make the voice benchmark corpus (cached).")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    where, made = build(args.quick)
    for kind, group in sorted({(c.kind, c.group if c.kind == "other" else c.condition) for c in made}):
        count = sum(1 for c in made if c.kind == kind and group in (c.group, c.condition))
        print(f"  {kind:8} {group:16} {count}")
