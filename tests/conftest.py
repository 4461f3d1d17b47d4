"""Which tests with real parts may run beside each other (scripts/test runs them on both cores).

Tests whose audio runs in real time (speech heard by the real vosk model, speech rendered
and played under timing or faults) are one xdist group: under `--dist loadgroup` they run
one after another on one worker, so two of them never compete for the cores; the other
tests with real parts (pages in a browser, the journal, the switch, notifications) take the
other worker. Both halves take about 6 minutes on two cores.
"""

from __future__ import annotations

import pytest

REAL_TIME_AUDIO = (
    "tests/e2e/test_run_voice.py",
    "tests/e2e/test_run_voice_room.py",
    "tests/voice/",
    "tests/audio/test_microphone.py",
    "tests/caregiver/test_voice_teaching_real.py",
    "tests/speech/",
    "tests/e2e/test_speech_faults.py",
    "tests/e2e/test_audio_loss.py",
    # A banked recording's length is measured from a capture of what was played. Beside a
    # busy worker most of it was lost (3 of 5 CI runs): the companion's own playback, cut
    # short by underruns, since fixed (audio/output.py, LATENCY).
    "tests/e2e/test_run_banking.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if item.get_closest_marker("real") and where.startswith(REAL_TIME_AUDIO):
            item.add_marker(pytest.mark.xdist_group("real-time-audio"))
