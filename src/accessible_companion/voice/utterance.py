"""Cutting a stream into utterances, from per-frame speech decisions: pure rules, no audio.

A command is said on its own: quiet before it and after it. A piece of running talk (a
television, a visit, a phone call) is not, even when a short piece of it sounds like a
command word; so an utterance counts only when it is ISOLATED: quiet before it (1 s for a
first command, 0.4 s for the same command going on: `isolation`, `going_on`), `end_silence`
s after it, and the recent past not busy with speech. Then its speech length must suit the
phrase heard in it (`plausible`). A room busy with running talk over the last minute (a
television, a visit: `busy_room`) makes the recognizer ask more of a command. Sound that
the detector calls no speech (music) is quiet, unless it is about as loud as the utterance
after it (`sound_margin`: speech the detector missed).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from itertools import repeat

from ..core.commands import syllables

FRAME = 0.01
"""Seconds per decision (the detector's 10 ms frames)."""


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech, in frame numbers of the stream (end exclusive)."""

    start: int
    """First speech frame."""
    end: int
    """One past the last speech frame."""
    voiced: int
    """Frames called speech within it."""
    reason: str = ""
    """Why it cannot be a command ("" = it is isolated)."""
    gap: int = 0
    """Frames of quiet before it (with the companion's own sound the user listened to after
    a command: `Segmenter.skip`)."""
    busy: int = 0
    """Speech frames in the `Segmenting.history` before it."""
    alone: bool = True
    """Isolated by a first command's limits; False: only as a command going on (the phrase
    heard in it is then judged by `going_on`)."""
    room: int = 0
    """Frames of running talk (speech not said alone) in the `Segmenting.room` seconds before it."""
    sound_end: int = 0
    """One past the last frame of sound (not speech: music) before it; its audio starts no
    earlier (music before a command was heard as filler words)."""

    @property
    def seconds(self) -> float:
        return (self.end - self.start) * FRAME


@dataclass(frozen=True)
class Segmenting:
    """The rules of `Segmenter` (seconds)."""

    end_silence: float = 0.3
    """Quiet that ends an utterance; also the quiet after that it needs."""
    gap_before: float = 0.4
    """Quiet before an utterance that it needs (a command going on: `streak`)."""
    history: float = 4.0
    """The recent past looked at for running talk."""
    busy_share: float = 0.35
    """More speech than this share of `history` before another command going on: running talk..."""
    other_gap: float = 1.0
    """...or less quiet than this before it: a television's next short word after a false
    command is another word, soon after (tuning streams, 10 h: 16 false commands with
    `gap_before` here, 15 with this). The companion's answer to the command (its cue)
    counts as quiet (`Segmenter.skip`), so "next", its cue, then "select" is heard."""
    same_busy: float = 1.0
    """...before the same command again (`going_on`): no limit. "next" said every 1.5 s is
    40% speech: at 0.35, 3 in 4 of such commands from the third on were lost; at 0.5, paused
    speech lost nearly all of them, and the background streams gave as many false commands."""
    min_speech: float = 0.08
    """Shorter bursts are clicks, not speech (ignored)."""
    max_speech: float = 3.0
    """Longer is talk, not a command (ended and rejected at once)."""
    bridge: float = 0.12
    """Gaps this short inside speech (stops, the detector's misses) do not split it."""
    fast_end: float = 0.15
    """Quiet that ends an utterance already heard as a whole allowed phrase, in a clear room."""
    slow_end: float = 0.7
    """Quiet that ends an utterance heard so far as the start of a longer phrase: a speaker
    who pauses between its words is heard whole."""
    clear_gap: float = 1.0
    """Quiet before an utterance that makes the room clear (for `fast_end`)..."""
    clear_share: float = 0.3
    """...with at most this share of `history` speech before it (commands said one after
    another every ~2 s still count; running talk does not)."""
    streak: float = 5.0
    """Seconds after a command taken (`Segmenter.going_on`) in which the next one needs
    only `gap_before`, and `busy_share` or `same_busy` (a user scanning "next, next,
    select"); otherwise it needs..."""
    lone_gap: float = 1.0
    """...this much quiet before it (a television's short words come after shorter pauses)..."""
    lone_busy: float = 0.2
    """...and at most this share of `history` speech before it."""
    room: float = 60.0
    """The longer past looked at for a room busy with running talk (`busy_room`)."""
    onset: float = 0.2
    """Sound just before speech is its start (the detector's second stage calls speech up to
    0.12 s late): the utterance begins there when the sound began at most this long before."""
    sound_margin: float = 3.0
    """Sound (not speech) in `history` before an utterance, no more than this many dB under
    the utterance's speech, counts as speech before it (`busy`): a television's talk that the
    detector's second stage turned down, as loud as the fragment after it. Music under a
    user who speaks over it is quieter than the user."""
    room_share: float = 0.1
    """More running talk than this share of `room` makes the room busy: on the tuning streams
    a television or a conversation had 27-61% before its false commands; the user's own
    commands, said alone, never count (nor coughs and breaths), so saying them again and
    again does not make the room busy."""


def busy_room(rules: Segmenting, utterance: Utterance) -> bool:
    """Whether `utterance` comes in a room busy with running talk (a television, a visit)."""
    return utterance.room > rules.room_share * round(rules.room / FRAME)


COMPLETE = "complete"
"""`heard_so_far`: the words so far are an allowed phrase (and begin no longer one)."""
INCOMPLETE = "incomplete"
"""`heard_so_far`: the words so far begin a longer allowed phrase."""


def heard_so_far(partial: str, phrases: Collection[str]) -> str:
    """What the recognizer's words so far say about the end: COMPLETE, INCOMPLETE or ""."""
    words = partial.split()
    if not words:
        return ""
    for phrase in phrases:
        said = phrase.split()
        if len(said) > len(words) and said[: len(words)] == words:
            return INCOMPLETE
    return COMPLETE if " ".join(words) in phrases else ""


LONG_AGO = 10**9
"""Frames since a command, when there was none."""


def isolation(rules: Segmenting, gap: int, busy: int, since_command: int) -> str:
    """Why an utterance with `gap` frames of quiet and `busy` frames of speech (in
    `history`) before it is running talk, or "" when it is said on its own.
    `since_command`: frames from the last command taken or nearly to its start. A user going
    on with a command is held to the looser limits (and `Recognizer` takes only that command
    there); a first command needs the stricter ones."""
    streak = since_command <= rules.streak / FRAME
    need_gap = rules.gap_before if streak else max(rules.gap_before, rules.lone_gap)
    # The phrase is not known yet: the looser limit here, `going_on` once it is.
    share = max(rules.busy_share, rules.same_busy) if streak else min(rules.busy_share, rules.lone_busy)
    if gap < need_gap / FRAME or busy > share * round(rules.history / FRAME):
        return "in continuous speech"
    return ""


def going_on(rules: Segmenting, utterance: Utterance, same: bool) -> str:
    """Why the phrase heard in `utterance` cannot be taken, when it was isolated only as a
    command going on (not `alone`): the same phrase as the last command's again needs the
    recent past at most `same_busy` speech; another phrase, `busy_share` and `other_gap`."""
    if utterance.alone:
        return ""
    history = round(rules.history / FRAME)
    if same:
        fits = utterance.busy <= rules.same_busy * history
    else:
        fits = utterance.busy <= rules.busy_share * history and utterance.gap >= rules.other_gap / FRAME
    return "" if fits else "in continuous speech"


def quiet_needed(rules: Segmenting, heard: str, clear: bool) -> float:
    """Seconds of quiet that end an utterance: short for a whole phrase said in a clear room,
    long for a phrase begun, else `end_silence`."""
    if heard == INCOMPLETE:
        return max(rules.end_silence, rules.slow_end)
    if heard == COMPLETE and clear:
        return min(rules.end_silence, rules.fast_end)
    return rules.end_silence


class Segmenter:
    """Per-frame speech decisions in, finished utterances out."""

    def __init__(self, rules: Segmenting = Segmenting()) -> None:
        self.rules = rules
        self._frame = 0
        self._start = -1
        """First speech frame of the utterance in progress, -1 = none."""
        self._last = -1
        """Last speech frame seen."""
        self._voiced = 0
        self._previous_end = -(10**9)
        """End of the last speech burst before the one in progress."""
        self._past = Window(rules.history)
        self._past_at_start = 0
        self._gap_at_start = 0
        self._too_long = False
        self._noise = False
        """The utterance in progress is too long for a command and no speech (`forget`)."""
        self._heard = ""
        """What the recognizer has heard of the utterance in progress (`heard_so_far`)."""
        self._bursts = 0
        """Stretches of speech in it (split by gaps longer than `bridge`)."""
        self._begun = -1
        """`_bursts` when it was first heard as a phrase begun (-1 = not)."""
        self._command = -LONG_AGO
        """Frame at which the last command was taken (`going_on`)."""
        self._room = Window(rules.room)
        """The `room` past, where only running talk (speech not said alone) is speech."""
        self._talk_at_start = 0
        self._sounds: deque[tuple[int, float]] = deque(maxlen=self._past.size)
        """(frame, level) of the sound (not speech) in `history`."""
        self._run = -1
        """First frame of the run of sound going on (-1 = none): speech's onset (`onset`)."""
        self._power = 0.0
        """Sum of the power of the speech frames of the utterance in progress (its level)."""
        self._sound_end = 0

    @property
    def frame(self) -> int:
        """Frames seen so far."""
        return self._frame

    @property
    def active(self) -> bool:
        """An utterance is in progress."""
        return self._start >= 0

    @property
    def start(self) -> int:
        """First speech frame of the utterance in progress (-1 = none)."""
        return self._start

    @property
    def sound_end(self) -> int:
        """`Utterance.sound_end` of the utterance in progress."""
        return self._sound_end

    @property
    def isolated(self) -> bool:
        """An utterance is in progress that can still be a command (isolated, not too long)."""
        return self._start >= 0 and not self._too_long and not self._reason()

    def going_on(self) -> None:
        """The utterance just ended was taken as a command: the next may follow it closely."""
        self._command = self._frame

    def drop(self) -> None:
        """Forget the utterance in progress (cut by the companion's own sound) without letting
        time pass: its speech still came before what follows."""
        if self._start >= 0:
            self._previous_end = self._end_before() if self._noise else self._last + 1
            self._start = -1

    def forget(self, utterance: Utterance) -> None:
        """The utterance just ended was no speech (a cough, a breath, a hiss: `speechlike`):
        it leaves the quiet around it unbroken and the recent past as quiet as before it, so
        a command said soon after it is heard as said alone. An utterance still going on, too
        long for a command (a long hiss, a vacuum cleaner), is forgotten so as it goes on."""
        if self._too_long and self._start == utterance.start:
            self._noise = True
            for window in (self._past, self._room):
                window.unmark(utterance.start, self._frame)
            return
        if self._start >= 0 or self._previous_end != utterance.end:
            return  # another has begun since: this one's quiet is already judged
        self._previous_end = utterance.start - utterance.gap  # as it was when it began
        for window in (self._past, self._room):
            window.unmark(utterance.start, utterance.end)

    def forget_sound(self, start: int, end: int) -> None:
        """Frames `start` to `end` held sound that is no speech (a breath, a hiss: unvoiced):
        it counts as quiet before what follows, however loud (`sound_margin`)."""
        self._sounds = deque(
            ((i, level) for i, level in self._sounds if not start <= i < end), self._sounds.maxlen
        )

    def skip(self, frames: int) -> int:
        """`frames` of the companion's own sound, not heard: the utterance in progress is
        dropped. Within `streak` of a command they are the user listening to its answer, so
        they pass as quiet (returns `frames`); otherwise they are left out of time (returns 0),
        so a television's talk around the companion's cues is not made into quiet."""
        self.drop()
        if self._frame - self._command > self.rules.streak / FRAME:
            return 0
        for _ in range(frames):
            self.push(False)
        return frames

    def quiet(self, frames: int) -> None:
        """`frames` pushes of no speech and no sound: at once while no utterance is in
        progress (listening to a quiet room costs no per-frame work), else one by one."""
        if self._start >= 0:
            for _ in range(frames):
                self.push(False)
            return
        self._frame += frames
        self._run = -1
        self._past.push_quiet(frames)
        self._room.push_quiet(frames)

    def hear(self, heard: str) -> None:
        """What the recognizer has heard of the utterance in progress so far (`heard_so_far`):
        it sets the quiet that ends it (`quiet_needed`)."""
        if self._start < 0:
            return
        pausing = self._frame - 1 - self._last > self.rules.bridge / FRAME
        if heard == INCOMPLETE and pausing and self._begun < 0:
            self._begun = self._bursts
        elif heard == COMPLETE and self._bursts == self._begun:
            # Heard whole though no speech came since it was heard begun in a pause: the
            # recognizer's guess at the rest, not the rest.
            heard = INCOMPLETE
        self._heard = heard

    def push(self, speech: bool, level: float = 0.0, sound: bool = False) -> Utterance | None:
        """One frame's decision; the utterance it ends, if any. `level`: the frame's level
        (dB); `sound`: not speech, but voice-like sound (`vad.Heard.SOUND`)."""
        rules = self.rules
        index = self._frame
        self._frame += 1
        sound = sound and not speech
        run, self._run = self._run, (self._run if self._run >= 0 else index) if sound else -1
        done: Utterance | None = None
        if sound:
            self._sounds.append((index, level))
        if speech:
            power = 10 ** (level / 10)
            if self._start < 0:
                onset = run >= 0 and index - run <= rules.onset / FRAME
                self._start = run if onset else index
                self._sound_end = next((i + 1 for i, _ in reversed(self._sounds) if i < self._start), 0)
                self._voiced, self._power = 0, 0.0
                self._too_long = self._noise = False
                self._past_at_start = self._past.speech
                self._talk_at_start = self._room.speech
                self._gap_at_start = self._start - self._previous_end
                self._heard, self._bursts, self._begun = "", 0, -1
            elif index - self._last > rules.bridge / FRAME:
                self._bursts += 1
            self._last = index
            self._voiced += 1
            self._power += power
        elif self._start >= 0 and index - self._last > rules.bridge / FRAME:
            if self._last + 1 - self._start < rules.min_speech / FRAME:
                # A click: forget it, as if it had not been (it does not break the quiet).
                self._start = -1
            elif index - self._last >= quiet_needed(rules, self._heard, self._clear()) / FRAME:
                done = self._finish()
        if (
            self._start >= 0
            and not self._too_long
            and self._last + 1 - self._start > rules.max_speech / FRAME
        ):
            self._too_long = True
            done = Utterance(
                self._start,
                self._last + 1,
                self._voiced,
                "too long for a command",
                self._gap_at_start,
                self._past_at_start,
                sound_end=self._sound_end,
            )
        heard = speech and not (self._noise and self._start >= 0)  # noise is no speech
        self._past.push(heard)
        self._room.push(heard)
        return done

    def _finish(self) -> Utterance | None:
        start, end = self._start, self._last + 1
        self._previous_end = self._end_before() if self._noise else end
        self._start = -1
        if self._too_long:
            return None  # already reported
        self._past_at_start += self._loud_sound(start)
        gap, busy = self._gap_at_start, self._past_at_start
        alone = not isolation(self.rules, gap, busy, LONG_AGO)
        reason = self._reason(start)
        utterance = Utterance(
            start, end, self._voiced, reason, gap, busy, alone, self._talk_at_start, self._sound_end
        )
        if not reason:  # said alone: the user's (a command, or a try at one), not running talk
            self._room.unmark(start, end)
        return utterance

    def _loud_sound(self, start: int) -> int:
        """Frames of sound in `history` before the utterance that began at `start` (not its
        onset) no more than `sound_margin` under its speech."""
        if not self._sounds or not self._voiced:
            return 0
        rules = self.rules
        floor = 10 * math.log10(self._power / self._voiced) - rules.sound_margin
        first, last = start - self._past.size, start - round(rules.onset / FRAME)
        return sum(1 for i, level in self._sounds if first <= i < last and level > floor)

    def _end_before(self) -> int:
        """The end of the speech before the utterance in progress."""
        return self._start - self._gap_at_start

    def _reason(self, start: int | None = None) -> str:
        """`isolation` of the utterance in progress, or of the one that began at `start`."""
        since = (self._start if start is None else start) - self._command
        return isolation(self.rules, self._gap_at_start, self._past_at_start, since)

    def _clear(self) -> bool:
        rules = self.rules
        quiet_before = self._gap_at_start >= rules.clear_gap / FRAME
        return quiet_before and self._past_at_start <= rules.clear_share * self._past.size


class Window:
    """The speech decisions of the last `seconds` of frames, and how many were speech."""

    def __init__(self, seconds: float) -> None:
        self._frames: deque[bool] = deque(maxlen=max(1, round(seconds / FRAME)))
        self.size = self._frames.maxlen or 1
        self.speech = 0
        """Speech frames in the window."""
        self._end = 0
        """Frames pushed so far (the frame number after the newest)."""

    def push(self, speech: bool) -> None:
        if len(self._frames) == self.size and self._frames[0]:
            self.speech -= 1
        self._frames.append(speech)
        self.speech += speech
        self._end += 1

    def push_quiet(self, frames: int) -> None:
        """`frames` pushes of no speech, at once."""
        if self.speech:
            for _ in range(frames):
                self.push(False)
            return
        self._frames.extend(repeat(False, min(frames, self.size)))
        self._end += frames

    def unmark(self, start: int, end: int) -> None:
        """Frames `start` to `end` (exclusive; those still in the window) are no speech."""
        first = self._end - len(self._frames)
        for index in range(max(start, first), min(end, self._end)):
            if self._frames[index - first]:
                self._frames[index - first] = False
                self.speech -= 1


PER_SYLLABLE = (0.1, 0.6)
"""Seconds of speech per syllable, least and most, as people (slow ones too) say words. The
least is the detector's speech, which misses soft ends: the tuning corpus's commands took at
least 0.12 s a syllable (soft, 170 wpm); a television's 0.24 s pieces heard as three-syllable
commands were two of the tuning streams' nine false commands at 0.08."""
SLACK = 0.4
"""Seconds allowed beyond the most (a breath, a drawn-out last syllable)."""


def plausible(phrase: str, seconds: float) -> str:
    """Why `seconds` of speech cannot be `phrase` said alone, or "" when it can."""
    count = max(1, syllables(phrase))  # a word without vowel letters is still said
    # Rounded, so that a length on a limit counts as within it (3 x 0.1 is 0.30000000000000004).
    said, least, most = (
        round(x, 3) for x in (seconds, count * PER_SYLLABLE[0], count * PER_SYLLABLE[1] + SLACK)
    )
    if said > most:
        return "too long for the phrase"
    if said < least:
        return "too short for the phrase"
    return ""
