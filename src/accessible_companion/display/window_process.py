"""The bedside window's own process: `python -m accessible_companion.display.window_process FD`.

Why the window is a child process and not a thread of the companion: the switch must never
be lost, and Qt can end the process it runs in.

- When the X connection breaks (the X server died or was restarted, or a client killed the
  window with XKillClient / `xdotool windowkill`), Qt's xcb platform prints "The X11
  connection broke (error 1). Did the X11 server die?" and gives up: Qt 5 and earlier Qt 6
  releases call the C library's `exit(1)` right there (qxcbconnection.cpp), which would end
  the companion mid-sentence; PySide6 6.12, measured here, ends its event loop with status 1
  instead, but that QApplication is done for, and Qt cannot make a second one in the same
  process to open the window again. Out here, the companion loses a window, not its switch:
  it reads the terminal's keys, X again, or exits 75 (switch/fallback.py) as without a window.
- A crash in Qt, a GL driver or a platform plugin (a segfault, an abort when no platform
  plugin can be loaded) ends this process only.
- Qt wants the main thread of its process; here it has it, and the companion's loop keeps
  its own thread and never waits for a paint.

The companion (display/window.py) talks to this process over one duplex socket, passed as
file descriptor FD, with pickled tuples (multiprocessing.connection framing):

    to the window:    ("view", View)   ("level", dBFS or None)
    to the companion: ("ready", {"pid", "platform", "geometry", "screen"})
                      ("painted", menu, highlight, row, screen, at)    # at: time.monotonic()
                      ("pick", menu, index, at)                        # a click on a cell
                      ("quit",)                                        # the caregiver's chord
                      ("closed",)                                      # closed by the window manager
                      ("failed", why)                                  # before "ready": cannot open

It exits when the socket closes (the companion ended or closed the window). Ctrl-C in the
companion's terminal is the companion's to handle (SIGINT is ignored here, and the process
runs in a session of its own); SIGTERM ends it at once, and the companion reaps it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from multiprocessing.connection import Connection

EXIT_NO_QT = 3
"""Exit status when PySide6 cannot be loaded (the reason went to the companion first)."""


def main(argv: list[str]) -> int:
    connection = Connection(int(argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The X11 platform, also in a Wayland session (through XWayland): the companion reads the
    # switch from X, and the tests run the real xcb platform under Xvfb.
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    try:
        from .window_app import run
    except ImportError as error:
        with contextlib.suppress(OSError):
            connection.send(("failed", f"PySide6 cannot be loaded: {error}"))
        return EXIT_NO_QT
    return run(connection)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
