"""The menus page's times from Home and its "Used most" suggestions, from a real journal: a
suggestion moves an item only when its button is pressed, through the same save as any move."""

from __future__ import annotations

import time
from html import unescape
from pathlib import Path

from starlette.testclient import TestClient

from accessible_companion.caregiver.state import PageState
from accessible_companion.config.document import ConfigDocument
from accessible_companion.core.records import PhraseUsed, PressTimed
from accessible_companion.journal.store import Journal

from .conftest import csrf_of
from .forms import form_fields

WATER = "'Water': chosen 8 times in 14 days, 5th in Phrases. Moved to 1st it takes about"


def labels(config: Path, menu: str) -> list[str]:
    return [str(item["label"]) for item in ConfigDocument.read(config).items(menu)]


def snapshot(config: Path) -> dict[str, bytes]:
    return {str(p.relative_to(config)): p.read_bytes() for p in sorted(config.rglob("*")) if p.is_file()}


def journal_with(path: Path, *entries: PhraseUsed | PressTimed) -> None:
    with Journal(path) as journal:
        now = time.time()
        for entry in entries:
            journal.record(entry, at=now - 3600)
        journal.record(PhraseUsed("phrases", "Yes", "Yes"), at=now - 30 * 24 * 3600)  # too old to count


def test_the_page_suggests_a_much_used_item_and_moves_nothing_by_itself(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page_state.journal_path = tmp_path / "journal.sqlite3"
    journal_with(page_state.journal_path, *[PhraseUsed("phrases", "Water", "I need water")] * 8)
    before = snapshot(page_state.config)
    page = unescape(client.get("/menus").text)
    assert "Used most" in page
    assert WATER in page
    assert "Move it to position 1" in page
    assert "from Home" in page
    assert "1 s to react to each highlight (a usual figure" in page
    assert snapshot(page_state.config) == before  # looking changes nothing
    assert page_state.history.versions() == []


def test_the_move_button_moves_the_item_through_the_save_and_the_history_has_it(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page_state.journal_path = tmp_path / "journal.sqlite3"
    journal_with(page_state.journal_path, *[PhraseUsed("phrases", "Water", "I need water")] * 8)
    page = client.get("/menus").text
    fields = form_fields(page, "/menus/phrases/items/4/move")  # the first: the suggestion
    assert fields["position"] == "1"
    answer = client.post("/menus/phrases/items/4/move", data=fields)
    assert answer.status_code == 200
    assert "Moved 'Water' to position 1 in Phrases." in unescape(answer.text)
    assert labels(page_state.config, "phrases")[:2] == ["Water", "Yes"]
    assert page_state.history.versions(1)[0].summary == "Moved 'Water' to position 1 in Phrases"
    assert WATER not in unescape(client.get("/menus").text)  # now first: nothing left to suggest


def test_a_stale_or_impossible_position_moves_nothing(client: TestClient, page_state: PageState) -> None:
    token = csrf_of(client.get("/menus").text)
    before = snapshot(page_state.config)
    answer = client.post(
        "/menus/phrases/items/4/move", data={"csrf": token, "was": "Water", "position": "99"}
    )
    assert answer.status_code == 400
    assert "There is no position 99 in Phrases." in unescape(answer.text)
    answer = client.post("/menus/phrases/items/4/move", data={"csrf": token, "was": "Pain", "position": "1"})
    assert answer.status_code == 400
    assert snapshot(page_state.config) == before


def test_without_a_journal_the_page_says_so_plainly(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page_state.journal_path = tmp_path / "none.sqlite3"
    page = unescape(client.get("/menus").text)
    assert "There is no journal yet, so there is nothing to suggest from what the user chose." in page
    assert "from Home" in page  # the times need no journal
    assert not page_state.journal_path.exists()  # looking made no journal


def test_the_users_measured_reaction_is_used_when_there_are_enough_presses(
    client: TestClient, page_state: PageState, tmp_path: Path
) -> None:
    page_state.journal_path = tmp_path / "journal.sqlite3"
    journal_with(page_state.journal_path, *[PressTimed("auto", "select", 0.5, 0.1, 0.2, False)] * 20)
    page = unescape(client.get("/menus").text)
    assert "0.5 s to react to each highlight (the middle of the user's last 20 measured presses)" in page
    assert "Nothing to suggest" in page
