"""History on the caregiver's page: every version listed, what it changed, and a restore that goes
through the same checks as any save, is a version of its own, is journaled and applied."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

from starlette.testclient import TestClient

from accessible_companion.caregiver import saving
from accessible_companion.caregiver.history import KEEP, History
from accessible_companion.caregiver.history_pages import ago, diff_files
from accessible_companion.caregiver.state import PageState
from accessible_companion.config.document import ConfigDocument
from accessible_companion.core.records import ConfigEdit
from accessible_companion.journal.store import Journal

from .conftest import RecordingLink, csrf_of

WHO = "this computer"


def rename_first_on_home(state: PageState, label: str) -> int:
    document = ConfigDocument.read(state.config)
    old = document.item("home", 0)["label"]
    document.set_item_field("home", 0, "label", label)
    saved = saving.save(state, document, WHO, f"Renamed '{old}' to '{label}' on Home")
    assert saved.ok and saved.version is not None, saved.problems
    return saved.version


def files_of(config: Path) -> dict[str, bytes]:
    return {str(p.relative_to(config)): p.read_bytes() for p in sorted(config.rglob("*")) if p.is_file()}


def restore(client: TestClient, number: int, csrf: str | None = None) -> tuple[int, str, str]:
    """POST the restore form as the page does; (status, where it sends the browser, page)."""
    token = csrf if csrf is not None else csrf_of(client.get("/history").text)
    response = client.post(f"/history/{number}/restore", data={"csrf": token}, follow_redirects=False)
    return response.status_code, response.headers.get("location", ""), response.text


def test_two_saves_are_listed_newest_first_with_who_when_and_what(
    client: TestClient, page_state: PageState
) -> None:
    assert "Nothing has been changed on this page yet" in client.get("/history").text
    rename_first_on_home(page_state, "Talk")
    rename_first_on_home(page_state, "Chat")
    page = client.get("/history").text
    # Version 1 is the config as found, kept before the first change.
    positions = [page.index(f'<strong id="v{n}">Version {n}</strong>') for n in (3, 2, 1)]
    assert positions == sorted(positions)
    assert "Renamed &#39;Talk&#39; to &#39;Chat&#39; on Home" in page
    assert "The config before the first change here" in page
    assert page.count("(just now), by this computer") == 2
    for number in (1, 2, 3):
        assert f'href="/history/{number}"' in page
    # The newest is the files as they are: nothing to restore there; the others have the button.
    assert 'action="/history/3/restore"' not in page and "This is how the files are now." in page
    assert 'action="/history/2/restore"' in page and 'action="/history/1/restore"' in page
    assert page.count("Restore this version") == 2


def test_a_version_shows_what_it_changed_and_what_changed_since(
    client: TestClient, page_state: PageState
) -> None:
    rename_first_on_home(page_state, "Talk")
    rename_first_on_home(page_state, "Chat")
    page = client.get("/history/2").text
    changed, since = page.split("What this version changed")[1].split(
        "Between this version and the files now"
    )
    assert "Compared with version 1" in changed and "<code>menus/home.yaml</code> (changed)" in changed
    # Added and taken-out lines carry + and - as text (and ins/del), not colour alone.
    assert '<del class="del">-       - label: Phrases</del>' in changed
    assert '<ins class="add">+       - label: Talk</ins>' in changed
    assert re.search(r"<strong>Near line \d+:</strong>", changed)
    assert '<del class="del">-       - label: Talk</del>' in since
    assert '<ins class="add">+       - label: Chat</ins>' in since
    newest = client.get("/history/3").text
    assert "The files now are the same as this version." in newest
    oldest = client.get("/history/1").text
    assert "This is the oldest version kept" in oldest


def test_restoring_version_1_brings_its_files_back_as_a_new_version(
    client: TestClient, page_state: PageState, link: RecordingLink
) -> None:
    before = files_of(page_state.config)
    rename_first_on_home(page_state, "Talk")
    rename_first_on_home(page_state, "Chat")
    assert files_of(page_state.config) != before
    link.journaled.clear()
    status, location, _ = restore(client, 1)
    assert (status, location) == (303, "/history?restored=1&as=4&in_use=1")
    assert files_of(page_state.config) == before  # byte for byte, comments and all
    newest = page_state.history.versions(1)[0]
    assert (newest.number, newest.who, newest.summary) == (4, WHO, "Restored version 1")
    assert link.journaled == [ConfigEdit(4, WHO, "Restored version 1")]
    assert link.applied[-1] == "page:4"
    page = client.get(location).text
    assert "Version 1 is back, saved as version 4." in page and "In use now." in page
    # A restore is undone like any change: version 3 comes back in its turn.
    status, location, _ = restore(client, 3)
    assert location == "/history?restored=3&as=5&in_use=1"
    assert "label: Chat" in (page_state.config / "menus" / "home.yaml").read_text(encoding="utf-8")


def test_restore_without_the_form_token_is_refused_and_writes_nothing(
    client: TestClient, page_state: PageState, link: RecordingLink
) -> None:
    rename_first_on_home(page_state, "Talk")
    before = files_of(page_state.config)
    applied = list(link.applied)
    status, _, _ = restore(client, 1, csrf="not-the-token")
    assert status == 403
    assert client.post("/history/1/restore", data={}, follow_redirects=False).status_code == 403
    assert files_of(page_state.config) == before and link.applied == applied
    assert [v.number for v in page_state.history.listing()] == [2, 1]


def test_restoring_the_version_in_use_changes_nothing(client: TestClient, page_state: PageState) -> None:
    version = rename_first_on_home(page_state, "Talk")
    status, location, _ = restore(client, version)
    assert (status, location) == (303, f"/history?same={version}")
    assert "already as in version 2: nothing was changed" in client.get(location).text
    assert len(page_state.history.listing()) == 2


def test_a_version_that_no_longer_loads_shows_its_problems_and_writes_nothing(
    client: TestClient, page_state: PageState, link: RecordingLink
) -> None:
    recording = page_state.config / "voice" / "water.wav"
    recording.parent.mkdir()
    recording.write_bytes(wav())
    document = ConfigDocument.read(page_state.config)
    document.set_item_field("phrases", 4, "sound", "../voice/water.wav")
    with_sound = saving.save(page_state, document, WHO, "A recording for 'Water'")
    assert with_sound.version == 2, with_sound.problems
    document = ConfigDocument.read(page_state.config)
    document.set_item_field("phrases", 4, "sound", "")
    assert saving.save(page_state, document, WHO, "No recording").ok
    recording.write_text("this is not a recording any more", encoding="utf-8")  # replaced since
    before, applied, journaled = files_of(page_state.config), list(link.applied), list(link.journaled)
    status, _, page = restore(client, 2)
    assert status == 422
    assert "cannot be used any more, so nothing was written" in page
    assert re.search(
        r"<li>menus/phrases\.yaml, line \d+: .*&#39;\.\./voice/water\.wav&#39; cannot be played", page
    )
    assert 'role="alert"' in page
    assert files_of(page_state.config) == before
    assert (link.applied, link.journaled) == (applied, journaled)
    assert [v.number for v in page_state.history.listing()] == [3, 2, 1]


def test_files_the_version_did_not_have_are_taken_out_and_kept_in_the_version_before(
    client: TestClient, page_state: PageState
) -> None:
    document = ConfigDocument.read(page_state.config)
    made = document.add_menu("drinks", "Drinks", [{"label": "Tea"}, {"label": "Coffee"}])
    document.add_item("home", {"label": "Drinks", "menu": "drinks"})
    assert saving.save(page_state, document, WHO, "Added the menu Drinks").version == 2
    assert made == page_state.config / "menus" / "drinks.yaml" and made.is_file()
    status, location, _ = restore(client, 1)
    assert status == 303
    assert location == "/history?restored=1&as=3&in_use=1&removed=menus%2Fdrinks.yaml"
    assert not made.exists()
    page = client.get(location).text
    assert "<code>menus/drinks.yaml</code>" in page and "Version 2 still has it" in page
    restore(client, 2)
    assert made.is_file() and "Coffee" in made.read_text(encoding="utf-8")


def test_a_hand_edit_is_kept_as_a_version_before_it_is_written_over(
    client: TestClient, page_state: PageState
) -> None:
    rename_first_on_home(page_state, "Talk")
    home = page_state.config / "menus" / "home.yaml"
    edited = home.read_text(encoding="utf-8") + "# a note typed in a text editor\n"
    home.write_text(edited, encoding="utf-8")
    restore(client, 1)
    versions = page_state.history.listing()
    assert [(v.number, v.who) for v in versions[:2]] == [(4, WHO), (3, "someone outside this page")]
    kept = page_state.history.version(3)
    assert kept is not None and kept.files["menus/home.yaml"] == edited


def test_an_unknown_version_is_a_plain_not_found(client: TestClient) -> None:
    response = client.get("/history/999")
    assert response.status_code == 404 and "only the last ones are kept" in response.text


def test_without_a_companion_a_change_goes_into_the_journal_file(
    page_state: PageState, tmp_path: Path
) -> None:
    page_state.link = None
    page_state.journal_path = tmp_path / "data" / "journal.sqlite3"
    version = rename_first_on_home(page_state, "Talk")
    saved = saving.restore(page_state, 1, "PIN from 192.168.1.7")
    assert saved.version == 3 and not saved.in_use  # nobody to run it now: used at the next start
    with Journal(page_state.journal_path) as journal:
        assert [row.entry for row in journal.config_edits()] == [
            ConfigEdit(version, WHO, "Renamed 'Phrases' to 'Talk' on Home"),
            ConfigEdit(3, "PIN from 192.168.1.7", "Restored version 1"),
        ]


def test_the_oldest_versions_go_beyond_keep(tmp_path: Path) -> None:
    assert KEEP >= 50
    history = History(tmp_path / "history.sqlite3", tmp_path / "config")
    other = History(tmp_path / "history.sqlite3", tmp_path / "other")  # another folder's count
    try:
        first = history.record({"a.yaml": "0"}, WHO, "first")
        other.record({"a.yaml": "x"}, WHO, "other folder")
        numbers = [first] + [history.record({"a.yaml": str(n)}, WHO, f"save {n}") for n in range(1, KEEP + 5)]
        kept = history.listing()
        assert [v.number for v in kept] == numbers[::-1][:KEEP]
        assert history.version(numbers[4]) is None and history.version(numbers[5]) is not None
        before = history.before(numbers[5])
        assert before is None  # the oldest kept has nothing before it
        assert [v.summary for v in other.listing()] == ["other folder"]
    finally:
        history.close()
        other.close()


def test_times_and_differences_in_words() -> None:
    now = 1_000_000.0
    assert [ago(now - s, now) for s in (5, 90, 300, 3600, 7300, 86400, 3 * 86400)] == [
        "just now",
        "a minute ago",
        "5 minutes ago",
        "an hour ago",
        "2 hours ago",
        "yesterday",
        "3 days ago",
    ]
    diffs = diff_files({"a.yaml": "x\n", "gone.yaml": "y\n"}, {"a.yaml": "x\nz\n", "new.yaml": "w\n"})
    assert [(d.name, d.how) for d in diffs] == [
        ("a.yaml", "changed"),
        ("gone.yaml", "taken out"),
        ("new.yaml", "added"),
    ]
    assert [(line.kind, line.text) for line in diffs[0].lines] == [
        ("place", "Near line 1:"),
        ("same", "  x"),
        ("add", "+ z"),
    ]
    assert [line.text for line in diffs[1].lines] == ["Near line 1:", "- y"]


def wav() -> bytes:
    """A tenth of a second of a recording: a WAV file the loader accepts."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\1\0" * 1600)
    return buffer.getvalue()
