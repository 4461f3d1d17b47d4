"""The page's lock: the PIN kept hashed, the one-time pairing code, wrong tries slowed down,
the Host check, CSRF, and the session cookie (through the real app and Starlette's test client)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from accessible_companion.caregiver import auth
from accessible_companion.caregiver.auth import (
    CODE_SECONDS,
    GLOBAL_FAILURES,
    IDLE_SECONDS,
    MAX_WAIT,
    Locks,
    PairingCode,
    Slowdown,
    clear_pin,
    pin_matches,
    pin_problem,
    set_pin,
)
from accessible_companion.caregiver.history import History
from accessible_companion.caregiver.site import build_app
from accessible_companion.caregiver.state import PageState
from tests.caregiver.conftest import RecordingLink, csrf_of

PIN = "2468"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pin_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "caregiver-pin"


@pytest.fixture
def site(
    tmp_path: Path, config_dir: Path, link: RecordingLink, pin_file: Path, clock: Clock
) -> Iterator[Callable[..., TestClient]]:
    """A client maker for a page listening on `listen`, seen from `address` with `host`."""
    history = History(tmp_path / "history.sqlite3", config_dir)
    made: list[TestClient] = []

    def make(
        listen: str = "127.0.0.1", address: str = "127.0.0.1", host: str = "127.0.0.1:8765"
    ) -> TestClient:
        locks = Locks(pin_file, listen=listen, clock=clock)
        app = build_app(PageState(config_dir, history, locks, link))
        client = TestClient(app, base_url=f"http://{host}", client=(address, 50000), follow_redirects=False)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
    history.close()


def sign_in(client: TestClient, secret: str) -> Response:
    page = client.get("/login")
    assert page.status_code == 200
    return client.post("/login", data={"csrf": csrf_of(page.text), "pin": secret, "next": "/"})


def locks_of(client: TestClient) -> Locks:
    locks: Locks = client.app.state.page.locks  # type: ignore[attr-defined]
    return locks


# --- the PIN ----------------------------------------------------------------------------------


def test_the_pin_is_kept_hashed_with_its_own_salt_in_a_private_file(pin_file: Path) -> None:
    set_pin(pin_file, PIN)
    text = pin_file.read_text(encoding="utf-8")
    assert PIN not in text
    assert stat.S_IMODE(os.stat(pin_file).st_mode) == 0o600
    first = json.loads(text)["scrypt"]
    assert pin_matches(pin_file, PIN)
    assert not pin_matches(pin_file, "2469")
    assert not pin_matches(pin_file, "")
    set_pin(pin_file, PIN)  # the same PIN again: a new salt, so a new hash
    second = json.loads(pin_file.read_text(encoding="utf-8"))["scrypt"]
    assert (first["salt"], first["hash"]) != (second["salt"], second["hash"])
    assert pin_matches(pin_file, PIN)


def test_a_short_pin_is_refused_and_a_cleared_pin_matches_nothing(pin_file: Path) -> None:
    assert pin_problem("123")
    assert pin_problem(" 1234")
    assert pin_problem("1234") == "" and pin_problem("abcd") == ""
    with pytest.raises(ValueError, match="at least 4"):
        set_pin(pin_file, "12")
    assert not pin_file.exists()
    set_pin(pin_file, PIN)
    assert clear_pin(pin_file)
    assert not clear_pin(pin_file)
    assert not pin_matches(pin_file, PIN)


def test_a_damaged_pin_file_lets_nobody_in(pin_file: Path) -> None:
    pin_file.parent.mkdir(parents=True)
    pin_file.write_text("not json", encoding="utf-8")
    assert not pin_matches(pin_file, PIN)


# --- the pairing code -------------------------------------------------------------------------


def test_the_pairing_code_is_good_once_and_then_replaced(clock: Clock) -> None:
    heard: list[str] = []
    pairing = PairingCode(clock, heard.append)
    code = pairing.current()
    assert re.fullmatch(r"\d{6}", code)
    assert not pairing.take("000000" if code != "000000" else "111111")
    assert pairing.current() == code  # a wrong try leaves it
    assert pairing.take(code)
    assert heard and heard[-1] == pairing.current() != code
    assert not pairing.take(code)  # used


def test_the_pairing_code_runs_out_after_ten_minutes(clock: Clock) -> None:
    heard: list[str] = []
    pairing = PairingCode(clock, heard.append)
    code = pairing.current()
    clock.now += CODE_SECONDS - 1
    assert pairing.refresh() == pytest.approx(1)
    assert heard == []
    clock.now += 1
    assert not pairing.take(code)
    assert len(heard) == 1 and heard[0] == pairing.current()
    assert pairing.refresh() == pytest.approx(CODE_SECONDS)


# --- wrong tries ------------------------------------------------------------------------------


def test_after_three_wrong_tries_each_next_try_waits_longer_up_to_a_minute(clock: Clock) -> None:
    slow = Slowdown(clock)
    waits = []
    for _ in range(12):
        assert slow.wait("10.0.0.5") == 0
        slow.failed("10.0.0.5")
        waits.append(slow.wait("10.0.0.5"))
        clock.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, MAX_WAIT, MAX_WAIT, MAX_WAIT, MAX_WAIT]
    assert slow.wait("10.0.0.6") == 0  # another address is not held up by this one
    slow.succeeded("10.0.0.5")
    assert slow.wait("10.0.0.5") == 0


def test_many_wrong_tries_from_many_addresses_make_everyone_wait(clock: Clock) -> None:
    slow = Slowdown(clock)
    for number in range(GLOBAL_FAILURES):
        slow.failed(f"10.0.1.{number}")
        clock.now += 1
    assert slow.wait("10.0.2.1") == 60 - GLOBAL_FAILURES
    clock.now += 60
    assert slow.wait("10.0.2.1") == 0


def test_a_try_within_its_wait_is_refused_unchecked_even_with_the_right_pin(
    pin_file: Path, clock: Clock
) -> None:
    set_pin(pin_file, PIN)
    locks = Locks(pin_file, listen="0.0.0.0", clock=clock)
    for _ in range(3):
        attempt = locks.sign_in("10.0.0.7", "9999")
        assert attempt.wrong and attempt.session is None
    assert attempt.wait == 1
    early = locks.sign_in("10.0.0.7", PIN)
    assert early.session is None and not early.wrong and early.wait == 1
    clock.now += 1
    late = locks.sign_in("10.0.0.7", PIN)
    assert late.session is not None and late.session.who == "PIN from 10.0.0.7"
    assert locks.sign_in("10.0.0.7", "9999").wait == 0  # the right PIN starts the count again


# --- who gets in ------------------------------------------------------------------------------


def test_this_computer_without_a_pin_gets_in_with_a_strict_http_only_cookie(
    site: Callable[..., TestClient],
) -> None:
    client = site()
    home = client.get("/")
    assert home.status_code == 200
    cookie = home.headers["set-cookie"]
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Path=/" in cookie
    assert "secure" not in cookie.lower()  # plain http on the home network: see set_session_cookie
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "host", ["localhost:8765", "[::1]:8765", "127.0.0.1", "LOCALHOST:8765", "127.0.0.2:8765"]
)
def test_loopback_names_are_this_computer(site: Callable[..., TestClient], host: str) -> None:
    assert site(host=host).get("/").status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1.nip.io:8765", "192.168.1.7:8765", ""])
def test_on_loopback_another_host_name_is_refused(site: Callable[..., TestClient], host: str) -> None:
    """DNS rebinding: a site's own name pointed at 127.0.0.1 must not reach the page."""
    client = site(host=host)
    for path in ("/", "/login", "/static/page.css"):
        assert client.get(path).status_code == 400
    assert client.post("/login", data={"pin": PIN}).status_code == 400


