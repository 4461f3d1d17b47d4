"""The settings page through the real app: forms made from the Settings dataclasses, only the
changed keys written, problems at their fields, secrets never sent back, Say it and a real
test alert (a local HTTP server and a command that writes a file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver.state import PageState
from accessible_companion.config.document import ConfigDocument
from accessible_companion.core.limits import LIMITS
from tests.notify.test_notifier import Hook

from .conftest import RecordingLink, csrf_of
from .forms import Fields, elements, form_fields, replaced

SECRET = "XyZ9secretToken42"


def snapshot(config: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(config)): path.read_bytes()
        for path in sorted(config.rglob("*"))
        if path.is_file()
    }


def group_form(client: TestClient, group: str) -> Fields:
    return form_fields(client.get("/settings").text, f"/settings/{group}")


def set_settings(config: Path, **values: object) -> None:
    """Settings written straight into the files (what the caregiver had before opening the page)."""
    document = ConfigDocument.read(config)
    for path, value in values.items():
        document.set_setting(path.replace("__", "."), value)
    document.save()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours *_proxy variables; the loopback test server must be reached directly."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_every_setting_has_a_field_with_its_meaning_unit_range_and_default(client: TestClient) -> None:
    html = client.get("/settings").text
    for path in LIMITS:
        assert f'name="{path}"' in html, path
    attrs, texts = elements(html)
    interval = attrs["s-scanning-interval"]
    assert (interval["type"], interval["min"], interval["max"], interval["value"]) == (
        "number",
        "0.25",
        "10",
        "1.5",
    )
    help_text = texts["s-scanning-interval-help"]
    assert "How long an item stays highlighted." in help_text
    assert "Seconds, 0.25 to 10." in help_text and "Default: 1.5." in help_text
    assert attrs["s-scanning-loops"]["step"] == "1"
    assert attrs["s-scanning-mode"]["tag"] == "select" and "<li>press-hold: Short press = next" in unescape(
        html
    )
    assert attrs["s-speech-cue-channel"]["tag"] == "select"
    assert attrs["s-scanning-auditory"]["type"] == "checkbox" and "checked" in attrs["s-scanning-auditory"]
    assert attrs["s-switches-switch1"]["tag"] == "textarea"
    assert "Words a minute, 50 to 500." in texts["s-speech-main-rate-help"]
    assert attrs["s-display-colors-frame"]["type"] == "color"
    # Groups as in settings.yaml, nested dataclasses as their own parts of a group's form.
    for group in ("scanning", "messages", "speech", "switches", "voice_commands", "listening", "rest"):
        assert f'action="/settings/{group}"' in html
    for group in ("check_ins", "help", "fatigue", "display", "commands"):
        assert f'action="/settings/{group}"' in html
    assert "<legend>Earcons</legend>" in html and "<legend>Colors</legend>" in html


def test_a_changed_setting_writes_only_its_own_key(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    # `loops` is left out of the file: its default must stay out when the form is saved.
    settings = config_dir / "settings.yaml"
    settings.write_text(settings.read_text().replace("    loops: 3\n", ""))
    before = snapshot(config_dir)
    fields = group_form(client, "scanning")
    assert fields["scanning.loops"] == "3"
    answer = client.post("/settings/scanning", data=replaced(fields, scanning__interval="2"))
    assert answer.status_code == 200
    version = page_state.history.versions(1)[0]
    assert f"Saved (version {version.number}). In use now." in answer.text
    assert version.summary == "Changed Scanning: interval to 2"
    assert link.applied == [f"page:{version.number}"]
    after = snapshot(config_dir)
    assert {name for name in after if after[name] != before[name]} == {"settings.yaml"}
    old_lines = before["settings.yaml"].decode().splitlines()
    new_lines = after["settings.yaml"].decode().splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("    interval: 1.5", "    interval: 2.0")]
    assert ConfigDocument.read(config_dir).setting("scanning.loops") is None


def test_a_setting_read_only_at_start_says_so(client: TestClient, config_dir: Path) -> None:
    html = client.get("/settings").text
    _, texts = elements(html)
    assert "Used from the companion's next start." in texts["s-speech-cue-rate-help"]
    assert "next start" not in texts["s-scanning-interval-help"]
    answer = client.post(
        "/settings/speech", data=replaced(group_form(client, "speech"), speech__cue__rate="220")
    )
    assert "In use now." in answer.text
    assert "The companion uses the new cue rate from its next start." in answer.text
    assert ConfigDocument.read(config_dir).setting("speech.cue.rate") == 220


def test_a_form_saved_as_it_was_writes_nothing(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    before = snapshot(config_dir)
    for group in ("scanning", "speech", "help", "display", "check_ins", "messages"):
        answer = client.post(f"/settings/{group}", data=group_form(client, group))
        assert answer.status_code == 200 and "Nothing changed" in answer.text, group
    assert snapshot(config_dir) == before
    assert page_state.history.versions() == []


def test_a_setting_out_of_range_is_shown_at_its_field_and_nothing_is_written(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    before = snapshot(config_dir)
    fields = group_form(client, "scanning")
    answer = client.post(
        "/settings/scanning", data=replaced(fields, scanning__interval="20", scanning__loops="4")
    )
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    interval = attrs["s-scanning-interval"]
    assert interval["aria-invalid"] == "true"
    assert "s-scanning-interval-error" in interval["aria-describedby"].split()
    assert "20 is outside its range 0.25 to 10 s" in texts["s-scanning-interval-error"]
    assert interval["value"] == "20" and attrs["s-scanning-loops"]["value"] == "4"  # as typed
    assert "aria-invalid" not in attrs["s-scanning-loops"]
    assert snapshot(config_dir) == before
    assert page_state.history.versions() == [] and link.applied == []


def test_a_problem_on_a_line_of_several_settings_is_shown_at_the_right_one(
    client: TestClient, config_dir: Path
) -> None:
    # `cue: {voice: "", rate: 200, pitch: 50, volume: 0.6, ...}` is one line in settings.yaml.
    before = snapshot(config_dir)
    fields = group_form(client, "speech")
    answer = client.post("/settings/speech", data=replaced(fields, speech__cue__rate="600"))
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["s-speech-cue-rate"]["aria-invalid"] == "true"
    assert "600 is not 50 to 500" in texts["s-speech-cue-rate-error"]
    assert "aria-invalid" not in attrs["s-speech-cue-volume"]
    assert snapshot(config_dir) == before


def test_a_conflict_between_settings_is_shown_at_the_field_it_names(
    client: TestClient, config_dir: Path
) -> None:
    before = snapshot(config_dir)
    fields = group_form(client, "scanning")
    answer = client.post("/settings/scanning", data=replaced(fields, scanning__acceptance="0.7"))
    assert answer.status_code == 400
    _, texts = elements(answer.text)
    assert "must be shorter than" in texts["s-scanning-acceptance-error"]
    assert snapshot(config_dir) == before


def test_text_that_is_not_a_number_is_refused_at_its_field(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    answer = client.post(
        "/settings/scanning", data=replaced(group_form(client, "scanning"), scanning__loops="three")
    )
    assert answer.status_code == 400
    _, texts = elements(answer.text)
    assert "Write a whole number" in texts["s-scanning-loops-error"]
    assert snapshot(config_dir) == before


def test_checkboxes_lists_and_choices_are_written_as_their_kind(client: TestClient, config_dir: Path) -> None:
    fields = group_form(client, "scanning")
    del fields["scanning.auditory"]  # unticked: a browser sends nothing
    client.post("/settings/scanning", data=replaced(fields, scanning__mode="step"))
    fields = group_form(client, "switches")
    client.post("/settings/switches", data=replaced(fields, switches__switch1="space\nf9\n"))
    fields = group_form(client, "rest")
    client.post(
        "/settings/rest", data=replaced(fields, rest__choices_minutes="10\n20", rest__reminders="10:30")
    )
    fields = group_form(client, "check_ins")
    follow_ups = "What tired you? | talking, eating\nHow did you sleep? | well, badly"
    client.post("/settings/check_ins", data=replaced(fields, check_ins__follow_ups=follow_ups))
    document = ConfigDocument.read(config_dir)
    assert document.setting("scanning.auditory") is False
    assert document.setting("scanning.mode") == "step"
    assert document.setting("switches.switch1") == ["space", "f9"]
    assert document.setting("rest.choices_minutes") == [10.0, 20.0]
    assert document.setting("rest.reminders") == ["10:30"]
    assert document.setting("check_ins.follow_ups") == [
        {"question": "What tired you?", "answers": ["talking", "eating"]},
        {"question": "How did you sleep?", "answers": ["well", "badly"]},
    ]
    assert "What tired you? | talking, eating" in client.get("/settings").text


def test_contacts_urls_are_never_on_the_settings_page_and_a_save_keeps_them(
    client: TestClient, config_dir: Path
) -> None:
    # A contact's URL is its key (a bot token, a private topic): the Contacts page names them.
    contacts = [{"name": "Anna", "url": f"tgram://123456789:{SECRET}/42", "after_seconds": 0}]
    set_settings(config_dir, help__contacts=contacts)
    html = client.get("/settings").text
    assert SECRET not in html and "tgram" not in html
    fields = group_form(client, "help")
    answer = client.post("/settings/help", data=replaced(fields, help__hold_seconds="3"))
    assert answer.status_code == 200 and SECRET not in answer.text
    document = ConfigDocument.read(config_dir)
    assert document.setting("help.hold_seconds") == 3
    assert document.setting("help.contacts") == contacts


def test_the_webhook_is_never_sent_back_and_an_empty_input_keeps_it(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    url = f"https://hooks.example.org/services/T0001/{SECRET}"
    set_settings(config_dir, help__webhook=url)
    html = client.get("/settings").text
    assert SECRET not in html and "services/T0001" not in html
    assert "https://hooks.example.org/***" in html
    attrs, _ = elements(html)
    assert attrs["s-help-webhook"]["value"] == ""
    fields = group_form(client, "help")
    answer = client.post("/settings/help", data=replaced(fields, help__hold_seconds="3"))
    assert answer.status_code == 200 and SECRET not in answer.text
    assert ConfigDocument.read(config_dir).setting("help.webhook") == url
    assert "webhook" not in page_state.history.versions(1)[0].summary
    # A refused save does not send it back either, nor the new one typed.
    new_url = "https://hooks.example.org/other/NewSecret77abc"
    answer = client.post(
        "/settings/help", data=replaced(fields, help__hold_seconds="99", help__webhook=new_url)
    )
    assert answer.status_code == 400
    assert SECRET not in answer.text and "NewSecret77abc" not in answer.text
    assert ConfigDocument.read(config_dir).setting("help.webhook") == url
    # A new one replaces it (the summary does not quote it); "Remove it" empties it.
    client.post("/settings/help", data=replaced(group_form(client, "help"), help__webhook=new_url))
    assert ConfigDocument.read(config_dir).setting("help.webhook") == new_url
    assert page_state.history.versions(1)[0].summary == "Changed Help: webhook (not shown: it is a secret)"
    client.post("/settings/help", data={**group_form(client, "help"), "clear:help.webhook": "on"})
    assert ConfigDocument.read(config_dir).setting("help.webhook") == ""


def test_a_command_with_a_token_in_it_is_masked_too(
    client: TestClient, config_dir: Path, tmp_path: Path
) -> None:
    program = tmp_path / "page-carer"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    set_settings(config_dir, help__notify_command=[str(program), f"--token={SECRET}"])
    html = client.get("/settings").text
    assert SECRET not in html
    assert "--token=***" in html


def test_say_it_reaches_the_companion(client: TestClient, link: RecordingLink) -> None:
    token = csrf_of(client.get("/settings").text)
    answer = client.post(
        "/say", data={"csrf": token, "text": "I would like some water", "voice": "main", "back": "/settings"}
    )
    assert answer.status_code == 200 and answer.url.path == "/settings"
    assert link.said == [("I would like some water", "main")]
    assert "Said with the main voice" in answer.text
    answer = client.post(
        "/say",
        data={"text": "Water", "voice": "cue"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert answer.json() == {"ok": True, "message": "Said with the cue voice: “Water”"}
    assert link.said[-1] == ("Water", "cue")


def test_say_it_on_the_item_form_says_that_field_or_the_label(
    client: TestClient, link: RecordingLink
) -> None:
    fields = form_fields(client.get("/menus/phrases/items/4").text, "/menus/phrases/items/4")
    client.post("/say", data={**fields, "say_it": "say"})
    client.post("/say", data={**fields, "say_it": "cue"})  # Water has no cue: its label is the cue
    assert link.said == [("I would like some water, please.", "main"), ("Water", "cue")]


def test_say_it_without_the_companion_says_when_it_works(client: TestClient, page_state: PageState) -> None:
    page_state.link = None
    html = client.get("/settings").text
    assert "Say it works while the companion is running." in html
    answer = client.post("/say", data={"csrf": csrf_of(html), "text": "Hello", "voice": "cue"})
    assert "Say it works while the companion is running." in answer.text
    assert 'class="flash flash-bad"' in answer.text


def test_say_it_refuses_another_voice_and_a_page_elsewhere(client: TestClient, link: RecordingLink) -> None:
    token = csrf_of(client.get("/settings").text)
    answer = client.post(
        "/say", data={"csrf": token, "text": "Hi", "voice": "loud", "back": "https://evil.example/"}
    )
    assert answer.url.path == "/settings" and answer.url.host == "127.0.0.1"
    assert "Choose the cue voice or the main voice." in answer.text
    assert link.said == []


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook([200], token=SECRET)
    yield receiver
    receiver.close()


@pytest.mark.real
def test_a_test_alert_reaches_the_webhook_and_the_command_without_an_alarm(
    client: TestClient,
    config_dir: Path,
    tmp_path: Path,
    hook: Hook,
    link: RecordingLink,
    page_state: PageState,
) -> None:
    written = tmp_path / "alert.txt"
    program = tmp_path / "page-carer"
    program.write_text(f'#!/bin/sh\nprintf "%s|%s" "$COMPANION_TRIGGER" "$COMPANION_MESSAGE" > {written}\n')
    program.chmod(0o755)
    set_settings(
        config_dir,
        help__webhook=hook.url,
        help__allow_insecure_webhook=True,
        help__notify_command=[str(program)],
        help__notify_timeout=5.0,
    )
    html = client.get("/settings").text
    answer = client.post("/settings/test-alert", data={"csrf": csrf_of(html)})
    assert answer.status_code == 200 and answer.url.fragment == "group-help"
    assert "The notify command: delivered (exit 0)." in answer.text
    assert "The webhook: delivered (HTTP 200)." in answer.text
    assert 'class="flash flash-good"' in answer.text
    assert SECRET not in answer.text
    assert len(hook.requests) == 1
    body = json.loads(hook.requests[0][3])
    assert body["trigger"] == "test"
    assert "not a real call for help" in str(body["message"])
    trigger, message = written.read_text().split("|")
    assert trigger == "test" and "not a real call for help" in message
    # The companion was not told anything: no alarm, no speech, no config change.
    assert link.said == [] and link.applied == [] and link.journaled == []
    assert page_state.history.versions() == []


@pytest.mark.real
def test_a_failing_channel_is_reported_without_its_secret(
    client: TestClient, config_dir: Path, tmp_path: Path
) -> None:
    program = tmp_path / "page-carer"
    program.write_text('#!/bin/sh\necho "no route for ${1#--token=}"\nexit 3\n')
    program.chmod(0o755)
    set_settings(
        config_dir, help__notify_command=[str(program), f"--token={SECRET}"], help__notify_timeout=5.0
    )
    answer = client.post("/settings/test-alert", data={"csrf": csrf_of(client.get("/settings").text)})
    assert "The notify command: not delivered (exit 3" in answer.text
    assert 'class="flash flash-bad"' in answer.text
    assert SECRET not in answer.text


def test_a_test_alert_with_no_channel_says_what_to_do(client: TestClient) -> None:
    answer = client.post("/settings/test-alert", data={"csrf": csrf_of(client.get("/settings").text)})
    assert "No notify command or webhook is saved yet" in answer.text


@pytest.mark.parametrize("url", ["/settings/scanning", "/settings/help", "/settings/test-alert", "/say"])
def test_settings_posts_without_the_csrf_token_are_refused(
    client: TestClient, config_dir: Path, link: RecordingLink, url: str
) -> None:
    client.get("/settings")
    before = snapshot(config_dir)
    data = {"scanning.interval": "2", "help.hold_seconds": "3", "text": "hi", "voice": "main"}
    assert client.post(url, data=data).status_code == 403
    assert client.post(url, data={**data, "csrf": "forged"}).status_code == 403
    assert snapshot(config_dir) == before and link.said == []


def test_an_unknown_group_is_not_found(client: TestClient) -> None:
    token = csrf_of(client.get("/settings").text)
    assert client.post("/settings/nothing", data={"csrf": token}).status_code == 404
