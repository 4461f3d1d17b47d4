"""The heartbeat: tells a dead-man's-switch service that the companion is running.

Without it nobody learns that the companion crashed, froze or lost power until they walk
in. With `help.heartbeat_url`, a service such as Healthchecks (hosted or self-hosted) or an
Uptime Kuma push monitor raises the alarm when the pings stop.

What is sent (Healthchecks' conventions):
- at start and every `heartbeat_minutes`: GET `<url>`, a plain success ping. Not
  `<url>/start`: Healthchecks takes that for "a job has started" and waits for it to
  finish, and Uptime Kuma has no such path. GET rather than POST: older Uptime Kuma
  accepts only GET on its push URL.
- on a clean stop: POST `<url>/fail` with the body `stopped: <reason>` ("signal SIGTERM",
  "quit chord", "no switch input", "internal error", "config error"), so Healthchecks
  raises the alarm at once and shows why, instead of after its grace time. An Uptime Kuma
  push URL (`/api/push/<token>`) gets its own form instead: GET with `status=down&msg=...`.
- a crash, a SIGKILL or a power cut sends nothing: the service notices the silence.

A ping never blocks anything: it runs on this module's thread, each attempt is bounded by
`timeout` in total (a helper thread, as in notifier.py: urllib's timeout does not bound
name lookup), and a failed one is tried once more after `RETRY_WAIT`. A failure is logged
and traced once, and traced again only when the pings work again. The URL's secret (its
path is the key) is never logged or traced: every detail passes `redact`.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import __version__
from ..errors import named, one_line, redact, url_secrets
from .notifier import NoRedirect

log = logging.getLogger(__name__)

TIMEOUT = 5.0
"""Seconds one ping may take, in total."""
RETRY_WAIT = 1.0
"""Seconds before the one retry of a failed ping."""
STOP_BUDGET = 3.0
"""Seconds the stop ping may take, retry included: a stopping companion is not held up longer."""
IN_FLIGHT_WAIT = 1.0
"""Seconds the stop ping waits for a beat still on its way (a stuck one is not waited out)."""
GRACE = 0.25
"""Seconds past a ping's timeout before its helper thread is abandoned."""
DETAIL_MAX = 200

Report = Callable[..., None]
"""Where news goes: `report("heartbeat", ping=..., ok=..., detail=...)` (TraceWriter.write)."""


# --- pure parts: the schedule, the news, the requests ------------------------------------------


@dataclass
class Schedule:
    """When the next ping is due: every `interval` seconds from the first, without a burst of
    pings to catch up after the machine slept or the process was stalled."""

    interval: float
    due: float
    """The loop clock's time of the next ping (the first: at start)."""

    def wait(self, now: float) -> float:
        """Seconds until the next ping (0: now)."""
        return max(self.due - now, 0.0)

    def sent(self, now: float) -> None:
        """A ping went out (or was tried) at `now`."""
        following = self.due + self.interval
        # Behind by a whole interval or more: the missed pings are not made up for.
        self.due = following if following > now else now + self.interval


class News:
    """Whether a ping's outcome is worth telling: the first one, and then each change, so a
    service that is down for a day is one line in the trace, not 288."""

    def __init__(self) -> None:
        self._ok: bool | None = None

    def tell(self, ok: bool) -> bool:
        news = ok != self._ok
        self._ok = ok
        return news


def is_uptime_kuma(url: str) -> bool:
    """An Uptime Kuma push URL: `https://host/api/push/<token>?status=up&msg=OK&ping=`."""
    return "/api/push/" in urlsplit(url).path


def fail_request(url: str, reason: str) -> tuple[str, bytes | None]:
    """The URL and body (None: GET) that say the companion stopped, and why."""
    parts = urlsplit(url.strip())
    message = f"stopped: {reason}"
    if is_uptime_kuma(url):
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("status", "msg")
        ]
        query += [("status", "down"), ("msg", message)]
        return urlunsplit(parts._replace(query=urlencode(query))), None
    path = parts.path.rstrip("/") + "/fail"
    return urlunsplit(parts._replace(path=path)), message.encode()


# --- the thread ---------------------------------------------------------------------------------


