"""Care over the scan (see README: Rest, check-ins and the call for help): offers of rest,
rests, check-in questions, the call for help and signs of fatigue. Pure: time comes in as
`now`; the pieces it is built from (active time, set times, menus it asks with) are in
`care.py`.

Care stops and starts the scan through the scanner's methods and reads it only as values
(`calm()`, `holds()`, `menu_id`, `rules`), never its inner state.
"""

from __future__ import annotations

from .care import (
    APPEARING_GUARD,
    CHECK_IN,
    FOLLOW_UP,
    REST_OFFER,
    ActiveTime,
    AlertState,
    RestState,
    is_made_menu,
    next_time,
    offer_menu,
    scale_value,
)
from .effects import AlertRaised, Effect, Idle, Notify, NotifyContact, Record, StopCue
from .fatigue import FatigueTracker
from .menus import Action, Item
from .pace import PaceChange, suggest
from .records import Alert, CheckIn, FatigueSignal, Rest, RestOffered
from .scanner import Scanner
from .settings import Channel, Messages, Pacing, Settings, help_channels
from .utterances import Utterances
from .view import Shown


class Care:
    """Rests, check-ins, the call for help and fatigue, for one session."""

    def __init__(
        self,
        scanner: Scanner,
        utterances: Utterances,
        shown: Shown,
        day_offset: float | None,
    ) -> None:
        """`day_offset` turns the loop clock into local seconds since midnight (None: unknown,
        so nothing happens at set times)."""
        self._scanner = scanner
        self._speech = utterances
        self._shown = shown
        self._day_offset = day_offset
        settings = self._settings
        self._active = ActiveTime(settings.rest.active_gap_seconds)
        self._snoozed_until = -float("inf")
        self._offer_reason = ""
        """Why the open offer of rest was made, until it is answered."""
        self._rest: RestState | None = None
        self._alert: AlertState | None = None
        self._alerts = 0
        self._gesture: list[float] = []
        """When the recent presses began (for the help gesture)."""
        self._fatigue = FatigueTracker(settings.fatigue)
        self.configured = settings
        """The caregiver's settings: pacing never makes a timing faster than these."""
        self._pace_offer: PaceChange | None = None
        """The timing the open offer proposes, until it is answered."""
        self._pace_quiet_until = -float("inf")
        self._next_reminder: float | None = None
        self._next_check_in: float | None = None
        self._reminder_due = False
        self._check_in_due = False

    @property
    def _settings(self) -> Settings:
        return self._scanner.settings

    def start(self, now: float) -> None:
        settings = self._settings
        self._next_reminder = next_time(settings.rest.reminders, now, self._day_offset)
        self._next_check_in = next_time(settings.check_ins.times, now, self._day_offset)

    # What the rest of the core reads.

    @property
    def state(self) -> str:
        """`alert` or `resting` (the scan is stopped meanwhile), or "" when care is quiet."""
        return "alert" if self._alert is not None else "resting" if self._rest is not None else ""

    @property
    def rest_until(self) -> float | None:
        """When the rest in progress ends (loop clock)."""
        return self._rest.end if self._rest is not None else None

    @property
    def help_on_the_way(self) -> bool:
        """A call for help is on and a channel has reported its notification delivered."""
        return self._alert is not None and self._alert.delivered

    def delivered(self) -> None:
        """A notification was delivered: it was for the alert on now if its `Notify` went out
        (a late report of an earlier alert's is taken for this one's: both were sent)."""
        if self._alert is not None and self._alert.notified:
            self._alert.delivered = True

    def listened_for(self) -> set[str]:
        """In a rest or an alert only a few commands are listened for (empty: all of them)."""
        if self._alert is not None:
            return {"stop"}
        if self._rest is not None:
            return {"resume", "help"}
        return set()

    def deadlines(self) -> list[float]:
        found = [self._next_reminder, self._next_check_in, self._help_hold_deadline()]
        if self._rest is not None:
            found.append(self._rest.end if self._rest.halfway_said else self._rest.halfway)
        if self._alert is not None:
            found.append(self._alert.next_repeat)
            if not self._alert.notified:
                found.append(self._alert.cancel_until)
            found.append(self._next_contact_time())
        return [time for time in found if time is not None]

    # What the user did.

    def touch(self, now: float) -> None:
        """The user did something: active time goes on."""
        self._active.touch(now)

    def pressed(self, now: float) -> list[Effect] | None:
        """A press in an alert or a rest ends it; None: care has no use for the press."""
        if self._alert is not None:
            return self.end_alert(now, "user")
        if self._rest is not None:
            return self.end_rest(now, "user")
        return None

    def gestured(self, now: float) -> bool:
        """A press that went down at `now` (and passed acceptance) completes the help gesture
        (quick presses in a row)."""
        help_call = self._settings.help
        self._gesture = [t for t in self._gesture if now - t <= help_call.within_seconds] + [now]
        if len(self._gesture) >= help_call.presses:
            self._gesture.clear()
            return True
        return False

    def selected(
        self, back: bool, now: float, reaction: float | None, passes: int, submenu: bool = False
    ) -> bool:
        """An item was selected (`back`: a Back item; `submenu`: one that opens a menu),
        `passes` full passes after its menu began, `reaction` seconds after its highlight.
        True when it was a Back that undid the submenu just chosen (a miss)."""
        if back:
            return self._fatigue.backed(now)
        # Passes that went by before this choice were misses: the user wanted something
        # here. Passes before the scan stopped by itself are not: nobody may be there.
        for _ in range(min(passes, self._settings.fatigue.window)):
            self._fatigue.missed_pass()
        self._fatigue.selected(now, reaction, submenu)
        return False

    def act(self, item: Item, now: float) -> list[Effect]:
        """The care actions: help, check-in, rest, not now."""
        if item.action is Action.HELP:
            return self.raise_alert("menu", now, item.say)
        if item.action is Action.NEED:
            return self.raise_alert("menu", now, item.say, level="need")
        if item.action is Action.CHECK_IN:
            return self._checked_in(item, now)
        if item.action is Action.REST:
            return self._start_rest(item.minutes, now)
        return [*self.answer_offer(taken=False, now=now), *self._scanner.leave_made(now)]

    # Time.

    def tick(self, now: float) -> list[Effect]:
        """Deadlines of care: set times, a hold for help, a rest's cues and end, the alert."""
        settings = self._settings
        if self._next_reminder is not None and now >= self._next_reminder:
            self._reminder_due = True
            self._next_reminder = next_time(settings.rest.reminders, now, self._day_offset)
        if self._next_check_in is not None and now >= self._next_check_in:
            self._check_in_due = True
            self._next_check_in = next_time(settings.check_ins.times, now, self._day_offset)
        alarm = self.hold_overdue(now)
        if alarm:
            return alarm
        if self._rest is not None:
            if now >= self._rest.end:
                return self.end_rest(now, "time")
            if now >= self._rest.halfway and not self._rest.halfway_said:
                self._rest.halfway_said = True
                return [self._speech.speak("cue", settings.messages.rest_half)]
        return self._alert_tick(now)

    def due(self, now: float) -> list[Effect]:
        """Questions and offers whose time has come, asked at a calm moment: no rest or alert,
        a caregiver's menu, nothing held (and, the companion checks, no phrase being said)."""
        if self.state or not self._scanner.calm():
            return []
        if self._check_in_due:
            self._check_in_due = False
            effects = self._begin_check_in(now)
            self._scanner.appeared(now, APPEARING_GUARD)
            return effects
        if self._reminder_due:
            self._reminder_due = False
            return self._offer("scheduled", now)
        sign = self._fatigue.due(now)
        if sign is not None:
            record = Record(FatigueSignal(sign.kind, sign.value, sign.threshold))
            return [record, *self._offer("fatigue", now)]
        change = self._pace_due(now)
        if change is not None:
            if self._settings.pacing is Pacing.AUTO:
                self._scanner.times.fresh()
                return self._scanner.set_timing(change.setting, change.value, "auto")
            self._pace_offer = change
            return self._offer("pace", now)
        rest = self._settings.rest
        if 0 < rest.after_active_minutes * 60 <= self._active.seconds and now >= self._snoozed_until:
            return self._offer("active", now)
        return []

    # Pacing.

    def _pace_due(self, now: float) -> PaceChange | None:
        """A timing the user's recent presses call for, when pacing may act on it now."""
        if self._settings.pacing is Pacing.OFF or now < self._pace_quiet_until:
            return None
        return suggest(self._scanner.times, self._settings, self.configured)

    def answer_pace(self, action: Action, now: float) -> list[Effect]:
        """Yes to the slower (or faster) timing offered: the one pacing measured, or where
        none was (an offer of rest on signs of fatigue), a step slower."""
        change, self._pace_offer = self._pace_offer, None
        effects = self.answer_offer(taken=False, now=now)
        scanner = self._scanner
        scanner.times.fresh()  # the presses from here on are at the new timing
        if change is not None:
            effects += scanner.set_timing(change.setting, change.value, "asked")
        else:
            effects += scanner.new_speed(action, "fatigue")
        return [*effects, *scanner.leave_made(now)]

    # Offers of rest, and rests.

    def _offer(self, reason: str, now: float) -> list[Effect]:
        settings = self._settings
        messages = settings.messages
        rules = self._scanner.rules
        scans = rules.moves_by_itself or rules.hold_moves  # where the interval is used
        if reason == "fatigue" and scans:
            # Offered with the interval the presses call for, if they call for a longer one.
            change = self._pace_due(now)
            self._pace_offer = change if change is not None and change.slower else None
        pace = self._pace_offer
        text = {
            "active": messages.rest_offer.format(minutes=f"{self._active.seconds / 60:.0f}"),
            "scheduled": messages.rest_reminder,
            "fatigue": messages.rest_tired if scans else messages.rest_tired_steady,
            "pace": _pace_question(pace, messages) if pace is not None else "",
        }[reason]
        self._scanner.add_menu(offer_menu(reason, settings.rest, messages, text, scans, pace))
        self._offer_reason = reason
        if reason == "pace":
            effects = [self._speech.speak("main", text), *self._scanner.enter(REST_OFFER, now)]
            self._scanner.appeared(now, APPEARING_GUARD)
            return effects
        # An offer left unanswered is not made again at once.
        self._snoozed_until = now + settings.rest.snooze_minutes * 60
        effects = [self._speech.speak("main", text), *self._scanner.enter(REST_OFFER, now)]
        self._scanner.appeared(now, APPEARING_GUARD)
        return effects

    def answer_offer(self, taken: bool, now: float) -> list[Effect]:
        """The open offer of rest was taken or put off (nothing if none is open)."""
        reason, self._offer_reason = self._offer_reason, ""
        if self._pace_offer is not None:
            # The timing offered was not taken: it is not offered again for a while.
            self._pace_offer = None
            self._pace_quiet_until = now + self._settings.fatigue.cooldown_minutes * 60
        if reason in ("", "pace"):
            return []  # a question about timing, not an offer of rest
        if not taken:
            self._snoozed_until = now + self._settings.rest.snooze_minutes * 60
        return [Record(RestOffered(reason, taken))]

    def _start_rest(self, minutes: float | None, now: float) -> list[Effect]:
        if minutes is None:
            choices = self._settings.rest.choices_minutes
            minutes = choices[len(choices) // 2] if choices else 15.0
        effects = self.answer_offer(taken=True, now=now)
        self._scanner.drop_made()
        self._rest = RestState(now, minutes * 60)
        self._active.reset()
        self._scanner.stop()
        self._scanner.appeared(now, APPEARING_GUARD)  # the tail of the choice does not end it
        text = self._settings.messages.rest.format(minutes=f"{minutes:g}")
        return [*effects, StopCue(), Idle(self._scanner.menu_id, "rest"), self._speech.speak("main", text)]

    def end_rest(self, now: float, by: str) -> list[Effect]:
        """`by` the user (a press, the resume words), `time`, or `help` (an alert took over)."""
        rest, self._rest = self._rest, None
        if rest is None:
            return []
        lasted = min(now - rest.started, rest.planned)
        record = Record(Rest(rest.planned, round(lasted, 1), by))
        messages = self._settings.messages
        self._scanner.times.fresh(rested=True)  # the presses from here on show how they are now
        if by == "time":
            effects = [record, *self._scanner.idle_now(now, "rest", messages.rest_over)]
            self._scanner.appeared(now, APPEARING_GUARD)  # a press under way was not for this
            return effects
        if by == "user":
            return [record, self._speech.speak("main", messages.rested), *self._scanner.restart(now)]
        return [record]

    # Check-ins.

    def _begin_check_in(self, now: float) -> list[Effect]:
        question = self._speech.speak("main", self._settings.check_ins.question)
        return [question, *self._scanner.enter(CHECK_IN, now)]

    def _checked_in(self, item: Item, now: float) -> list[Effect]:
        scanner = self._scanner
        menu = scanner.menu_id
        if not item.answer and not is_made_menu(menu):
            return self._begin_check_in(now)  # "check in" from a menu: ask the question
        check_ins = self._settings.check_ins
        effects: list[Effect] = []
        if item.answer:
            value = scale_value(scanner.index, check_ins.scale) if menu == CHECK_IN else None
            effects.append(Record(CheckIn(scanner.menu.title, item.answer, value)))
            said = item.say or self._settings.messages.check_in.format(answer=item.answer)
            effects.append(self._speech.speak("main", said))
        if not is_made_menu(menu):
            return [*effects, *scanner.restart(now)]
        number = 0 if menu == CHECK_IN else int(menu.removeprefix(FOLLOW_UP)) + 1
        if number < len(check_ins.follow_ups):
            question = self._speech.speak("main", check_ins.follow_ups[number].question)
            return [*effects, question, *scanner.enter(f"{FOLLOW_UP}{number}", now, replace=True)]
        return [*effects, *scanner.leave_made(now)]

    # The call for help.

    def _help_hold_deadline(self) -> float | None:
        """When a switch held now calls for help: a very long hold, where a hold does not
        move the scan (in a rest nothing moves, so there every mode's hold calls)."""
        if self._alert is not None:
            return None
        hold_calls = self._scanner.rules.hold_calls_help or self._rest is not None
        times = [
            since + self._settings.help.hold_seconds
            for switch, since in self._scanner.holds()
            if switch != 1 or hold_calls
        ]
        return min(times) if times else None

    def hold_overdue(self, now: float) -> list[Effect]:
        """Call for help if a switch has been held long enough by `now`. Also asked at a
        release: a hold made while the process was stalled reaches the core with no tick
        between its down and its up, and must still call for help rather than select."""
        deadline = self._help_hold_deadline()
        if deadline is None or now < deadline:
            return []
        self._scanner.spend_holds()
        return self.raise_alert("hold", now)

    def raise_alert(self, trigger: str, now: float, message: str = "", level: str = "now") -> list[Effect]:
        """Call for help (`trigger`: hold, gesture, voice or menu); once, until it ends.
        `level` `now` ("Help now"): the alarm, every contact in turn; `need` ("I need
        something"): said quietly on the cue voice, no alarm, the first contact only."""
        if self._alert is not None:
            return []
        effects = self.end_rest(now, "help")
        help_call = self._settings.help
        messages = self._settings.messages
        message = message or (messages.need_call if level == "need" else messages.help_call)
        self._alerts += 1
        self._alert = AlertState(
            self._alerts,
            trigger,
            message,
            raised=now,
            cancel_until=now + help_call.cancel_seconds,
            next_repeat=now + help_call.repeat_seconds,
            level=level,
        )
        self._scanner.stop()
        # A press under way began before the alarm: it was not meant to cancel it. The user
        # called (a hold, the gesture, a word, an item), so a cancel needs no more than the
        # pause after a choice: a false alarm must stay quick to stop.
        self._scanner.appeared(now, self._settings.scanning.post_selection_pause)
        # Never queued behind anything: it cuts whatever the main voice is saying.
        alarm: list[Effect] = [*self._speech.cut_main(), *self._call_sound(level, message)]
        shown = message
        if help_call.cancel_seconds > 0:
            # Say what is about to happen, and how to stop it: a false alarm frightens less
            # when the user hears it can still be undone.
            seconds = f"{help_call.cancel_seconds:g}"
            shown = self._settings.messages.help_cancel_window.format(seconds=seconds)
            alarm.append(self._speech.speak("main", shown))
        self._shown.show(shown)
        # Journaled now, not only at its end: a call for help cut short by a crash still shows.
        raised = Record(Alert(trigger, "", None, False, self._alerts, "raised", level))
        effects += [AlertRaised(self._alerts, trigger), raised, StopCue(), *alarm]
        if help_call.cancel_seconds <= 0:
            effects += self._notify(now)
        return effects

    def _call_sound(self, level: str, message: str) -> list[Effect]:
        """The alarm (earcon and message, main voice), or for "I need something" the message
        alone on the quieter cue voice: a need is not an emergency and must not sound like one.
        A cue voice in an earphone would tell nobody: then the main voice says it, without the alarm."""
        if level == "need":
            if self._settings.speech.in_room("cue"):
                return [self._speech.speak("cue", message)]
            return [self._speech.speak("main", message)]
        return list(self._speech.sound("main", message, "alert"))

    def _alert_tick(self, now: float) -> list[Effect]:
        alert = self._alert
        if alert is None:
            return []
        effects: list[Effect] = []
        if not alert.notified and now >= alert.cancel_until:
            effects += self._notify(now)
        elif alert.notified:
            effects += self._escalate(now)
        if now >= alert.next_repeat:
            alert.next_repeat = now + self._settings.help.repeat_seconds
            effects += self._call_sound(alert.level, alert.message)
        return effects

    def _notify(self, now: float) -> list[Effect]:
        alert = self._alert
        if alert is None:
            return []
        alert.notified = True
        alert.sent_at = now
        notified = Record(Alert(alert.trigger, "", None, False, alert.number, "notified", alert.level))
        self._shown.show(alert.message)  # no longer "press to cancel": the call has gone out
        effects: list[Effect] = [Notify(alert.number, alert.message, alert.trigger), notified]
        if help_channels(self._settings.help):
            effects.append(self._speech.speak("main", self._settings.messages.help))
        return effects + self._escalate(now)

    def _reachable(self, level: str) -> tuple[Channel, ...]:
        """The channels a call of `level` goes to: all of them, or for a need the first."""
        channels = help_channels(self._settings.help)
        return channels[:1] if level == "need" else channels

    def _next_contact_time(self) -> float | None:
        alert = self._alert
        if alert is None or alert.sent_at is None:
            return None
        channels = self._reachable(alert.level)
        if alert.called >= len(channels):
            return None
        return alert.sent_at + channels[alert.called].contact.after_seconds

    def _escalate(self, now: float) -> list[Effect]:
        """Call every contact whose `after_seconds` has passed since the call went out (the
        alert is still on, so nobody has acknowledged it). Each is called once, in order, a
        failed one no different from a delivered one: the next is still called at its time."""
        alert = self._alert
        effects: list[Effect] = []
        while alert is not None:
            due = self._next_contact_time()
            if due is None or now < due:
                break
            index = alert.called
            contact = self._reachable(alert.level)[index].contact
            alert.called += 1
            messages = self._settings.messages
            effects.append(
                NotifyContact(
                    alert.number,
                    index,
                    contact.name,
                    alert.level,
                    alert.message,
                    alert.trigger,
                    messages.help_ack_link,
                    messages.help_ack_key,
                )
            )
            if index >= len(help_channels(self._settings.help)) - len(self._settings.help.contacts):
                # The older command and webhook have no person's name to show.
                self._shown.show(self._settings.messages.help_calling.format(name=contact.name))
        return effects

    def acknowledge(self, number: int, by: str, now: float) -> list[Effect]:
        """Somebody acknowledged alert `number` (a late one for an alert already over does nothing).
        The room hears who is coming: the user and anyone beside them know help is on its way."""
        if self._alert is None or self._alert.number != number:
            return []
        if not by:
            return self.end_alert(now, "link")
        return self.end_alert(now, by, self._settings.messages.help_coming.format(name=by))

    def end_alert(self, now: float, by: str, said: str = "") -> list[Effect]:
        """`by` the user (a press or the stop words), the `caregiver`'s key, or a contact's name
        (their link); `said`: what the room hears and sees instead of "alert stopped"."""
        alert, self._alert = self._alert, None
        if alert is None:
            return []
        cancelled = by == "user" and not alert.notified
        record = Alert(
            alert.trigger,
            "" if cancelled else by,
            None if cancelled else round(now - alert.raised, 1),
            cancelled,
            alert.number,
            "ended",
            alert.level,
        )
        messages = self._settings.messages
        self._shown.show(said)
        self._scanner.guard(now)
        text = said or (messages.help_cancelled if cancelled else messages.help_answered)
        return [Record(record), self._speech.speak("main", text), *self._scanner.restart(now)]


def _pace_question(change: PaceChange, messages: Messages) -> str:
    seconds = f"{change.value:g}"
    if change.setting == "interval":
        return (messages.pace_slower if change.slower else messages.pace_faster).format(seconds=seconds)
    template = messages.pace_longer_hold if change.slower else messages.pace_shorter_hold
    return template.format(seconds=seconds)
