"""The care parts of the core: active time, times of day, rests, alerts, and the menus the
companion makes itself (offers of rest, check-in questions). Pure: times come in as `now`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .menus import Action, Item, Menu
from .pace import PaceChange
from .settings import CheckIns, Messages, RestPacing

DAY = 24 * 60 * 60

# Ids of the menus the companion makes; `~` cannot start a caregiver's menu id.
REST_OFFER = "~rest-offer"
CHECK_IN = "~check-in"
FOLLOW_UP = "~follow-up-"


APPEARING_GUARD = 0.8
"""Seconds after the companion opens something on its own (an offer, a check-in, an alert,
a rest's start or end) in which a press that begins is ignored. A press is a reaction to
what was there before until the user has had a reaction time to see or hear the new thing:
the simulated tired user of issue 13 reacts in a median 0.55 s, growing to 0.88 s within an
hour, and an offer that opened 0.52 s before such a press took it as its answer. 0.8 s
covers most of those reactions and still leaves the first item (highlighted for at least
the interval and the first-item extra) time to be chosen on purpose."""


def is_made_menu(menu_id: str) -> bool:
    """True for the menus the companion makes (offers, check-in questions)."""
    return menu_id.startswith("~")


def minutes_of(text: str) -> int:
    """Minutes after midnight of "HH:MM" (24 h); ValueError when it is not one."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"'{text}' is not a time of day like 09:30")
    value = int(hours) * 60 + int(minutes)
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"'{text}' is not a time of day like 09:30")
    return value


def next_time(times: tuple[str, ...], now: float, day_offset: float | None) -> float | None:
    """The loop-clock time of the next of `times` strictly after `now`.

    `day_offset` turns the loop clock into local seconds since midnight
    ((now + day_offset) % DAY); None means the time of day is unknown.
    """
    if not times or day_offset is None:
        return None
    of_day = (now + day_offset) % DAY
    waits = [((minutes_of(t) * 60 - of_day) % DAY) or DAY for t in times]
    return now + min(waits)


class ActiveTime:
    """Time with interaction: the gaps between presses, each counted up to `gap` seconds."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.seconds = 0.0
        self._last: float | None = None

    def touch(self, now: float) -> None:
        """The user did something at `now`."""
        if self._last is not None:
            self.seconds += min(max(now - self._last, 0.0), self.gap)
        self._last = now

    def reset(self) -> None:
        """After a rest: count from zero."""
        self.seconds = 0.0
        self._last = None


@dataclass
class RestState:
    """A rest in progress."""

    started: float
    planned: float
    """Seconds."""
    halfway_said: bool = False

    @property
    def halfway(self) -> float:
        return self.started + self.planned / 2

    @property
    def end(self) -> float:
        return self.started + self.planned


@dataclass
class AlertState:
    """A call for help in progress."""

    number: int
    trigger: str
    """`hold`, `gesture`, `voice` or `menu`."""
    message: str
    """Said (and sent) until acknowledged."""
    raised: float
    cancel_until: float
    next_repeat: float
    level: str = "now"
    """`now` ("Help now": the alarm, every contact) or `need` ("I need something": quiet, the first)."""
    notified: bool = False
    """Its `Notify` went out to the caregiver's channels."""
    sent_at: float | None = None
    """When the call went out (the end of the cancel window): contacts count from here."""
    called: int = 0
    """Contacts called so far (in `help_channels` order)."""
    delivered: bool = False
    """... and a channel reported it delivered: help is on the way."""


def offer_menu(
    reason: str,
    rest: RestPacing,
    messages: Messages,
    text: str,
    scans: bool = True,
    pace: PaceChange | None = None,
) -> Menu:
    """The menu that offers a rest: not now first (a press that lands on the first item by
    mistake must do no harm), a slower scan when tired where there is a scan (`scans`: the
    interval moves the highlight; in press-hold and step it is never used), the lengths.
    Pacing's question (`reason` pace) is the same menu with only not now and yes."""
    items = [Item(messages.not_now, action=Action.SNOOZE)]
    if reason == "pace" and pace is not None:
        action = Action.SLOWER if pace.slower else Action.FASTER
        items.append(Item(messages.pace_yes.format(seconds=f"{pace.value:g}"), action=action))
        return Menu(REST_OFFER, text, tuple(items))
    if reason == "fatigue" and scans:
        items.append(Item(messages.scan_slower, action=Action.SLOWER))
    items += [
        Item(
            messages.rest_choice.format(minutes=f"{minutes:g}"),
            action=Action.REST,
            minutes=minutes,
        )
        for minutes in rest.choices_minutes
    ]
    return Menu(REST_OFFER, text, tuple(items))


def scale_value(answer_index: int, scale: tuple[str, ...]) -> float | None:
    """An answer's place on 0-10: the number itself, or the word's rank spread over 0-10."""
    answer = scale[answer_index]
    try:
        return float(answer)
    except ValueError:
        pass
    if len(scale) < 2:
        return None
    return round(answer_index * 10 / (len(scale) - 1), 1)


def check_in_menus(check_ins: CheckIns, messages: Messages) -> dict[str, Menu]:
    """The check-in question and its follow-ups, as menus whose items are the answers."""
    menus = {
        CHECK_IN: Menu(
            CHECK_IN,
            check_ins.question,
            tuple(Item(answer, action=Action.CHECK_IN, answer=answer) for answer in check_ins.scale),
        )
    }
    for number, follow_up in enumerate(check_ins.follow_ups):
        answers = [Item(a, action=Action.CHECK_IN, answer=a) for a in follow_up.answers]
        answers.append(Item(messages.skip, action=Action.CHECK_IN, answer=""))
        menus[f"{FOLLOW_UP}{number}"] = Menu(f"{FOLLOW_UP}{number}", follow_up.question, tuple(answers))
    return menus
