"""Settings as frozen values. Their allowed ranges are in one table, `limits.LIMITS`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from .limits import LIMITS


class Mode(StrEnum):
    """Switch scanning modes (see README: Scanning)."""

    AUTO = "auto"
    """Highlight moves every interval; a press selects."""
    PRESS_HOLD = "press-hold"
    """Short press = next, hold past long-press = select."""
    INVERSE = "inverse"
    """Highlight moves while the switch is held; release selects."""
    STEP = "step"
    """Switch 1 = next, switch 2 = select (a long hold of switch 1 also selects)."""


class Pacing(StrEnum):
    """What pacing may do with a timing the user's own presses call for (see README: Pacing)."""

    ASK = "ask"
    """Offer it in one question ("Scan slower? 1.8 seconds"); change it only on yes."""
    AUTO = "auto"
    """Change it without asking, saying so (the Settings menu changes it back)."""
    OFF = "off"
    """Neither: only measure."""


# Debounce may take at most this share of the interval (Proloquo2Go caps it at 50%):
# a press must fit between the end of debounce and the end of an item's dwell.
DEBOUNCE_SHARE = 0.5


def fastest_interval(debounce: float) -> float:
    """The shortest interval that still leaves room for a press after debounce."""
    return max(LIMITS["scanning.interval"].low, debounce / DEBOUNCE_SHARE)


def timing_conflicts(scanning: Scanning) -> list[tuple[str, str]]:
    """Timings that are each in range but together would lock a user out: (setting, why)."""
    conflicts = []
    if scanning.acceptance >= scanning.long_press:
        # Every counted press would then be a long press: press-hold could never move on.
        conflicts.append(
            (
                "acceptance",
                f"scanning.acceptance ({scanning.acceptance:g} s) must be shorter than "
                f"scanning.long_press ({scanning.long_press:g} s)",
            )
        )
    if scanning.interval < fastest_interval(scanning.debounce):
        # Otherwise the first item after a press could pass before a new press counts.
        conflicts.append(
            (
                "debounce",
                f"scanning.debounce ({scanning.debounce:g} s) must be at most half of "
                f"scanning.interval ({scanning.interval:g} s)",
            )
        )
    return conflicts


# The config loader validates caregiver files straight into these dataclasses with pydantic,
# which reads this plain class attribute: unknown keys are errors, not silently dropped.
STRICT = {"extra": "forbid"}


@dataclass(frozen=True)
class Scanning:
    """How the highlight moves and how switch presses are read."""

    __pydantic_config__ = STRICT
    mode: Mode = Mode.AUTO
    """Scanning mode at start; the settings menu can change it."""
    interval: float = 1.5
    """Seconds an item stays highlighted (after its cue ends, when `auditory`)."""
    first_item_extra: float = 1.0
    """Extra seconds on the first item after entering a menu or a selection."""
    loops: int = 3
    """Full passes without a press before auto scanning stops and waits (over a grid's rows)."""
    acceptance: float = 0.05
    """Presses shorter than this are ignored (tremor, bumps)."""
    debounce: float = 0.1
    """Presses starting within this time after a release are ignored."""
    long_press: float = 0.6
    """In press-hold and step modes, a hold at least this long selects."""
    post_selection_pause: float = 0.3
    """After a selection, presses are ignored this long (guards a double hit)."""
    auditory: bool = True
    """Dwell starts when the item's cue has been spoken, as in auditory scanning."""
    speed_step: float = 1.25
    """Slower multiplies the interval by this; faster divides by it."""
    row_loops: int = 1
    """In a grid: passes through a row's items without a press before scanning goes back to
    the rows (on the same row)."""


@dataclass(frozen=True)
class Messages:
    """What the companion itself says; caregivers may reword or translate it."""

    __pydantic_config__ = STRICT

    idle: str = "Scanning paused. Press to go on."
    slower: str = "Slower, {seconds} seconds."
    faster: str = "Faster, {seconds} seconds."
    mode: str = "Scanning mode {mode}."
    voice_on: str = "Voice commands on."
    voice_off: str = "Voice commands off."
    rest: str = "Resting for {minutes} minutes. Press when you are ready."
    rest_half: str = "Halfway through your rest."
    rest_over: str = "Your rest is over. Press when you are ready."
    rested: str = "Welcome back."
    rest_offer: str = "You have been active for {minutes} minutes. Rest now?"
    rest_reminder: str = "Time for a rest. Rest now?"
    rest_tired: str = "You seem tired. Rest, or scan slower?"
    rest_tired_steady: str = "You seem tired. Rest now?"
    """The offer on signs of fatigue in modes without a scan (press-hold, step): no slower scan."""
    rest_choice: str = "Rest {minutes} minutes"
    scan_slower: str = "Scan slower"
    pace_slower: str = "Scan slower? {seconds} seconds."
    """Pacing's question when the user's presses call for a longer interval."""
    pace_faster: str = "Scan faster again? {seconds} seconds."
    pace_longer_hold: str = "Hold longer to choose? {seconds} seconds."
    """Press and hold: the quick presses come near the long press."""
    pace_shorter_hold: str = "Shorter hold to choose again? {seconds} seconds."
    pace_yes: str = "Yes, {seconds} seconds"
    long_press: str = "Hold to choose: {seconds} seconds."
    """Said when the long press changed."""
    not_now: str = "Not now"
    skip: str = "Skip"
    back: str = "Back"
    """The label of the Back item added to every menu but home."""
    help_cancel_window: str = "Calling for help in {seconds} seconds. Press to cancel."
    """Said and shown when a call for help is raised with a cancel window (help.cancel_seconds)."""
    help_cancelled: str = "Call for help cancelled."
    help_answered: str = "Alert stopped."
    check_in: str = "Noted: {answer}."
    help: str = "Help is on the way."
    help_call: str = "Please come, I need help now."
    need_call: str = "Could someone come? I need something."
    """Said (cue voice, no alarm) and sent to the first contact by "I need something"."""
    help_calling: str = "Calling {name}…"
    """Shown as each contact is called."""
    help_coming: str = "{name} is coming."
    """Said and shown when a contact acknowledged the call with the link in their notification."""
    help_ack_link: str = "I'm coming: {url}"
    """Ends a contact's notification while the caregiver page is reachable from other devices:
    {url} is the single-use acknowledgement link."""
    help_ack_key: str = "Press the caregiver key to stop the alarm."
    """Ends a contact's notification when there is no link (no page, or this computer only)."""
    ack_heading: str = "Call for help"
    """The "I'm coming" page of a contact's notification link (caregiver/ack_pages.py), open."""
    ack_open: str = (
        "Call for help {alert} is on. Press the button to stop the alarm and let the room know"
        " you are on your way."
    )
    ack_whose: str = "This link is {name}'s."
    ack_button: str = "I'm coming"
    ack_thanks_heading: str = "Thank you"
    ack_thanks: str = "The alarm has stopped and the room has been told you are coming."
    ack_used_heading: str = "Already acknowledged"
    ack_used: str = "Already acknowledged by {name} at {time}."
    ack_expired_heading: str = "This link has expired"
    ack_expired: str = "This link has expired: the call for help is over."
    ack_unknown: str = "This link has expired or was never valid."
    ack_silent_heading: str = "Try again"
    ack_silent: str = "The companion did not answer."
    voice_sleep: str = "Voice commands sleeping."
    voice_wake: str = "Voice commands listening."
    confirm: str = "{words}? Say {words} again."
    """Said (cue voice) and shown when a command that matters is heard once
    (listening.confirm): it is done only if said again."""
    voice_unavailable: str = "Voice commands are off: no speech model for {language}."
    microphone_lost: str = "Microphone lost. Voice commands paused; the switch still works."
    microphone_muted: str = "The microphone seems muted."
    microphone_back: str = "Microphone back. Voice commands on."
    config_problem: str = "The caregiver's changes have a problem; using the last working menus."
    """Said and shown once when a config cannot be used and the companion runs on the last working one."""
    window_lost: str = "The screen window closed. The menu is in the terminal; the switch still works."
    """Said and shown once when the bedside window is lost (closed, crashed, or its X display gone)."""


@dataclass(frozen=True)
class VoiceOut:
    """One speech voice (cue or main)."""

    __pydantic_config__ = STRICT

    voice: str = ""
    """Engine voice id or name substring; empty = the engine default."""
    rate: int = 175
    """Words per minute."""
    pitch: int = 50
    """0 to 100, 50 = the voice's own (espeak-ng; SAPI5 voices ignore it)."""
    volume: float = 1.0
    """0.0 to 1.0."""
    device: str = ""
    """Part of an output device's name (`accessible-companion devices`); "" = the system default."""
    channel: Literal["both", "left", "right"] = "both"
    """Play on one stereo channel only: cue left into an earphone, main right to a speaker."""


@dataclass(frozen=True)
class Earcons:
    """Volume of each earcon, 0 (off) to 1: short tones with or instead of words."""

    __pydantic_config__ = STRICT

    highlight: float = 0.0
    """A tick on each move; turn it on when `cues` is off."""
    select: float = 0.4
    """Rising: a selection was made (before the phrase)."""
    back: float = 0.4
    """Falling: back one menu."""
    idle: float = 0.4
    """Low fall: scanning stopped and waits for a press."""
    error: float = 0.5
    """Low double buzz: a part failed (shown on the display too)."""
    alert: float = 1.0
    """Loud two-tone before a call for help."""


@dataclass(frozen=True)
class Speech:
    """Speech output settings."""

    __pydantic_config__ = STRICT

    enabled: bool = True
    """False = no speech at all (display and trace only)."""
    cue: VoiceOut = field(default_factory=lambda: VoiceOut(rate=200, volume=0.6))
    """The quiet prompt voice used while scanning."""
    main: VoiceOut = field(default_factory=VoiceOut)
    """The voice that speaks the user's phrases to the room."""
    cues: bool = True
    """Speak each highlighted item; false = only the highlight earcon (if its volume is set)."""
    earcons: Earcons = field(default_factory=Earcons)
    """Earcon volumes."""

    def reaches_microphone(self, voice: str) -> bool:
        """Whether what this voice plays (words and earcons) can reach the microphone, so
        listening must pause while it sounds. Everything does, except the cue voice on a
        device of its own (an earphone: `speech.cue.device` set and not the main voice's)."""
        if voice != "cue":
            return True
        return not self.cue.device or self.cue.device == self.main.device

    def in_room(self, voice: str) -> bool:
        """Whether this voice is heard in the room, not only in the user's ear: the main voice
        always; the cue voice when it shares the main voice's device and plays on both sides."""
        if voice != "cue":
            return True
        return self.cue.channel == "both" and (not self.cue.device or self.cue.device == self.main.device)


@dataclass(frozen=True)
class Switches:
    """Which keys or mouse buttons are the switches."""

    __pydantic_config__ = STRICT

    switch1: tuple[str, ...] = ("space",)
    """Main switch: key names (space, enter, f9, a, ...) or mouse:left|middle|right|button8.."""
    switch2: tuple[str, ...] = ("enter",)
    """Second switch (select in every mode)."""
    caregiver: tuple[str, ...] = ("escape",)
    """Caregiver keys: stop a call for help (never grabbed, so they keep working elsewhere)."""
    grab: bool = True
    """Keep switch keys from typing into other windows (X11 passive grab of those keys only)."""


@dataclass(frozen=True)
class Commands:
    """Words for the global voice commands, per language. Each is a list, so a caregiver can
    add what this user's voice makes of a word ("neck" for "next"). Item words win over
    these in a menu that has both."""

    __pydantic_config__ = STRICT

    next: tuple[str, ...] = ("next",)
    back: tuple[str, ...] = ("back", "go back")
    select: tuple[str, ...] = ("select", "choose")
    home: tuple[str, ...] = ("home",)
    repeat: tuple[str, ...] = ("repeat", "again")
    stop: tuple[str, ...] = ("stop", "quiet")
    slower: tuple[str, ...] = ("slower",)
    faster: tuple[str, ...] = ("faster",)
    rest: tuple[str, ...] = ("rest",)
    help: tuple[str, ...] = ("help", "help me")
    sleep: tuple[str, ...] = ("go to sleep",)
    """While asleep, only the wake words are listened for."""
    wake: tuple[str, ...] = ("wake up",)
    resume: tuple[str, ...] = ("i'm rested", "resume")
    """Ends a rest early (in a rest only these and the help words are listened for)."""


Confirmable = Literal[
    "next",
    "select",
    "back",
    "home",
    "repeat",
    "stop",
    "slower",
    "faster",
    "rest",
    "help",
    "sleep",
    "wake",
    "resume",
    "speak",
    "menu",
    "check-in",
    "mode",
    "voice-on",
    "voice-off",
    "pause",
    "snooze",
]
"""What `listening.confirm` may name: a global command (`Commands`) or an item's action."""


