"""The menus page and the item form, through the real app: every change lands in the files
(comments kept), in the history and in the running companion; a refused one writes nothing
and shows its problem at its field."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver import saving
from accessible_companion.caregiver.state import PageState
from accessible_companion.config.document import ConfigDocument

from .conftest import RecordingLink, csrf_of
from .forms import Fields, elements, form_fields, replaced


def snapshot(config: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(config)): path.read_bytes()
        for path in sorted(config.rglob("*"))
        if path.is_file()
    }


def item_form(client: TestClient, menu: str, index: int) -> tuple[str, Fields]:
    page = client.get(f"/menus/{menu}/items/{index}")
    assert page.status_code == 200
    return page.text, form_fields(page.text, f"/menus/{menu}/items/{index}")


def csrf(client: TestClient) -> str:
    return csrf_of(client.get("/menus").text)


def labels(config: Path, menu: str) -> list[str]:
    return [str(item["label"]) for item in ConfigDocument.read(config).items(menu)]


def test_an_added_item_is_in_the_file_with_its_comments_in_the_history_and_in_use(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    before = (config_dir / "menus" / "phrases.yaml").read_text()
    answer = client.post(
        "/menus/phrases/items", data={"csrf": csrf(client), "label": "Tea", "say": "A cup of tea, please."}
    )
    assert answer.status_code == 200
    assert answer.url.path == "/menus/phrases/items/9"  # on to the new item's form
    version = page_state.history.versions(1)[0]
    assert f"Saved (version {version.number}). In use now." in answer.text
    assert version.summary == "Added 'Tea' to Phrases"
    assert link.applied == [f"page:{version.number}"]
    text = (config_dir / "menus" / "phrases.yaml").read_text()
    assert "      - label: Tea\n        say: A cup of tea, please.\n" in text
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text.splitlines() for line in comments)
    assert "Tea" in version.files["menus/phrases.yaml"]
    assert labels(config_dir, "phrases")[-1] == "Tea"


def test_adding_an_item_without_a_label_is_refused_at_the_label(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    answer = client.post("/menus/phrases/items", data={"csrf": csrf(client), "label": " ", "say": "Hello."})
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["add-label-phrases"]["aria-invalid"] == "true"
    assert "add-label-phrases-error" in attrs["add-label-phrases"]["aria-describedby"].split()
    assert "needs a label" in texts["add-label-phrases-error"]
    assert attrs["add-say-phrases"]["value"] == "Hello."
    assert "aria-invalid" not in attrs["add-label-more_phrases"]
    assert snapshot(config_dir) == before


def test_the_item_form_saves_only_what_changed_with_a_summary_in_words(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    _, fields = item_form(client, "phrases", 4)
    assert fields["label"] == "Water"
    assert fields["voice"] == "water\ndrink"
    answer = client.post(
        "/menus/phrases/items/4", data=replaced(fields, label="Drink", voice="drink\nwater\nthirsty")
    )
    assert answer.status_code == 200
    assert "In use now." in answer.text
    summary = page_state.history.versions(1)[0].summary
    assert summary == "Changed the label and the voice words of 'Water' in Phrases"
    item = ConfigDocument.read(config_dir).item("phrases", 4)
    assert item == {
        "label": "Drink",
        "say": "I would like some water, please.",
        "voice": ["drink", "water", "thirsty"],
    }
    text = (config_dir / "menus" / "phrases.yaml").read_text()
    assert "        voice: [drink, water, thirsty]\n" in text
    assert len(link.applied) == 1


def test_changing_the_label_alone_is_a_rename(client: TestClient, page_state: PageState) -> None:
    _, fields = item_form(client, "phrases", 4)
    client.post("/menus/phrases/items/4", data=replaced(fields, label="Drink"))
    assert page_state.history.versions(1)[0].summary == "Renamed 'Water' to 'Drink' in Phrases"


def test_an_action_and_its_argument_replace_the_old_ones(client: TestClient, config_dir: Path) -> None:
    _, fields = item_form(client, "phrases", 4)
    client.post("/menus/phrases/items/4", data=replaced(fields, action="rest", minutes="10"))
    item = ConfigDocument.read(config_dir).item("phrases", 4)
    assert item["action"] == "rest"
    assert item["minutes"] == 10
    _, fields = item_form(client, "phrases", 4)
    assert fields["minutes"] == "10"
    client.post("/menus/phrases/items/4", data=replaced(fields, action="menu", menu="more_phrases"))
    item = ConfigDocument.read(config_dir).item("phrases", 4)
    assert "action" not in item and "minutes" not in item
    assert item["menu"] == "more_phrases"


def test_a_form_posted_unchanged_writes_nothing(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    before = snapshot(config_dir)
    _, fields = item_form(client, "home", 1)
    answer = client.post("/menus/home/items/1", data=fields)
    assert "Nothing changed." in answer.text
    assert snapshot(config_dir) == before
    assert page_state.history.versions() == []


def test_a_blank_label_is_shown_at_the_label_field_and_no_file_changes(
    client: TestClient, config_dir: Path, page_state: PageState, link: RecordingLink
) -> None:
    before = snapshot(config_dir)
    _, fields = item_form(client, "phrases", 4)
    answer = client.post(
        "/menus/phrases/items/4", data=replaced(fields, label="  ", say="Water now, please.")
    )
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    label = attrs["f-label"]
    assert label["aria-invalid"] == "true"
    assert "f-label-error" in label["aria-describedby"].split()
    assert "needs a label" in texts["f-label-error"]
    assert "f-label-error" in attrs and "needs a label" in texts["field-label"]
    assert "aria-invalid" not in attrs["f-say"]
    assert attrs["f-say"]["value"] == "Water now, please."  # what was typed is kept
    assert "Nothing was saved" in answer.text
    assert snapshot(config_dir) == before
    assert page_state.history.versions() == [] and link.applied == []


def test_a_problem_found_by_the_checks_is_placed_at_its_field_by_its_line(
    client: TestClient, config_dir: Path
) -> None:
    before = snapshot(config_dir)
    _, fields = item_form(client, "phrases", 3)  # Pain
    answer = client.post("/menus/phrases/items/3", data=replaced(fields, say="Pain.", label="P" * 201))
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["f-label"]["aria-invalid"] == "true"
    assert "Too long (201 characters; at most 200)" in texts["f-label-error"]
    assert "menus[" not in texts["f-label-error"]  # the field says where; the message need not
    assert "aria-invalid" not in attrs["f-say"]
    assert snapshot(config_dir) == before


def test_voice_words_that_clash_are_shown_at_the_voice_field(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    _, fields = item_form(client, "phrases", 3)  # Pain; Water (4) has the words water and drink
    answer = client.post("/menus/phrases/items/3", data=replaced(fields, voice="pain\ndrink"))
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["f-voice"]["aria-invalid"] == "true"
    assert "same voice words 'drink'" in texts["f-voice-error"]
    assert attrs["f-voice"]["tag"] == "textarea" and "pain\ndrink" in texts["f-voice"]
    assert snapshot(config_dir) == before


def test_a_clash_is_shown_at_the_voice_field_of_either_item(client: TestClient, config_dir: Path) -> None:
    # The loader tells a clash at the later item (Water, 4): its form places it by the line.
    _, fields = item_form(client, "phrases", 4)
    answer = client.post("/menus/phrases/items/4", data=replaced(fields, voice="water\npain"))
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["f-voice"]["aria-invalid"] == "true"
    assert "same voice words 'pain'" in texts["f-voice-error"]


def test_a_menu_that_is_not_there_is_shown_at_the_menu_field(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    _, fields = item_form(client, "home", 0)
    answer = client.post("/menus/home/items/0", data=replaced(fields, menu="nowhere"))
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["f-menu"]["aria-invalid"] == "true"
    assert "menu 'nowhere' is not defined" in texts["f-menu-error"]
    assert snapshot(config_dir) == before


def test_an_item_changed_meanwhile_is_not_overwritten(client: TestClient, config_dir: Path) -> None:
    _, fields = item_form(client, "phrases", 4)
    client.post("/menus/phrases/items/3/move", data={"csrf": csrf(client), "step": "down", "was": "Pain"})
    before = snapshot(config_dir)
    answer = client.post("/menus/phrases/items/4", data=replaced(fields, say="Something else."))
    assert answer.status_code == 400
    assert "changed on another page or device" in answer.text
    assert snapshot(config_dir) == before


def test_items_move_up_down_and_to_another_menu(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    token = csrf(client)
    answer = client.post("/menus/phrases/items/4/move", data={"csrf": token, "step": "up", "was": "Water"})
    assert answer.status_code == 200 and "In use now." in answer.text
    assert labels(config_dir, "phrases")[3:5] == ["Water", "Pain"]
    assert page_state.history.versions(1)[0].summary == "Moved 'Water' up in Phrases"
    client.post("/menus/phrases/items/3/move", data={"csrf": token, "step": "down", "was": "Water"})
    assert labels(config_dir, "phrases")[3:5] == ["Pain", "Water"]
    client.post(
        "/menus/phrases/items/4/move", data={"csrf": token, "to_menu": "more_phrases", "was": "Water"}
    )
    assert "Water" not in labels(config_dir, "phrases")
    assert labels(config_dir, "more_phrases")[-1] == "Water"
    assert page_state.history.versions(1)[0].summary == "Moved 'Water' from Phrases to More phrases"
    assert len(page_state.history.versions()) == 4  # the config as found, then the three moves


def test_moving_to_no_menu_asks_which(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    answer = client.post(
        "/menus/phrases/items/4/move", data={"csrf": csrf(client), "to_menu": "", "was": "Water"}
    )
    assert answer.status_code == 400
    assert "Choose the menu to move it to." in answer.text
    assert snapshot(config_dir) == before


def test_the_first_item_does_not_move_up(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    answer = client.post(
        "/menus/home/items/0/move", data={"csrf": csrf(client), "step": "up", "was": "Phrases"}
    )
    assert "Nothing changed." in answer.text
    assert snapshot(config_dir) == before


def test_an_item_is_deleted_after_a_confirm_step(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    confirm = client.get("/menus/phrases/items/4/delete")
    assert "Delete “Water” from Phrases?" in confirm.text
    assert 'It says "I would like some water, please.".' in unescape(confirm.text)
    assert "Water" in labels(config_dir, "phrases")  # asking writes nothing
    answer = client.post(
        "/menus/phrases/items/4/delete", data=form_fields(confirm.text, "/menus/phrases/items/4/delete")
    )
    assert answer.status_code == 200
    assert "History keeps every version" in answer.text
    assert "Water" not in labels(config_dir, "phrases")
    assert page_state.history.versions(1)[0].summary == "Deleted 'Water' from Phrases"


def test_deleting_the_only_opener_of_a_menu_is_refused_with_the_reason(
    client: TestClient, config_dir: Path
) -> None:
    before = snapshot(config_dir)
    confirm = client.get("/menus/home/items/0/delete")
    assert "It opens the menu Phrases" in confirm.text
    answer = client.post(
        "/menus/home/items/0/delete", data=form_fields(confirm.text, "/menus/home/items/0/delete")
    )
    assert answer.status_code == 400
    assert "cannot be reached from home" in answer.text
    assert "menus/phrases.yaml, line" in answer.text
    assert snapshot(config_dir) == before


def test_a_menu_is_added_with_the_item_that_opens_it(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    answer = client.post(
        "/menus/add",
        data={
            "csrf": csrf(client),
            "title": "Family visits",
            "id": "",
            "parent": "home",
            "first": "Call Anna",
        },
    )
    assert answer.status_code == 200
    assert "Added the menu Family visits." in answer.text
    document = ConfigDocument.read(config_dir)
    assert document.items("family_visits") == [{"label": "Call Anna"}]
    assert document.menu_file("family_visits") == config_dir / "menus" / "family_visits.yaml"
    assert document.items("home")[-1] == {"label": "Family visits", "menu": "family_visits"}
    assert page_state.history.versions(1)[0].summary == "Added the menu Family visits, opened from Home"
    tree = client.get("/menus").text
    assert tree.index('id="item-home-6"') < tree.index('id="menu-family_visits"')


def test_a_new_menu_needs_a_title_and_a_first_item(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    answer = client.post(
        "/menus/add", data={"csrf": csrf(client), "title": "", "id": "", "parent": "home", "first": ""}
    )
    assert answer.status_code == 400
    attrs, texts = elements(answer.text)
    assert attrs["new-title"]["aria-invalid"] == "true" and "title" in texts["new-title-error"]
    assert attrs["new-first"]["aria-invalid"] == "true" and "first item" in texts["new-first-error"]
    answer = client.post(
        "/menus/add",
        data={"csrf": csrf(client), "title": "Again", "id": "phrases", "parent": "home", "first": "x"},
    )
    attrs, texts = elements(answer.text)
    assert "already a menu 'phrases'" in texts["new-id-error"]
    assert attrs["new-title"]["value"] == "Again"
    assert snapshot(config_dir) == before


def test_a_menu_is_renamed_with_the_items_that_open_it(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    answer = client.post(
        "/menus/more_phrases/rename",
        data={"csrf": csrf(client), "title": "Other phrases", "id": "other_phrases"},
    )
    assert answer.status_code == 200
    document = ConfigDocument.read(config_dir)
    assert "more_phrases" not in document.menu_ids()
    assert document.menu_title("other_phrases") == "Other phrases"
    assert document.item("phrases", 8)["menu"] == "other_phrases"
    assert page_state.history.versions(1)[0].summary == (
        "Changed the menu More phrases: its id to 'other_phrases' and the 1 item that opens it "
        "and its title to 'Other phrases'"
    )


def test_home_keeps_its_id_and_cannot_be_deleted(client: TestClient, config_dir: Path) -> None:
    before = snapshot(config_dir)
    token = csrf(client)
    answer = client.post("/menus/home/rename", data={"csrf": token, "title": "Start", "id": "start"})
    assert answer.status_code == 400
    _, texts = elements(answer.text)
    assert "keeps its id" in texts["rename-problems-home"]
    assert "cannot be deleted" in client.get("/menus/home/delete").text
    answer = client.post("/menus/home/delete", data={"csrf": token})
    assert answer.status_code == 400
    assert snapshot(config_dir) == before


def test_a_menu_is_deleted_with_the_items_that_open_it(
    client: TestClient, config_dir: Path, page_state: PageState
) -> None:
    confirm = client.get("/menus/more_phrases/delete")
    assert "“More phrases” in Phrases" in confirm.text
    answer = client.post(
        "/menus/more_phrases/delete", data=form_fields(confirm.text, "/menus/more_phrases/delete")
    )
    assert answer.status_code == 200
    document = ConfigDocument.read(config_dir)
    assert "more_phrases" not in document.menu_ids()
    assert "More phrases" not in labels(config_dir, "phrases")
    assert page_state.history.versions(1)[0].summary == (
        "Deleted the menu More phrases and the item 'More phrases' in Phrases that opened it"
    )


def test_the_tree_starts_at_home_with_each_submenu_under_its_item(
    client: TestClient, config_dir: Path
) -> None:
    orphan = config_dir / "menus" / "orphan.yaml"
    orphan.write_text("menus:\n  - id: orphan\n    title: Orphan\n    items:\n      - label: Alone\n")
    html = unescape(client.get("/menus").text)
    assert html.index('id="menu-home"') < html.index('id="item-home-0"') < html.index('id="menu-phrases"')
    assert html.index('id="menu-phrases"') < html.index('id="item-home-1"')
    assert html.index('id="menu-more_phrases"') < html.index('id="item-home-1"')  # a submenu's submenu
    assert html.index("Not reachable from Home") < html.index('id="menu-orphan"')
    assert "opens More phrases" in html and "rest 5 minutes" in html and 'says "I am in pain."' in html
    assert "calls for help" in html


def test_the_item_form_explains_every_field(client: TestClient) -> None:
    html, fields = item_form(client, "rest", 0)
    names = set(fields)
    assert {
        "label",
        "say",
        "cue",
        "voice",
        "action",
        "menu",
        "mode",
        "minutes",
        "answer",
        "source",
        "sound",
        "id",
    } <= names
    attrs, texts = elements(html)
    for name in ("label", "say", "cue", "voice", "action", "minutes", "sound"):
        assert f"f-{name}-help" in attrs[f"f-{name}"]["aria-describedby"]
        assert texts[f"f-{name}-help"].strip()
    assert fields["action"] == "rest" and fields["minutes"] == "5"
    assert "<strong>Start a rest</strong>: Stops scanning" in html
    assert 'href="/menus/rest/items/0/record"' in html
    assert "Record in the user's own voice" in html


@pytest.mark.parametrize(
    ("running", "confirms", "expected"),
    [
        (True, False, "The companion will use it when it is free"),
        (False, False, "Saved. The companion uses it at its next start."),
    ],
)
def test_what_a_save_says_when_the_companion_does_not_confirm(
    client: TestClient,
    page_state: PageState,
    monkeypatch: pytest.MonkeyPatch,
    running: bool,
    confirms: bool,
    expected: str,
) -> None:
    class Silent(RecordingLink):
        def apply(self, reason: str) -> None:
            self.applied.append(reason)  # busy: no `config` line comes back

    monkeypatch.setattr(saving, "IN_USE_WAIT", 0.05)
    page_state.link = Silent() if running else None
    answer = client.post("/menus/phrases/items", data={"csrf": csrf(client), "label": "Tea"})
    assert expected in answer.text
    assert "In use now" not in answer.text


def test_a_reload_after_a_save_does_not_save_again(client: TestClient, page_state: PageState) -> None:
    answer = client.post("/menus/phrases/items", data={"csrf": csrf(client), "label": "Tea"})
    assert answer.history and answer.history[0].status_code == 303
    again = client.get(answer.url)
    assert again.status_code == 200 and "In use now" not in again.text  # the note is said once
    assert len(page_state.history.versions()) == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/menus/nowhere/items", {"label": "Tea"}),
        ("/menus/nowhere/items/0", {"label": "Tea", "was": "Tea", "action": "speak"}),
        ("/menus/phrases/items/99", {"label": "Tea", "was": "Tea", "action": "speak"}),
        ("/menus/phrases/items/99/move", {"step": "up", "was": "Tea"}),
        ("/menus/phrases/items/4/move", {"to_menu": "nowhere", "was": "Water"}),
        ("/menus/nowhere/items/0/delete", {"was": "Tea"}),
        ("/menus/nowhere/rename", {"title": "X", "id": "y"}),
        ("/menus/nowhere/delete", {}),
        ("/menus/add", {"title": "X", "parent": "nowhere", "first": "Y"}),
    ],
)
def test_a_change_to_something_that_is_not_there_is_refused_in_words(
    client: TestClient, config_dir: Path, url: str, data: dict[str, str]
) -> None:
    before = snapshot(config_dir)
    answer = client.post(url, data={**data, "csrf": csrf(client)})
    assert answer.status_code in (400, 404), answer.text
    assert "Internal Server Error" not in answer.text
    assert snapshot(config_dir) == before


def test_files_that_cannot_be_read_are_named_instead_of_edited(client: TestClient, config_dir: Path) -> None:
    token = csrf(client)
    (config_dir / "menus" / "home.yaml").write_text("menus: [\n")
    before = snapshot(config_dir)
    for url in ("/menus", "/menus/home/items/0", "/settings"):
        page = client.get(url)
        assert "cannot be read" in page.text and "menus/home.yaml, line" in page.text, url
    answer = client.post("/menus/phrases/items", data={"csrf": token, "label": "Tea"})
    assert answer.status_code == 400 and "menus/home.yaml, line" in answer.text
    assert snapshot(config_dir) == before


@pytest.mark.parametrize(
    "url",
    [
        "/menus/phrases/items",
        "/menus/phrases/items/4",
        "/menus/phrases/items/4/move",
        "/menus/phrases/items/4/delete",
        "/menus/add",
        "/menus/more_phrases/rename",
        "/menus/more_phrases/delete",
        "/say",
    ],
)
def test_posts_without_the_csrf_token_are_refused(client: TestClient, config_dir: Path, url: str) -> None:
    client.get("/menus")  # signed in
    before = snapshot(config_dir)
    data = {
        "label": "Tea",
        "step": "up",
        "was": "Water",
        "title": "X",
        "first": "Y",
        "text": "hi",
        "voice": "main",
    }
    assert client.post(url, data=data).status_code == 403
    assert client.post(url, data={**data, "csrf": "wrong"}).status_code == 403
    assert snapshot(config_dir) == before
