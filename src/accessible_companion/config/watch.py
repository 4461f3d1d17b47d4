"""Live reload (see README: Live reload): notice a changed config while the companion runs.

A thread looks at the config's files once a second (name, size, time and inode of each:
a few `stat` calls, measured at 0.19 ms a look, about 0.02 % of one core, for the seven
files, so a file-event library is not needed). When they changed, and have stayed the same
for a moment (an editor may write in several steps), the config is loaded here, off the
loop, and the loop is handed `ConfigChanged` (the core applies it when calm) or
`ConfigRejected` once per distinct set of problems (the running config stays). `reload_now()`
(SIGHUP, or a save on the caregiver's page, with its reason) loads at once, changed or not,
and announces problems again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.events import AdapterError, ConfigChanged, ConfigRejected
from ..core.settings import Settings
from ..errors import named
from ..ports import Post
from .last_good import keep_quietly
from .loader import Config, config_files, load_config
from .problems import ConfigError, Problem

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.2
"""How long the files must stay the same before they are read."""

Snapshot = tuple[tuple[str, int, int, int], ...]


def snapshot(path: Path) -> Snapshot:
    """What identifies the config's files as they are now (empty when the path is gone)."""
    try:
        files = config_files(path) if path.exists() else []
    except OSError:
        return ()
    found = []
    for file in files:
        try:
            info = file.stat()
        except OSError:  # removed between listing and looking
            continue
        found.append((str(file), info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(found)


def problem_pairs(problems: Iterable[Problem]) -> tuple[tuple[str, str], ...]:
    """(`file:line`, message) for each problem, as traced and as `ConfigRejected` holds them."""
    return tuple((f"{p.file}:{p.line}", p.message) for p in problems)


class ConfigWatcher:
    """Posts `ConfigChanged` / `ConfigRejected` when the config at `path` changes."""

    def __init__(
        self,
        path: Path,
        adjust: Callable[[Settings], Settings],
        running: Config | None,
        announced: Iterable[tuple[str, str]] = (),
        poll: float = POLL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`adjust` applies this run's command-line options to new settings (ValueError: a
        problem); `running` is the config in use if it was read from `path`; `announced`:
        problems already said at start (not said again until they change)."""
        self._path = path
        self._adjust = adjust
        self._last: Config | None = running
        self._announced: frozenset[tuple[str, str]] | None = frozenset(announced) or None
        self._poll = poll
        self._clock = clock
        self._wake = threading.Event()
        self._forced = False
        self._reason = "reload"
        """Why the next forced load happens, for the `config` trace line once it is in use."""
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._post: Post | None = None

    def start(self, post: Post) -> None:
        self._post = post
        seen = snapshot(self._path)
        self._thread = threading.Thread(target=self._run, args=(seen,), name="config-watch", daemon=True)
        self._thread.start()

    def reload_now(self, reason: str = "reload") -> None:
        """Load the config now, even if unchanged (safe from a signal handler); the core's
        `config` trace line then says `reason` (of two asked for at once, the later one)."""
        self._reason = reason
        self._forced = True
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def _run(self, seen: Snapshot) -> None:
        while True:
            self._wake.wait(self._poll)
            self._wake.clear()
            if self._stopping:
                return
            forced, self._forced = self._forced, False
            reason, self._reason = (self._reason, "reload") if forced else ("reload", self._reason)
            now = snapshot(self._path)
            if now == seen and not forced:
                continue
            # Asked to load now (SIGHUP, or the caregiver's page, which writes each file whole in
            # one step): no need to wait for an editor to finish.
            seen = now if forced else self._settled(now)
            try:
                self._load(forced, reason)
            except Exception as error:  # a bug here must not end reloading, nor the companion
                log.exception("reloading the config failed")
                self._send(AdapterError("config", named(error)))

    def _settled(self, now: Snapshot) -> Snapshot:
        """The files once they stayed the same for `SETTLE_SECONDS` (an editor is done)."""
        while not self._stopping:
            time.sleep(SETTLE_SECONDS)
            later = snapshot(self._path)
            if later == now:
                return now
            now = later
        return now

    def _load(self, forced: bool, reason: str = "reload") -> None:
        try:
            config = load_config(self._path)
            settings = self._adjust(config.settings)
        except ConfigError as error:
            problems = problem_pairs(error.problems)
        except ValueError as error:  # this run's --mode/--interval do not fit the new config
            problems = ((str(self._path), f"with this run's options, {error}"),)
        else:
            self._announced = None
            if config == self._last and not forced:
                return  # touched, not changed
            self._last = config
            self._send(ConfigChanged(config.menus, settings, str(self._path), reason))
            keep_quietly(config, self._path)  # after: the copy (0.2 s) need not delay its use
            return
        if forced or frozenset(problems) != self._announced:
            self._announced = frozenset(problems)
            self._send(ConfigRejected(problems))

    def _send(self, event: AdapterError | ConfigChanged | ConfigRejected) -> None:
        if self._post is not None and not self._stopping:
            self._post(event, self._clock())