@dataclass(frozen=True)
class Listening:
    """How voice commands are heard (vosk, offline)."""

    __pydantic_config__ = STRICT

    language: str = "en"
    """Language code of the speech model (en, de, fr, ko, ...): `accessible-companion models list`."""
    model: str = ""
    """Folder of a vosk model; empty = the installed model for `language`."""
    microphone: str = ""
    """Input device name substring (`accessible-companion devices`); empty = the system default."""
    min_confidence: float = 0.9
    """Every word of a command must be heard at least this sure (0 to 1)."""
    min_margin: float = 0.0
    """Above 0: a command must also lead the next likeliest reading of the same sound by this
    much, on a second reading of the whole utterance (behind the voice-activity detector):
    fewer false commands from a television, fewer commands heard, ~35 ms later. 0 = off."""
    unsure_margin: float = 1.0
    """Above 0: a phrase heard less sure than `min_confidence` (but at least 0.5) is read a
    second time and counts when that reading leads the next likeliest by this much (behind
    the voice-activity detector; not with the user's takes, nor with `min_margin` above 0).
    0 = off: an unsure phrase is never taken."""
    busy_margin: float = 1.0
    """As `min_margin`, in a room busy with talk (more than 10% of the last minute was talk
    not said alone: a television, a visit); there the second chance for an unsure phrase is
    off too. 0 = a busy room is heard as a quiet one."""
    min_seconds: float = 0.15
    """Shorter than this is a click or a breath, not a command."""
    min_voiced: float = 0.12
    """Least share of a command that must be voiced (a cough, a breath or a hiss is not);
    0 turns the check off, for a user who whispers or whose voice is very breathy."""
    mute_tail: float = 0.4
    """Seconds after the companion stops speaking before the microphone is heard again."""
    end_silence: float = 0.25
    """Quiet that ends a command; longer if this user pauses inside a phrase."""
    no_audio_seconds: float = 3.0
    """No audio at all for this long: the microphone is lost and reopened."""
    muted_seconds: float = 60.0
    """Only exact silence for this long: the microphone is muted, said once."""
    fillers: tuple[str, ...] = ()
    """Extra everyday words that are not commands, added to the language's built-in list:
    hearing one of them means "not talking to the companion"."""
    confirm: tuple[Confirmable, ...] = (
        "help",
        "rest",
        "sleep",
        "stop",
        "slower",
        "faster",
        "mode",
        "voice-off",
    )
    """Commands that must be said twice to be done (a television says a word once): command
    names, and items by their action. The first hearing asks ("Help? Say help again.")."""
    confirm_seconds: float = 6.0
    """The second hearing must come this soon after the first."""


@dataclass(frozen=True)
class RestPacing:
    """Offers of rest: after active time, at set times of day, and when fatigue shows."""

    __pydantic_config__ = STRICT

    after_active_minutes: float = 40.0
    """Offer a rest after this much active time (0 = never)."""
    choices_minutes: tuple[float, ...] = (5.0, 15.0, 30.0)
    """The rest lengths offered."""
    snooze_minutes: float = 15.0
    """"Not now" asks again after this long."""
    reminders: tuple[str, ...] = ()
    """Times of day ("HH:MM", 24 h) at which a rest is offered."""
    active_gap_seconds: float = 120.0
    """Time between two presses counts as active only up to this long: longer is a pause."""


@dataclass(frozen=True)
class FollowUp:
    """A question asked after the energy answer, with its answers."""

    __pydantic_config__ = STRICT

    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class CheckIns:
    """Energy check-ins: asked at set times and from the menu; answers go to the journal."""

    __pydantic_config__ = STRICT

    question: str = "How is your energy?"
    scale: tuple[str, ...] = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
    """The answers offered, lowest first: numbers (0 to 10) or words (low, medium, high)."""
    times: tuple[str, ...] = ()
    """Times of day ("HH:MM", 24 h) at which the check-in is asked."""
    follow_ups: tuple[FollowUp, ...] = ()
    """Questions asked after the energy answer (each may be skipped)."""


@dataclass(frozen=True)
class Contact:
    """Someone a call for help reaches: through a notification service (`url`, one Apprise
    URL: ntfy://, tgram://, mailto://, json://, ...) or a command (`command`, as notify_command)."""

    __pydantic_config__ = STRICT

    name: str
    """Shown and journaled ("Calling Anna…"); the URL never is: it often holds a token."""
    url: str = ""
    command: tuple[str, ...] = ()
    after_seconds: float = 0.0
    """Seconds after the call went out (after the cancel window) before this contact is
    called, if nobody has acknowledged it by then."""