@pytest.mark.parametrize(
    ("header", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1:8765", True),
        ("127.9.9.9:8765", True),
        ("[::1]:8765", True),
        ("localhost:x", False),
        ("localhost:8765:1", False),
        ("[::1", False),
        ("[::1]x", False),
        ("::1", False),
        ("localhost.evil.example", False),
        ("0.0.0.0:8765", False),
        (None, False),
    ],
)
def test_which_host_headers_mean_this_computer(header: str | None, loopback: bool) -> None:
    assert auth.is_loopback_host(header) is loopback


def test_on_the_network_any_host_is_answered_but_the_lock_applies(site: Callable[..., TestClient]) -> None:
    client = site(listen="0.0.0.0", host="companion.home:8765")
    home = client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/login?next=%2F"
    assert client.get("/login").status_code == 200


def test_a_visitor_from_elsewhere_must_sign_in(site: Callable[..., TestClient]) -> None:
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    response = client.get("/menus")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmenus"
    assert "set-cookie" not in response.headers


def test_with_a_pin_set_this_computer_must_sign_in_too(
    site: Callable[..., TestClient], pin_file: Path
) -> None:
    client = site()
    assert client.get("/").status_code == 200  # signed in as "this computer"
    set_pin(pin_file, PIN)
    assert client.get("/").status_code == 303  # that session ends with the PIN
    assert sign_in(client, "0000").status_code == 401
    signed = sign_in(client, PIN)
    assert signed.status_code == 303
    assert client.get("/").status_code == 200


