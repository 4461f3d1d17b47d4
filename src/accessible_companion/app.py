"""Composition root: load the config, build the core and the adapters, run the loop. No logic."""

from __future__ import annotations

import argparse
import dataclasses
import faulthandler
import importlib.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from . import __version__, paths, private
from .caregiver.beside import start_beside_companion
from .caregiver.own_config import caregiver_copy
from .config import Config, load_or_explain
from .config.last_good import Chosen, choose
from .config.watch import ConfigWatcher, problem_pairs
from .core.commands import every_phrase
from .core.companion import Companion
from .core.events import Notice
from .core.limits import LIMITS
from .core.settings import Listening, Mode, Settings, timing_conflicts
from .display.fallback import FallbackDisplay
from .display.terminal import TerminalDisplay
from .display.thread import DisplayThread
from .display.window import WindowDisplay
from .journal import JournalWriter
from .loop import Loop
from .notify.ack_links import AckLinks
from .notify.heartbeat import Heartbeat
from .notify.notifier import Notifier
from .ports import Display, SpeechSink, SwitchSource
from .speech.speaker import NullSpeech, speech_sink
from .switch.fallback import EXIT_NO_INPUT, FallbackSwitchSource
from .switch.terminal import TerminalSwitchSource
from .switch.x11 import X11SwitchSource, x11_available
from .trace import TraceWriter
from .voice.listener import ModelUnavailableError, VoiceListener

LOOP_END_WAIT = 5.0
"""Seconds the main thread waits, when it fails itself, for the loop to stop before closing the parts."""
SLOW_STOP = 2.0
"""A part slower than this to stop is named on stderr: a supervisor kills a stop that hangs."""
STOP_STACKS_AFTER = 8.0
"""Seconds after SIGTERM or SIGINT at which a stop still under way prints every thread's stack."""


def check(path: Path | None) -> int:
    """`accessible-companion check`: 0 and a summary, or 2 and every problem."""
    config = load_or_explain(path, count=True, decode=True)
    if config is None:
        return 2
    print(config.summary())
    for problem in config.warnings:
        print(problem, file=sys.stderr)
    settings = config.settings
    if settings.voice_commands:
        for warning in _unknown_voice_words(config):
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def _unknown_voice_words(config: Config) -> list[str]:
    """Voice words the installed model lacks (vosk would drop them silently), or why unchecked."""
    from .voice.recognizer import load_model, missing_words

    listening = config.settings.listening
    try:
        path = model_locator(listening)()
        model = load_model(path)
    except Exception as error:
        return [f"voice words not checked: {error}"]
    phrases = every_phrase((menu.items for menu in config.menus.menus.values()), config.settings.commands)
    missing = missing_words(model, phrases)
    if not missing:
        return []
    return [f"the speech model in {path} does not know: {', '.join(missing)} (these can never be heard)"]


