"""Effects the core returns. The loop hands them to adapters (speech, display, trace).

Each effect class names its trace event in `TRACE`; `trace_fields` turns an effect into
the fields of its trace line, so the trace is one generic encoder, not one per effect.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from .records import Entry, FatigueSignal

Voice = Literal["cue", "main"]


@dataclass(frozen=True)
class Speak:
    """Sound an earcon and/or speak `text`. A cue replaces any cue still sounding; main speech is
    never cut by a cue, only by `StopMain`."""

    TRACE: ClassVar[str] = "speak"
    utterance: int
    """Id the speech adapter echoes back in `SpeechFinished`."""
    voice: Voice
    """`cue` (prompts while scanning) or `main` (the user's words to the room)."""
    text: str
    """What to say ("" = only the earcon)."""
    earcon: str = ""
    """An earcon to sound first (highlight, select, back, idle, error, alert), or ""."""
    sound: str = ""
    """A recording (an absolute path) to play instead of saying `text`, which is said if it
    cannot be played (message banking); "" = say `text`."""


@dataclass(frozen=True)
class Prepare:
    """Render these ahead of use (a menu's cues and phrases), so they sound at once; nothing is heard."""

    TRACE: ClassVar[str] = ""
    voice: Voice
    """Which voice will speak them."""
    texts: tuple[str, ...]
    """What to render."""
    sounds: tuple[str, ...] = ()
    """Recordings (absolute paths) to decode ahead, for the main voice."""


@dataclass(frozen=True)
class StopCue:
    """Silence the cue voice now (scanning stopped or moved on)."""

    TRACE: ClassVar[str] = ""


@dataclass(frozen=True)
class StopMain:
    """Silence the main voice now: cut the phrase it is saying and drop those waiting (a newer
    phrase or the call for help comes next; see `Utterances.cut_main`)."""

    TRACE: ClassVar[str] = ""


@dataclass(frozen=True)
class Highlight:
    """An item is highlighted."""

    TRACE: ClassVar[str] = "highlight"
    menu: str
    """Menu id."""
    index: int
    """Item position in the menu, from 0."""
    label: str
    """Item label."""


@dataclass(frozen=True)
class HighlightRow:
    """A row of a grid is highlighted (rows are scanned; a selection enters the row)."""

    TRACE: ClassVar[str] = "highlight"
    menu: str
    """Menu id."""
    row: int
    """Row position in the grid, from 0."""
    label: str
    """The row's cue (its first items' cues, or the caregiver's `row_cues`)."""


@dataclass(frozen=True)
class Select:
    """An item was selected."""

    TRACE: ClassVar[str] = "select"
    menu: str
    """Menu id."""
    label: str
    """Item label."""
    action: str
    """The item's action name (speak, menu, back, home, rest, ...)."""


@dataclass(frozen=True)
class EnterMenu:
    """A menu was entered (at start, by a submenu item, back or home)."""

    TRACE: ClassVar[str] = "menu"
    menu: str
    """Menu id."""


@dataclass(frozen=True)
class Idle:
    """Scanning stopped and waits for a press (after its loops, or paused)."""

    TRACE: ClassVar[str] = "idle"
    menu: str
    """Menu id where it stopped."""
    reason: str
    """`loops` (no press for the configured passes) or `pause` (asked for)."""


@dataclass(frozen=True)
class HoldReady:
    """A held switch has passed long-press: releasing it now selects."""

    TRACE: ClassVar[str] = "hold"
    switch: int
    """Which switch is held."""


@dataclass(frozen=True)
class SettingChanged:
    """A setting was changed at run time from the settings menu."""

    TRACE: ClassVar[str] = "setting"
    name: str
    """Setting name: interval, mode, voice."""
    value: Any
    """Its new value."""


@dataclass(frozen=True)
class ConfigApplied:
    """A new config is in use from now on."""

    TRACE: ClassVar[str] = "config"
    reason: str
    """`reload` (a changed file or SIGHUP), or what the caregiver's page asked for (`page:N`,
    its version N); at start the app traces `given`, `caregiver_copy`, `last_good` or `built_in`."""
    path: str
    """Where it was read from."""


@dataclass(frozen=True)
class Record:
    """Keep this in the journal (a check-in, a rest, an alert, a phrase used, ...)."""

    TRACE: ClassVar[str] = "record"
    entry: Entry


@dataclass(frozen=True)
class AlertRaised:
    """A call for help began: the chime and message sound until it is stopped."""

    TRACE: ClassVar[str] = "alert"
    alert: int
    """Its number in this session."""
    trigger: str
    """`hold`, `gesture`, `voice` or `menu`."""


@dataclass(frozen=True)
class Notify:
    """Tell the caregiver's channels (command, webhook) about a call for help."""

    TRACE: ClassVar[str] = "notify"
    alert: int
    """The alert's number in this session."""
    message: str
    trigger: str
    """`hold`, `gesture`, `voice` or `menu`."""


@dataclass(frozen=True)
class NotifyContact:
    """Call one contact about a call for help (its index in `help_channels`; never its URL)."""

    TRACE: ClassVar[str] = "notify_contact"
    alert: int
    contact: int
    name: str
    level: str
    """`now` or `need`."""
    message: str
    trigger: str
    ack_link: str = ""
    """The message ending the notification with its acknowledgement link (`{url}`), and..."""
    ack_key: str = ""
    """...the one ending it where there is no link (the adapter knows whether the page is reachable)."""


Effect = (
    Speak
    | Prepare
    | StopCue
    | StopMain
    | Highlight
    | HighlightRow
    | Select
    | EnterMenu
    | Idle
    | HoldReady
    | SettingChanged
    | ConfigApplied
    | Record
    | AlertRaised
    | Notify
    | NotifyContact
)


def trace_fields(effect: Effect) -> dict[str, Any] | None:
    """The trace line for an effect (without time), or None for effects not traced."""
    if not effect.TRACE:
        return None
    if isinstance(effect, Record):  # one flat line: the kind of entry and its fields
        fields = dataclasses.asdict(effect.entry)
        # An entry's own `kind` (a sign of fatigue's) must not hide which entry it is.
        if "kind" in fields:
            fields["sign" if isinstance(effect.entry, FatigueSignal) else "entry_kind"] = fields.pop("kind")
        return {"event": effect.TRACE, "kind": type(effect.entry).__name__, **fields}
    fields = {"event": effect.TRACE, **dataclasses.asdict(effect)}
    if isinstance(effect, Speak):
        # Only a banked phrase has one, and its file name says which (the folder says nothing).
        sound = fields.pop("sound")
        if sound:
            fields["sound"] = sound.replace("\\", "/").rsplit("/", 1)[-1]
    return fields