def test_signing_in_with_the_pin_names_the_address_and_sets_the_cookie(
    site: Callable[..., TestClient], pin_file: Path
) -> None:
    set_pin(pin_file, PIN)
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    page = client.get("/login?next=/history")
    assert 'name="pin"' in page.text and 'for="pin"' in page.text
    done = client.post("/login", data={"csrf": csrf_of(page.text), "pin": PIN, "next": "/history"})
    assert done.status_code == 303 and done.headers["location"] == "/history"
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith(auth.SESSION_COOKIE))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
    sessions = list(locks_of(client)._sessions.values())
    assert [s.who for s in sessions] == ["PIN from 192.168.1.7"]


def test_the_pairing_code_signs_in_once(site: Callable[..., TestClient]) -> None:
    client = site(listen="0.0.0.0", address="192.168.1.8", host="192.168.1.20:8765")
    code = locks_of(client).pairing_code()
    assert sign_in(client, code).status_code == 303
    assert [s.who for s in locks_of(client)._sessions.values()] == ["pairing code from 192.168.1.8"]
    assert locks_of(client).pairing_code() != code
    other = site(listen="0.0.0.0", address="192.168.1.9", host="192.168.1.20:8765")
    other.app.state.page.locks = locks_of(client)  # type: ignore[attr-defined]
    assert sign_in(other, code).status_code == 401


def test_on_loopback_there_is_no_pairing_code(site: Callable[..., TestClient], pin_file: Path) -> None:
    client = site()
    assert locks_of(client).pairing is None
    assert locks_of(client).pairing_code() == ""


def test_wrong_pins_are_refused_then_slowed(
    site: Callable[..., TestClient], pin_file: Path, clock: Clock
) -> None:
    set_pin(pin_file, PIN)
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    statuses = [sign_in(client, "1111").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    slowed = sign_in(client, PIN)
    assert slowed.status_code == 429
    assert "Wait 1 second" in slowed.text
    assert slowed.headers["retry-after"] == "1"
    assert client.get("/").status_code == 303
    clock.now += 1
    assert sign_in(client, PIN).status_code == 303
    assert client.get("/").status_code == 200


def test_the_sign_in_form_needs_its_own_token(site: Callable[..., TestClient], pin_file: Path) -> None:
    set_pin(pin_file, PIN)
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    client.get("/login")
    assert client.post("/login", data={"pin": PIN}).status_code == 403
    assert client.post("/login", data={"pin": PIN, "csrf": "forged"}).status_code == 403
    assert not locks_of(client)._sessions


def test_after_signing_in_only_a_page_on_this_site_is_next(
    site: Callable[..., TestClient], pin_file: Path
) -> None:
    set_pin(pin_file, PIN)
    client = site()
    for sent, landed in (("//evil.example/", "/"), ("https://evil.example/", "/"), ("/journal", "/journal")):
        page = client.get("/login")
        done = client.post("/login", data={"csrf": csrf_of(page.text), "pin": PIN, "next": sent})
        assert done.headers["location"] == landed


def test_a_session_unused_for_twelve_hours_is_over(
    site: Callable[..., TestClient], pin_file: Path, clock: Clock
) -> None:
    set_pin(pin_file, PIN)
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    sign_in(client, PIN)
    clock.now += IDLE_SECONDS - 1
    assert client.get("/").status_code == 200  # used: the twelve hours start again
    clock.now += IDLE_SECONDS - 1
    assert client.get("/").status_code == 200
    clock.now += IDLE_SECONDS + 1
    assert client.get("/").status_code == 303


# --- CSRF and signing out ---------------------------------------------------------------------


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    site: Callable[..., TestClient],
) -> None:
    client = site()
    page = client.get("/logout")
    assert page.status_code == 200
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf": "not-the-token"}).status_code == 403
    assert client.post("/logout", headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert len(locks_of(client)._sessions) == 1
    assert client.get("/").status_code == 200  # still signed in


def test_signing_out_ends_the_session(site: Callable[..., TestClient], pin_file: Path) -> None:
    set_pin(pin_file, PIN)
    client = site(listen="0.0.0.0", address="192.168.1.7", host="192.168.1.20:8765")
    sign_in(client, PIN)
    page = client.get("/logout")
    done = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert not locks_of(client)._sessions
    assert client.get("/").status_code == 303
