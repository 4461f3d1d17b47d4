"""The Voice page: how well each command word works in the user's own voice, and teaching it.

Per command word of the config: the user's takes (voice/teaching.py keeps them, as `voice
teach` does), how well they tell it from the other commands (`fits`, leaving each take out in
turn), how often it was taken when heard, and when to record it again (voice/drift.py, the one
rule). Recording from the page: the caregiver presses Record, the user says the word, one take
per press; the set is saved when complete. The companion acts on nothing heard meanwhile (it
is asked to pause voice commands, a pause that ends by itself if this page goes away) and
reads the takes again once they are saved.

How often each command was taken comes from the journal's voice outcomes (VoiceHeard: the
core records each), so a drift over weeks is seen through restarts of either process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..config.hearable import advice, one_syllable
from ..core.commands import command_words, normalize_words
from ..core.records import VoiceHeard
from ..journal.store import JournalError, open_existing
from ..voice.drift import WEEK, Tally, Week, record_again, tallies_by_phrase, weeks
from .pages import checked_form, render, state_of
from .state import PageState
from .switch_feed import read_settings

if TYPE_CHECKING:
    from ..voice.teaching import Fit

PAUSE_MARGIN = 5.0
"""Seconds the companion's pause outlasts the longest wait for one take."""


class Source(Protocol):
    def read(self, timeout: float) -> Any: ...

    def close(self) -> None: ...


def open_microphone(device: str) -> Source:
    """The microphone the companion listens on (PulseAudio lets both record at once)."""
    from ..audio.microphone import Microphone

    return Microphone(device=device)


def heard_tallies(journal: Path | None, today: date) -> tuple[dict[str, list[Tally]], str]:
    """Blocking (a thread): per phrase, its tries of the last two weeks from the journal's voice
    outcomes, and why there are none to show ("" when the journal was read)."""
    if journal is None or not journal.is_file():
        return {}, "No journal yet: how often each command is taken shows here once voice commands are heard."
    since = datetime.combine(today - timedelta(days=2 * WEEK - 1), datetime.min.time()).timestamp()
    try:
        with open_existing(journal) as opened:
            heard = opened.entries(VoiceHeard, since)
    except JournalError as error:
        return {}, f"The journal cannot be read just now: {error}"
    return tallies_by_phrase((date.fromtimestamp(h.at), h.entry.phrase, h.entry.accepted) for h in heard), ""


@dataclass
class Teacher:
    """Takes being recorded from the page: one recording at a time, kept until a set is whole."""

    pending: dict[str, list[bytes]] = field(default_factory=dict)
    busy: threading.Lock = field(default_factory=threading.Lock)


def teacher_of(request: Request) -> Teacher:
    teacher: Teacher | None = getattr(request.app.state, "voice_teacher", None)
    if teacher is None:
        teacher = request.app.state.voice_teacher = Teacher()
    return teacher


@dataclass(frozen=True)
class Row:
    words: str
    command: str
    takes: int
    taught: date | None
    fit: str
    """How well its takes work, in words."""
    figure: str
    """The same as a figure ("4 of 4")."""
    confused_with: str
    this_week: Week
    week_before: Week
    record_again: str
    short: str
    pending: int


def untaught(state: PageState) -> bool:
    """Voice commands are on and no command has a take of the user's voice (blocking: a
    thread). The home page then points to this page: with takes, far fewer false commands."""
    from ..voice.teaching import TakeFolder

    settings = read_settings(state.config)
    if not settings.voice_commands:
        return False
    return not TakeFolder.of(settings.listening.language, state.takes_root).files()


