"""Call-for-help notifications: the caregiver's own command and/or a webhook, and the
contacts of `help.contacts` (a command, or a notification service through Apprise).

The core decides when to notify whom (after the cancel window, each contact at its
`after_seconds`); the loop calls `notify()`, which only queues and returns at once. A
dispatcher thread hands every (alert, channel) to a worker thread of its own, so a dead
webhook never delays the command, a slow alert never delays a newer one, and nothing here
can ever stall the switch.

A contact's `url` is one Apprise URL (ntfy://, tgram://, mailto://, json://, ...): Apprise
sends it (`Apprise().add(url)`, `notify()`), on a helper thread bounded by `timeout` as the
webhook is. Its log lines for that one call become the detail, redacted with every
configured URL's secrets; a contact is named by its `name` only.

Each channel of each alert gets up to `retries` attempts, `retry_wait`, 2×, 4×, ... apart,
and exactly one `NotifyDone` when it is delivered or finally given up (also on `stop()`).
Every failed attempt is logged (this module's logger).

The command is a fixed argv (no shell) and the message reaches it only through the
environment: COMPANION_MESSAGE, COMPANION_TRIGGER (hold|gesture|voice|menu),
COMPANION_ALERT (the alert id) and COMPANION_TIME (ISO 8601 local time with offset).
Nothing user-dependent is ever put on the command line, so no message text can be taken
for an option or need quoting, and the caregiver's configured line is exactly what runs.
Exit status 0 means delivered. It runs in a new session (its own process group), so a
timeout or `stop()` kills it and everything it started (`os.killpg`).

The webhook gets a POST of the JSON `{"message", "trigger", "alert", "time"}`; any 2xx
answer means delivered. Redirects are not followed (urllib would turn a redirected POST
into a GET without the body and call that a success). The URL is never logged or put in
a detail: webhook URLs often carry a secret token. Every detail passes `redact` with the
URL's parts as known secrets before it is logged or posted, because urllib's and the server's
own texts can echo them (a `user:pw@` in the URL ends as "nonnumeric port: 'pw@host'").
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Literal
from urllib.parse import urlsplit

from .. import __version__, private
from ..backoff import Backoff
from ..core.events import NotifyDone
from ..core.settings import Contact, HelpCall
from ..errors import named, one_line, redact, url_secrets
from ..ports import Post
from .ack_links import AckLinks

log = logging.getLogger(__name__)

Kind = Literal["command", "webhook", "apprise"]

DETAIL_MAX = 300
"""Characters of a command's output or an HTTP error body kept in a detail."""

STOP_WAIT = 1.5
"""Seconds `stop()` waits for the threads; they are daemons, so a stuck one never keeps the app alive."""

KILL_WAIT = 1.0
"""Seconds to collect a killed command's output. A grandchild that left the process group
can keep the pipe open for ever; after this it is abandoned."""

WEBHOOK_GRACE = 0.25
"""Seconds past `timeout` before a webhook attempt is abandoned. urllib's timeout bounds each
socket operation but not name lookup or a server trickling bytes; this bounds the whole."""


@dataclass(frozen=True)
class _Alert:
    """One call for help, as handed to `notify()`."""

    alert: int
    message: str
    trigger: str
    time: str
    """When `notify()` was called: ISO 8601 local time with offset."""
    contact: int | None = None
    """The one channel to call (its index), or None: every channel."""
    level: str = "now"


@dataclass(frozen=True)
class _Channel:
    kind: Kind
    name: str
    target: str = ""
    """The webhook's or the contact's URL."""
    command: tuple[str, ...] = ()


