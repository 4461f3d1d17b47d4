"""The real companion with its caregiver page, asked with plain HTTP: by default the page is
reachable on this computer only (and only under its own name); on the home network the PIN
or the pairing code shown on the display locks it, wrong PINs are slowed, the session cookie
is HttpOnly and SameSite=Strict, and a POST without its CSRF token changes nothing."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from accessible_companion.caregiver.server import home_network_address
from rigs.page_visitor import Visitor, config_folder, csrf_of
from tests.support.process import Companion, event

pytestmark = pytest.mark.real

PIN = "8642"


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def env_of(tmp_path: Path) -> dict[str, str]:
    """The folders `Companion.start` gives the companion, for the `caregiver pin` command."""
    return {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except ConnectionRefusedError:
        return True
    return False


def test_by_default_the_page_answers_on_this_computer_only(tmp_path: Path) -> None:
    app = Companion.start(tmp_path, "--config", str(config_folder(tmp_path)), "--no-speech", page=True)
    try:
        line = app.wait_for(event("caregiver_page", listen="127.0.0.1"))
        url = str(line["url"])
        port = urlsplit(url).port
        assert port is not None and url == f"http://127.0.0.1:{port}/"
        status, _, text = Visitor(url).request("GET", "/")
        assert status == 200 and "Caregiver page" in text  # this computer, no PIN set
        assert refused("127.0.0.2", port)
        elsewhere = home_network_address()
        if elsewhere:
            assert refused(elsewhere, port)
        status, _, _ = Visitor(url, host_header=f"rebound.example:{port}").request("GET", "/")
        assert status == 400  # a page elsewhere under a name of its own: not answered
    finally:
        assert app.stop() == 0


def test_on_the_home_network_the_pin_or_the_shown_code_is_needed(tmp_path: Path) -> None:
    pin = subprocess.run(
        [sys.executable, "-m", "accessible_companion", "caregiver", "pin", "--pin-stdin"],
        input=f"{PIN}\n",
        env=env_of(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert pin.returncode == 0, pin.stderr
    config = config_folder(tmp_path, listen="0.0.0.0")
    before = folder_digest(config)
    app = Companion.start(tmp_path, "--config", str(config), "--no-speech", page=True)
    screen = Screen(app)
    codes: list[str] = []
    try:
        line = app.wait_for(event("caregiver_page", listen="0.0.0.0"))
        url = str(line["url"])
        visitor = Visitor(url)

        status, headers, _ = visitor.request("GET", "/")
        assert status == 303 and headers["location"] == "/login?next=%2F"
        assert "set-cookie" not in headers

        for _ in range(3):
            status, _, text = visitor.sign_in("1111")
            assert status == 401 and "not the PIN" in text
        status, headers, text = visitor.sign_in(PIN)  # right, but too soon: not even checked
        assert status == 429 and "Wait 1 second" in text and headers["retry-after"] == "1"
        assert "companion_session" not in visitor.cookies
        time.sleep(1.1)
        status, headers, _ = visitor.sign_in(PIN)
        assert status == 303
        [cookie] = [c for c in visitor.set_cookies if c.startswith("companion_session=")]
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
        assert visitor.request("GET", "/")[0] == 200

        status, _, _ = visitor.request("POST", "/logout", {})
        assert status == 403
        status, _, _ = visitor.request("POST", "/logout", {"csrf": "forged"})
        assert status == 403
        assert visitor.request("GET", "/")[0] == 200  # still signed in
        assert folder_digest(config) == before

        # The pairing code on the display (plain lines here) signs a second visitor in, once.
        codes.append(screen.new_code())
        other = Visitor(url)
        assert other.sign_in(codes[0])[0] == 303
        assert other.request("GET", "/")[0] == 200
        assert Visitor(url).sign_in(codes[0])[0] == 401  # used: a new one is shown
        codes.append(screen.new_code(old=codes[0]))

        page = visitor.request("GET", "/logout")[2]
        assert visitor.request("POST", "/logout", {"csrf": csrf_of(page)})[0] == 303
        assert visitor.request("GET", "/")[0] == 303
    finally:
        assert app.stop() == 0
    # Neither the PIN nor a pairing code is ever traced.
    texts = [text for line in app.lines() for text in strings_in(line)]
    assert not [text for text in texts if PIN in text or any(code in text for code in codes)]


class Screen:
    """What the terminal display printed (plain lines: its stdout is a pipe), read as it comes."""

    SHOWN = re.compile(r"Page http://\S+ · code (\d{6})")

    def __init__(self, app: Companion) -> None:
        assert app.proc is not None and app.proc.stdout is not None
        self._out = app.proc.stdout
        os.set_blocking(self._out.fileno(), False)
        self._text = b""

    def codes(self) -> list[str]:
        self._text += self._out.read() or b""
        return self.SHOWN.findall(self._text.decode("utf-8", errors="replace"))

    def new_code(self, old: str = "", wait: float = 5.0) -> str:
        """The newest pairing code shown, once it is not `old`."""
        end = time.monotonic() + wait
        while not (self.codes() and self.codes()[-1] != old):
            assert time.monotonic() < end, self._text[-2000:]
            time.sleep(0.05)
        return self.codes()[-1]


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []
