"""The pyttsx3 renderer: real pyttsx3 + espeak-ng, no mocks (marked real), plus `scale`."""

from __future__ import annotations

import array
import hashlib
import os
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessible_companion.audio.pcm import Pcm, scale
from accessible_companion.core.settings import Speech, VoiceOut
from accessible_companion.speech.render import TAIL_KEEP, Renderer, RenderError

WORDS = [
    *("water", "please", "thank", "you", "yes", "no", "maybe", "later", "help", "me", "turn"),
    *("over", "pain", "in", "my", "leg", "I", "am", "cold", "warm", "tired", "hungry"),
    *("thirsty", "call", "the", "nurse", "open", "window", "music", "louder", "quieter"),
    *("television", "off", "on", "goodnight", "good", "morning", "back", "hurts", "pillow"),
]


def peak(pcm: Pcm) -> int:
    samples = array.array("h")
    samples.frombytes(pcm.data)
    return max(abs(min(samples)), abs(max(samples)))


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    made = Renderer()
    yield made
    made.close()


def test_scale_multiplies_samples() -> None:
    pcm = Pcm(array.array("h", [0, 1000, -1000, 32767, -32768]).tobytes(), 22050)
    assert scale(pcm, 1.0) is pcm
    half = array.array("h")
    half.frombytes(scale(pcm, 0.5).data)
    assert list(half) == [0, 500, -500, 16383, -16384]
    silent = array.array("h")
    silent.frombytes(scale(pcm, -1.0).data)
    assert set(silent) == {0}


@pytest.mark.real
def test_two_hundred_renders_are_complete_distinct_and_fresh(renderer: Renderer) -> None:
    """200 renders in a row: none empty, none stale, length follows the text.

    100 distinct phrases are each rendered twice, in a shuffled order, alternating the
    cue and main voices' rates (rate changes were what made espeak drop renders). Both
    renders of a phrase must have the same length (espeak varies by a few ms from run
    to run, so within 3%): a lost, truncated, repeated or stale render breaks that.
    """
    rng = random.Random(7)
    phrases = sorted({" ".join(rng.choices(WORDS, k=rng.randint(1, 14))) for _ in range(300)})
    phrases = rng.sample(phrases, 100)
    order = [*phrases, *phrases]
    rng.shuffle(order)
    speech = Speech()
    rate = {text: rng.choice([speech.cue.rate, speech.main.rate]) for text in phrases}
    durations: dict[str, list[float]] = {text: [] for text in phrases}
    times: list[float] = []
    previous = ""
    for i, text in enumerate(order):
        started = time.perf_counter()
        pcm = renderer.render(text, VoiceOut(rate=rate[text]))
        times.append(time.perf_counter() - started)
        digest = hashlib.sha256(pcm.data).hexdigest()
        assert pcm.rate == 22050
        assert pcm.frames > 0, text
        assert peak(pcm) > 1000, text
        assert digest != previous, f"render {i} repeats the one before: {text!r}"
        previous = digest
        durations[text].append(pcm.duration)
    for text, (one, two) in durations.items():
        assert abs(one - two) <= 0.03 * max(one, two) + 0.01, (text, one, two)
        words = len(text.split())
        # 175-200 words a minute is 0.3-0.35 s a word; allow for long and short words.
        assert 0.12 * words <= one <= 0.2 + 0.9 * words, (text, one)
    by_length = sorted(phrases, key=len)
    short, long = by_length[:20], by_length[-20:]
    assert max(durations[t][0] for t in short) < min(durations[t][0] for t in long)
    mean_ms = 1000 * sum(times) / len(times)
    print(f"\nrender: mean {mean_ms:.1f} ms, max {1000 * max(times):.1f} ms per utterance")
    assert mean_ms < 100