def run(args: argparse.Namespace) -> int:
    """`accessible-companion run`: until Ctrl-C or SIGTERM."""
    # First, so that the last good config and every file after it are made private too.
    tightened = _private_at_start(args)
    edited = _edited_config(args)
    chosen = _chosen(args.config)
    loaded = _with_options(chosen.config, args)
    if loaded is None:
        _tell_heartbeat_stopped(chosen.config.settings, "config error")
        return 2
    config, settings = loaded

    trace = TraceWriter(args.trace)
    speech: SpeechSink = NullSpeech() if args.no_speech else speech_sink(settings.speech)
    voice = None if args.no_voice else _voice_listener(config, settings)
    # Audio libraries print straight to file descriptor 2; on a full-screen terminal display
    # that would scribble over the menu, so their output goes to a log file while it is in use.
    log_file = StderrLog()
    display = _display(args.display, trace, settings, voice, log_file)
    journal = None if args.no_journal else JournalWriter(args.journal or paths.journal_file())
    help_call = settings.help
    notifier = Notifier(
        help_call.notify_command,
        help_call.webhook,
        help_call.notify_timeout,
        help_call.notify_retries,
        contacts=help_call.contacts,
        links=AckLinks(),
    )
    heartbeat = Heartbeat(help_call.heartbeat_url, help_call.heartbeat_minutes, trace.write)
    companion = Companion(config.menus, settings, _day_offset())
    loop = Loop(companion, speech, display, trace, voice, journal, notifier)
    asked: list[str] = []  # why the loop was asked to stop, first first: the heartbeat's stop ping says it
    switch = _switch_source(args.input, settings, _because(asked, "no switch input", loop.stop))
    watcher = _watcher(args, chosen, edited)
    _announce_start(trace, loop, chosen, settings, switch, tightened, display)

    _handle_signals(loop, watcher, asked)
    # The journal closes last: it writes what the others' ends journaled. The heartbeat's
    # stop ping goes out first and is waited for late, so it never holds up the rest.
    closers = [lambda: heartbeat.stop(_stop_reason(loop, switch, asked)), switch.stop, notifier.stop]
    closers += [speech.stop, display.close]
    closers += [voice.stop] if voice is not None else []
    closers += [watcher.stop] if watcher is not None else []
    closers += [heartbeat.wait]
    closers += [journal.stop] if journal is not None else []
    try:
        # The switch starts first: it must work even while speech is still loading.
        switch.start(loop.post)
        wait_ready = getattr(switch, "wait_ready", None)
        trace.write("ready", input=switch.name, listening=bool(wait_ready()) if wait_ready else True)
        for part in (speech, notifier, journal, voice, watcher):
            if part is not None:
                part.start(loop.post)
        # The window's process opens beside the loop; its quit chord stops the companion.
        display.start(loop.post, _because(asked, "quit chord", loop.stop))
        loop.start()
        heartbeat.start()
        pause_voice = voice.pause if voice is not None else None
        stop_page = _start_page(
            args, settings, edited, loop, watcher, trace, journal, pause_voice, notifier.links, heartbeat
        )
        closers[:0] = [stop_page] if stop_page is not None else []
        loop.wait()  # signal handlers run on this thread meanwhile
    except BaseException:
        asked.append("internal error")
        raise
    finally:
        _shut_down(loop, closers, journal, trace)
        log_file.restore()
    return _exit_status(loop, switch)


def _announce_start(
    trace: TraceWriter,
    loop: Loop,
    chosen: Chosen,
    settings: Settings,
    switch: SwitchSource,
    tightened: list[Path],
    display: FallbackDisplay,
) -> None:
    """The trace's opening lines (start, config, private) and the switch's own notice."""
    _trace_start(trace, chosen.config, settings, switch, "window" if display.on_window else "terminal")
    notice = getattr(switch, "notice", "")
    if notice:
        print(notice, file=sys.stderr)
        loop.post(Notice(notice, level="warning", kind="input"), time.monotonic())
    # After the switch's notice, so a config problem is what stays on the screen.
    _trace_config(trace, loop, chosen, settings)
    if tightened:
        trace.write("private", tightened=[str(p) for p in tightened])


def _shut_down(
    loop: Loop, closers: list[Callable[[], None]], journal: JournalWriter | None, trace: TraceWriter
) -> None:
    """Stop the loop, close every part (the journal last), and end the trace with `stop`."""
    loop.stop()  # when the main thread's part failed; the loop is done otherwise
    loop.wait(LOOP_END_WAIT)
    for closer in closers:
        began = time.monotonic()
        try:
            closer()
        except Exception as error:  # shutting down: report, keep closing the rest
            print(f"accessible-companion: while stopping: {error}", file=sys.stderr)
        took = time.monotonic() - began
        if took > SLOW_STOP:
            print(f"accessible-companion: stopping {_part_name(closer)} took {took:.1f} s", file=sys.stderr)
    if journal is not None and journal.spilled_at_stop:
        _tell_spilled(trace, journal)
    trace.write("stop")
    trace.close()


def _part_name(closer: Callable[[], None]) -> str:
    """`Speaker.stop` for a bound method, else the function's name."""
    owner = getattr(closer, "__self__", None)
    name = getattr(closer, "__name__", repr(closer))
    return f"{type(owner).__name__}.{name}" if owner is not None else name


