"""The rendered-speech cache: a fake renderer for the rules, the real one once (marked real)."""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessible_companion.audio.pcm import Pcm
from accessible_companion.core.settings import VoiceOut
from accessible_companion.speech import cache as speech_cache
from accessible_companion.speech.cache import CachedRender, cache_key
from accessible_companion.speech.render import Renderer, RenderError

VOICE = VoiceOut()
VOICES = {"": "default", "english": "gmw/en", "gmw/en": "gmw/en", "german": "gmw/de"}


def expected(text: str, voice: VoiceOut) -> Pcm:
    """What FakeRender returns: depends on text, engine voice and rate, never on volume."""
    seed = f"{VOICES.get(voice.voice, voice.voice)}|{voice.rate}|{text}".encode()
    return Pcm(hashlib.sha256(seed).digest() * 8, 16000)


class FakeRender:
    """Counts calls, returns `expected()`, and notes any call made while another runs."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[str] = []
        self.fail: set[str] = set()
        self.voices = dict(VOICES)
        self.overlapped = False
        self.closed = False
        self.on_render: list[object] = []
        self._busy = False
        self._lock = threading.Lock()

    def _enter(self) -> None:
        with self._lock:
            if self._busy:
                self.overlapped = True
            self._busy = True

    def _leave(self) -> None:
        with self._lock:
            self._busy = False

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        self._enter()
        try:
            if self.delay:
                time.sleep(self.delay)
            self.calls.append(text)
            for hook in self.on_render:
                hook(text)  # type: ignore[operator]
            if text in self.fail:
                raise RenderError(f"cannot say {text!r}")
            return expected(text, voice)
        finally:
            self._leave()

    def find_voice(self, wanted: str) -> str | None:
        self._enter()
        try:
            return self.voices.get(wanted)
        finally:
            self._leave()

    def close(self) -> None:
        self.closed = True


def wav_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def path_of(directory: Path, text: str, voice: VoiceOut = VOICE) -> Path:
    return directory / f"{cache_key(VOICES[voice.voice], voice.rate, voice.pitch, text)}.wav"


# --- memory ---


def test_miss_renders_and_hit_does_not() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None)
    first = cache.render("Yes", VOICE)
    assert cache.render("Yes", VOICE) == first == expected("Yes", VOICE)
    assert cache.render("No", VOICE) == expected("No", VOICE)
    assert inner.calls == ["Yes", "No"]


def test_memory_is_a_bounded_lru() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None, memory_items=2)
    for text in ["a", "b", "a", "c"]:  # "a" was used after "b", so "b" goes
        cache.render(text, VOICE)
    assert inner.calls == ["a", "b", "c"]
    cache.render("a", VOICE)
    cache.render("c", VOICE)
    assert inner.calls == ["a", "b", "c"]
    cache.render("b", VOICE)
    assert inner.calls == ["a", "b", "c", "b"]


def test_key_ignores_volume_but_not_rate_voice_or_text() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None)
    cache.render("Help", VoiceOut(volume=1.0))
    cache.render("Help", VoiceOut(volume=0.2))
    assert len(inner.calls) == 1
    assert cache.render("Help", VoiceOut(rate=200)) == expected("Help", VoiceOut(rate=200))
    assert cache.render("Help", VoiceOut(voice="german")) == expected("Help", VoiceOut(voice="german"))
    cache.render("help", VOICE)
    assert len(inner.calls) == 4
    # Two settings naming the same engine voice share renders.
    cache.render("Help", VoiceOut(voice="english"))
    cache.render("Help", VoiceOut(voice="gmw/en", volume=0.5))
    assert len(inner.calls) == 5
    # A voice the engine does not know is keyed by its name (the engine uses its default).
    cache.render("Help", VoiceOut(voice="klingon"))
    assert len(inner.calls) == 6
    cache.render("Help", VoiceOut(pitch=80))
    assert len(inner.calls) == 7


def test_errors_propagate_and_are_not_cached(tmp_path: Path) -> None:
    inner = FakeRender()
    inner.fail.add("...")
    cache = CachedRender(inner, tmp_path)
    for _ in range(2):
        with pytest.raises(RenderError, match="cannot say"):
            cache.render("...", VOICE)
    assert inner.calls == ["...", "..."]
    assert wav_files(tmp_path) == []


def test_render_with_a_voice_that_failed_is_not_cached_under_its_id() -> None:
    """The Renderer forgets a voice that fails to load and speaks with the default."""
    inner = FakeRender()
    inner.voices["mbrola"] = "mb-en1"

    def voice_fails(_: str) -> None:
        inner.voices.pop("mbrola", None)

    inner.on_render.append(voice_fails)
    cache = CachedRender(inner, None)
    voice = VoiceOut(voice="mbrola")
    for _ in range(3):
        cache.render("Hello", voice)
    assert inner.calls == ["Hello", "Hello"]  # the first was keyed "mb-en1": not kept


# --- disk ---


def test_disk_cache_survives_a_restart(tmp_path: Path) -> None:
    before = CachedRender(FakeRender(), tmp_path)
    texts = ["Water", "Turn me over", "Thank you ☺"]
    for text in texts:
        before.render(text, VOICE)
    before.close()
    inner = FakeRender()
    after = CachedRender(inner, tmp_path)
    for text in texts:
        assert after.render(text, VOICE) == expected(text, VOICE)
    assert inner.calls == []
    assert len(wav_files(tmp_path)) == 3


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) - 10], id="truncated"),
        pytest.param(lambda data: data[:30], id="truncated-header"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"garbage" * 20, id="garbage"),
        pytest.param(lambda data: data[:44], id="no-frames"),
    ],
)
def test_a_damaged_file_is_rendered_again(tmp_path: Path, damage: object) -> None:
    CachedRender(FakeRender(), tmp_path).render("Pillow", VOICE)
    path = path_of(tmp_path, "Pillow")
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    inner = FakeRender()
    cache = CachedRender(inner, tmp_path)
    assert cache.render("Pillow", VOICE) == expected("Pillow", VOICE)
    assert inner.calls == ["Pillow"]
    # Replaced by a good file: the next restart reads it.
    fresh = FakeRender()
    assert CachedRender(fresh, tmp_path).render("Pillow", VOICE) == expected("Pillow", VOICE)
    assert fresh.calls == []


def test_writes_leave_no_temp_files(tmp_path: Path) -> None:
    cache = CachedRender(FakeRender(), tmp_path)
    for i in range(20):
        cache.render(f"item {i}", VOICE)
    names = wav_files(tmp_path)
    assert len(names) == 20
    assert all(len(name) == 64 + 4 and name.endswith(".wav") for name in names)


def test_a_failed_write_leaves_nothing_and_still_speaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    inner = FakeRender()
    cache = CachedRender(inner, tmp_path)
    assert cache.render("Music", VOICE) == expected("Music", VOICE)
    assert wav_files(tmp_path) == []
    assert cache.render("Music", VOICE) == expected("Music", VOICE)  # from memory
    assert inner.calls == ["Music"]


def test_stale_temp_files_are_removed_at_start(tmp_path: Path) -> None:
    stale = tmp_path / f"{speech_cache.TEMP_PREFIX}old.wav"
    fresh = tmp_path / f"{speech_cache.TEMP_PREFIX}new.wav"  # maybe another instance writing now
    for path in (stale, fresh):
        path.write_bytes(b"RIFF")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    CachedRender(FakeRender(), tmp_path)
    assert wav_files(tmp_path) == [fresh.name]


def test_an_unusable_directory_means_memory_only(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    inner = FakeRender()
    cache = CachedRender(inner, blocker / "speech")
    cache.render("Yes", VOICE)
    cache.render("Yes", VOICE)
    assert inner.calls == ["Yes"]


def set_mtime(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_disk_keeps_at_most_n_files_evicting_least_recently_used(tmp_path: Path) -> None:
    texts = [f"t{i}" for i in range(5)]
    cache = CachedRender(FakeRender(), tmp_path, disk_items=5)
    past = time.time() - 1000
    for i, text in enumerate(texts):
        cache.render(text, VOICE)
        set_mtime(path_of(tmp_path, text), past + i)
    # A restart, then a disk hit on t0 makes it the most recently used.
    inner = FakeRender()
    cache = CachedRender(inner, tmp_path, disk_items=5)
    cache.render("t0", VOICE)
    assert inner.calls == []
    cache.render("t5", VOICE)  # 6 files > 5: prune down to 90% of 5 = 4
    kept = {text for text in [*texts, "t5"] if path_of(tmp_path, text).exists()}
    assert kept == {"t0", "t3", "t4", "t5"}
    assert len(wav_files(tmp_path)) == 4


def test_disk_keeps_at_most_m_bytes(tmp_path: Path) -> None:
    CachedRender(FakeRender(), tmp_path).render("probe", VOICE)
    size = path_of(tmp_path, "probe").stat().st_size
    path_of(tmp_path, "probe").unlink()
    cache = CachedRender(FakeRender(), tmp_path, disk_bytes=10 * size)
    past = time.time() - 1000
    for i in range(30):
        cache.render(f"t{i}", VOICE)
        set_mtime(path_of(tmp_path, f"t{i}"), past + i)
        assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 10 * size
    assert path_of(tmp_path, "t29").exists()
    assert not path_of(tmp_path, "t0").exists()


# --- pre-rendering ---


def test_prerender_renders_only_what_is_missing(tmp_path: Path) -> None:
    inner = FakeRender()
    cache = CachedRender(inner, tmp_path)
    cache.render("Yes", VOICE)
    cache.prerender(["Yes", "No", "", "  ", "No", "Maybe"], VOICE)
    assert inner.calls == ["Yes", "No", "Maybe"]
    for text in ["Yes", "No", "Maybe"]:
        assert cache.render(text, VoiceOut(volume=0.3)) == expected(text, VOICE)
    assert len(inner.calls) == 3
    assert len(wav_files(tmp_path)) == 3


def test_prerender_skips_a_failing_text() -> None:
    inner = FakeRender()
    inner.fail.add("bad")
    cache = CachedRender(inner, None)
    cache.prerender(["a", "bad", "b"], VOICE)
    assert inner.calls == ["a", "bad", "b"]
    with pytest.raises(RenderError):
        cache.render("bad", VOICE)


def test_prerender_stops_on_cancel_and_a_later_one_runs() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None)
    inner.on_render.append(lambda text: cache.cancel_prerender() if text == "2" else None)
    cache.prerender([str(i) for i in range(10)], VOICE)
    assert inner.calls == ["0", "1", "2"]  # the item under way finishes, and is kept
    inner.on_render.clear()
    cache.prerender([str(i) for i in range(5)], VOICE)
    assert inner.calls == ["0", "1", "2", "3", "4"]


def test_prerender_reads_texts_lazily() -> None:
    """A caller can stop it with a generator that checks its own state between items."""
    inner = FakeRender()
    cache = CachedRender(inner, None)
    wanted = threading.Event()
    wanted.set()

    def texts() -> Iterator[str]:
        for i in range(10):
            if not wanted.is_set():
                return
            yield str(i)

    inner.on_render.append(lambda text: wanted.clear() if text == "3" else None)
    cache.prerender(texts(), VOICE)
    assert inner.calls == ["0", "1", "2", "3"]


def test_cancel_without_a_prerender_does_nothing() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None)
    cache.cancel_prerender()
    cache.prerender(["a"], VOICE)
    assert inner.calls == ["a"]


def test_render_goes_before_a_running_prerender() -> None:
    """A cue waits behind at most the one pre-render item under way."""
    inner = FakeRender(delay=0.01)
    cache = CachedRender(inner, None)
    started = threading.Event()
    inner.on_render.append(lambda text: started.set())
    worker = threading.Thread(target=cache.prerender, args=([f"m{i}" for i in range(40)], VOICE))
    worker.start()
    try:
        assert started.wait(5)
        before = len(inner.calls)
        cache.render("cue", VOICE)
        position = inner.calls.index("cue")
        assert position <= before + 1, inner.calls
    finally:
        cache.cancel_prerender()
        worker.join(5)
    assert not worker.is_alive()
    assert len(inner.calls) < 41
    assert not inner.overlapped


def test_close_cancels_and_closes_inner() -> None:
    inner = FakeRender()
    cache = CachedRender(inner, None)
    cache.close()
    assert inner.closed


def test_threads_hammering_it_never_overlap_in_the_engine(tmp_path: Path) -> None:
    inner = FakeRender(delay=0.0005)
    cache = CachedRender(inner, tmp_path, memory_items=20, disk_items=60)
    texts = [f"phrase {i}" for i in range(80)]
    voices = [VoiceOut(), VoiceOut(rate=200, volume=0.6), VoiceOut(voice="english")]
    errors: list[BaseException] = []
    stop = threading.Event()

    def prerenderer() -> None:
        rng = random.Random(1)
        try:
            while not stop.is_set():
                cache.prerender(rng.sample(texts, 20), rng.choice(voices))
        except BaseException as error:
            errors.append(error)

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(400):
                text, voice = rng.choice(texts), rng.choice(voices)
                assert cache.render(text, voice) == expected(text, voice)
                if rng.random() < 0.05:
                    cache.cancel_prerender()
        except BaseException as error:
            errors.append(error)

    background = [threading.Thread(target=prerenderer) for _ in range(2)]
    readers = [threading.Thread(target=reader, args=(seed,)) for seed in range(3)]
    for thread in [*background, *readers]:
        thread.start()
    for thread in readers:
        thread.join(60)
    stop.set()
    cache.cancel_prerender()
    for thread in background:
        thread.join(10)
    assert not any(t.is_alive() for t in [*background, *readers])
    assert errors == []
    assert not inner.overlapped
    names = wav_files(tmp_path)
    assert 0 < len(names) <= 60
    assert not any(name.startswith(speech_cache.TEMP_PREFIX) for name in names)


# --- the real renderer ---


class Counting:
    """Passes through to a real Renderer, counting renders."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.renders = 0

    def render(self, text: str, voice: VoiceOut) -> Pcm:
        self.renders += 1
        return self.inner.render(text, voice)

    def find_voice(self, wanted: str) -> str | None:
        return self.inner.find_voice(wanted)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def real(tmp_path: Path) -> Iterator[Counting]:
    counting = Counting(Renderer(tmp_path))
    yield counting
    counting.close()


@pytest.mark.real
def test_real_render_is_cached_in_memory_and_on_disk(real: Counting, tmp_path: Path) -> None:
    voice = VoiceOut(rate=200, volume=0.6)
    cache = CachedRender(real, tmp_path / "cache")
    first = cache.render("Turn me over, please", voice)
    assert first.frames > 0.3 * first.rate  # real speech, not an empty render
    assert cache.render("Turn me over, please", voice) == first
    assert real.renders == 1
    restarted = CachedRender(real, tmp_path / "cache")
    assert restarted.render("Turn me over, please", VoiceOut(rate=200)) == first
    assert real.renders == 1
