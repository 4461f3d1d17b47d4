"""The caregiver's page beside the running companion: its process started, heard and stopped.

The page runs in a process of its own (page_process.py says why). This side imports no web
library and never waits for the page: starting returns at once, and one thread hears the
page's messages (its address, a preview to say, a reload to make, a journal entry) and hands
them to the loop, the config watcher or the journal, as the page's own code once did.
Each heartbeat ping's outcome goes to the page as it comes (the Contacts page shows the
last; the trace has only the changes). Trace lines go the other way only while the page
listens (a save waiting to be in use, an open switch test), through a bounded queue and a
thread of their own: the loop never waits on the page's socket.
"""

from __future__ import annotations

import collections
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from ..child import start_child
from ..core.events import Acknowledge, PageAddress, SayPreview
from ..core.records import ConfigEdit
from ..errors import named
from ..notify.ack_links import AckLinks, Answer
from ..notify.heartbeat import Heartbeat
from ..ports import JournalSink, Post
from ..trace import TraceWriter
from .channel import Channel, Message
from .link import TraceLine

log = logging.getLogger(__name__)

QUEUED_LINES = 500
"""Trace lines waiting for the page at most (the oldest go first: it is live, not a record)."""
STOP_WAIT = 3.0
MAX_VOICE_PAUSE = 120.0
"""The longest the page may pause voice commands for in one ask (it asks again while recording)."""