@pytest.mark.real
def test_trailing_silence_is_trimmed(renderer: Renderer) -> None:
    pcm = renderer.render("Yes", VoiceOut())
    samples = array.array("h")
    samples.frombytes(pcm.data)
    last_sound = max(i for i, s in enumerate(samples) if abs(s) >= 32)
    assert (len(samples) - last_sound) / pcm.rate <= TAIL_KEEP + 0.01


@pytest.mark.real
def test_rate_and_voice_are_applied(renderer: Renderer) -> None:
    text = "Please call the nurse when you have a moment"
    slow = renderer.render(text, VoiceOut(rate=120))
    fast = renderer.render(text, VoiceOut(rate=300))
    assert slow.duration > 1.8 * fast.duration
    assert renderer.find_voice("en-us") == "gmw/en-us"
    assert renderer.find_voice("English (America)") == "gmw/en-us"
    assert renderer.find_voice("en") == "gmw/en"  # exact beats "Armenian"
    assert renderer.find_voice("no such voice") is None
    # German rules read English text quite differently (2.6 s against 2.0 s): proof
    # that the voice really changed, and changed back.
    english = renderer.render(text, VoiceOut(voice="en-us")).duration
    german = renderer.render(text, VoiceOut(voice="German")).duration
    assert german > 1.1 * english
    assert renderer.render(text, VoiceOut(voice="en-us")).duration == pytest.approx(english, rel=0.03)


def test_pitch_is_applied_and_restored(renderer: Renderer) -> None:
    text = "How is your energy today"
    low = pitch_hz(renderer.render(text, VoiceOut(pitch=10)))
    high = pitch_hz(renderer.render(text, VoiceOut(pitch=90)))
    normal = pitch_hz(renderer.render(text, VoiceOut()))
    assert low < normal < high
    assert high > 1.3 * low


