"""The caregiver's page in a process of its own, beside the running companion.

    python -m accessible_companion.caregiver.page_process --config DIR --listen ADDR --port N
        [--journal FILE] FD

Why a process: in the companion's own process the page's work (reading and checking YAML,
rendering pages: 0.1-0.4 s of CPU a request) held Python's interpreter lock while the scan
waited. With four visitors asking for pages as fast as they could, highlights came 19 ms
late at the median and up to 141 ms (bench/page_use.py), against 1-3 ms with nobody on the
page. Here the page runs beside the scan, niced so the scan wins a busy core, and it talks
to the companion only through `ProcessLink`: JSON lines over the socket pair (`FD`).

Messages to the companion: `page` (url, code: serving, or a new pairing code), `error`,
`say`, `apply`, `journal` (a ConfigEdit's fields), `listen` (true/false: send trace lines),
`ack` (a link's token, `use`, `id`: look at or use an "I'm coming" link).
From it: `trace` (one trace line), `heartbeat` (each heartbeat ping's outcome), `answer`
(the `id` asked, with the link's state). When the companion's end closes (it stopped, or
was killed), the page stops and this process ends.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..core.records import ConfigEdit
from .channel import Channel
from .link import TraceLine
from .running import RunningPage

log = logging.getLogger(__name__)

NICENESS = 10
"""Below the companion: on a busy machine the scan gets the core first."""


ANSWER_WAIT = 5.0
"""Seconds a page request waits for the companion's answer about a link (it answers in ms)."""


class _Waiting:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] | None = None


class ProcessLink:
    """`CompanionLink` over the channel: every call returns at once."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._listeners: list[Callable[[TraceLine], None]] = []
        self._lock = threading.Lock()
        self._asked = 0
        self._answers: dict[int, _Waiting] = {}
        self._heartbeat: dict[str, Any] | None = None

    def say(self, text: str, voice: str) -> None:
        self._channel.send({"say": text, "voice": voice})

    def apply(self, reason: str) -> None:
        self._channel.send({"apply": reason})

    def pause_voice(self, seconds: float) -> None:
        self._channel.send({"pause_voice": seconds})

    def acknowledgement(self, token: str, use: bool) -> dict[str, Any] | None:
        with self._lock:
            self._asked += 1
            number = self._asked
            waiting = self._answers[number] = _Waiting()
        try:
            if not self._channel.send({"ack": token, "use": use, "id": number}):
                return None
            waiting.done.wait(ANSWER_WAIT)
            return waiting.answer
        finally:
            with self._lock:
                self._answers.pop(number, None)

    def answered(self, message: dict[str, Any]) -> None:
        """The companion's answer to an `acknowledgement` question."""
        with self._lock:
            waiting = self._answers.get(message.get("answer", -1))
        if waiting is not None:
            waiting.answer = message
            waiting.done.set()

    def listen(self, callback: Callable[[TraceLine], None]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(callback)
            first = len(self._listeners) == 1
        if first:  # the companion sends trace lines only while somebody here listens
            self._channel.send({"listen": True})

        def stop() -> None:
            with self._lock:
                if callback not in self._listeners:
                    return
                self._listeners.remove(callback)
                last = not self._listeners
            if last:
                self._channel.send({"listen": False})

        return stop

    def journal(self, entry: object) -> None:
        if isinstance(entry, ConfigEdit):
            self._channel.send({"journal": dataclasses.asdict(entry)})

    def last_heartbeat(self) -> dict[str, Any] | None:
        return self._heartbeat

    def heartbeat_seen(self, seen: dict[str, Any]) -> None:
        """The companion's last heartbeat ping (it sends each one)."""
        self._heartbeat = seen

    def heard(self, line: TraceLine) -> None:
        """A trace line from the companion, to everyone listening."""
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback(line)
            except Exception:  # one broken listener must not deafen the others
                log.exception("a trace listener failed")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="page_process")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--journal", type=Path)
    parser.add_argument("fd", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="caregiver page: %(levelname)s %(message)s")
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    channel = Channel(socket.socket(fileno=args.fd))
    link = ProcessLink(channel)

    def shown(url: str, code: str) -> None:
        channel.send({"page": url, "code": code})

    page = RunningPage(args.config, args.listen, args.port, link, shown, args.journal)
    why = page.start()
    if why:
        channel.send({"error": why})
        channel.close()
        return 1
    try:
        for message in channel.messages():  # until the companion's end closes
            line = message.get("trace")
            if isinstance(line, dict):
                link.heard(line)
            elif "answer" in message:
                link.answered(message)
            beat = message.get("heartbeat")
            if isinstance(beat, dict):
                link.heartbeat_seen(beat)
    finally:
        page.stop()
        channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