class PageProcess:
    def __init__(
        self,
        config: Path,
        listen: str,
        port: int,
        post: Post,
        reload: Callable[[str], None] | None,
        trace: TraceWriter,
        journal: JournalSink | None,
        journal_path: Path | None,
        pause_voice: Callable[[float], None] | None = None,
        links: AckLinks | None = None,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self._config = config
        self._links = links
        self._heartbeat = heartbeat
        self._beat: dict[str, Any] | None = None
        """The last heartbeat ping not yet sent to the page."""
        self._pause_voice = pause_voice
        self._listen = listen
        self._port = port
        self._post = post
        self._reload = reload
        self._trace = trace
        self._journal = journal
        self._journal_path = journal_path
        self._child: subprocess.Popen[bytes] | None = None
        self._channel: Channel | None = None
        self._lines: collections.deque[TraceLine] = collections.deque(maxlen=QUEUED_LINES)
        self._wake = threading.Condition()
        self._unlisten: Callable[[], None] | None = None
        self._listen_lock = threading.Lock()
        self._stopping = False
        self._failed_said = False
        self.url = ""

    def start(self) -> bool:
        """Start the page's process (False: it could not start, traced). Returns at once."""
        command = [
            sys.executable,
            "-m",
            "accessible_companion.caregiver.page_process",
            *("--config", str(self._config), "--listen", self._listen, "--port", str(self._port)),
            *(("--journal", str(self._journal_path)) if self._journal_path is not None else ()),
        ]
        try:
            self._child, sock = start_child(command)
        except OSError as error:
            self._failed(f"its process could not start: {named(error)}")
            return False
        self._channel = Channel(sock)
        threading.Thread(target=self._hear, name="page-reader", daemon=True).start()
        threading.Thread(target=self._forward, name="page-trace", daemon=True).start()
        if self._heartbeat is not None and self._heartbeat.configured:
            self._heartbeat.watch(self._heartbeat_seen)
        return True

    def stop(self) -> None:
        self._stopping = True
        self._listening(False)
        with self._wake:
            self._wake.notify_all()
        if self._channel is not None:
            self._channel.close()  # the page sees its end close and stops
        if self._child is not None:
            try:
                self._child.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()

    def _hear(self) -> None:
        assert self._channel is not None
        for message in self._channel.messages():
            try:
                self._handle(message)
            except Exception as error:  # a bug here must not end the page's link
                log.exception("a message from the caregiver page failed")
                self._trace.write("error", component="caregiver_page", message=named(error))
        self._listening(False)
        if not self._stopping:
            status = self._child.wait() if self._child is not None else None
            if self.url:
                self._trace.write("caregiver_page", error=f"the page's process ended ({status})")
            elif not self._failed_said:
                self._failed(f"the page's process ended before it served ({status})")

    def _handle(self, message: Message) -> None:
        now = time.monotonic()
        if "page" in message:
            self._serving(message, now)
        elif "error" in message:
            self._failed(str(message["error"]))
        elif "say" in message:
            voice: Literal["cue", "main"] = "cue" if message.get("voice") == "cue" else "main"
            self._post(SayPreview(str(message["say"]), voice), now)
        elif "apply" in message:
            if self._reload is not None:
                self._reload(str(message["apply"]))
        elif "journal" in message:
            fields = message["journal"]
            if self._journal is not None and isinstance(fields, dict):
                self._journal.write(ConfigEdit(**fields), time.time())
        elif "listen" in message:
            self._listening(bool(message["listen"]))
        elif "ack" in message:
            self._acknowledgement(message, now)
        elif "pause_voice" in message:
            seconds = message["pause_voice"]
            if self._pause_voice is not None and isinstance(seconds, int | float):
                self._pause_voice(min(float(seconds), MAX_VOICE_PAUSE))

    def _serving(self, message: Message, now: float) -> None:
        """The page serves at `page` (said once), or its pairing code changed."""
        first = not self.url
        self.url = str(message["page"])
        if self._links is not None:  # the "I'm coming" links point here from now on
            self._links.page_url = self.url
        if first:
            self._trace.write("caregiver_page", url=self.url, listen=self._listen, config=str(self._config))
        self._post(PageAddress(self.url, str(message.get("code", ""))), now)

    def _acknowledgement(self, message: Message, now: float) -> None:
        """Look at, or use, an "I'm coming" link; a use that acknowledges tells the core who is coming."""
        token, use = str(message["ack"]), bool(message.get("use"))
        if self._links is None:
            answer = Answer("unknown")
        else:
            answer = self._links.use(token) if use else self._links.look(token)
        if answer.state == "acknowledged":
            self._trace.write("acknowledged", alert=answer.alert, by=answer.contact)
            self._post(Acknowledge(answer.alert, answer.contact), now)
        if self._channel is not None:
            self._channel.send({"answer": message.get("id"), **answer.fields()})

    def _failed(self, why: str) -> None:
        self._failed_said = True
        log.warning("no caregiver page: %s", why)
        self._trace.write("caregiver_page", error=why, listen=self._listen, port=self._port)

    def _listening(self, on: bool) -> None:
        with self._listen_lock:  # the reader thread and stop() both come here
            if on and self._unlisten is None and not self._stopping:
                self._unlisten = self._trace.listen(self._queue)
            elif not on and self._unlisten is not None:
                self._unlisten()
                self._unlisten = None
                with self._wake:
                    self._lines.clear()

    def _queue(self, line: TraceLine) -> None:
        """From whichever thread writes the trace (the loop's): never blocks."""
        with self._wake:
            self._lines.append(line)
            self._wake.notify()

    def _heartbeat_seen(self, seen: dict[str, Any]) -> None:
        """Every heartbeat ping, from its thread: queued, never waits on the page's socket."""
        with self._wake:
            self._beat = seen
            self._wake.notify()

    def _forward(self) -> None:
        assert self._channel is not None
        while True:
            message: Message
            with self._wake:
                while not self._lines and self._beat is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                if self._beat is not None:
                    message, self._beat = {"heartbeat": self._beat}, None
                else:
                    message = {"trace": self._lines.popleft()}
            if not self._channel.send(message):
                return


def start_beside_companion(
    config: Path,
    listen: str,
    port: int,
    post: Post,
    reload: Callable[[str], None] | None,
    trace: TraceWriter,
    journal: JournalSink | None,
    journal_path: Path | None,
    pause_voice: Callable[[float], None] | None = None,
    links: AckLinks | None = None,
    heartbeat: Heartbeat | None = None,
) -> Callable[[], None] | None:
    """The page beside the running companion, editing `config`; returns what stops it, or
    None when its process could not start. Whether it serves is traced (`caregiver_page`
    with `url`, or with `error`) once the process says."""
    page = PageProcess(
        config, listen, port, post, reload, trace, journal, journal_path, pause_voice, links, heartbeat
    )
    return page.stop if page.start() else None
