"""Private by default: every file the companion makes is 0600 in folders 0700, whatever the umask.

Real files, a real SQLite journal (with its -wal and -shm), the real report and CSV export and
speech cache, all under umask 022 (the usual one, which gives 0644 and 0755 by itself).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessible_companion import private
from accessible_companion.audio.pcm import Pcm
from accessible_companion.core.records import CheckIn, NotifyResult
from accessible_companion.core.settings import VoiceOut
from accessible_companion.journal import Journal
from accessible_companion.journal.export import export_csv
from accessible_companion.journal.report import write_report
from accessible_companion.speech.cache import CachedRender
from accessible_companion.trace import TraceWriter


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def modes(root: Path) -> dict[str, int]:
    """Every file and folder below `root` (itself left out) with its permission bits."""
    return {str(p.relative_to(root)): private.mode_of(p) for p in sorted(root.rglob("*"))}


def assert_private(root: Path) -> None:
    found = modes(root)
    assert found
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert not wrong, wrong


def test_new_folders_are_0700_and_existing_ones_are_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    private.make_folder(tmp_path / "a" / "b" / "c")
    assert modes(tmp_path) == {"a": 0o700, "a/b": 0o700, "a/b/c": 0o700}
    assert private.mode_of(tmp_path) == 0o755  # the user's own folder
    with pytest.raises(NotADirectoryError):
        (tmp_path / "file").write_text("")
        private.make_folder(tmp_path / "file")


def test_files_are_made_0600_and_old_ones_tightened_on_open(tmp_path: Path) -> None:
    old = tmp_path / "old.log"
    old.write_text("before\n")
    assert private.mode_of(old) == 0o644
    with private.open_text(old) as file:
        file.write("after\n")
    with private.open_text(tmp_path / "new.log", "w") as file:
        file.write("x")
    with private.open_binary(tmp_path / "new.bin", "xb") as binary:
        binary.write(b"x")
    assert modes(tmp_path) == {"new.bin": 0o600, "new.log": 0o600, "old.log": 0o600}
    assert old.read_text() == "before\nafter\n"  # appended, nothing lost


def test_the_journal_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.sqlite3"
    with Journal(path) as journal:
        journal.record(CheckIn("How is your energy?", "7", 7.0))
        assert journal.pragma("journal_mode") == "wal"
        assert {p.name for p in path.parent.iterdir()} >= {"journal.sqlite3-wal", "journal.sqlite3-shm"}
        assert_private(tmp_path)
    assert_private(tmp_path)


def test_an_old_0644_journal_with_its_wal_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        journal.record(CheckIn("q", "low", 0.0))
    for made in tmp_path.iterdir():
        made.chmod(0o644)
    # A crash leaves the WAL behind: open it the way an old companion did, and leave it open.
    keep = sqlite3.connect(path)
    keep.execute("INSERT INTO checkins (at, local_time, question, answer) VALUES (1, 'x', 'q', 'a')")
    keep.commit()
    assert private.mode_of(Path(f"{path}-wal")) == 0o644
    with Journal(path) as journal:
        assert len(journal.checkins()) == 2
        assert_private(tmp_path)
    keep.close()


def test_report_and_csv_export_are_private(tmp_path: Path) -> None:
    journal_file = tmp_path / "journal.sqlite3"
    with Journal(journal_file) as journal:
        journal.record(CheckIn("How is your energy?", "=1+1", 5.0), at=1_700_000_000.0)
        journal.record(NotifyResult("webhook", False, "HTTP 500"), at=1_700_000_001.0)
        written = export_csv(journal, tmp_path / "out" / "csv")
    assert len(written) >= 8
    write_report(journal_file, tmp_path / "report" / "page.html", days=3650, now=1_700_000_100.0)
    assert_private(tmp_path)


def test_the_speech_cache_is_private_and_old_files_are_tightened(tmp_path: Path) -> None:
    class Tone:
        def render(self, text: str, voice: VoiceOut) -> Pcm:
            return Pcm(b"\x01\x00" * 800, 16000)

        def find_voice(self, wanted: str) -> str | None:
            return None

        def close(self) -> None:
            pass

    folder = tmp_path / "cache" / "speech"
    folder.mkdir(parents=True)
    old = folder / "old.wav"
    old.write_bytes(b"")
    assert private.mode_of(folder) == 0o755 and private.mode_of(old) == 0o644
    cache = CachedRender(Tone(), folder)
    cache.render("I need the nurse", VoiceOut())
    cache.close()
    assert len(list(folder.iterdir())) == 2
    assert_private(folder)


def test_the_trace_is_private(tmp_path: Path) -> None:
    trace = TraceWriter(tmp_path / "new" / "trace.jsonl")
    trace.write("start")
    trace.close()
    assert_private(tmp_path)


def test_at_start_the_folders_and_files_are_tightened_and_the_umask_set(tmp_path: Path) -> None:
    data, state = tmp_path / "data", tmp_path / "state"
    (data / "models").mkdir(parents=True)
    state.mkdir()
    for made in (data / "journal.sqlite3", data / "spill.jsonl", state / "companion.log"):
        made.write_text("x")
    (data / "models" / "public.txt").write_text("a model: not health data, left as it is")
    elsewhere = tmp_path / "trace.jsonl"
    elsewhere.write_text("")
    (data / "link").symlink_to(elsewhere)
    before = os.umask(0o022)
    try:
        changed = private.tighten_at_start([data, state, tmp_path / "missing"], [elsewhere])
        assert private.user_umask() == 0o022 or private.user_umask() == before
        assert os.umask(0o077) == 0o077
    finally:
        os.umask(0o022)
    assert {p.relative_to(tmp_path) for p in changed} == {
        Path(p) for p in ("data", "data/journal.sqlite3", "data/spill.jsonl", "state", "state/companion.log")
    } | {Path("trace.jsonl")}
    assert private.mode_of(data / "models") == 0o755  # below the folder: not walked
    assert private.mode_of(data / "models" / "public.txt") == 0o644
    assert private.tighten_at_start([data, state]) == []  # a second start has nothing left to do
