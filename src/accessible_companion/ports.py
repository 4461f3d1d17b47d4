"""The small interfaces between the loop and the adapters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from .core.effects import Speak, Voice
from .core.events import Event
from .core.records import Entry
from .core.settings import HelpCall
from .core.view import View

Post = Callable[[Event, float], None]
"""Thread-safe: hand an event and its time (time.monotonic()) to the loop."""


class SwitchSource(Protocol):
    """Reads switch presses from a device and posts SwitchDown/SwitchUp/SwitchTap."""

    name: str
    """`switch` (X11) or `terminal`; used in notices."""

    def start(self, post: Post) -> None:
        """Begin listening; returns at once."""

    def stop(self) -> None:
        """Stop listening and release any grab."""


class SpeechSink(Protocol):
    """Speaks; posts SpeechFinished for every Speak it was given, and AdapterError on failure."""

    def start(self, post: Post) -> None:
        """Begin (load engines, open devices) in the background; returns at once."""

    def speak(self, request: Speak) -> None:
        """Queue speech. A cue replaces any cue queued or sounding; main speech is never cut by a cue."""

    def prepare(self, texts: Sequence[str], voice: Voice, sounds: Sequence[str] = ()) -> None:
        """Render `texts` (and decode the recordings `sounds`, for the main voice) ahead while
        idle (a cache); never blocks, never delays real speech."""

    def stop_cue(self) -> None:
        """Silence the cue voice now."""

    def stop_main(self) -> None:
        """Silence the main voice now: cut its phrase and drop those waiting."""

    def stop(self) -> None:
        """Stop all speech and release the device."""


class Display(Protocol):
    """Shows the current menu, highlight and speech."""

    def show(self, view: View) -> None:
        """Render this snapshot (called from the loop thread only)."""

    def close(self) -> None:
        """Restore the terminal or close the window."""


class VoiceSource(Protocol):
    """Hears voice commands; posts VoiceCommand, VoiceRejected and Notices."""

    def start(self, post: Post) -> None:
        """Begin in the background; returns at once."""

    def listen_for(self, phrases: Sequence[str]) -> None:
        """What can be said now (none: stop listening)."""

    def speaking(self, active: bool, at: float) -> None:
        """The companion started or stopped making sound at `at`, so its own voice is not heard."""

    def stop(self) -> None:
        """Stop listening and release the microphone."""


class JournalSink(Protocol):
    """Keeps journal entries (a thread of its own: a write never waits for the disk)."""

    def write(self, entry: Entry, at: float | None = None) -> None:
        """Queue an entry; never blocks, never raises."""


class HelpNotifier(Protocol):
    """Tells the caregiver's channels about a call for help; posts NotifyDone per channel."""

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
        """Returns at once; never raises. `contact`: that channel only (None: all); its message
        ends with `ack_link` (its "I'm coming" link as `{url}`) or, with no link, `ack_key`."""

    def ended(self, alert: int) -> None:
        """Call for help `alert` is over (its acknowledgement links expire)."""

    def configure(self, help_call: HelpCall) -> None:
        """Take the channels of a config applied since; never raises."""
