"""One-syllable voice words (issue 14): `check` warns at their line, when voice is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from accessible_companion.config import load_config
from accessible_companion.core.commands import syllables

CONFIG = """\
settings:
  voice_commands: {voice}
  commands:
    next: [next, move on]
    rest: [time out]
  check_ins:
    scale: [low, medium, high]
menus:
  - id: home
    items:
      - label: Water
        voice: [drink, water]
      - label: Tea
"""


@pytest.mark.parametrize(
    ("words", "count"),
    [
        ("help", 1),
        ("home", 1),
        ("help me", 2),
        ("go back", 2),
        ("둘", 1),
        ("도와줘", 3),
        ("잠시 멈춤", 4),
        ("да", 1),
    ],
)
def test_syllables(words: str, count: int) -> None:
    assert syllables(words) == count


def test_one_syllable_words_are_warned_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.format(voice="true"))
    warned = [(w.line, w.message.split(":")[0], w.warning) for w in load_config(path).warnings]
    assert warned == [
        (4, "commands.next[0]", True),
        (7, "check_ins.scale[0]", True),
        (7, "check_ins.scale[2]", True),
        (12, "menus[0].items[0].voice[0]", True),
        (13, "menus[0].items[1].voice[0]", True),  # the label is the voice words
    ]
    assert "two or three syllables" in load_config(path).warnings[0].message


def test_nothing_is_warned_with_voice_off(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.format(voice="false"))
    assert load_config(path).warnings == ()


def test_the_korean_example_has_no_one_syllable_words() -> None:
    assert load_config(Path("examples/ko")).warnings == ()
