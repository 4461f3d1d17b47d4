"""The decoder's own process: `python -m accessible_companion.audio.decode_process FD`.

Recordings (message banking) are decoded here with libsndfile (`soundfile`) and resampled
with libsoxr (`soxr`), never in the companion's process: a C decoder handed a malformed
file can crash the process it runs in, and a crash there would take the switch along (and,
under the service, again at every restart, as soon as the menu is entered). Here a crash
costs one recording, which the companion then speaks with the synthetic voice. numpy,
libsndfile and libsoxr (~20 MB) stay out of the companion's memory too.

One socket (passed as file descriptor FD), multiprocessing.connection framing, bytes only
(no pickle: the companion does not unpickle what a decoder of untrusted files says):

    to the decoder:   JSON {"path": str, "rate": int (0: keep the file's), "volume": 0..1}
    to the companion: JSON {"ok": true, "rate": int, "frames": int}, then the samples
                      (mono, signed 16-bit, native byte order) as one message;
                      or JSON {"ok": false, "error": str}

It exits when the socket closes (the companion ended or gave up on it).
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .headers import MAX_SECONDS

QUALITY = "HQ"
"""libsoxr's high quality (the default): transparent for speech, ~15 ms per second of audio."""


def decode(path: str, rate: int, volume: float) -> tuple[bytes, int]:
    """The recording at `path` as mono 16-bit samples at `rate` (0: its own) and `volume`,
    with the rate they are at. Raises what the libraries raise for a bad file."""
    import numpy as np
    import soundfile

    if not Path(path).is_file():  # libsndfile says only "System error."
        raise FileNotFoundError(path)
    with soundfile.SoundFile(path) as file:
        own = int(file.samplerate)
        if file.frames <= 0:
            raise ValueError("it holds no sound")
        if file.frames > MAX_SECONDS * own:
            raise ValueError(f"it is {file.frames / own:.0f} s long; at most {MAX_SECONDS:g} s are played")
        data = file.read(dtype="float32", always_2d=True)
    # Both channels of a stereo recording, mixed: a voice on one side only comes out 6 dB quieter.
    mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if rate and rate != own:
        import soxr

        mono = soxr.resample(mono, own, rate, quality=QUALITY)
        own = rate
    mono *= min(max(volume, 0.0), 1.0)
    samples = np.rint(np.clip(mono, -1.0, 1.0) * 32767.0).astype(np.int16)
    return samples.tobytes(), own


def serve(connection: Connection) -> None:
    """Answer requests until the socket closes."""
    while True:
        try:
            request: dict[str, Any] = json.loads(connection.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            data, rate = decode(str(request["path"]), int(request["rate"]), float(request["volume"]))
        except Exception as error:  # a bad file is an answer, not the end of the decoder
            connection.send_bytes(json.dumps({"ok": False, "error": _reason(error)}).encode())
            continue
        connection.send_bytes(json.dumps({"ok": True, "rate": rate, "frames": len(data) // 2}).encode())
        connection.send_bytes(data)


def _reason(error: Exception) -> str:
    """What went wrong, in words a caregiver can act on."""
    if isinstance(error, FileNotFoundError):
        return "not found"
    said = getattr(error, "error_string", None)  # soundfile's LibsndfileError: libsndfile's own words
    text = str(said or error).strip().rstrip(".") or type(error).__name__
    if not said:
        return text
    text = text.removeprefix("Error : ")
    return f"cannot be decoded: {text[:1].lower()}{text[1:]}"


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the companion's to handle
    connection = Connection(int(argv[1]))
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve(connection)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
