"""A private PulseAudio server with null sinks for real audio tests and benchmarks, and a sink recorder.

`with PulseServer.start() as server: ...`; clients reach it through `server.client_env()`
(PULSE_SERVER and a private cookie and runtime dir), so anything that connects to PulseAudio
(parec, paplay, the ALSA `pulse` plugin and through it PortAudio/sounddevice) reaches the
private server and never a real one. Tests get it as the `pulse_server` fixture
(tests/support/fixtures.py), which sets those variables for the test.
"""

from __future__ import annotations

import array
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

START_TIMEOUT = 10.0
"""Seconds to wait for the server to answer `pactl info`."""

SINK = "testspk"
"""Null sink that stands for the speakers: the default sink."""
MIC = "testmic"
"""Null sink whose monitor stands for a microphone (inject speech with paplay --device=testmic)."""
EAR = "testear"
"""Null sink that stands for an earphone: a device of its own for the cue voice, which reaches
PortAudio through an ALSA pcm of `type pulse` (`alsa_pcm`)."""


@dataclass
class Recording:
    """Mono s16le audio read from a PulseAudio source by parec, with arrival times.

    parec must be started with a small latency: the null sink only runs in small steps
    while a client asks for low latency. Without one it sleeps up to ~2 s between
    steps, so a new playback stream stalls 1.5-2 s before it starts (measured).
    """

    proc: subprocess.Popen[bytes]
    rate: int
    _data: bytearray = field(default_factory=bytearray)
    _chunks: list[tuple[float, int]] = field(default_factory=list)
    """(time.monotonic() when a chunk arrived, total bytes including it)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def _read(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 4096)
            now = time.monotonic()
            if not chunk:
                return
            with self._lock:
                self._data += chunk
                self._chunks.append((now, len(self._data)))

    def _begin(self) -> None:
        self._thread = threading.Thread(target=self._read, name="parec-reader", daemon=True)
        self._thread.start()

    def _wait_first(self, timeout: float) -> bool:
        """Wait until audio arrives; False if none came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self._chunks:
            if self.proc.poll() is not None:
                raise RuntimeError(f"parec exited with code {self.proc.returncode}")
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def stop(self) -> array.array[int]:
        """Stop recording; return all samples (native-endian int16)."""
        if self.proc.poll() is None:
            # SIGINT lets parec flush what it has; a plain kill can lose the tail.
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._thread is not None:
            self._thread.join(timeout=3)
        return self.samples()

    def samples(self) -> array.array[int]:
        """The samples recorded so far."""
        with self._lock:
            data = bytes(self._data[: len(self._data) // 2 * 2])
        samples = array.array("h")
        samples.frombytes(data)
        if sys.byteorder == "big":
            samples.byteswap()
        return samples

    def start_time(self) -> float:
        """Estimated time.monotonic() of sample 0.

        Each chunk arrives after its last sample was captured, so arrival minus the
        duration recorded so far bounds the start from above; the smallest bound is
        the best estimate (early by at most the source latency, ~20-50 ms).
        """
        with self._lock:
            chunks = list(self._chunks)
        return min(arrived - total / 2 / self.rate for arrived, total in chunks)

    def time_of(self, index: int) -> float:
        """Estimated time.monotonic() at which sample `index` was captured."""
        return self.start_time() + index / self.rate

    def __enter__(self) -> Recording:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def rms(samples: array.array[int] | list[int]) -> float:
    """Root mean square of int16 samples (0 for none)."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def loud_windows(
    samples: array.array[int], rate: int, window: float = 0.02, threshold: float = 300.0
) -> list[int]:
    """Indices of the windows (`window` seconds each) whose RMS exceeds `threshold`."""
    size = max(1, int(rate * window))
    return [
        i // size for i in range(0, len(samples) - size + 1, size) if rms(samples[i : i + size]) > threshold
    ]


def alsa_pcm(name: str, sink: str) -> str:
    """ALSA config text (for a HOME's .asoundrc) naming a PulseAudio sink as the ALSA pcm
    `name`: PortAudio then lists it as an output device of that name, as a user's earphone
    is set up (README, speech devices). The server is the one PULSE_SERVER names."""
    return f'pcm.{name} {{\n    type pulse\n    device "{sink}"\n}}\n'


@dataclass
class PulseServer:
    """A running private PulseAudio server."""

    proc: subprocess.Popen[bytes]
    directory: Path
    socket: Path
    sink: str = SINK
    mic: str = MIC

    @property
    def server(self) -> str:
        """The value for PULSE_SERVER."""
        return f"unix:{self.socket}"

    @property
    def monitor(self) -> str:
        """The source that carries what is played to the speaker sink."""
        return f"{self.sink}.monitor"

    def client_env(self) -> dict[str, str]:
        """What clients need: PULSE_SERVER, and a cookie and runtime dir of their own.

        Without the last two, every client (parec, pactl, the ALSA plugin) writes a cookie
        and a runtime-dir link into the real ~/.config/pulse.
        """
        return {
            "PULSE_SERVER": self.server,
            "PULSE_COOKIE": str(self.directory / "client-cookie"),
            "PULSE_RUNTIME_PATH": str(self.directory / "client-run"),
        }

    def env(self) -> dict[str, str]:
        """os.environ with `client_env()` applied (for subprocesses)."""
        return {**os.environ, **self.client_env()}

    def pactl(self, *args: str) -> str:
        """Run pactl against this server; return its output (raise on failure)."""
        done = subprocess.run(
            ["pactl", *args], env=self.env(), check=True, capture_output=True, text=True, timeout=10
        )
        return done.stdout

    def load_module(self, name: str, *args: str) -> int:
        """Load a module into this server (`pactl load-module`); its index, for `unload_module`."""
        return int(self.pactl("load-module", name, *args).strip())

    def unload_module(self, index: int) -> None:
        self.pactl("unload-module", str(index))

    def record(
        self, source: str | None = None, rate: int = 16000, channels: int = 1, latency_msec: int = 20
    ) -> Recording:
        """Start recording `source` (default: the speaker monitor); return once audio flows.
        `latency_msec`: what parec asks for (the source then runs at most that late for every
        client, and wakes as often).

        With channels=2 the samples come interleaved (left, right, left, ...); the
        Recording's time bookkeeping then counts two samples per frame loosely, which
        the routing test does not use.
        """
        source = source or self.monitor
        proc = subprocess.Popen(
            [
                "parec",
                f"--device={source}",
                "--format=s16le",
                f"--rate={rate}",
                f"--channels={channels}",
                f"--latency-msec={latency_msec}",
                "--raw",
            ],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        recording = Recording(proc=proc, rate=rate)
        recording._begin()
        try:
            if not recording._wait_first(0.1) and source.endswith(".monitor"):
                # An idle null sink sleeps ~2 s before it looks at new clients. Suspending
                # and resuming it wakes it at once (~80 ms to the first audio, not 2 s).
                sink = source.removesuffix(".monitor")
                self.pactl("suspend-sink", sink, "1")
                self.pactl("suspend-sink", sink, "0")
            if not recording._wait_first(START_TIMEOUT):
                raise RuntimeError(f"parec got no audio from {source}")
        except BaseException:
            recording.stop()
            raise
        return recording

    @classmethod
    def start(cls) -> PulseServer:
        """Start a server in a new temporary directory; return once it answers."""
        binary = shutil.which("pulseaudio")
        if binary is None:
            raise FileNotFoundError("pulseaudio")
        # A short path: unix socket paths are limited to 107 bytes.
        directory = Path(tempfile.mkdtemp(prefix="ac-pulse-"))
        runtime = directory / "run"
        home = directory / "home"
        (runtime / "pulse").mkdir(parents=True)
        home.mkdir()
        runtime.chmod(0o700)
        socket = runtime / "pulse" / "native"
        # Private HOME and XDG dirs keep the server off any real user's config, cookie
        # and runtime dir. As root it only warns ("not intended to be run as root"):
        # with -n (no default.pa) it loads just the modules given here.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PULSE_") and k != "DBUS_SESSION_BUS_ADDRESS"
        }
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(home / ".config"))
        command = [
            binary,
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=false",
            "--disallow-exit",
            "--realtime=false",
            "--high-priority=false",
            "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            f"--load=module-null-sink sink_name={SINK}",
            f"--load=module-null-sink sink_name={MIC} rate=16000 channels=1",
            f"--load=module-null-sink sink_name={EAR}",
            "--load=module-always-sink",
        ]
        log = (directory / "pulseaudio.log").open("wb")
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        server = cls(proc=proc, directory=directory, socket=socket)
        try:
            server._wait_ready()
            server.pactl("set-default-sink", SINK)
        except BaseException:
            server.stop()
            raise
        return server

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                log = (self.directory / "pulseaudio.log").read_text(errors="replace")
                raise RuntimeError(f"pulseaudio exited with code {self.proc.returncode}:\n{log}")
            try:
                self.pactl("info")
                return
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def play(self, path: Path, sink: str = MIC) -> subprocess.Popen[bytes]:
        """Start playing a WAV file into `sink` (default: the microphone's null sink, so
        that its monitor records it); returns at once, `wait()` on the result."""
        return subprocess.Popen(
            ["paplay", f"--device={sink}", str(path)],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """Kill the server as a crash would (SIGKILL), keeping its directory and stale socket."""
        self.proc.kill()
        self.proc.wait()

    def restart(self) -> None:
        """Start a new server on the same socket, as `start` does; this object then stands
        for it (`stop()` ends the new one). The stale socket file left by a killed server
        is no obstacle: PulseAudio removes it when nothing listens on it."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PULSE_") and k != "DBUS_SESSION_BUS_ADDRESS"
        }
        home = self.directory / "home"
        env.update(
            HOME=str(home), XDG_RUNTIME_DIR=str(self.directory / "run"), XDG_CONFIG_HOME=str(home / ".config")
        )
        log = (self.directory / "pulseaudio.log").open("ab")
        self.proc = subprocess.Popen(self.proc.args, env=env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        self._wait_ready()
        self.pactl("set-default-sink", SINK)

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Stop the server (SIGSTOP) for the block, as a hung server: clients get no error and
        no audio, and their calls into it block. It always continues (SIGCONT) after."""
        self.proc.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> PulseServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
