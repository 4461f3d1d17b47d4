"""The caregiver's page asked with plain HTTP, as a browser would (cookies kept, forms read back),
and a config folder that gives the real companion its page on a free port.

For the tests that lock the page (tests/e2e/test_caregiver_lock.py) and the page's benchmark
(bench/page_use.py).
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from accessible_companion.config.document import ConfigDocument

ROOT = Path(__file__).resolve().parents[1]

Answer = tuple[int, dict[str, str], str]
"""Status, headers (lower-case names), body as text."""
Form = Mapping[str, str | list[str]]
"""A form's fields (a name given twice has a list), as `rigs.page_forms.form_fields` reads them."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


def config_folder(tmp: Path, **page: object) -> Path:
    """A copy of the built-in config in `tmp/config`, with `caregiver_page` settings `page`
    (its port a free one unless given)."""
    folder = tmp / "config"
    shutil.copytree(ROOT / "config", folder)
    document = ConfigDocument.read(folder)
    for name, value in {"port": free_port(), **page}.items():
        document.set_setting(f"caregiver_page.{name}", value)
    document.save()
    return folder


class Visitor:
    """A browser without the browser: plain HTTP requests, cookies kept by hand.

    `keep_alive`: one connection for every request (as a browser keeps it), opened again when
    the server closed it; otherwise a new one each time. `compressed`: ask for gzip, as
    browsers do (the server then compresses large pages)."""

    def __init__(
        self, url: str, host_header: str | None = None, keep_alive: bool = False, compressed: bool = False
    ) -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        self.host, self.port = parts.hostname, parts.port
        self.host_header = host_header
        self.keep_alive = keep_alive
        self.compressed = compressed
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: Form | None = None) -> Answer:
        status, headers, body = self.request_bytes(method, path, form)
        return status, headers, body.decode("utf-8", errors="replace")

    def request_bytes(
        self, method: str, path: str, form: Form | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """As `request`, the body as bytes (uncompressed)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if self.host_header is not None:
            headers["Host"] = self.host_header
        if self.compressed:
            headers["Accept-Encoding"] = "gzip"
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self._connection is not None
        try:
            response, data = self._exchange(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            response, data = self._exchange(method, path, body, headers)  # the server had closed it
        finally:
            if not self.keep_alive:
                self.close()
        for cookie in response.headers.get_all("set-cookie") or []:
            self.set_cookies.append(cookie)
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        if answer_headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return response.status, answer_headers, data

    def _exchange(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        if response.will_close:
            self.close()
        return response, data

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def sign_in(self, secret: str) -> Answer:
        status, _, page = self.request("GET", "/login")
        assert status == 200
        return self.request("POST", "/login", {"csrf": csrf_of(page), "pin": secret, "next": "/"})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1)
