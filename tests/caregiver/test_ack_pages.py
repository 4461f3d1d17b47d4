"""The "I'm coming" link on the page, as a phone on the home network opens it (no session):
a GET shows the alert and one button and acknowledges nothing (chat apps fetch links for
previews); the POST acknowledges once; a second POST, another contact's link of the same
alert, an expired or unknown link are refused and change nothing."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver.auth import Locks
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from tests.caregiver.conftest import RecordingLink


@pytest.fixture
def phone(tmp_path: Path, page_state: PageState) -> Iterator[TestClient]:
    """A phone on the home network, never signed in, with the page listening there."""
    page_state.locks = Locks(tmp_path / "pin", listen="0.0.0.0")
    app = build_app(page_state)
    with TestClient(
        app, base_url="http://192.168.1.7:8765", client=("192.168.1.20", 50000), follow_redirects=False
    ) as client:
        yield client


def test_opening_the_link_shows_one_button_and_acknowledges_nothing(
    phone: TestClient, link: RecordingLink
) -> None:
    token = link.links.make(4, "Anna")
    for _ in range(3):  # a chat app's preview, then the caregiver, then again
        page = phone.get(f"/ack/{token}")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert "Call for help 4 is on" in text and "This link is Anna's." in text
        assert text.count("<button") == 1 and "I'm coming</button>" in text
        assert f'action="/ack/{token}"' in page.text
    assert link.acknowledged == []
    assert link.links.look(token).state == "open"
    # Everything else on the page still needs signing in.
    assert phone.get("/settings").status_code == 303


def test_the_button_acknowledges_once_and_a_second_press_is_refused(
    phone: TestClient, link: RecordingLink
) -> None:
    anna, ben = link.links.make(4, "Anna"), link.links.make(4, "Ben")
    done = phone.post(f"/ack/{anna}")
    assert done.status_code == 200 and "the room has been told you are coming" in done.text
    assert link.acknowledged == [(4, "Anna")]
    again = phone.post(f"/ack/{anna}")
    assert again.status_code == 409
    at = link.links.look(anna).at
    assert f"Already acknowledged by Anna at {at}." in again.text
    assert "<button" not in again.text
    other = phone.post(f"/ack/{ben}")
    assert other.status_code == 409 and "Already acknowledged by Anna" in other.text
    assert "Already acknowledged by Anna" in phone.get(f"/ack/{ben}").text
    assert link.acknowledged == [(4, "Anna")]


def test_an_expired_or_unknown_link_changes_nothing(phone: TestClient, link: RecordingLink) -> None:
    over = link.links.make(5, "Anna")
    link.links.end(5)  # the caregiver's key stopped it
    for response in (phone.get(f"/ack/{over}"), phone.post(f"/ack/{over}")):
        assert response.status_code == 410 and "This link has expired" in response.text
    made = link.links.make(6, "Anna")
    forged = made[:-2] + ("yy" if made.endswith("zz") else "zz")
    for response in (phone.get(f"/ack/{forged}"), phone.post(f"/ack/{forged}")):
        assert response.status_code == 404 and "This link has expired" in response.text
    assert link.acknowledged == []


def test_the_page_speaks_the_configs_language(
    phone: TestClient, link: RecordingLink, page_state: PageState
) -> None:
    """A Korean config's words (examples/ko): a contact in a Korean family reads Korean."""
    shutil.rmtree(page_state.config)
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "ko", page_state.config)
    token = link.links.make(2, "지민")
    page = html.unescape(phone.get(f"/ack/{token}").text)
    assert '<html lang="ko">' in page
    assert "도움 요청 2번이 울리고 있어요." in page and "지민 님의 링크예요." in page
    assert "지금 갈게요</button>" in page and "I'm coming" not in page
    done = html.unescape(phone.post(f"/ack/{token}").text)
    assert "알람이 멈췄고, 가고 있다고 방에 알렸어요." in done
    again = phone.post(f"/ack/{token}")
    at = link.links.look(token).at
    assert again.status_code == 409 and f"지민 님이 {at}에 이미 응답했어요." in again.text
