"""What the caregiver's page may ask of the running companion, and nothing more.

The page runs in a process of its own; it never touches the core. Through the link
(`page_process.ProcessLink`) it has the loop say a preview, asks the config watcher to load
now, and reads what the companion does from its trace lines (switch presses, highlights, a
config in use). The `caregiver` command,
which edits files while the companion is not running, has no link (`None`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

TraceLine = dict[str, Any]
"""One trace line as written: `{"t": seconds since start, "event": NAME, ...}` (already redacted)."""


class CompanionLink(Protocol):
    """The running companion, as the page sees it. Every method returns at once (any thread)."""

    def say(self, text: str, voice: str) -> None:
        """Speak `text` on the companion's speaker with the `cue` or `main` voice (a preview)."""

    def apply(self, reason: str) -> None:
        """Load the config files now and run them when calm; the trace's `config` line then
        carries `reason` (so the page knows its own save is in use)."""

    def listen(self, callback: Callable[[TraceLine], None]) -> Callable[[], None]:
        """Call `callback` with every trace line from now on (from the thread that reads the
        companion's messages: it must not block); returns the function that stops it."""

    def journal(self, entry: object) -> None:
        """Keep a journal entry (a `core.records` entry) in the companion's journal."""

    def acknowledgement(self, token: str, use: bool) -> dict[str, Any] | None:
        """What the "I'm coming" link `token` is (`notify.ack_links.Answer.fields()`); `use`:
        acknowledge its call for help with it (once). Waits for the companion (a worker
        thread only); None when it did not answer."""

    def last_heartbeat(self) -> dict[str, Any] | None:
        """The companion's last heartbeat ping: {"at": unix time, "ping", "ok", "detail"}, or
        None (none yet, or no heartbeat configured)."""

    def pause_voice(self, seconds: float) -> None:
        """Act on no voice command for `seconds` (the page records the user's takes); 0 resumes
        and has the companion read the takes again. The pause ends by itself."""
