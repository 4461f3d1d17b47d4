"""Words the bedside board shows that `Messages` (core/settings.py) does not have yet.

PROPOSED MESSAGES: every field here is meant to move into `Messages` under the same name, so
that a caregiver can reword or translate it; until then the board uses these defaults. The
board takes the rest of its words from `Messages` itself (`help`, `rest_over`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoardWords:
    """The board's own words (PROPOSED MESSAGES: move into `Messages`)."""

    screen_alert: str = "Calling for help"
    """The call for help's screen, before the caregiver's channels have been told."""
    screen_alert_stop: str = "Press or Esc to stop"
    """Under it: how the user or the caregiver ends the call."""
    screen_rest: str = "Resting — press to end the rest"
    """The rest screen, under the countdown."""
    saying: str = "Saying"
    """The caption of the area that shows what the main voice says."""
    more_above: str = "▲ {count} more above"
    more_below: str = "▼ {count} more below"
    """A long menu shown a page at a time: how many items are off this page."""
    notice_warning: str = "Warning"
    notice_error: str = "Error"
    """Words before a warning's or an error's text (with a symbol: never colour alone)."""
    voice: str = "Voice: {state}"
    """The voice commands' state in the status line ({state}: one of the states below)."""
    voice_loading: str = "loading"
    voice_listening: str = "listening"
    voice_asleep: str = "asleep"
    voice_microphone_lost: str = "microphone lost"
    voice_unavailable: str = "unavailable"
