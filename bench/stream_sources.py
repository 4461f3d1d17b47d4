"""Held-out sounds for the voice stream benchmark (bench/voice_streams.py): nothing here is
used by bench/voice_corpus.py or for tuning.

Real recordings (Debian packages, read where installed; `scripts/setup --dev` installs them):
  asterisk-core-sounds-{en,es,ru}-wav  telephone prompts spoken by people (8 kHz; CC-BY-SA 3.0):
                                       English and Spanish by one speaker (Allison), Russian by another
  alsa-utils                           /usr/share/sounds/alsa: a person saying "front center" etc.
Synthetic (all generated, seeded):
  espeak-ng speech in voices, speeds and pitches voice_corpus never uses (Korean variants
  m1, m5, f1, f5, klatt; other languages), and Korean sentences it never says
  music: chords, a bass line, a melody and a beat; jingles: short arpeggios
  coughs and breaths: SYNTHETIC approximations (shaped noise bursts), not recordings
  room tone: pink noise and a little mains hum
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.voice_corpus import normalize, pink, rms
from rigs.speech_clips import RATE, Samples, resample, synthesize

ASTERISK = Path("/usr/share/asterisk/sounds")
ASTERISK_SPEAKERS = {"en": "en_US_f_Allison", "es": "es_MX_f_Allison", "ru": "ru_RU_f_IvrvoiceRU"}
ALSA = Path("/usr/share/sounds/alsa")
ALSA_VOICES = (
    "Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right",
    "Side_Left", "Side_Right",
)  # fmt: skip
"""alsa-utils' speaker-test voice files (its Noise.wav is no speech)."""


@dataclass(frozen=True)
class Voice:
    """An espeak-ng setting voice_corpus does not use (voices ko, ko+f2, ko+m3, ko+f4;
    speeds 120-190)."""

    voice: str
    speed: int
    pitch: int


KOREAN_VOICES = (
    Voice("ko+m1", 110, 30),
    Voice("ko+f1", 135, 70),
    Voice("ko+m5", 200, 45),
    Voice("ko+f5", 165, 80),
    Voice("ko+klatt", 145, 55),
)
OTHER_VOICES = (
    Voice("en-gb-scotland", 165, 45),
    Voice("fr-fr+f3", 155, 60),
    Voice("de+m2", 150, 40),
    Voice("es+m4", 170, 50),
    Voice("ja", 150, 55),
    Voice("ru+f3", 160, 60),
)
KOREAN_TALK = (
    "오늘 저녁 뉴스를 전해 드리겠습니다",
    "서울의 낮 기온은 이십오 도까지 오르겠습니다",
    "이번 주말에는 전국에 비 소식이 있습니다",
    "할머니 댁에 언제 가기로 했어",
    "그 영화 정말 재미있었어요",
    "밥 먹고 나서 산책하러 나갈까",
    "지금 몇 시예요 벌써 늦었네",
    "내일은 병원에 가는 날이에요",
    "다음 소식입니다 경기도의 한 마을에서",
    "이 제품은 지금 주문하시면 할인됩니다",
    "아니 그게 아니라 내 말은 그런 뜻이 아니었어",
    "창밖을 봐 눈이 오고 있어",
    "엄마가 전화했는데 못 받았어",
    "우리 팀이 오늘 경기에서 이겼대요",
    "날씨가 추우니까 따뜻하게 입고 가",
    "이 노래 제목이 뭐였더라",
    "오후 세 시에 회의가 있습니다",
    "시장에서 사과하고 배를 샀어요",
    "그럼 다음 주에 다시 만나요",
    "경제 소식입니다 주가가 소폭 올랐습니다",
    "잠깐 도와줄 수 있어 이것 좀 들어 줘",
    "계속 말해 봐 듣고 있어",
    "좋아 그럼 그렇게 하자",
    "멈추지 말고 계속 걸어가세요",
)
"""Everyday talk and television lines, none of them in voice_corpus; a few hold command-like
words inside longer speech, as real talk does."""
OTHER_TALK = {
    "en": ("Good evening, here is the news at nine.", "Do you want some more soup?",
           "The match was postponed because of the rain.", "Call me when you get home."),
    "fr": ("Bonsoir, voici les informations.", "Tu veux encore un peu de café?"),
    "de": ("Guten Abend, hier sind die Nachrichten.", "Wann kommst du morgen nach Hause?"),
    "es": ("Buenas noches, estas son las noticias.", "Mañana vamos al mercado temprano."),
    "ja": ("こんばんは、ニュースの時間です。", "明日は雨が降るでしょう。"),
    "ru": ("Добрый вечер, в эфире новости.", "Завтра будет холодно и ветрено."),
}  # fmt: skip
LANGUAGE_OF = {
    "en-gb-scotland": "en",
    "fr-fr+f3": "fr",
    "de+m2": "de",
    "es+m4": "es",
    "ja": "ja",
    "ru+f3": "ru",
}


