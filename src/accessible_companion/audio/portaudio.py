"""PortAudio's device list, shared by every stream in the process (speech output, microphone).

PortAudio lists devices only when it initialises, so a sound server that was not
reachable then, or a device plugged in since, stays unknown until it is relisted. Relisting
(`sd._terminate(); sd._initialize()`) STOPS EVERY PortAudio STREAM IN THE PROCESS, so
callers do it only when opening failed and the list has no usable device, and a stream
that ends by itself checks `generation()` to tell a relisting from a lost device.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_generation = [0]
"""One counter, in a list so that it can change without `global`."""


def rescan(sd: Any) -> None:
    """List the devices again (~25-30 ms); `sd` is the sounddevice module. Raises what it raises."""
    with _lock:
        # Counted first: the streams this stops post their end during `_terminate`, and
        # whoever reads that must already see the new number.
        _generation[0] += 1
        sd._terminate()
        sd._initialize()


def generation() -> int:
    """How many relistings have run: a stream opened under another number may have been stopped."""
    return _generation[0]
