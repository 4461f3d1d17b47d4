"""Which tests with real parts may run beside each other (scripts/test runs them on both cores).

Tests that decode speech with the real vosk model in real time are one xdist group: under
`--dist loadgroup` they run one after another on one worker, so two of them never compete
for the cores while their audio plays in real time; the rest share the other worker.
"""

from __future__ import annotations

import pytest

HEARS_SPEECH = (
    "tests/e2e/test_run_voice.py",
    "tests/e2e/test_run_voice_room.py",
    "tests/voice/",
    "tests/audio/test_microphone.py",
    "tests/caregiver/test_voice_teaching_real.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if item.get_closest_marker("real") and where.startswith(HEARS_SPEECH):
            item.add_marker(pytest.mark.xdist_group("hears-speech"))
