"""Journal entries: what the companion records for the caregiver's report (see journal/).

Pure frozen dataclasses, no I/O: the core emits them, the journal adapter stores them with
the time they happened. The journal's columns are these field names, so renaming a field
needs a schema migration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckIn:
    """An answer to a check-in ("How I feel": "energy low")."""

    question: str
    """What was asked (the menu's title or the check-in's name)."""
    answer: str
    """The recorded answer, as configured (`answer:` of the item)."""
    value: float | None
    """Position on a 0-10 scale (10 = best), or None for a word answer off the scale."""


@dataclass(frozen=True)
class Rest:
    """A rest that ended."""

    planned_seconds: float
    """How long it was meant to be."""
    actual_seconds: float
    """How long it lasted."""
    ended_by: str
    """`time` (ran its course), `user` (ended early by a press) or `help` (a call for help ended it)."""


@dataclass(frozen=True)
class RestOffered:
    """The companion offered a rest."""

    reason: str
    """`active` (long activity), `scheduled` (a set time) or `fatigue` (signs of tiredness)."""
    taken: bool
    """True when the rest was taken; False when snoozed or declined."""


@dataclass(frozen=True)
class Alert:
    """A call for help, from raising it to its end: recorded when raised, notified and ended."""

    trigger: str
    """How it was raised: `hold`, `gesture`, `voice` or `menu`."""
    acknowledged_by: str
    """Who or what ended it (a caregiver's switch, a webhook reply, ...) or "" when nobody did."""
    seconds_to_ack: float | None
    """Seconds from raising to acknowledging, or None when it was not acknowledged."""
    cancelled: bool
    """True when the user cancelled it (a false alarm)."""
    number: int = 0
    """Its number in this session (the trace's `alert`); 0: not known. Not a column: the journal
    keeps one row per alert under a key made of it, written at the raise and then updated."""
    stage: str = "ended"
    """`raised`, `notified` (the caregiver's channels were run) or `ended` (acknowledged or cancelled)."""
    level: str = "now"
    """`now` ("Help now") or `need` ("I need something")."""


@dataclass(frozen=True)
class PhraseUsed:
    """A phrase spoken to the room."""

    menu: str
    """Menu id the phrase was chosen from."""
    label: str
    """The item's label."""
    text: str
    """What was spoken."""


@dataclass(frozen=True)
class SpeedChanged:
    """The scan interval changed."""

    old_interval: float
    """Seconds before."""
    new_interval: float
    """Seconds after."""
    reason: str
    """`slower` or `faster` (the user chose it) or `fatigue` (the companion slowed down)."""


@dataclass(frozen=True)
class PressTimed:
    """One press of the user's switch as the companion measured it (for pacing and the report)."""

    mode: str
    """The scanning mode it was made in."""
    action: str
    """What it did: `select`, `step` (moved the highlight on) or `wake` (nothing was highlighted)."""
    reaction: float | None
    """Seconds from the onset of the highlight it was meant for to the switch going down (inverse
    mode: to the release that chose); None when nothing was highlighted."""
    wait: float | None
    """Seconds from when that item's dwell began (the end of its spoken cue in auditory
    scanning, else its onset) to the same moment; 0 when it came during the cue."""
    hold: float | None
    """Seconds the switch was held; None for a device that reports no release."""
    late: bool
    """It came so soon after a new highlight that it was meant for the item before (reaction
    and wait are then measured from that item)."""


@dataclass(frozen=True)
class TimingChanged:
    """A timing changed by pacing: suggested from the user's own presses and taken."""

    setting: str
    """Its dotted name (`scanning.interval`, `scanning.long_press`, ...)."""
    old: float
    """Seconds before."""
    new: float
    """Seconds after."""
    reason: str
    """`asked` (the user said yes to the offer) or `auto` (the caregiver let pacing change it
    without asking; it was still spoken)."""


@dataclass(frozen=True)
class FatigueSignal:
    """A sign of tiredness crossed its threshold."""

    kind: str
    """`misses` (selections missed, going round again) or `slow_presses` (presses getting longer)."""
    value: float
    """The measured value."""
    threshold: float
    """The threshold it crossed."""


@dataclass(frozen=True)
class NotifyResult:
    """How sending a notification (of a call for help) went."""

    kind: str
    """`command` or `webhook`."""
    ok: bool
    """True when it was delivered."""
    detail: str
    """One line: the exit status, the HTTP status or the error (never a secret of its URL)."""
    contact: str = ""
    """The contact's name ("" for rows from before contacts)."""
    alert: int = 0
    """The call for help it was for: that alert's `number` in this session (NotifyDone's
    `alert`); 0: not known. Not a column: the journal keeps the alert's key in the row, so the
    report finds its call even when calls overlap or a delivery comes late."""


@dataclass(frozen=True)
class ConfigEdit:
    """A change to the caregiver's config made on the caregiver's page: a save, a restore, an import."""

    version: int
    """The page's history number for the files as written (its History page shows that version)."""
    who: str
    """Who made it, as the page knew them ("this computer", "PIN from 192.168.1.7")."""
    summary: str
    """What changed, in words ("Restored version 12")."""


@dataclass(frozen=True)
class VoiceHeard:
    """What the voice listener heard: a command taken, or words not taken and why. Words and
    reasons only: no sound is ever kept (and nothing when nothing was made of the sound)."""

    words: str
    """What the recognizer made of it, as compared (normalized): only its grammar's words."""
    phrase: str
    """The phrase this was a try at (the Voice page and the report count per phrase): a command
    taken: its phrase; words not taken: the words when they are one of the phrases (heard as
    it, but unsure, too short, unlike the user's takes), else "" (other speech: no try at any
    command). core/commands.py `tried_phrase` is the one rule."""
    accepted: bool
    reason: str
    """Why it was not taken (`unsure (0.62)`, `not a command`, ...); "" when taken."""
    confidence: float
    """The recognizer's least sure word's confidence."""


Entry = (
    CheckIn
    | Rest
    | RestOffered
    | Alert
    | PhraseUsed
    | SpeedChanged
    | PressTimed
    | TimingChanged
    | FatigueSignal
    | NotifyResult
    | ConfigEdit
    | VoiceHeard
)
"""Any journal entry."""

ENTRY_TYPES: tuple[type[Entry], ...] = (
    CheckIn,
    Rest,
    RestOffered,
    Alert,
    PhraseUsed,
    SpeedChanged,
    PressTimed,
    TimingChanged,
    FatigueSignal,
    NotifyResult,
    ConfigEdit,
    VoiceHeard,
)
"""Every entry type, in the order the report and the export list them."""