@dataclass(frozen=True)
class Channel:
    """One way a call for help goes out: `command`, `webhook` (help.webhook's own JSON POST)
    or `apprise` (a contact's URL), with the contact it reaches."""

    kind: str
    contact: Contact


def help_channels(help_call: HelpCall) -> tuple[Channel, ...]:
    """Every channel in the order of `help.contacts`' indexes as the core counts them: the
    older notify_command and webhook first, as contacts at 0 s (so old configs still call
    them at once), then `help.contacts`."""
    channels: list[Channel] = []
    if help_call.notify_command and help_call.notify_command[0]:
        channels.append(Channel("command", Contact("command", command=help_call.notify_command)))
    if help_call.webhook.strip():
        channels.append(Channel("webhook", Contact("webhook", url=help_call.webhook.strip())))
    for contact in help_call.contacts:
        channels.append(Channel("command" if contact.command else "apprise", contact))
    return tuple(channels)


@dataclass(frozen=True)
class HelpCall:
    """The call for help: how it is raised, how it sounds, whom it tells."""

    __pydantic_config__ = STRICT

    hold_seconds: float = 2.0
    """A switch held this long calls for help (auto, press-hold and step modes)."""
    presses: int = 3
    """In inverse mode (where a hold moves the scan): this many quick presses call for help."""
    within_seconds: float = 1.5
    """... all within this many seconds."""
    cancel_seconds: float = 5.0
    """A press within this long after the call cancels it, before anyone is notified."""
    repeat_seconds: float = 10.0
    """The chime and message repeat this often until acknowledged."""
    notify_command: tuple[str, ...] = ()
    """A command to run (argv list; COMPANION_MESSAGE etc. in its environment), or empty."""
    webhook: str = ""
    """An https:// URL to POST the alert to as JSON, or empty."""
    allow_insecure_webhook: bool = False
    """Allow an http:// webhook (the alert then crosses the network unencrypted)."""
    notify_timeout: float = 10.0
    notify_retries: int = 3
    contacts: tuple[Contact, ...] = ()
    """Whom to call, in order, each `after_seconds` after the call went out until somebody
    acknowledges ("I need something" calls only the first)."""
    heartbeat_url: str = ""
    """A dead-man's-switch URL (Healthchecks, Uptime Kuma push) pinged while running, or empty."""
    heartbeat_minutes: float = 5.0
    """Minutes between two pings; the service should allow a little more before it raises the alarm."""


@dataclass(frozen=True)
class FatigueWatch:
    """Signs of fatigue in the session, and when they lead to an offer of rest and a slower scan."""

    __pydantic_config__ = STRICT

    enabled: bool = True
    window: int = 8
    """Selections looked at (the most recent)."""
    max_misses: int = 3
    """Misses in a full window that count as tiredness: a submenu left by Back within
    `undo_seconds` with nothing chosen in it, or a full pass of a menu without a press (a
    Back after a phrase or an action is navigation, not a miss)."""
    undo_seconds: float = 5.0
    slowdown: float = 1.5
    """Presses this much slower (median, relative to the highlight) than early in the session."""
    cooldown_minutes: float = 20.0
    """After an offer, no new offer for this long."""


class ThemeName(StrEnum):
    """The bedside window's colours: two high-contrast themes, or the caregiver's own."""

    YELLOW_ON_BLACK = "yellow-on-black"
    BLACK_ON_WHITE = "black-on-white"
    CUSTOM = "custom"


@dataclass(frozen=True)
class ThemeColors:
    """A custom theme's colours, as #rrggbb (see README: The bedside window)."""

    __pydantic_config__ = STRICT

    background: str = "#000000"
    text: str = "#ffffff"
    highlight: str = "#ffff00"
    """The highlighted cell's fill (the highlight inverts the cell)."""
    highlight_text: str = "#000000"
    """Text on the highlighted cell."""
    frame: str = "#00ffff"
    """The thick frame around the highlighted cell (never colour alone)."""


