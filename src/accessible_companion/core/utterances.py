"""Bookkeeping of what the companion says: utterance ids, what is still sounding, the main
phrases not yet finished (care waits for them; so does the next dwell), and the last main
phrase (for `repeat`). Pure: the speech adapter reports ends as events.

The main voice keeps up with the user (README: Speech): a newly chosen phrase cuts the one
being said and drops any waiting (`cut_main`), so the room hears what the user chose last,
never a queue of earlier choices, and a cue waits behind at most that one phrase. Other
main-voice sounds (a selection's earcon, the companion's short messages) cut nothing and
wait their turn. The call for help cuts everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from .effects import Speak, StopMain, Voice
from .pacing import SPEECH_PAD, estimate_seconds
from .settings import Speech


class Utterances:
    """Makes `Speak` effects and remembers them until their end is reported."""

    def __init__(self, speech: Speech) -> None:
        self._speech = speech
        self._next = 1
        self._speaking: dict[int, tuple[Voice, str, float]] = {}
        """Utterance -> (voice, text, length of its recording or 0)."""
        self._main_pending: set[int] = set()
        self._last: tuple[str, str, float] = ("", "", 0.0)

    def use(self, speech: Speech) -> None:
        """Speech settings from a new config (rates, for the dwell's estimates)."""
        self._speech = speech

    @property
    def last_main(self) -> str:
        """The last phrase said to the room, for `repeat`."""
        return self._last[0]

    def speak(
        self,
        voice: Voice,
        text: str,
        earcon: str = "",
        sound: str = "",
        seconds: float = 0.0,
        remember: bool = True,
    ) -> Speak:
        """Say `text` (after `earcon`) with `voice`, under a new utterance id; or play the
        recording `sound` (`seconds` long, 0 if not known) instead, `text` if it cannot be.
        `remember`: a main phrase is the one `repeat` says again."""
        if voice == "main" and text and remember:
            self._last = (text, sound, seconds)
        utterance = self._next
        self._next += 1
        self._speaking[utterance] = (voice, text, seconds if sound else 0.0)
        if voice == "main":
            self._main_pending.add(utterance)
        return Speak(utterance, voice, text, earcon, sound)

    def repeat_main(self) -> Speak:
        """The last phrase said to the room again, from its recording if it had one."""
        text, sound, seconds = self._last
        return self.speak("main", text, sound=sound, seconds=seconds)

    def cut_main(self) -> list[StopMain]:
        """Before a newly chosen phrase or the call for help: silence the main voice if it has
        anything left to say. What it was saying counts as ended now (the adapter's late
        reports of the cut change nothing), so the next dwell waits only for what follows."""
        if not self._main_pending:
            return []
        self.ended(list(self._main_pending))
        return [StopMain()]

    def sound(self, voice: Voice, text: str, earcon: str) -> list[Speak]:
        """Speak `text` after `earcon`, leaving out an earcon whose volume is 0; [] if nothing is left."""
        if earcon and getattr(self._speech.earcons, earcon) <= 0:
            earcon = ""
        return [self.speak(voice, text, earcon)] if text or earcon else []

    def ended(self, utterances: Iterable[int]) -> None:
        """These utterances finished (or were given up on)."""
        for utterance in list(utterances):
            self._speaking.pop(utterance, None)
            self._main_pending.discard(utterance)

    @property
    def main_pending(self) -> bool:
        """A phrase to the room is still being said."""
        return bool(self._main_pending)

    def sounding(self, utterance: int | None) -> bool:
        return utterance in self._speaking

    def awaited(self, cue: int | None) -> tuple[set[int], float]:
        """What a dwell must wait for (the main phrases pending, and `cue` while it sounds),
        with a rough estimate of how long they take to say."""
        waiting = set(self._main_pending)
        if cue is not None and cue in self._speaking:
            waiting.add(cue)
        spoken = sum(
            max(estimate_seconds(text, self._rate(voice)), SPEECH_PAD + recorded)
            for utterance, (voice, text, recorded) in self._speaking.items()
            if utterance in waiting
        )
        return waiting, spoken

    def now_saying(self) -> str:
        """The text being said, for the display: the latest main phrase, else the latest cue."""
        texts = [(voice, text) for voice, text, _ in self._speaking.values() if text]
        mains = [text for voice, text in texts if voice == "main"]
        return mains[-1] if mains else texts[-1][1] if texts else ""

    def _rate(self, voice: Voice) -> int:
        return (self._speech.cue if voice == "cue" else self._speech.main).rate
