"""The allowed range of every number a caregiver can set, in one table.

Keyed by the setting's dotted path as written in YAML under `settings:`. The config loader
checks files against it, the core clamps run-time changes (slower, faster) with it, and the
command line states the interval's range from it, so none of them can disagree. Each row
says its unit and what the setting means in plain words, for a settings page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """An inclusive range, its unit, and what the setting means."""

    low: float
    high: float
    unit: str
    """`s`, `minutes`, `passes`, `x` (a factor), `wpm`, `0-1` (a share), ...; "" for a plain count."""
    meaning: str


def _voice(voice: str, who: str) -> dict[str, Limit]:
    return {
        f"speech.{voice}.volume": Limit(0, 1, "0-1", f"How loud {who} speaks."),
        f"speech.{voice}.rate": Limit(50, 500, "wpm", f"How fast {who} speaks, in words per minute."),
        f"speech.{voice}.pitch": Limit(0, 100, "", f"How high {who} speaks (50 is the voice's own)."),
    }


def _earcon(name: str, what: str) -> dict[str, Limit]:
    return {f"speech.earcons.{name}": Limit(0, 1, "0-1", f"Volume of the tone {what} (0 is off).")}


LIMITS: dict[str, Limit] = {
    "scanning.interval": Limit(0.25, 10.0, "s", "How long an item stays highlighted."),
    "scanning.first_item_extra": Limit(
        0.0, 5.0, "s", "Extra time on the first item of a menu and after each selection."
    ),
    "scanning.loops": Limit(1, 20, "passes", "Passes without a press before scanning stops and waits."),
    "scanning.acceptance": Limit(0.0, 2.0, "s", "Shorter presses are ignored (tremor, bumps)."),
    "scanning.debounce": Limit(0.0, 2.0, "s", "Presses starting this soon after a release are ignored."),
    "scanning.long_press": Limit(0.2, 5.0, "s", "A hold this long selects (press-hold and step modes)."),
    "scanning.post_selection_pause": Limit(
        0.0, 5.0, "s", "Presses and clicks right after a selection are ignored."
    ),
    "scanning.speed_step": Limit(1.05, 2.0, "x", "Slower multiplies the interval by this; faster divides."),
    "scanning.row_loops": Limit(
        1, 10, "passes", "In a grid: passes through a row without a press before going back to the rows."
    ),
    **_voice("cue", "the quiet prompt voice"),
    **_voice("main", "the voice that speaks to the room"),
    **_earcon("highlight", "on each move of the highlight"),
    **_earcon("select", "when a selection is made"),
    **_earcon("back", "when going back one menu"),
    **_earcon("idle", "when scanning stops and waits"),
    **_earcon("error", "when a part fails"),
    **_earcon("alert", "before a call for help"),
    "listening.min_confidence": Limit(0.0, 1.0, "0-1", "How sure every word of a command must be heard."),
    "listening.min_margin": Limit(
        0.0, 20.0, "", "How far a command must lead the next likeliest reading of the same sound."
    ),
    "listening.unsure_margin": Limit(
        0.0, 20.0, "", "How far a phrase heard unsure must lead on a second reading to count (0: never)."
    ),
    "listening.busy_margin": Limit(
        0.0, 20.0, "", "How far a command must lead the next likeliest reading in a room busy with talk."
    ),
    "listening.min_seconds": Limit(0.0, 2.0, "s", "Shorter sounds are a click or a breath, not a command."),
    "listening.min_voiced": Limit(
        0.0, 1.0, "0-1", "Least share of a command that must be voiced (0: off, for a whispering user)."
    ),
    "listening.mute_tail": Limit(
        0.0, 3.0, "s", "After the companion stops speaking, the microphone is not heard this long."
    ),
    "listening.end_silence": Limit(0.1, 2.0, "s", "Quiet that ends a command."),
    "listening.no_audio_seconds": Limit(
        1.0, 60.0, "s", "No audio at all this long: the microphone is lost and reopened."
    ),
    "listening.muted_seconds": Limit(
        5.0, 3600.0, "s", "Only exact silence this long: the microphone is muted, said once."
    ),
    "listening.confirm_seconds": Limit(
        2.0, 30.0, "s", "A command that matters is done if said again this soon after the first time."
    ),
    "rest.after_active_minutes": Limit(
        0, 600, "minutes", "Offer a rest after this much active time (0: never)."
    ),
    "rest.choices_minutes": Limit(0.05, 240, "minutes", "The rest lengths offered (each one)."),
    "rest.snooze_minutes": Limit(0.05, 240, "minutes", '"Not now" asks again after this long.'),
    "rest.active_gap_seconds": Limit(
        10, 3600, "s", "Time between two presses counts as active only up to this long."
    ),
    "help.hold_seconds": Limit(0.5, 10, "s", "A switch held this long calls for help."),
    "help.presses": Limit(2, 6, "presses", "In inverse mode, this many quick presses call for help."),
    "help.within_seconds": Limit(0.5, 5, "s", "... all within this long."),
    "help.cancel_seconds": Limit(0, 30, "s", "A press this soon after a call for help cancels it."),
    "help.repeat_seconds": Limit(3, 120, "s", "The chime and message repeat this often until answered."),
    "help.notify_timeout": Limit(1, 120, "s", "How long a notification may take before it is tried again."),
    "help.notify_retries": Limit(1, 10, "tries", "How often a notification is tried."),
    "help.heartbeat_minutes": Limit(
        0.01, 1440, "minutes", "How often the companion tells the heartbeat service it is running."
    ),
    "fatigue.window": Limit(3, 50, "selections", "Recent selections looked at for signs of fatigue."),
    "fatigue.max_misses": Limit(1, 50, "misses", "Misses in that window that count as tiredness."),
    "fatigue.undo_seconds": Limit(1, 30, "s", "Back this soon after a selection counts as a miss."),
    "fatigue.slowdown": Limit(
        1.1, 5, "x", "Presses this much slower than early in the session show tiredness."
    ),
    "fatigue.cooldown_minutes": Limit(
        1, 600, "minutes", "After an offer of rest, no new offer for this long."
    ),
    "display.frame_width": Limit(2, 40, "px", "Thickness of the frame around the highlighted cell."),
    "display.font_scale": Limit(0.5, 3.0, "x", "Multiplies every text size in the window."),
    "display.columns": Limit(1, 8, "cells", "Cells per row for menus without their own columns (1: a list)."),
    "caregiver_page.port": Limit(
        1024, 65535, "port", "The port in the caregiver page's address (http://ADDRESS:PORT/)."
    ),
}
"""Every ranged setting. Numbers keep the type they are shown with (0 vs 0.0) in problems."""


def clamp(path: str, value: float) -> float:
    """`value` moved into the allowed range of the setting at `path`."""
    limit = LIMITS[path]
    return min(max(value, limit.low), limit.high)