def pitch_hz(pcm: Pcm, frames: int = 12) -> float:
    """Median fundamental frequency of the loudest 40 ms frames, by autocorrelation (50-400 Hz)."""
    samples = array.array("h", pcm.data)[::2]  # 11 kHz is plenty for a voice's fundamental
    rate = pcm.rate // 2
    size = int(0.04 * rate)
    chunks = [samples[i : i + size] for i in range(0, len(samples) - size, size)]
    loudest = sorted(chunks, key=lambda c: sum(x * x for x in c), reverse=True)[:frames]
    found = []
    for chunk in loudest:
        lags = range(rate // 400, rate // 50)
        best = max(lags, key=lambda lag: sum(a * b for a, b in zip(chunk, chunk[lag:], strict=False)))
        found.append(rate / best)
    return sorted(found)[len(found) // 2]


@pytest.mark.real
def test_unusable_voice_falls_back_to_the_default(renderer: Renderer) -> None:
    text = "Good morning, could you open the window please"
    default = renderer.render(text, VoiceOut()).duration
    missing = renderer.render(text, VoiceOut(voice="no such voice"))
    assert missing.duration == pytest.approx(default, rel=0.03)
    # mbrola voices are listed, but without mbrola installed espeak fails to load them
    # and then renders pure silence until another voice is set.
    mbrola = renderer.render(text, VoiceOut(voice="mb-en1"))
    assert peak(mbrola) > 1000
    assert mbrola.duration == pytest.approx(default, rel=0.03)
    assert renderer.find_voice("mb-en1") is None  # marked unusable: SpeechOutput reports it
    after = renderer.render(text, VoiceOut())
    assert after.duration == pytest.approx(default, rel=0.03)


@pytest.mark.real
def test_nothing_to_say_is_an_error_not_silence(renderer: Renderer) -> None:
    with pytest.raises(RenderError):
        renderer.render("   ", VoiceOut())
    with pytest.raises(RenderError, match="silence"):
        renderer.render("...", VoiceOut())  # espeak says nothing for it
    assert renderer.render("Yes", VoiceOut()).frames > 0


@pytest.mark.real
def test_render_prints_nothing(renderer: Renderer, capfd: pytest.CaptureFixture[str]) -> None:
    """The driver's "Audio saved to ..." would scribble over the terminal display."""
    renderer.render("Hello there", VoiceOut())
    out, _ = capfd.readouterr()
    assert out == ""


@pytest.mark.real
def test_renderers_on_two_threads_share_the_engine_safely() -> None:
    """Loading espeak from two threads at once crashed the process; in a fresh process
    (espeak loads once per process), two threads load and render at the same time."""
    script = textwrap.dedent(
        """
        import threading
        from accessible_companion.speech.render import Renderer
        from accessible_companion.core.settings import VoiceOut
        go = threading.Barrier(2)
        frames = {}
        def work(name, rate):
            go.wait()
            renderer = Renderer()
            voice = VoiceOut(rate=rate)
            frames[name] = [renderer.render(f"{name} number {i}", voice).frames for i in range(20)]
            renderer.close()
        threads = [threading.Thread(target=work, args=(n, r)) for n, r in (("cue", 200), ("main", 175))]
        for t in threads: t.start()
        for t in threads: t.join()
        print(min(min(v) for v in frames.values()), len(frames["cue"]) + len(frames["main"]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    shortest, count = map(int, result.stdout.split())
    assert count == 40
    assert shortest > 0


@pytest.mark.real
def test_an_empty_espeak_data_folder_is_an_error_not_an_exit(tmp_path: Path) -> None:
    """espeak_Initialize() calls exit(1) on missing data unless told not to: in a process of
    its own (espeak initialises once per process), loading must raise RenderError and the
    process go on to exit 0."""
    (tmp_path / "espeak-ng-data").mkdir()
    script = textwrap.dedent(
        """
        from accessible_companion.speech.render import Renderer, RenderError
        try:
            Renderer()
        except RenderError as error:
            print("RenderError:", error)
        print("still running")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "ESPEAK_DATA_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "RenderError: cannot start the speech engine: espeak-ng could not load its data" in done.stdout
    assert done.stdout.endswith("still running\n")


@pytest.mark.real
@pytest.mark.parametrize("first_save", ["no file", "an empty file"])
def test_a_render_whose_file_came_out_empty_is_tried_once_more(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch, first_save: str
) -> None:
    """Once, under heavy load, espeak wrote no file for a run's first cue; once, in a CI run,
    an empty one ("unreadable audio from the speech engine"): that cue was lost. The first
    save writes that here; the words still come."""
    engine = renderer._e.engine
    real_save = engine.save_to_file
    calls: list[str] = []

    def save_badly_the_first_time(text: str, path: str) -> None:
        calls.append(text)
        if len(calls) > 1:
            real_save(text, path)
        elif first_save == "an empty file":
            Path(path).write_bytes(b"")

    monkeypatch.setattr(engine, "save_to_file", save_badly_the_first_time)
    pcm = renderer.render("water please", VoiceOut())
    assert calls == ["water please", "water please"]
    assert peak(pcm) > 1000


@pytest.mark.real
def test_an_empty_render_is_tried_again_with_its_settings_set_again(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What cancels a render (espeak's stop flag) may cancel the rate or voice set just before
    it: the second try sets them again instead of trusting the cached values."""
    renderer.render("ready", VoiceOut())
    engine = renderer._e.engine
    real_save, real_set = engine.save_to_file, engine.setProperty
    saves: list[str] = []
    sets: list[tuple[str, int]] = []

    def save_nothing_the_first_time(text: str, path: str) -> None:
        saves.append(text)
        if len(saves) > 1:
            real_save(text, path)

    def set_property(name: str, value: object) -> None:
        sets.append((name, len(saves)))
        real_set(name, value)

    monkeypatch.setattr(engine, "save_to_file", save_nothing_the_first_time)
    monkeypatch.setattr(engine, "setProperty", set_property)
    pcm = renderer.render("water please", VoiceOut(rate=260))
    assert saves == ["water please", "water please"]
    assert ("rate", 0) in sets and ("rate", 1) in sets  # before the first try, and again
    assert peak(pcm) > 1000
