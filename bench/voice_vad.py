"""Voice-activity detectors compared on the voice corpus: speech found where speech is, not elsewhere.

    python -m bench.voice_vad [--quick]

For each detector (10 ms frames of 16 kHz int16): on speech clips (commands in every
condition, Korean words and sentences, English), the share of the spoken part's frames
called speech (recall) and the share of the padding's frames (room tone at -60 dBFS
under the condition's noise) called speech; on noise clips, the share of frames called
speech and the share of clips with a run of >= 0.2 s of "speech" (which would open an
utterance); babble (several voices at once) is reported apart. CPU: seconds of one core
per second of audio.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable

from accessible_companion.voice.vad import FRAME_BYTES, Heard, detector
from bench.voice_corpus import Clip, build, read

FRAME = 0.01


def frames(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def mean(values: list[float]) -> float:
    return sum(values) / max(1, len(values))


def longest_run(flags: list[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def measure(
    name: str, make: Callable[[], Callable[[bytes], Heard]], folder: object, clips: list[Clip]
) -> None:
    recall: dict[str, list[float]] = defaultdict(list)
    pad_fp: dict[str, list[float]] = defaultdict(list)
    other_fp: dict[str, list[float]] = defaultdict(list)
    opened: dict[str, list[bool]] = defaultdict(list)
    cpu = audio = 0.0
    for clip in clips:
        pcm = read(folder, clip)  # type: ignore[arg-type]
        decide = make()
        began = time.process_time()
        flags = [decide(f) is Heard.SPEECH for f in frames(pcm)]
        cpu += time.process_time() - began
        audio += len(pcm) / 32000
        key = clip.condition if clip.kind == "command" else clip.group
        if clip.group in ("noise", "babble"):
            other_fp[key].append(sum(flags) / max(1, len(flags)))
            opened[key].append(longest_run(flags) >= 20)
            continue
        inside = [f for i, f in enumerate(flags) if clip.start <= i * FRAME < clip.end]
        outside = [f for i, f in enumerate(flags) if not clip.start - 0.1 <= i * FRAME < clip.end + 0.3]
        recall[key].append(sum(inside) / max(1, len(inside)))
        pad_fp[key].append(sum(outside) / max(1, len(outside)))
    print(f"\n{name}: CPU {cpu / audio * 100:.2f}% of a core per second of audio")
    for key in recall:  # noqa: PLC0206 (three tables share the key)
        print(
            f"  {key:16} speech frames found {mean(recall[key]) * 100:5.1f}%   padding called speech "
            f"{mean(pad_fp[key]) * 100:5.1f}%   ({len(recall[key])} clips)"
        )
    for key in other_fp:  # noqa: PLC0206
        print(
            f"  {key:16} frames called speech {mean(other_fp[key]) * 100:5.1f}%   clips with >= 0.2 s "
            f"of 'speech' {sum(opened[key])}/{len(opened[key])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    folder, clips = build(args.quick, log=False)
    clips = [c for c in clips if c.group != "own-cue"]
    for name in ("micro", "webrtc2", "webrtc3", "webrtc3+silero"):
        measure(name, lambda name=name: detector(name), folder, clips)  # type: ignore[misc]


if __name__ == "__main__":
    main()