def read_wav(path: Path) -> Samples:
    """A mono or stereo 16-bit WAV file as 16 kHz mono floats."""
    with wave.open(str(path), "rb") as wav:
        channels, rate, width = wav.getnchannels(), wav.getframerate(), wav.getsampwidth()
        data = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: not 16-bit")
    samples = np.frombuffer(data[: len(data) // (2 * channels) * 2 * channels], dtype="<i2")
    mono = samples.reshape(-1, channels).mean(axis=1).astype(np.float64) / 32768.0
    return resample(mono, rate, RATE)


def real_files(language: str) -> list[Path]:
    """An installed package's real speech prompts for `language` ("alsa" for alsa-utils'), sorted."""
    if language == "alsa":
        return [ALSA / f"{name}.wav" for name in ALSA_VOICES if (ALSA / f"{name}.wav").exists()]
    folder = ASTERISK / ASTERISK_SPEAKERS[language]
    if not folder.is_dir():
        return []
    # silence/*.wav are Asterisk's padding files, no speech: as prompts they put silence
    # where speech is meant and swell the real clips' denominator.
    return sorted(p for p in folder.rglob("*.wav") if "silence" not in p.relative_to(folder).parts[:-1])


def prompt_name(language: str, path: Path) -> str:
    """A prompt's name, unique in its set: its path under the speaker's folder, without
    ".wav" ("digits_1": digits/1.wav and letters/1.wav are different prompts)."""
    root = ALSA if language == "alsa" else ASTERISK / ASTERISK_SPEAKERS[language]
    return "_".join(path.relative_to(root).with_suffix("").parts)


def real_languages() -> list[str]:
    """The real recording sets installed here."""
    return [lang for lang in (*ASTERISK_SPEAKERS, "alsa") if real_files(lang)]


def trim(samples: Samples, floor: float = 0.01) -> Samples:
    """Without the quiet at either end (prompts carry their own silence)."""
    loud = np.flatnonzero(np.abs(samples) > floor * (np.max(np.abs(samples)) if len(samples) else 0))
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples[:0]


def speak(text: str, voice: Voice) -> Samples:
    return normalize(synthesize(text, voice.voice, voice.speed, voice.pitch))


# Music, jingles, coughs, breaths, room tone: synthetic.


def tone(freq: float, seconds: float, rng: np.random.Generator, bright: float = 0.3) -> Samples:
    """A note: a few harmonics under an attack-decay envelope."""
    t = np.arange(int(seconds * RATE)) / RATE
    wave_ = sum((bright**k) * np.sin(2 * np.pi * freq * (k + 1) * t + rng.uniform(0, 6)) for k in range(4))
    envelope = np.minimum(t / 0.01, 1.0) * np.exp(-t * 2.5 / max(seconds, 0.05))
    out: Samples = wave_ * envelope
    return out


CHORDS = ((0, 4, 7), (5, 9, 12), (7, 11, 14), (-3, 0, 4))
"""I, IV, V, vi in semitones above the key."""


def music(seconds: float, seed: int, tempo: float = 100.0) -> Samples:
    """A pop-like loop: chords, bass, a random melody on the scale and a kick/hat beat; RMS 1."""
    rng = np.random.default_rng(seed)
    count = int(seconds * RATE)
    out = np.zeros(count + int(8 * 60.0 / tempo * RATE))  # room for the last bar's notes
    beat = 60.0 / tempo
    key = 220.0 * 2 ** (rng.integers(0, 12) / 12)
    scale = (0, 2, 4, 5, 7, 9, 11, 12)
    bar = 0
    at = 0.0
    chord = CHORDS[0]
    while at < seconds:
        if bar % 2 == 0:  # a chord lasts two bars
            chord = CHORDS[int(rng.integers(0, len(CHORDS)))]
        i = int(at * RATE)
        for step in chord:
            note = tone(key * 2 ** (step / 12), beat * 4, rng, 0.4) * 0.25
            out[i : i + len(note)] += note
        bass = tone(key / 2 * 2 ** (chord[0] / 12), beat * 2, rng, 0.6) * 0.5
        out[i : i + len(bass)] += bass
        for b in range(4):
            j = i + int(b * beat * RATE)
            kick = np.sin(2 * np.pi * 55 * np.arange(RATE // 8) / RATE) * np.exp(-np.arange(RATE // 8) / 600)
            out[j : j + len(kick)] += kick * 0.6
            hat = rng.standard_normal(RATE // 30) * np.exp(-np.arange(RATE // 30) / 80)
            h = j + int(beat / 2 * RATE)
            out[h : h + len(hat)] += np.diff(hat, prepend=0.0) * 0.15
            for half in range(2):
                if rng.random() < 0.7:
                    note = tone(key * 2 * 2 ** (scale[int(rng.integers(0, len(scale)))] / 12), beat / 2, rng)
                    m = j + int(half * beat / 2 * RATE)
                    out[m : m + len(note)] += note * 0.35
        at += beat * 4
        bar += 1
    body: Samples = out[:count]
    return body / (rms(body) or 1.0)


def jingle(seed: int) -> Samples:
    """A 1.5-3 s rising arpeggio, like a channel's sting; RMS 1."""
    rng = np.random.default_rng(seed)
    base = 330.0 * 2 ** (rng.integers(0, 7) / 12)
    notes = [tone(base * 2 ** (s / 12), 0.6, rng, 0.5) for s in (0, 4, 7, 12, 16)[: int(rng.integers(3, 6))]]
    step = int(rng.uniform(0.12, 0.25) * RATE)
    out = np.zeros(step * len(notes) + len(notes[0]))
    for k, note in enumerate(notes):
        out[k * step : k * step + len(note)] += note
    return out / (rms(out) or 1.0)


def bandpass(samples: Samples, low: float, high: float) -> Samples:
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    out: Samples = np.fft.irfft(spectrum, n=len(samples))
    return out


def cough(seed: int) -> Samples:
    """SYNTHETIC: one to three cough-like bursts (sharp onset, noisy, 0.15-0.35 s each); peak 1."""
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(int(rng.integers(1, 4))):
        length = int(rng.uniform(0.15, 0.35) * RATE)
        t = np.arange(length) / RATE
        envelope = np.minimum(t / 0.008, 1.0) * np.exp(-t / rng.uniform(0.05, 0.12))
        burst = bandpass(rng.standard_normal(length), rng.uniform(200, 400), rng.uniform(2500, 4500))
        voiced = np.sin(2 * np.pi * rng.uniform(120, 250) * t) * 0.3
        parts.append((burst + voiced) * envelope)
        parts.append(np.zeros(int(rng.uniform(0.1, 0.3) * RATE)))
    return normalize(np.concatenate(parts), 1.0)


def breath(seed: int) -> Samples:
    """SYNTHETIC: an in-breath and an out-breath (slowly swelling band-limited noise, 2-4 s); peak 1."""
    rng = np.random.default_rng(seed)
    parts = []
    for low, high in ((500, 3000), (200, 1500)):
        length = int(rng.uniform(0.8, 1.6) * RATE)
        envelope = np.sin(np.pi * np.arange(length) / length) ** 2
        parts.append(bandpass(rng.standard_normal(length), low, high) * envelope)
        parts.append(np.zeros(int(rng.uniform(0.2, 0.6) * RATE)))
    return normalize(np.concatenate(parts), 1.0)


def room_tone(count: int, seed: int, level_db: float = -55.0) -> Samples:
    """A quiet room: pink noise and a faint 50 Hz hum at about `level_db` dBFS."""
    t = np.arange(count) / RATE
    hum = np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 100 * t)
    out: Samples = pink(count, seed) * 10 ** (level_db / 20) + hum * 10 ** ((level_db - 6) / 20)
    return out


def db(level: float) -> float:
    """A gain for `level` dB."""
    return float(10 ** (level / 20))


def place(out: Samples, at: int, sound: Samples, gain: float) -> int:
    """Mix `sound` into `out` at sample `at` (cut at the end); returns where it ends."""
    end = min(len(out), at + len(sound))
    if end > at:
        out[at:end] += sound[: end - at] * gain
    return at + len(sound)


def pick(rng: np.random.Generator, items: Sequence[Samples]) -> Samples:
    return items[int(rng.integers(0, len(items)))]