def rows(state: PageState, pending: dict[str, list[bytes]]) -> tuple[str, list[Row], str]:
    """Blocking (a thread: takes are read and compared, the journal read): the language, a row
    per command word, and why how often they were taken cannot be shown ("" when it can)."""
    from ..voice.teaching import TakeFolder, fits

    settings = read_settings(state.config)
    language = settings.listening.language
    folder = TakeFolder.of(language, state.takes_root)
    # Comparing every take with every other takes seconds (about 5 s for 20 words of 4 takes):
    # done again only when a take changed.
    files = tuple((str(p), p.stat().st_mtime_ns) for p in folder.files())
    cached = _fits_cache.get(folder.root)
    if cached is None or cached[0] != files:
        cached = _fits_cache[folder.root] = (files, {fit.phrase: fit for fit in fits(folder.recordings())})
    found = cached[1]
    today = date.today()
    heard, note = heard_tallies(state.journal_path, today)
    result = []
    for words, command in command_words(settings.commands).items():
        fit = found.get(words)
        taught = _taught(folder.folder(words))
        tallies = heard.get(words, [])
        this, before = weeks(tallies, today)
        if fit is None:
            plain, figure, confused = "No takes: the speech model alone hears it.", "–", ""
        elif fit.takes < 2:
            plain, figure, confused = "One take is not enough to compare: record the set again.", "–", ""
        elif fit.confused_with:
            plain = f"Some takes sound more like '{fit.confused_with}' than like each other."
            figure, confused = f"{fit.told_apart} of {fit.takes}", fit.confused_with
        else:
            plain = "Every take is nearer its own other takes than any other command's."
            figure, confused = f"{fit.told_apart} of {fit.takes}", ""
        failing = bool(confused) or (this.acceptance is not None and this.acceptance < 0.5)
        short = advice("Suggestion", words) if one_syllable(words) and failing else ""
        again = record_again(tallies, today, taught) if fit is not None else ""
        result.append(
            Row(
                words,
                command,
                fit.takes if fit else 0,
                taught,
                plain,
                figure,
                confused,
                this,
                before,
                again,
                short,
                len(pending.get(words, [])),
            )
        )
    return language, result, note


_fits_cache: dict[Path, tuple[tuple[tuple[str, int], ...], dict[str, Fit]]] = {}
"""Takes folder -> (its files and their times, how well each phrase's takes work)."""


def _taught(folder: Path) -> date | None:
    times = [path.stat().st_mtime for path in folder.glob("*.wav")] if folder.is_dir() else []
    return date.fromtimestamp(max(times)) if times else None


def percent(week: Week) -> str:
    rate = week.acceptance
    if rate is None:
        return f"too few to say ({week.tries} heard)" if week.tries else "not heard"
    return f"{rate:.0%} of {week.tries}"


async def voice_page(request: Request) -> Response:
    from ..voice.teaching import TAKES

    state = state_of(request)
    teacher = teacher_of(request)
    language, found, note = await run_in_threadpool(rows, state, teacher.pending)
    query = request.query_params
    return render(
        request,
        "voice.html",
        language=language,
        rows=found,
        takes=TAKES,
        heard_note=note,
        percent=percent,
        result=query.get("result", ""),
        phrase=query.get("phrase", ""),
        number=query.get("n", ""),
    )


async def record(request: Request) -> Response:
    """One take of one command word, said by the user now."""
    form = await checked_form(request)
    state = state_of(request)
    settings = await run_in_threadpool(read_settings, state.config)
    words = normalize_words(str(form.get("phrase", "")))
    if words not in command_words(settings.commands):
        return PlainTextResponse("That is not a command word of this config.", status_code=400)
    teacher = teacher_of(request)
    if form.get("again"):
        teacher.pending.pop(words, None)
        return RedirectResponse(f"/voice#teach-{_anchor(words)}", status_code=303)
    result, number = await run_in_threadpool(
        take_one, state, teacher, words, settings.listening.language, settings.listening.microphone
    )
    query = urlencode({"result": result, "phrase": words, "n": number})
    return RedirectResponse(f"/voice?{query}#teach-result", status_code=303)


def take_one(state: PageState, teacher: Teacher, words: str, language: str, device: str) -> tuple[str, int]:
    """Record one take (blocking, up to WAIT seconds): ("kept", n), ("saved", n), ("nothing", n)
    or ("busy", 0)."""
    from ..voice.teaching import TAKES, WAIT, TakeFolder, record_take

    if not teacher.busy.acquire(blocking=False):
        return "busy", 0
    link = state.link
    try:
        if link is not None:
            link.pause_voice(WAIT + PAUSE_MARGIN)
        microphone = open_microphone(device)
        try:

            def read(timeout: float) -> tuple[bytes, int] | None:
                block = microphone.read(timeout)
                return None if block is None else (block.data, block.rate)

            pcm = record_take(read)
        finally:
            microphone.close()
        takes = teacher.pending.setdefault(words, [])
        if pcm is None:
            if link is not None:
                link.pause_voice(0)
            return "nothing", len(takes)
        takes.append(pcm)
        if len(takes) < TAKES:
            return "kept", len(takes)  # the pause ends by itself unless the next take renews it
        TakeFolder.of(language, state.takes_root).replace(words, teacher.pending.pop(words))
        if link is not None:
            link.pause_voice(0)  # and the companion reads the takes again
        return "saved", TAKES
    finally:
        teacher.busy.release()


def _anchor(words: str) -> str:
    return words.replace(" ", "-")


routes: list[BaseRoute] = [
    Route("/voice", voice_page),
    Route("/voice/record", record, methods=["POST"]),
]
