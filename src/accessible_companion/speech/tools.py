"""A caregiver's quick checks of sound: `say`, `devices` and `voices`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..config import load_or_explain
from ..core.effects import Speak, Voice
from ..core.events import AdapterError, Event, SpeechFinished
from .speaker import speech_sink

# Long enough for a long sentence; a dead engine or device answers far sooner.
SAY_TIMEOUT = 60.0


def say(text: str, voice: Voice, config_path: Path | None) -> int:
    """Speak `text` with the configured cue or main voice; 0 when it was heard to the end."""
    config = load_or_explain(config_path)
    if config is None:
        return 2
    settings = config.settings
    done = threading.Event()
    outcome: list[SpeechFinished] = []
    errors: list[str] = []

    def post(event: Event, at: float) -> None:
        if isinstance(event, AdapterError):
            errors.append(event.message)
            print(f"{event.component}: {event.message}", file=sys.stderr)
        elif isinstance(event, SpeechFinished):
            outcome.append(event)
            done.set()

    sink = speech_sink(settings.speech)
    sink.start(post)
    started = time.monotonic()
    sink.speak(Speak(1, voice, text))
    finished = done.wait(SAY_TIMEOUT)
    sink.stop()
    if not finished:
        print(f"no answer from the speech engine in {SAY_TIMEOUT:g} s", file=sys.stderr)
        return 1
    if outcome[0].interrupted:
        print("not spoken" + (f": {errors[-1]}" if errors else ""), file=sys.stderr)
        return 1
    print(f"spoke with the {voice} voice in {time.monotonic() - started:.1f} s")
    return 0


def devices() -> int:
    """List audio output and input devices, marking the defaults."""
    try:
        import sounddevice
    except Exception as error:  # no PortAudio library: say so plainly
        print(f"cannot load the audio library: {error}", file=sys.stderr)
        return 1
    found = sounddevice.query_devices()
    default_in, default_out = sounddevice.default.device
    if not found:
        print("no audio devices found")
        return 1
    for index, device in enumerate(found):
        kinds = []
        if device["max_output_channels"]:
            kinds.append("output" + (" (default)" if index == default_out else ""))
        if device["max_input_channels"]:
            kinds.append("input" + (" (default)" if index == default_in else ""))
        rate = int(device["default_samplerate"])
        print(f"{index:3}  {device['name']}  [{', '.join(kinds)}; {rate} Hz]")
    if any(device["name"] == "pulse" for device in found):
        _server_outputs()
    return 0


ASOUNDRC_HINT = 'pcm.NAME {{ type pulse; device "{sink}" }}'


def _server_outputs() -> None:
    """Through a sound server (PulseAudio, or PipeWire's pulse layer) PortAudio sees one
    output, not each sink: a sink becomes a device of its own once ~/.asoundrc names it
    (README, speech devices). Lists the sinks to name, when pactl is there to ask."""
    sinks: list[str] = []
    if shutil.which("pactl"):
        try:
            done = subprocess.run(
                ["pactl", "list", "short", "sinks"], capture_output=True, text=True, timeout=5, check=True
            )
            sinks = [line.split("\t")[1] for line in done.stdout.splitlines() if line.count("\t") >= 1]
        except (OSError, subprocess.SubprocessError) as error:
            print(f"(could not list the sound server's outputs: {error})")
    print("A sound server's output (an earphone) is listed here once ~/.asoundrc names it:")
    for sink in sinks or ["SINK"]:
        print("  " + ASOUNDRC_HINT.format(sink=sink))
    print("then set speech.cue.device to NAME.")


def voices() -> int:
    """List the speech engine's voices (use an id or a part of a name in the config)."""
    from .render import Renderer, RenderError

    try:
        renderer = Renderer()
    except RenderError as error:
        print(f"speech engine: {error}", file=sys.stderr)
        return 1
    try:
        for voice_id, name in renderer.voices():
            print(f"{voice_id}  {name}")
    finally:
        renderer.close()
    return 0