@dataclass(frozen=True)
class WindowWords:
    """What the bedside window writes itself; caregivers may reword or translate it."""

    __pydantic_config__ = STRICT

    screen_alert: str = "Calling for help"
    """The call for help's screen, until the caregiver's channels have been told."""
    help_coming: str = "Help is on the way"
    """The call for help's screen once they have."""
    screen_alert_stop: str = "Press or Esc to stop"
    """Under it: how the user or the caregiver ends the call."""
    screen_rest: str = "Resting — press to end the rest"
    """The rest screen, under the countdown."""
    rest_over: str = "Rest over — press when you are ready"
    saying: str = "Saying"
    """The caption of the area that shows what the main voice says."""
    more_above: str = "▲ {count} more above"
    more_below: str = "▼ {count} more below"
    """A long menu shown a page at a time: how many items are off this page."""
    notice_warning: str = "Warning"
    notice_error: str = "Error"
    """Words before a warning's or an error's text (with a symbol: never colour alone)."""
    state_scanning: str = "scanning"
    state_waiting: str = "waiting for a press"
    state_held: str = "holding"
    state_hold_ready: str = "release to select"
    state_idle: str = "paused — press to go on"
    """The scan's state in the status line."""
    voice: str = "Voice: {state}"
    """The voice commands' state in the status line ({state}: one of the states below)."""
    voice_loading: str = "loading"
    voice_listening: str = "listening"
    voice_asleep: str = "asleep"
    voice_microphone_lost: str = "microphone lost"
    voice_unavailable: str = "unavailable"
    page: str = "Page {url}"
    """The caregiver page's address in the status line."""
    page_code: str = "code {code}"
    """After it, while it listens on the home network: the one-time pairing code."""


@dataclass(frozen=True)
class DisplaySettings:
    """How the bedside window looks and which layout menus get."""

    __pydantic_config__ = STRICT

    theme: ThemeName = ThemeName.YELLOW_ON_BLACK
    colors: ThemeColors = field(default_factory=ThemeColors)
    """Used when `theme` is custom."""
    frame_width: int = 10
    """Pixels of the highlighted cell's frame."""
    font_scale: float = 1.0
    """Multiplies every text size (1 = readable from 2 m on a 24-inch screen)."""
    columns: int = 1
    """Cells per row for menus that do not set their own `columns` (1 = a list)."""
    mouse: bool = True
    """A click or tap on a cell selects it."""
    dwell_indicator: bool = True
    """A bar that fills while an item is highlighted."""
    full_screen: bool = True
    """Open the window full screen (Ctrl+Shift+F leaves and enters it)."""
    words: WindowWords = field(default_factory=WindowWords)


@dataclass(frozen=True)
class CaregiverPage:
    """The caregiver's web page: edit menus and settings from a phone or this computer while
    the companion runs (changes here need a restart)."""

    __pydantic_config__ = STRICT

    enabled: bool = True
    """Serve the page while the companion runs (`run --no-page` leaves it off for one run)."""
    listen: str = "127.0.0.1"
    """The IP address the page listens on: 127.0.0.1 is this computer only; 0.0.0.0 is the
    home network too (then everyone signs in with the PIN or the pairing code)."""
    port: int = 8765
    """The port in the page's address (`http://ADDRESS:8765/`)."""


@dataclass(frozen=True)
class Settings:
    """All settings."""

    __pydantic_config__ = STRICT

    scanning: Scanning = field(default_factory=Scanning)
    messages: Messages = field(default_factory=Messages)
    speech: Speech = field(default_factory=Speech)
    switches: Switches = field(default_factory=Switches)
    voice_commands: bool = False
    """Listen for voice commands (off by default: weak speech is often misheard)."""
    commands: Commands = field(default_factory=Commands)
    """The global voice command words."""
    listening: Listening = field(default_factory=Listening)
    """How voice commands are heard."""
    rest: RestPacing = field(default_factory=RestPacing)
    check_ins: CheckIns = field(default_factory=CheckIns)
    help: HelpCall = field(default_factory=HelpCall)
    fatigue: FatigueWatch = field(default_factory=FatigueWatch)
    pacing: Pacing = Pacing.ASK
    """What to do when the user's recent presses call for another timing in the current mode
    (auto and hold-to-scan: the interval; press and hold: the long press): `ask` the user,
    change it and say so (`auto`), or nothing (`off`)."""
    display: DisplaySettings = field(default_factory=DisplaySettings)
    caregiver_page: CaregiverPage = field(default_factory=CaregiverPage)

    def with_scanning(self, **changes: object) -> Settings:
        """A copy with some scanning fields changed."""
        return replace(self, scanning=replace(self.scanning, **changes))  # type: ignore[arg-type]
