"""The settings form is made from the Settings dataclasses: every setting has its field, and
what a field shows reads back as the same value."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

import pytest

from accessible_companion.caregiver import setting_fields
from accessible_companion.caregiver.field_errors import locations
from accessible_companion.caregiver.setting_fields import (
    attribute_docs,
    groups,
    is_secret,
    masked,
    parse,
    same,
    shown,
)
from accessible_companion.core.limits import LIMITS
from accessible_companion.core.settings import Mode, Scanning, Settings


def leaf_paths(value: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for field in fields(value):
        inner = getattr(value, field.name)
        path = f"{prefix}{field.name}"
        paths |= leaf_paths(inner, f"{path}.") if is_dataclass(inner) else {path}
    return paths


ALL_FIELDS = [field for group in groups() for field in group.fields]


def test_every_setting_has_a_field_in_the_group_of_its_yaml_section() -> None:
    assert {field.path for field in ALL_FIELDS} == leaf_paths(Settings()) - setting_fields.ELSEWHERE
    assert [group.name for group in groups()] == [field.name for field in fields(Settings)]
    for group in groups():
        assert all(field.path.split(".")[0] == group.name for field in group.fields)


def test_every_ranged_setting_has_its_range_and_unit_in_words() -> None:
    by_path = {field.path: field for field in ALL_FIELDS}
    for path, limit in LIMITS.items():
        field = by_path[path]
        assert (field.low, field.high) == (limit.low, limit.high)
        assert field.meaning == limit.meaning
    assert by_path["scanning.interval"].range_words == "seconds, 0.25 to 10"
    assert by_path["speech.cue.volume"].range_words == "0 to 1"
    assert by_path["display.font_scale"].range_words == "times, 0.5 to 3"


def test_meanings_come_from_the_docstrings_under_each_attribute() -> None:
    docs = attribute_docs(Scanning)
    assert docs["auditory"] == "Dwell starts when the item's cue has been spoken, as in auditory scanning."
    assert attribute_docs(Mode)["STEP"].startswith("Switch 1 = next, switch 2 = select")
    by_path = {field.path: field for field in ALL_FIELDS}
    assert by_path["scanning.auditory"].meaning == docs["auditory"]
    assert (
        "step",
        "step: Switch 1 = next, switch 2 = select (a long hold of switch 1 also selects).",
    ) in by_path["scanning.mode"].choices


@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda field: field.path)
def test_what_a_field_shows_reads_back_as_the_same_value(field: setting_fields.SettingField) -> None:
    if field.kind == "yes_no":
        assert parse(field, "on" if field.default else "") is field.default
        return
    assert same(field, field.default, parse(field, shown(field, field.default)))


def test_typed_values_are_read_as_their_kind() -> None:
    by_path = {field.path: field for field in ALL_FIELDS}
    assert parse(by_path["scanning.interval"], " 1,5 ") == 1.5
    assert parse(by_path["rest.choices_minutes"], "5\n\n 10 \n") == [5.0, 10.0]
    assert parse(by_path["switches.switch1"], "space\r\nf9") == ["space", "f9"]
    assert parse(by_path["check_ins.follow_ups"], "Why? | a, b") == [
        {"question": "Why?", "answers": ["a", "b"]}
    ]
    for path, typed in [
        ("scanning.loops", "2.5"),
        ("scanning.interval", "fast"),
        ("scanning.interval", "nan"),
        ("scanning.mode", "sideways"),
        ("check_ins.follow_ups", "no answers here"),
    ]:
        with pytest.raises(ValueError, match=r"\w"):
            parse(by_path[path], typed)


def test_secrets_are_told_by_the_setting_or_by_their_look_and_shown_masked() -> None:
    by_path = {field.path: field for field in ALL_FIELDS}
    webhook = by_path["help.webhook"]
    assert is_secret(webhook, "https://example.org/hooks/companion")
    assert not is_secret(webhook, "")
    assert masked("https://hooks.example.org/services/T01/abcdef123456") == "https://hooks.example.org/***"
    # A heartbeat URL is its key (a Healthchecks UUID): secret whatever it looks like; a restart applies it.
    heartbeat = by_path["help.heartbeat_url"]
    assert is_secret(heartbeat, "https://hc.example.org/ping/companion")
    assert heartbeat.needs_restart and by_path["help.heartbeat_minutes"].needs_restart
    command = by_path["help.notify_command"]
    assert is_secret(command, ["/usr/bin/page", "--token=abc123def"])
    assert not is_secret(command, ["/usr/local/bin/page-carer"])
    assert "abc123def" not in masked(["/usr/bin/page", "--token=abc123def"])
    assert not is_secret(by_path["messages.idle"], "Scanning paused. Press to go on.")


def test_every_key_and_entry_has_its_line_also_inside_a_flow_mapping() -> None:
    text = (
        "settings:\n  speech:\n    cue: {rate: 200, volume: 0.6}\n    main:\n      rate: 175\n"
        "  switches:\n    switch1: [a, b]\n"
    )
    lines = locations(text)
    assert lines[("settings", "speech", "cue", "rate")] == 3
    assert lines[("settings", "speech", "cue", "volume")] == 3
    assert lines[("settings", "speech", "main", "rate")] == 5
    assert lines[("settings", "switches", "switch1", 1)] == 7
