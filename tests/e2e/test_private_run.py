"""The real process under umask 022: every file it makes is private, and no webhook secret reaches
the trace, the screen or the journal when the webhook fails.

A real HTTPS server on loopback (a self-signed certificate the companion is told to trust through
SSL_CERT_FILE) fails each call with 500 and the request's path and query in its answer, as real
services do; the help hold comes from xdotool on Xvfb.
"""

from __future__ import annotations

import os
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from accessible_companion.journal import Journal
from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display

KEY, TOKEN = "K3y-secret-42", "T0kenABC"

SETTINGS = """
settings:
  scanning: {mode: step, long_press: 0.6}
  help:
    hold_seconds: 1.2
    cancel_seconds: 0.3
    webhook: {url}
    notify_timeout: 2
    notify_retries: 1
  fatigue: {enabled: false}
"""


@pytest.fixture
def echo_hook(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(webhook URL with a key in its path and query, the certificate to trust)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = f"no hook at {self.path}".encode()
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/hook/{KEY}?token={TOKEN}", cert
    server.shutdown()
    server.server_close()


def journal_command(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accessible_companion", "journal", *args]
    return subprocess.run(command, check=False, capture_output=True, text=True)


def wrong_modes(*roots: Path) -> dict[str, str]:
    wrong = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            want = 0o700 if path.is_dir() else 0o600
            if path.stat().st_mode & 0o777 != want:
                wrong[str(path)] = oct(path.stat().st_mode & 0o777)
    return wrong


def test_a_run_under_umask_022_is_private_and_keeps_webhook_secrets_out(
    xvfb_display: str, tmp_path: Path, echo_hook: tuple[str, Path]
) -> None:
    url, cert = echo_hook
    config = tmp_path / "settings.yaml"
    config.write_text(SETTINGS.replace("{url}", url), encoding="utf-8")
    # What an older companion left: a 0644 journal with its WAL in a 0755 folder, a 0644 log.
    data, state = tmp_path / "data" / "accessible-companion", tmp_path / "state" / "accessible-companion"
    before = os.umask(0o022)
    try:
        data.mkdir(parents=True)
        state.mkdir(parents=True)
        (state / "companion.log").write_text("old session\n")
        old = sqlite3.connect(data / "journal.sqlite3")
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("CREATE TABLE leftover (x)")
        old.close()
        app = Companion.start(
            tmp_path, "--config", str(config), "--input", "x11", "--no-speech", "--no-voice",
            env={"DISPLAY": xvfb_display, "SSL_CERT_FILE": str(cert)},
        )  # fmt: skip
        try:
            app.wait_for(event("ready"))
            press(xvfb_display, "space", hold=1.6)
            app.wait_for(event("alert", trigger="hold"), timeout=5)
            notified = app.wait_for(event("notified", kind="webhook"), timeout=10)
            time.sleep(0.3)  # the journal row and the notice
        finally:
            assert app.stop() == 0
        assert app.proc is not None and app.proc.stdout is not None
        screen = app.proc.stdout.read().decode(errors="replace")
        journal = data / "journal.sqlite3"
        export = journal_command("export", "--journal", str(journal), "--out", str(tmp_path / "out" / "csv"))
        page = tmp_path / "out" / "report" / "page.html"
        report = journal_command("report", "--journal", str(journal), "--out", str(page))
    finally:
        os.umask(before)
    assert export.returncode == 0, export.stderr
    assert report.returncode == 0, report.stderr
    # The failure is in the trace, on the screen and in the journal, without the key or the token.
    assert notified["ok"] is False and notified["detail"].startswith("HTTP 500")
    with Journal(journal) as stored:
        rows = [s.entry.detail for s in stored.notify_results()]
    assert rows and rows[0].startswith("HTTP 500")
    assert "help webhook: HTTP 500" in screen
    trace = app.trace.read_text(encoding="utf-8")
    for where, text in {"trace": trace, "screen": screen, "journal": " ".join(rows)}.items():
        assert KEY not in text and TOKEN not in text, (where, text)
    # Every file this left is 0600, every folder 0700: made so, or tightened at start.
    assert not wrong_modes(data, state, app.trace, tmp_path / "out")  # (no speech: no cache)
    assert {"journal.sqlite3"} <= {p.name for p in data.iterdir()}
