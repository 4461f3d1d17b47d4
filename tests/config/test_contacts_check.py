"""`check` on the call for help's contacts (issue 15): every URL parsed by Apprise without
sending, a bad one named by its contact's name and file:line, no secret ever printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from accessible_companion.cli import main

from .broken_corpus import HOME_OK

GOOD = """settings:
  help:
    contacts:
      - {name: Anna, url: "ntfy://ntfy.sh/anna-t0pic-s3cret", after_seconds: 0}
      - {name: Ben, url: "tgram://123456789:AAbbCCdd-s3cret/987654321", after_seconds: 60}
      - name: Carol
        url: "mailto://carol:pa55-s3cret@mail.example.org?to=carol@example.org"
        after_seconds: 120
      - {name: Dan, url: "json://127.0.0.1:9/hook?token=s3cret-value", after_seconds: 180}
      - {name: Eve, command: [/bin/true], after_seconds: 240}
"""


def check(tmp_path: Path, settings: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "menus.yaml").write_text(HOME_OK)
    (folder / "settings.yaml").write_text(settings)
    status = main(["check", str(folder)])
    out, err = capsys.readouterr()
    return status, out + err


def test_good_contacts_pass_without_showing_their_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, said = check(tmp_path, GOOD, capsys)
    assert status == 0, said
    assert "s3cret" not in said


def test_a_bad_contact_is_named_at_its_line_and_its_url_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = GOOD.replace("tgram://123456789:AAbbCCdd-s3cret/987654321", "telegarm://AAbbCCdd-s3cret/9876")
    status, said = check(tmp_path, broken, capsys)
    assert status == 2
    assert "settings.yaml:5: help.contacts 'Ben': not a notification URL Apprise knows" in said
    assert "s3cret" not in said and "telegarm" not in said