class Notifier:
    """Sends each call for help to the caregiver's command and/or webhook, never blocking the caller."""

    def __init__(
        self,
        command: Sequence[str] = (),
        webhook: str = "",
        timeout: float = 10.0,
        retries: int = 3,
        retry_wait: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        contacts: Sequence[Contact] = (),
        links: AckLinks | None = None,
    ) -> None:
        """`command` is an argv (a lone string is one program path, never split); `timeout` bounds
        each attempt (seconds); `retries` is the number of attempts per channel in total;
        `clock` stamps the posted events (the loop's clock). The channels are numbered as
        `core.settings.help_channels` numbers them: command, webhook, then `contacts`."""
        self._all: tuple[_Channel, ...] = ()
        self._webhook = ""
        self._secrets: tuple[str, ...] = ()
        self._set_channels(command, webhook, contacts)
        self.links = links if links is not None else AckLinks()
        """The "I'm coming" links put in contacts' notifications (shared with the caregiver page)."""
        self._timeout = max(float(timeout), 0.01)
        self._retries = max(int(retries), 1)
        self._retry_wait = max(float(retry_wait), 0.0)
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: deque[_Alert] = deque()
        self._post: Post | None = None
        self._dispatcher: threading.Thread | None = None
        self._workers: set[threading.Thread] = set()
        self._procs: set[subprocess.Popen[bytes]] = set()
        """Commands running now, so `stop()` can kill them."""
        self._stopping = threading.Event()
        """Set by `stop()`; retry waits wait on it, so they end at once."""
        self.ready = threading.Event()
        """Set when the dispatcher has loaded what sending needs (Apprise)."""

    def _set_channels(self, command: Sequence[str], webhook: str, contacts: Sequence[Contact]) -> None:
        argv = (command,) if isinstance(command, str) else tuple(command)
        argv = argv if argv and argv[0] else ()
        channels: list[_Channel] = []
        if argv:
            channels.append(_Channel("command", "command", command=argv))
        if webhook.strip():
            channels.append(_Channel("webhook", "webhook", webhook.strip()))
        for contact in contacts:
            if contact.command:
                channels.append(_Channel("command", contact.name, command=tuple(contact.command)))
            else:
                channels.append(_Channel("apprise", contact.name, contact.url.strip()))
        self._all = tuple(channels)
        self._webhook = webhook.strip()
        # Every URL's secrets, for every detail: Apprise's log lines of one call might name another's.
        self._secrets = tuple(s for c in channels if c.target for s in url_secrets(c.target))

    def configure(self, help_call: HelpCall) -> None:
        """Use the channels of a new config (a reload): the core numbers its contacts from the
        config it runs, so the notifier must number them the same. Never raises."""
        try:
            with self._lock:
                self._set_channels(help_call.notify_command, help_call.webhook, help_call.contacts)
                post = self._post
            if post is not None:
                self.start(post)  # the first channel may have come only now
        except Exception:  # the caller is the event loop
            log.exception("new help channels not taken")

    @property
    def configured(self) -> bool:
        """True when there is a command, a webhook or a contact to notify."""
        return bool(self._all)

    def _channels(self, item: _Alert) -> list[_Channel]:
        """The channels `item` goes to: one contact, or all (a contact number out of range: none)."""
        if item.contact is None:
            return list(self._all)
        return [self._all[item.contact]] if 0 <= item.contact < len(self._all) else []

    # --- called from the loop ---

    def start(self, post: Post) -> None:
        """Start the dispatcher thread; alerts notified before this are sent now."""
        with self._lock:
            self._post = post
            if self._dispatcher is not None or self._stopping.is_set() or not self.configured:
                return
            self._dispatcher = threading.Thread(target=self._dispatch, name="notify", daemon=True)
        self._dispatcher.start()

    def notify(
        self,
        alert: int,
        message: str,
        trigger: str,
        contact: int | None = None,
        level: str = "now",
        ack_link: str = "",
        ack_key: str = "",
    ) -> None:
        """Queue a call for help on every configured channel, or on channel `contact` only;
        returns at once and never raises. A contact's message ends with `ack_link` (its
        single-use link as `{url}`) while the caregiver page is reachable, else with `ack_key`."""
        if not self.configured:
            return
        try:
            if contact is not None and 0 <= contact < len(self._all) and (ack_link or ack_key):
                name = self._all[contact].name
                line = self.links.line(alert, name, ack_link, ack_key)
                message = f"{message}\n{line}" if line else message
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            with self._lock:
                if self._stopping.is_set():
                    log.warning("call for help %s after stop: not sent", alert)
                    return
                self._pending.append(_Alert(alert, str(message), str(trigger), stamp, contact, str(level)))
                self._wake.notify()
        except Exception:  # the caller is the event loop: it must never see this
            log.exception("queueing call for help %s failed", alert)

    def ended(self, alert: int) -> None:
        """Call for help `alert` is over: its links expire."""
        self.links.end(alert)

    def stop(self) -> None:
        """Give up waiting retries, kill running commands and wait for the threads (at most ~1.5 s)."""
        with self._lock:
            self._stopping.set()
            dropped = list(self._pending)
            self._pending.clear()
            procs = list(self._procs)
            threads = [t for t in (self._dispatcher, *self._workers) if t is not None]
            self._wake.notify_all()
        for proc in procs:
            _kill_group(proc)
        # Alerts that never left the queue still get their one NotifyDone per channel.
        for item in dropped:
            for channel in self._channels(item):
                self._send(
                    NotifyDone(channel.kind, False, "stopped before sending", 0, item.alert, channel.name)
                )
                log.error("call for help %s: %s not sent: stopping", item.alert, channel.name)
        deadline = time.monotonic() + STOP_WAIT
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(deadline - time.monotonic(), 0.0))
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:  # daemons: they cannot keep the app alive
            log.warning("notify threads still running after stop: %s", ", ".join(stuck))

    # --- the threads ---

    def _dispatch(self) -> None:
        """Hand each queued alert to one worker thread per channel."""
        self._warm_up()
        while True:
            with self._wake:
                while not self._pending and not self._stopping.is_set():
                    self._wake.wait()
                if self._stopping.is_set():
                    return
                item = self._pending.popleft()
                for channel in self._channels(item):
                    worker = threading.Thread(
                        target=self._deliver,
                        args=(channel, item),
                        name=f"notify-{channel.kind}-{item.alert}",
                        daemon=True,
                    )
                    self._workers.add(worker)
                    # Started under the lock so stop() either sees it or it sees stop().
                    worker.start()

    def _warm_up(self) -> None:
        """Load Apprise now, at start, on this thread: its import (0.8 s) and its plugins,
        loaded at the first URL it parses (1.3 s more; measured on the dev machine), would
        otherwise delay the first contact of the first alert by 2 s."""
        try:
            urls = [c.target for c in self._all if c.kind == "apprise"]
            if urls:
                import apprise

                apprise.Apprise.instantiate(urls[0])
        except Exception:  # an Apprise that cannot load fails each contact's attempt instead
            log.exception("loading Apprise failed")
        finally:
            self.ready.set()

    def _deliver(self, channel: _Channel, item: _Alert) -> None:
        """Try one channel until delivered, out of attempts or stopped; post its NotifyDone."""
        kind = channel.name  # what the log says: the contact's name, never its URL

        def attempt(item: _Alert) -> tuple[bool, str]:
            if channel.kind == "command":
                return self._run_command(item, channel.command)
            if channel.kind == "webhook":
                return self._bounded(item, self._request)
            return self._bounded(item, lambda item: _apprise_send(channel.target, item))

        attempts, ok, detail = 0, False, "stopped before sending"
        backoff = Backoff(self._retry_wait)  # `retry_wait`, 2×, 4×, ... apart
        try:
            while attempts < self._retries and not self._stopping.is_set():
                attempts += 1
                ok, detail = attempt(item)
                detail = redact(detail, self._secrets)  # before the log, the trace, the screen, the journal
                if ok:
                    log.info("call for help %s: %s delivered (%s)", item.alert, kind, detail)
                    break
                log.warning(
                    "call for help %s: %s attempt %d of %d failed: %s",
                    item.alert,
                    kind,
                    attempts,
                    self._retries,
                    detail,
                )
                if self._stopping.is_set():  # cut short by stop(): the detail says so
                    break
                # Backoff gives a network or a mount that is coming back time to do so.
                wait = backoff.failed(0.0)  # from 0: the seconds to wait
                if attempts < self._retries and self._stopping.wait(wait):
                    detail = f"stopped after: {detail}"
                    break
        except Exception as error:  # a bug here must still end in a NotifyDone
            log.exception("call for help %s: %s failed", item.alert, kind)
            ok, detail = False, redact(one_line(f"internal error: {error!r}", DETAIL_MAX), self._secrets)
        finally:
            with self._lock:
                self._workers.discard(threading.current_thread())
        if not ok:
            log.error(
                "call for help %s: %s gave up after %d attempt(s): %s", item.alert, kind, attempts, detail
            )
        self._send(NotifyDone(channel.kind, ok, detail, attempts, item.alert, channel.name))

    def _send(self, event: NotifyDone) -> None:
        post = self._post
        if post is None:
            return
        try:
            post(event, self._clock())
        except Exception:  # the loop's problem; the other channels carry on
            log.exception("posting %r failed", event)

    # --- the command ---

    def _run_command(self, item: _Alert, command: tuple[str, ...]) -> tuple[bool, str]:
        """Run the command once; (delivered, detail)."""
        program = command[0]
        env = dict(os.environ)
        env.update(
            {
                # An environment value cannot hold NUL; drop it rather than fail the call.
                "COMPANION_MESSAGE": item.message.replace("\0", ""),
                "COMPANION_TRIGGER": item.trigger.replace("\0", ""),
                "COMPANION_ALERT": str(item.alert),
                "COMPANION_TIME": item.time,
            }
        )
        with self._lock:
            if self._stopping.is_set():
                return False, "stopped"
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group, so killpg reaches its children
                umask=private.user_umask(),  # what the caregiver's command makes follows their umask
            )
        except FileNotFoundError:
            return False, f"command not found: {program}"
        except PermissionError:
            return False, f"command not executable: {program}"
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            return False, one_line(f"cannot run {program}: {error}", DETAIL_MAX)
        with self._lock:
            self._procs.add(proc)
            stopped = self._stopping.is_set()
        try:
            if stopped:  # stop() came while it was starting and did not see it
                _kill_group(proc)
            try:
                output, _ = proc.communicate(timeout=self._timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                output = _collect(proc)
                return False, _with_output(f"timed out after {self._timeout:g} s", output)
        finally:
            with self._lock:
                self._procs.discard(proc)
        code = proc.returncode
        if code == 0:
            return True, "exit 0"
        if code < 0:
            if self._stopping.is_set() and code == -signal.SIGKILL:
                return False, "stopped"
            return False, _with_output(f"killed by {_signal_name(-code)}", output)
        return False, _with_output(f"exit {code}", output)

    # --- the webhook ---

    def _bounded(self, item: _Alert, send: Callable[[_Alert], tuple[bool, str]]) -> tuple[bool, str]:
        """Send once (a POST, an Apprise call), bounded by `timeout` in total; (delivered, detail)."""
        result: list[tuple[bool, str]] = []

        def run() -> None:
            try:
                answer = send(item)
            except Exception as error:  # anything urllib or the socket layer can raise
                answer = (False, named(error, DETAIL_MAX))
            with self._wake:
                result.append(answer)
                self._wake.notify_all()

        # A request cannot be cut short, so it runs on a helper this thread can stop waiting
        # for: at the deadline, or at once when stop() sets _stopping and wakes everyone.
        helper = threading.Thread(target=run, name=f"notify-http-{item.alert}", daemon=True)
        helper.start()
        with self._wake:
            self._wake.wait_for(lambda: result or self._stopping.is_set(), self._timeout + WEBHOOK_GRACE)
            if result:
                return result[0]
        if self._stopping.is_set():
            return False, "stopped while sending"
        # Stuck in name lookup or a trickling answer; the helper ends by itself later.
        return False, f"timed out after {self._timeout:g} s"

    def _request(self, item: _Alert) -> tuple[bool, str]:
        webhook = self._webhook
        url = urlsplit(webhook)
        host = url.hostname or "?"
        if url.scheme not in ("http", "https") or not url.hostname:
            return False, "webhook URL must start with http:// or https:// and name a host"
        body = json.dumps(
            {"message": item.message, "trigger": item.trigger, "alert": item.alert, "time": item.time}
        ).encode()
        request = urllib.request.Request(
            webhook,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": f"accessible-companion/{__version__}"},
        )
        opener = urllib.request.build_opener(NoRedirect())
        try:
            with opener.open(request, timeout=self._timeout) as response:
                status = int(response.status)
                response.read(DETAIL_MAX)  # let the server finish its answer
        except urllib.error.HTTPError as error:
            try:
                # Redacted before it is cut to length: a cut secret would no longer be recognised.
                text = redact(_read_some(error.fp).decode(errors="replace"), self._secrets)
            finally:
                error.close()
            return False, _with_output(f"HTTP {error.code} {error.reason}".strip(), text)
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                return False, f"timed out after {self._timeout:g} s"
            if isinstance(reason, OSError) and reason.strerror:
                return False, one_line(f"cannot reach {host}: {reason.strerror}", DETAIL_MAX)
            return False, one_line(f"cannot reach {host}: {reason}", DETAIL_MAX)
        except TimeoutError:  # the connection was made but the answer did not come in time
            return False, f"timed out after {self._timeout:g} s"
        except (OSError, http.client.HTTPException, ValueError) as error:
            return False, one_line(f"{host}: {named(error)}", DETAIL_MAX)
        if 200 <= status < 300:
            return True, f"HTTP {status}"
        return False, f"HTTP {status}"


def _apprise_send(url: str, item: _Alert) -> tuple[bool, str]:
    """Send through Apprise once (its own retries off: ours count); (delivered, detail). Its
    log lines for this call are the detail (the caller redacts them)."""
    import apprise  # only when a contact is called: it loads its plugins at import

    sender = apprise.Apprise()
    if not sender.add(url):
        return False, "not a URL Apprise can send to"
    kind = apprise.NotifyType.FAILURE if item.level == "now" else apprise.NotifyType.INFO
    result = sender.notify(body=item.message, title="", notify_type=kind, log_level=logging.WARNING)
    if result:
        return True, "delivered"
    said = "; ".join(str(entry.message) for entry in result.logs())
    return False, one_line(said or "not delivered", DETAIL_MAX)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turns a redirect into an HTTPError: a redirected POST would lose its body, and a URL's
    key must not be carried to another address (the webhook and the heartbeat)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the command and everything in its process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        with contextlib.suppress(OSError):
            proc.kill()  # the leader, should it have left its group


def _collect(proc: subprocess.Popen[bytes]) -> bytes:
    """The output of a killed command, without waiting for a pipe a stray grandchild holds open."""
    try:
        output, _ = proc.communicate(timeout=KILL_WAIT)
        return output or b""
    except subprocess.TimeoutExpired:
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()
        return b""


def _read_some(stream: IO[bytes] | None) -> bytes:
    if stream is None:
        return b""
    try:
        return stream.read(DETAIL_MAX)
    except Exception:  # the body is only a hint in the detail
        return b""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _with_output(head: str, output: bytes | str | None) -> str:
    """`head`, then the output if any, on one line."""
    text = output.decode(errors="replace") if isinstance(output, bytes) else (output or "")
    text = one_line(text, DETAIL_MAX)
    return one_line(f"{head}: {text}", DETAIL_MAX) if text else head
