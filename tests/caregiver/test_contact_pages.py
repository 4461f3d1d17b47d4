"""The Contacts page: contacts by name (never their URL), the last delivery from the journal,
"Send a test" through the real notifier to a real HTTP server on loopback (Apprise json://),
and the companion's last heartbeat."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from accessible_companion.caregiver.contact_pages import TEST_MESSAGE
from accessible_companion.caregiver.state import PageState
from accessible_companion.core.records import NotifyResult
from accessible_companion.journal.store import Journal

from .conftest import RecordingLink, csrf_of

SECRET = "s3cret-topic-value"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests (under Apprise) honours *_proxy variables; loopback must be reached directly."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[tuple[int, list[tuple[str, dict[str, Any]]]]]:
    """A real HTTP server on loopback: /broken answers 500, anything else 200."""
    posts: list[tuple[str, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            posts.append((self.path, json.loads(body)))
            self.send_response(500 if self.path.startswith("/broken") else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], posts
    httpd.shutdown()
    httpd.server_close()


def set_help(config_dir: Path, help_yaml: str) -> None:
    """Replace the built-in config's `help:` block's contacts (and add a heartbeat) in the file."""
    path = config_dir / "settings.yaml"
    text = path.read_text()
    assert "    contacts: []\n" in text
    path.write_text(text.replace("    contacts: []\n", help_yaml))


def contacts_yaml(port: int) -> str:
    return (
        "    heartbeat_url: https://hc-ping.example/" + SECRET + "\n"
        "    contacts:\n"
        f'      - {{name: Anna, url: "json://127.0.0.1:{port}/anna/{SECRET}", after_seconds: 0}}\n'
        f'      - {{name: Ben, url: "json://127.0.0.1:{port}/broken?token={SECRET}", after_seconds: 90}}\n'
        f"      - {{name: Carol, command: [/bin/echo, {SECRET}], after_seconds: 180}}\n"
    )


def test_contacts_are_shown_by_name_and_time_never_by_url(
    client: TestClient, config_dir: Path, page_state: PageState, tmp_path: Path
) -> None:
    set_help(config_dir, contacts_yaml(9))
    page_state.journal_path = tmp_path / "journal.sqlite3"
    with Journal(page_state.journal_path) as journal:
        journal.record(NotifyResult("apprise", False, "HTTP 503", "Anna"), time.time() - 100)
        journal.record(NotifyResult("apprise", True, "delivered", "Anna"), time.time() - 50)
        journal.record(NotifyResult("apprise", False, "HTTP 500", "Ben"), time.time() - 40)
    html = client.get("/contacts").text
    assert SECRET not in html and "json://" not in html and "/bin/echo" not in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows[1:]]
    assert text[0].startswith("Anna notification service at once") and "delivered (delivered)" in text[0]
    assert text[1].startswith("Ben notification service 90 s") and "failed (HTTP 500)" in text[1]
    assert text[2].startswith("Carol command 180 s never called")
    assert 'href="/contacts"' in client.get("/").text  # in the nav


def test_send_a_test_reaches_that_contact_only_and_shows_the_result(
    client: TestClient, config_dir: Path, server: tuple[int, list[tuple[str, dict[str, Any]]]]
) -> None:
    port, posts = server
    set_help(config_dir, contacts_yaml(port))
    page = client.get("/contacts").text
    form = {"csrf": csrf_of(page), "contact": "0", "name": "Anna"}
    answer = client.post("/contacts/test", data=form)
    assert [path for path, _ in posts] == [f"/anna/{SECRET}"]
    assert posts[0][1]["message"] == TEST_MESSAGE
    assert "Test sent to Anna: delivered." in answer.text and "flash-good" in answer.text

    answer = client.post("/contacts/test", data={**form, "contact": "1", "name": "Ben"})
    assert len(posts) == 2 and posts[1][0].startswith("/broken")  # once: a test is not retried
    assert "The test did not reach Ben" in answer.text and "flash-bad" in answer.text
    assert SECRET not in answer.text


def test_a_test_needs_the_csrf_token_and_the_contact_as_shown(
    client: TestClient, config_dir: Path, server: tuple[int, list[tuple[str, dict[str, Any]]]]
) -> None:
    port, posts = server
    set_help(config_dir, contacts_yaml(port))
    assert client.post("/contacts/test", data={"contact": "0", "name": "Anna"}).status_code == 403
    csrf = csrf_of(client.get("/contacts").text)
    answer = client.post("/contacts/test", data={"csrf": csrf, "contact": "0", "name": "Ben"})
    assert "The contacts changed since this page was shown" in answer.text
    assert posts == []


def test_the_last_heartbeat_is_shown(client: TestClient, config_dir: Path, link: RecordingLink) -> None:
    assert "No heartbeat is set" in client.get("/contacts").text
    set_help(config_dir, contacts_yaml(9))
    assert "has sent no ping yet" in client.get("/contacts").text
    link.heartbeat = {"at": time.time(), "ping": "beat", "ok": False, "detail": "HTTP 404 Not Found"}
    html = client.get("/contacts").text
    last = re.sub(r"<[^>]+>|\s+", " ", html.split('id="last-ping"')[1].split("</p>")[0])
    assert "failed" in last and "HTTP 404 Not Found" in last
    assert SECRET not in html
