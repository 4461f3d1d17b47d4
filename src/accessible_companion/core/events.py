"""Input events for the core. Adapters make them; the loop feeds them to `Companion.handle`.

Every event is a frozen dataclass. Time is never part of an event: the loop passes it in
as `now` (seconds on a monotonic clock), so the core stays deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .menus import MenuSet
from .settings import Settings
from .view import NoticeLevel

SwitchSource = Literal["switch", "terminal", "voice"]


@dataclass(frozen=True)
class SwitchDown:
    """A switch went down (key or mouse button pressed)."""

    switch: int
    """1 = the main switch, 2 = the second switch (select in every mode)."""
    source: SwitchSource = "switch"
    """Which adapter saw it (for the trace)."""
    key: str = ""
    """The key or button name as configured (for the trace)."""


@dataclass(frozen=True)
class SwitchUp:
    """A switch came up (key or mouse button released)."""

    switch: int
    """1 = the main switch, 2 = the second switch."""
    source: SwitchSource = "switch"
    """Which adapter saw it (for the trace)."""
    key: str = ""
    """The key or button name as configured (for the trace)."""


@dataclass(frozen=True)
class SwitchTap:
    """A whole press from a device that reports no release (a terminal).

    Its length is unknown, so acceptance and long-press do not apply; debounce does.
    """

    switch: int
    """1 = the main switch, 2 = the second switch."""
    source: SwitchSource = "terminal"
    """Which adapter saw it (for the trace)."""
    key: str = ""
    """The key name (for the trace)."""


@dataclass(frozen=True)
class VoiceCommand:
    """The voice listener accepted a spoken phrase."""

    phrase: str
    """The words heard (one of `Companion.voice_phrases()`)."""
    confidence: float = 1.0
    """The recognizer's lowest word confidence, for the trace."""


@dataclass(frozen=True)
class VoiceRejected:
    """The listener heard something that is not a command (traced; changes nothing)."""

    text: str
    """What the recognizer made of it."""
    reason: str
    """Why it is not a command: `not a command`, `unsure (0.62)`, `too short (0.08 s)`, ..."""
    confidence: float = 0.0
    speech: bool = True
    """False when the sound was no speech (a cough, a breath): whatever words the recognizer
    made of it, it was no try at a command."""


@dataclass(frozen=True)
class SpeechStarted:
    """The first samples of the utterance with this id went to the audio device."""

    utterance: int
    """The id from the `Speak` effect."""


@dataclass(frozen=True)
class SpeechFinished:
    """The speech adapter finished (or gave up on) the utterance with this id."""

    utterance: int
    """The id from the `Speak` effect."""
    interrupted: bool = False
    """True when it was cut short."""


@dataclass(frozen=True)
class PointerSelect:
    """A click or tap on a cell of the window (`settings.display.mouse`)."""

    menu: str
    """The menu shown when it was clicked (a click on a menu already left does nothing)."""
    index: int
    """The item clicked; -1: the screen itself (a rest or a call for help), which acts as a press."""


@dataclass(frozen=True)
class AdapterError:
    """An adapter failed (or recovered); the switch keeps working regardless."""

    component: str
    """`speech`, `switch`, `display`, ..."""
    message: str
    """What went wrong, for the trace and the display."""


@dataclass(frozen=True)
class Notice:
    """Something the user or caregiver should know that is not a failure (shown, traced)."""

    text: str
    spoken: bool = False
    """Also say it with the main voice (for news a user without a screen must hear)."""
    level: NoticeLevel = "info"
    """`info` (news), `warning` (something degraded, the rest works) or `error`."""
    kind: str = ""
    """What it is about, for code that acts on it (never match `text`, it may be translated):
    `voice_ready`, `voice_unavailable`, `microphone_lost`, `microphone_muted`,
    `microphone_back`, `speech_back`, `not_spoken` (a main phrase never said), `input` (where
    presses come from), `config` (the config in use or a problem with it), `x11_lost`,
    `x11_back`, `x11_gone` (the X display went away, came back, or is given up on),
    `display_lost` (the bedside window is gone: the terminal shows the menu now),
    `sound_missing` (a banked recording could not be played, so its words were spoken
    instead: told once per file until it plays again); "" for other news."""


@dataclass(frozen=True)
class NotifyDone:
    """A call-for-help notification (command or webhook) finished: delivered or given up."""

    kind: str
    """`command` or `webhook`."""
    ok: bool
    detail: str
    """What happened: exit status, HTTP status, the error; for the trace, display and journal."""
    attempts: int = 1
    alert: int = 0
    """The alert it was for (0: not known)."""
    contact: str = ""
    """The contact's name (never its URL); "" for the older channels sent without one."""


@dataclass(frozen=True)
class Acknowledge:
    """Somebody acknowledged call for help `alert` (`by`: a contact's name, or `link`): it
    stops escalating and ends as a caregiver's key would."""

    alert: int
    by: str


@dataclass(frozen=True)
class ConfigChanged:
    """A checked config to run from now on (a caregiver's edit, or SIGHUP).

    The core applies it when calm: never while a switch is held, an alert or a rest is on,
    or one of the companion's own questions is open; until then it waits."""

    menus: MenuSet
    """The caregiver's menus (the core adds its own and the Back items)."""
    settings: Settings
    path: str
    """Where it was read from (for the trace)."""
    reason: str = "reload"


@dataclass(frozen=True)
class ConfigRejected:
    """A changed config has problems: the running one stays (announced, traced)."""

    problems: tuple[tuple[str, str], ...]
    """Each problem as (`file:line`, what is wrong)."""


@dataclass(frozen=True)
class SayPreview:
    """The caregiver's page asks to hear `text` with a voice ("Say it"): spoken as any
    phrase on that voice would be, but never kept for `repeat` nor journaled."""

    text: str
    voice: Literal["cue", "main"] = "main"


@dataclass(frozen=True)
class PageAddress:
    """The caregiver's page is serving here (or its pairing code changed): the displays'
    status line shows it."""

    url: str
    """What a caregiver types into a browser (`http://192.168.1.7:8765/`); "" = no page."""
    code: str = ""
    """The one-time pairing code, while the page listens on the home network; "" = none."""


@dataclass(frozen=True)
class Tick:
    """Time passed; the loop sends this when `next_deadline()` is reached."""


Event = (
    SwitchDown
    | SwitchUp
    | SwitchTap
    | PointerSelect
    | VoiceCommand
    | VoiceRejected
    | SpeechStarted
    | SpeechFinished
    | AdapterError
    | Notice
    | NotifyDone
    | Acknowledge
    | ConfigChanged
    | ConfigRejected
    | SayPreview
    | PageAddress
    | Tick
)