def _exit_status(loop: Loop, switch: SwitchSource) -> int:
    """0 after a stop; 1 after a bug in the loop; EXIT_NO_INPUT when no switch could be read."""
    if isinstance(switch, FallbackSwitchSource) and switch.gave_up:
        return EXIT_NO_INPUT  # so that a supervisor (the systemd service) starts it again
    return 0 if loop.failure is None else 1


def _because(asked: list[str], reason: str, stop: Callable[[], None]) -> Callable[[], None]:
    """`stop`, noting `reason` first."""

    def stop_because() -> None:
        asked.append(reason)
        stop()

    return stop_because


def _stop_reason(loop: Loop, switch: SwitchSource, asked: list[str]) -> str:
    """Why the companion stops, for the heartbeat's stop ping (see notify/heartbeat.py)."""
    if loop.failure is not None:
        return "internal error"
    if isinstance(switch, FallbackSwitchSource) and switch.gave_up:
        return "no switch input"
    return asked[0] if asked else "stopped"


def _tell_heartbeat_stopped(settings: Settings, reason: str) -> None:
    """A run that ends before it starts still tells the heartbeat service, which would
    otherwise wait out its grace time while a supervisor restarts it in vain."""
    help_call = settings.help
    heartbeat = Heartbeat(help_call.heartbeat_url, help_call.heartbeat_minutes)
    heartbeat.stop(reason)
    heartbeat.wait()


def _handle_signals(loop: Loop, watcher: ConfigWatcher | None, asked: list[str]) -> None:
    """SIGTERM and SIGINT stop cleanly (the trace ends with `stop`); SIGHUP reads the config
    again (see README: Live reload), as daemons do."""

    def stop(signum: int, frame: FrameType | None) -> None:
        asked.append(f"signal {signal.Signals(signum).name}")
        # A stop that hangs prints where each thread is, before a supervisor kills it.
        faulthandler.dump_traceback_later(STOP_STACKS_AFTER)
        loop.stop()

    def reload(signum: int, frame: FrameType | None) -> None:
        if watcher is not None:
            watcher.reload_now()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    signal.signal(signal.SIGHUP, reload)


def _tell_spilled(trace: TraceWriter, journal: JournalWriter) -> None:
    """Entries the journal could not take wait in the spill file: say so as the run ends."""
    count, files = journal.spilled_at_stop, [str(p) for p in journal.spill.where()]
    text = f"{count} journal entries are only in the spill file {', '.join(files)}"
    print(f"accessible-companion: {text}; they go into the journal when it can be written", file=sys.stderr)
    trace.write("journal_spill", entries=count, files=files)


def _chosen(path: Path | None) -> Chosen:
    """The config to start on: a broken one never stops the switch (see README: Last good config)."""
    chosen = choose(path)
    if chosen.problems:
        using = "the last working config" if chosen.reason == "last_good" else "the built-in config"
        print(f"The config has problems, so the companion uses {using} ({chosen.path}):", file=sys.stderr)
        for problem in chosen.problems:
            print(problem, file=sys.stderr)
    return chosen


def _with_options(config: Config, args: argparse.Namespace) -> tuple[Config, Settings] | None:
    """The config with this run's options applied, or None after printing why they do not fit."""
    try:
        return config, _adjusted(config.settings, args)
    except ValueError as error:
        print(f"accessible-companion: {error}", file=sys.stderr)
        return None


def _adjusted(settings: Settings, args: argparse.Namespace) -> Settings:
    """This run's command-line options over a config's settings (ValueError: they do not fit)."""
    return _with_voice(_with_overrides(settings, args.mode, args.interval), args.voice, args.model)


def _edited_config(args: argparse.Namespace) -> Path | None:
    """The config the caregiver edits, and so the one watched: `--config`, else the caregiver's
    own copy (made now for the page when missing: the built-in one is never edited); None:
    the built-in one, which never changes while running."""
    if args.config is not None:
        return Path(args.config)
    if not args.no_page:
        try:
            return caregiver_copy()
        except OSError as error:  # the page goes without; the companion never does
            print(f"accessible-companion: no caregiver's copy of the config: {error}", file=sys.stderr)
    copy = paths.user_config_dir()
    return copy if copy.is_dir() else None


