"""Commands that matter are said twice (issue 14): a television or a visitor saying "help"
once must not call for help, start a rest or turn voice off.

Pure: the companion asks it what to do with each command heard and acts on the answer.
The first hearing of a command in `listening.confirm` is only asked about ("Help? Say help
again."); the same command heard again within `listening.confirm_seconds` is done; anything
else heard, a press, or the time running out drops it, quietly (a drop that spoke would be
one more sound a television could cause).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Asked:
    """A command heard once, waiting to be said again."""

    what: str
    """Which command or item: the same thing heard again confirms it (any of its words)."""
    words: str
    """The words heard, for the question."""
    until: float
    """Heard again by then, it is done."""
    text: str
    """The question as said and shown."""
    utterance: int = -1
    """The question's utterance: the time to answer counts from when it has been said."""


class Confirming:
    """What is waiting for a second hearing, if anything."""

    def __init__(self) -> None:
        self.asked: Asked | None = None

    def hear(self, what: str, needs: bool, now: float) -> bool:
        """Whether `what`, heard at `now`, is done now. Whatever it is, an earlier question
        is answered (done if it was the same) or dropped."""
        asked, self.asked = self.asked, None
        if asked is not None and asked.what == what and now <= asked.until:
            return True
        return not needs

    def ask(self, what: str, words: str, now: float, seconds: float, template: str) -> str:
        """Wait for `what` to be said again; returns the question to say and show."""
        text = template.replace("{words}", words)
        text = text[:1].upper() + text[1:]
        self.asked = Asked(what, words, now + seconds, text)
        return text

    def saying(self, utterance: int, seconds: float, now: float) -> None:
        """The question is being said as `utterance`: until it ends (`said`), the time to
        answer is `seconds` after a generous guess of its end (speech never reported ends)."""
        if self.asked is not None:
            self.asked = replace(self.asked, utterance=utterance, until=now + seconds)

    def said(self, utterance: int, now: float, seconds: float) -> None:
        """An utterance ended: if it was the question, the `seconds` to answer start now (a
        question that takes 4 s to say must not eat the time to answer it)."""
        if self.asked is not None and self.asked.utterance == utterance:
            self.asked = replace(self.asked, until=now + seconds)

    def expire(self, now: float) -> Asked | None:
        """The question dropped because its time ran out at `now`, if so."""
        if self.asked is not None and now > self.asked.until:
            asked, self.asked = self.asked, None
            return asked
        return None

    def drop(self) -> Asked | None:
        """Something else happened (a press): the question is dropped."""
        asked, self.asked = self.asked, None
        return asked

    def deadline(self) -> float | None:
        """When the question runs out (just after: it is still open at `until`)."""
        return None if self.asked is None else self.asked.until + 1e-3
