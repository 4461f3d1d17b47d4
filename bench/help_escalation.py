"""A call for help through the real loop, core and notifier to a real HTTP server on loopback.

    python -m bench.help_escalation [--trials 30] [--second-after 1.0]

Two contacts, Apprise `json://` URLs to a local server: Anna at once, Ben `--second-after`
seconds later. Each trial clicks the Help item (a PointerSelect, cancel window 0), waits
for Anna's request to reach the server, then acknowledges the call (`Acknowledge`, as the
link in the notification does) and waits past Ben's time. Real time: the loop drives the
core's deadlines and the notifier's threads as in the app (started, Apprise loaded, before
the first call). Speech is a stand-in that finishes each utterance at once and notes when
it was handed over.

Figures (milliseconds; figures, not pass/fail):
- alert raised (the loop's `alert` trace line) -> Anna's request received by the server;
- Acknowledge posted -> the room told (the main voice's next utterance handed to speech),
  and whether the escalation stopped: how many trials Ben was still called in (should be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from accessible_companion.core.companion import Companion
from accessible_companion.core.effects import Speak
from accessible_companion.core.events import Acknowledge, PointerSelect
from accessible_companion.core.menus import Action, Item, Menu, MenuSet
from accessible_companion.core.settings import Contact, HelpCall, Mode, Scanning, Settings
from accessible_companion.loop import Loop
from accessible_companion.notify.notifier import Notifier
from accessible_companion.speech.speaker import NullSpeech
from bench.support import NoDisplay, RecordingTrace, report


class Server:
    """Notes (monotonic time, path) of every POST; answers 200."""

    def __init__(self) -> None:
        self.posts: list[tuple[float, str]] = []
        self.arrived = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                now = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                json.loads(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with server.arrived:
                    server.posts.append((now, self.path))
                    server.arrived.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.posts) >= count, timeout)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class TimedSpeech(NullSpeech):
    """Finishes at once, as NullSpeech, and notes when each Speak was handed over."""

    def __init__(self) -> None:
        super().__init__()
        self.spoken: list[tuple[float, Speak]] = []
        self.lock = threading.Lock()

    def speak(self, request: Speak) -> None:
        with self.lock:
            self.spoken.append((time.monotonic(), request))
        super().speak(request)


class Rig:
    """The loop, core, notifier and server of the trials, started."""

    def __init__(self, second_after: float) -> None:
        self.server = Server()
        port = self.server.port
        contacts = (
            Contact("Anna", url=f"json://127.0.0.1:{port}/anna", after_seconds=0.0),
            Contact("Ben", url=f"json://127.0.0.1:{port}/ben", after_seconds=second_after),
        )
        help_call = HelpCall(cancel_seconds=0.0, repeat_seconds=600.0, contacts=contacts, notify_retries=1)
        settings = Settings(scanning=Scanning(mode=Mode.STEP), help=help_call)
        help_item = Item("Help", action=Action.HELP, say="Please come.")
        menus = MenuSet({"home": Menu("home", "Home", (help_item, Item("Water")))})
        self.second_after = second_after
        self.raised: list[float] = []
        self.raised_now = threading.Condition()
        self.speech = TimedSpeech()
        self.notifier = Notifier(contacts=contacts, timeout=5.0, retries=1)
        trace = RecordingTrace(self._on_write)
        self.loop = Loop(Companion(menus, settings), self.speech, NoDisplay(), trace, notifier=self.notifier)
        self.speech.start(self.loop.post)
        self.notifier.start(self.loop.post)
        if not self.notifier.ready.wait(20):  # as in the app: loaded at start, long before any call
            raise SystemExit("Apprise did not load within 20 s")
        self.loop.start()
        time.sleep(0.3)

    def _on_write(self, now: float, event: str, fields: dict[str, Any]) -> None:
        if event == "alert":
            with self.raised_now:
                self.raised.append(now)
                self.raised_now.notify_all()

    def trial(self, number: int) -> tuple[float, float, str, int]:
        """(raised -> Anna's request ms, acknowledged -> room told ms, what it was told, Ben's calls)."""
        server = self.server
        seen = len(server.posts)
        self.loop.post(PointerSelect("home", 0), time.monotonic())
        with self.raised_now:
            if not self.raised_now.wait_for(lambda: len(self.raised) >= number, 5):
                raise SystemExit(f"trial {number}: no alert raised within 5 s")
        if not server.wait_for(seen + 1, 10):
            raise SystemExit(f"trial {number}: Anna's request did not arrive within 10 s")
        first_at, first_path = server.posts[seen]
        if first_path != "/anna":
            raise SystemExit(f"trial {number}: {first_path} was called first")
        to_first = (first_at - self.raised[-1]) * 1000

        with self.speech.lock:
            spoken_before = len(self.speech.spoken)
        acked = time.monotonic()
        self.loop.post(Acknowledge(number, "Anna"), acked)
        told: tuple[float, Speak] | None = None
        while told is None and time.monotonic() < acked + 5:
            with self.speech.lock:
                told = next(
                    ((t, s) for t, s in self.speech.spoken[spoken_before:] if s.voice == "main"), None
                )
            if told is None:
                time.sleep(0.0005)
        if told is None:
            raise SystemExit(f"trial {number}: the room was not told within 5 s")
        # Past Ben's time, with room for a loaded machine: was he still called?
        time.sleep(self.second_after + 0.4)
        ben = sum(1 for _, path in server.posts[seen:] if path == "/ben")
        time.sleep(0.1)  # the scan restarts after the call
        return to_first, (told[0] - acked) * 1000, told[1].text, ben

    def close(self) -> None:
        self.loop.stop()
        self.loop.wait(5)
        self.notifier.stop()
        self.server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--second-after", type=float, default=1.0, help="Ben's after_seconds")
    args = parser.parse_args()
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        os.environ.pop(name, None)  # requests (under Apprise) would send loopback to a proxy
    rig = Rig(args.second_after)
    to_first: list[float] = []
    to_told: list[float] = []
    said: set[str] = set()
    ben_called = 0
    try:
        for number in range(1, args.trials + 1):
            first, told, text, ben = rig.trial(number)
            to_first.append(first)
            to_told.append(told)
            said.add(text)
            ben_called += ben
    finally:
        rig.close()
    report("alert raised -> first contact's request received (json://, loopback)", to_first, "none set")
    report("acknowledged -> the room told (main voice handed the words)", to_told, "none set")
    print(f"the room was told: {' | '.join(sorted(said))}")
    print(
        f"escalation stopped by the acknowledgement: the second contact (due {args.second_after:g} s "
        f"after the call) was called in {ben_called} of {args.trials} trials"
    )


if __name__ == "__main__":
    main()