def _watcher(args: argparse.Namespace, chosen: Chosen, edited: Path | None) -> ConfigWatcher | None:
    """Live reload of the config the caregiver edits."""
    if edited is None:
        return None
    running = chosen.config if chosen.reason in ("given", "caregiver_copy") else None
    announced = problem_pairs(chosen.problems)
    return ConfigWatcher(edited, lambda settings: _adjusted(settings, args), running, announced)


def _start_page(
    args: argparse.Namespace,
    settings: Settings,
    edited: Path | None,
    loop: Loop,
    watcher: ConfigWatcher | None,
    trace: TraceWriter,
    journal: JournalWriter | None,
    pause_voice: Callable[[float], None] | None,
    links: AckLinks,
    heartbeat: Heartbeat | None = None,
) -> Callable[[], None] | None:
    """The caregiver's page beside the companion, in a process of its own (see
    caregiver/beside.py); what stops it."""
    page = settings.caregiver_page
    if args.no_page or not page.enabled or edited is None:
        return None
    reload = watcher.reload_now if watcher is not None else None
    journal_path = None if journal is None else args.journal or paths.journal_file()
    return start_beside_companion(
        edited,
        page.listen,
        page.port,
        loop.post,
        reload,
        trace,
        journal,
        journal_path,
        pause_voice,
        links,
        heartbeat,
    )


def _trace_config(trace: TraceWriter, loop: Loop, chosen: Chosen, settings: Settings) -> None:
    """Which config is in use and why; a broken given config's problems, and one spoken notice."""
    trace.write("config", reason=chosen.reason, path=str(chosen.path))
    for where, message in problem_pairs(chosen.problems):
        trace.write("config_problem", where=where, message=message)
    if chosen.problems:
        notice = Notice(settings.messages.config_problem, spoken=True, level="warning", kind="config")
        loop.post(notice, time.monotonic())


def _day_offset() -> float:
    """Local seconds since midnight minus the loop clock: for rests and check-ins at set times."""
    wall = time.time()
    local = time.localtime(wall)
    since_midnight = local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + wall % 1
    return since_midnight - time.monotonic()


def _private_at_start(args: argparse.Namespace) -> list[Path]:
    """Umask 077, and the companion's folders 0700 and files 0600, as they may be from before."""
    folders = [paths.data_dir(), paths.state_dir(), paths.cache_dir(), paths.speech_cache_dir()]
    files = [p for p in (args.trace, args.journal) if p is not None]
    if args.journal is not None:
        files += [Path(f"{args.journal}{suffix}") for suffix in private.SQLITE_SIDE_FILES]
    return private.tighten_at_start(folders, files)