class Heartbeat:
    """Pings `url` at `start()`, every `minutes`, and once more with the reason at `stop()`."""

    def __init__(
        self,
        url: str,
        minutes: float,
        report: Report | None = None,
        timeout: float = TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url.strip()
        self._secrets = url_secrets(self._url) if self._url else ()
        self._interval = max(float(minutes) * 60.0, 0.1)
        self._report = report
        self._timeout = max(float(timeout), 0.01)
        self._clock = clock
        self._stopping = threading.Event()
        self._news = News()
        self._thread: threading.Thread | None = None
        self._last: threading.Thread | None = None
        """The stop ping's thread, for `wait()`."""
        self._watch_lock = threading.Lock()
        self._watchers: list[Callable[[dict[str, Any]], None]] = []
        self.seen: dict[str, Any] | None = None
        """The last ping's outcome, told or not: {"at": unix time, "ping", "ok", "detail"}."""

    def watch(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call `callback` with every ping's outcome (as `seen`), the last one at once if any.
        From the heartbeat's threads: it must not block (the caregiver's page queues it)."""
        with self._watch_lock:
            self._watchers.append(callback)
            seen = self.seen
        if seen is not None:
            callback(seen)

    @property
    def configured(self) -> bool:
        return bool(self._url)

    def start(self) -> None:
        """The first ping now, then one every interval, on a thread of its own; returns at once."""
        if not self.configured or self._thread is not None or self._stopping.is_set():
            return
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self, reason: str) -> None:
        """No more pings; send the stop ping with `reason` on a thread; returns at once (see `wait`)."""
        if not self.configured or self._stopping.is_set():
            return
        self._stopping.set()
        self._last = threading.Thread(
            target=self._last_ping, args=(reason,), name="heartbeat-stop", daemon=True
        )
        self._last.start()

    def wait(self) -> None:
        """Wait for the stop ping (at most about STOP_BUDGET seconds more)."""
        if self._last is not None:
            self._last.join(IN_FLIGHT_WAIT + STOP_BUDGET + 2 * GRACE)

    def _beat(self) -> None:
        schedule = Schedule(self._interval, self._clock())
        ping = "start"
        while not self._stopping.wait(schedule.wait(self._clock())):
            try:
                ok, detail = self._ping(self._url, None, self._timeout)
                if not ok and not self._stopping.wait(RETRY_WAIT):
                    ok, detail = self._ping(self._url, None, self._timeout)
            except Exception as error:  # a bug here must not end the pings for good
                log.exception("heartbeat failed")
                ok, detail = False, self._clean(f"internal error: {named(error)}")
            if self._stopping.is_set():
                return  # the stop ping's outcome is the last word, on the page and in the trace
            schedule.sent(self._clock())
            self._saw(ping, ok, detail)
            if self._news.tell(ok):
                self._tell(ping, ok, detail)
            ping = "beat"

    def _last_ping(self, reason: str) -> None:
        # A beat still in flight goes first: arriving after the stop ping, it would say "up" again.
        if self._thread is not None:
            self._thread.join(IN_FLIGHT_WAIT)
        url, body = fail_request(self._url, reason)
        end = time.monotonic() + STOP_BUDGET
        ok, detail = self._ping(url, body, min(self._timeout, STOP_BUDGET))
        left = end - time.monotonic() - RETRY_WAIT / 2
        if not ok and left > 0.1:  # refused or an error answer: quick, worth one more try
            time.sleep(RETRY_WAIT / 2)
            ok, detail = self._ping(url, body, min(self._timeout, left))
        self._saw("stop", ok, detail)
        self._tell("stop", ok, detail, reason=reason)

    def _saw(self, ping: str, ok: bool, detail: str) -> None:
        """Every ping, for the caregiver's page: the trace hears only changes (News)."""
        seen = {"at": time.time(), "ping": ping, "ok": ok, "detail": detail}
        with self._watch_lock:
            self.seen = seen
            watchers = list(self._watchers)
        for callback in watchers:
            try:
                callback(seen)
            except Exception:  # the page's problem; the pings go on
                log.exception("telling the heartbeat to the page failed")

    def _tell(self, ping: str, ok: bool, detail: str, **more: Any) -> None:
        if ok:
            log.info("heartbeat %s: %s", ping, detail)
        else:
            log.warning("heartbeat %s failed: %s", ping, detail)
        if self._report is not None:
            try:
                self._report("heartbeat", ping=ping, ok=ok, detail=detail, **more)
            except Exception:  # the trace's problem; the pings go on
                log.exception("reporting the heartbeat failed")

    def _clean(self, text: str) -> str:
        return redact(one_line(text), self._secrets)[:DETAIL_MAX]

    def _ping(self, url: str, body: bytes | None, timeout: float) -> tuple[bool, str]:
        """One request, bounded by `timeout` in total; (answered 2xx, redacted detail)."""
        result: list[tuple[bool, str]] = []
        done = threading.Event()

        def run() -> None:
            try:
                result.append(_request(url, body, timeout))
            except Exception as error:  # anything urllib or the socket layer can raise
                result.append((False, named(error)))
            done.set()

        threading.Thread(target=run, name="heartbeat-http", daemon=True).start()
        if not done.wait(timeout + GRACE):
            return False, f"timed out after {timeout:g} s"
        return result[0][0], self._clean(result[0][1])


def _request(url: str, body: bytes | None, timeout: float) -> tuple[bool, str]:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False, "heartbeat URL must start with http:// or https:// and name a host"
    headers = {"User-Agent": f"accessible-companion/{__version__}"}
    if body is not None:
        headers["Content-Type"] = "text/plain; charset=utf-8"
    request = urllib.request.Request(
        url, data=body, method="GET" if body is None else "POST", headers=headers
    )
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            response.read(DETAIL_MAX)
    except urllib.error.HTTPError as error:
        error.close()
        return False, f"HTTP {error.code} {error.reason}".strip()
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return False, f"timed out after {timeout:g} s"
        if isinstance(reason, OSError) and reason.strerror:
            return False, f"cannot reach {host}: {reason.strerror}"
        return False, f"cannot reach {host}: {reason}"
    except TimeoutError:
        return False, f"timed out after {timeout:g} s"
    except (OSError, http.client.HTTPException, ValueError) as error:
        return False, f"{host}: {named(error)}"
    return 200 <= status < 300, f"HTTP {status}"