class StderrLog:
    """File descriptor 2 into the session's log file while a full-screen terminal display is
    in use: from the start, or from when the window is lost (so from any thread, once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._saved: tuple[int, Path] | None = None

    def redirect(self) -> None:
        with self._lock:
            if self._saved is not None:
                return
            path = paths.log_file()
            private.make_folder(path.parent)
            saved = os.dup(2)
            with private.open_text(path) as log:
                os.dup2(log.fileno(), 2)
            self._saved = saved, path

    def restore(self) -> None:
        with self._lock:
            if self._saved is None:
                return
            (saved, path), self._saved = self._saved, None
        os.dup2(saved, 2)
        os.close(saved)
        if path.stat().st_size:
            print(f"Messages from this session are in {path}", file=sys.stderr)


def _display(
    choice: str, trace: TraceWriter, settings: Settings, voice: VoiceListener | None, log_file: StderrLog
) -> FallbackDisplay:
    """The window (`--display window`, or `auto` with X and PySide6 there), else the terminal;
    the terminal also takes over if the window is lost (display/fallback.py)."""

    def terminal() -> Display:
        screen = TerminalDisplay()
        if screen.fullscreen:
            log_file.redirect()
        return DisplayThread(screen)

    why = _why_no_window(choice)
    lost = settings.messages.window_lost
    if why:
        return FallbackDisplay(None, None, terminal, trace, lost, why_terminal=why)
    window = WindowDisplay(trace, level=voice.level if voice is not None else None)
    return FallbackDisplay(window, DisplayThread(window), terminal, trace, lost)


def _why_no_window(choice: str) -> str:
    """Why the terminal shows the menu, or "" when the window is to be opened."""
    if choice == "terminal":
        return "--display terminal"
    if choice == "window":
        return ""  # asked for: tried, and if it cannot open that is said (a fallback)
    if not x11_available():
        return "no X display"
    # Looked up, not imported: importing Qt here would cost the companion ~100 MB for nothing.
    if importlib.util.find_spec("PySide6") is None:
        return "PySide6 is not installed"
    return ""


def _with_overrides(settings: Settings, mode: str | None, interval: float | None) -> Settings:
    changes: dict[str, object] = {}
    if mode is not None:
        changes["mode"] = Mode(mode)
    if interval is not None:
        low, high = LIMITS["scanning.interval"].low, LIMITS["scanning.interval"].high
        if not low <= interval <= high:
            raise ValueError(f"--interval {interval:g} is outside {low:g} to {high:g} seconds")
        changes["interval"] = interval
    if not changes:
        return settings
    changed = settings.with_scanning(**changes)
    for _, message in timing_conflicts(changed.scanning):
        raise ValueError(f"with these options, {message}")
    return changed


def _with_voice(settings: Settings, on: bool, model: Path | None) -> Settings:
    if on:
        settings = dataclasses.replace(settings, voice_commands=True)
    if model is not None:
        listening = dataclasses.replace(settings.listening, model=str(model))
        settings = dataclasses.replace(settings, listening=listening)
    return settings


def _voice_listener(config: Config, settings: Settings) -> VoiceListener:
    vocabulary = every_phrase((menu.items for menu in config.menus.menus.values()), settings.commands)
    return VoiceListener(settings.listening, model_locator(settings.listening), vocabulary, settings.messages)


def model_locator(listening: Listening) -> Callable[[], Path]:
    """Finds the model on the listener's thread, when voice is first wanted."""

    def locate() -> Path:
        from .voice.models import ModelError, find_model, tuned_model

        try:
            path = find_model(listening.language, listening.model)
        except ModelError as error:
            raise ModelUnavailableError(str(error)) from None
        if path is None:
            raise ModelUnavailableError(
                f"no speech model for '{listening.language}' is installed "
                f"(a caregiver can run: accessible-companion models download {listening.language})"
            )
        return tuned_model(path, listening.end_silence)

    return locate


def _switch_source(choice: str, settings: Settings, give_up: Callable[[], None]) -> SwitchSource:
    switches = settings.switches
    tty = _stdin_is_tty()
    if choice == "terminal" or (choice == "auto" and tty and not x11_available()):
        return TerminalSwitchSource(switches)
    # Without a terminal X is the only way to read the switch, even if it is not there yet: the
    # fallback source reconnects, or exits with EXIT_NO_INPUT so that a supervisor retries.
    terminal = (lambda: TerminalSwitchSource(switches)) if tty else None
    return FallbackSwitchSource(
        lambda lost: X11SwitchSource(switches, lost), terminal, give_up, x11_available
    )


def _stdin_is_tty() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):  # no stdin at all (closed, or None)
        return False


def _trace_start(
    trace: TraceWriter, config: Config, settings: Settings, switch: SwitchSource, display: str
) -> None:
    trace.write(
        "start",
        version=__version__,
        pid=os.getpid(),
        config=[str(f) for f in config.files],
        input=switch.name,
        display=display,
        scanning=dataclasses.asdict(settings.scanning),
        home=config.menus.home,
        voice_commands=settings.voice_commands,
        listening=dataclasses.asdict(settings.listening),
    )
