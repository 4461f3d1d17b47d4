"""Starting a helper process of the companion's own (the window, the sound decoder), joined to
it by a socket pair: code that can crash or end its process (Qt, C decoders) runs there, so the
switch never goes down with it."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path


def start_child(
    command: list[str], stderr: int | None = None
) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Run `command` with the file descriptor of its end of a new socket pair as its last
    argument; the child and our end. OSError (our end closed) when it cannot start."""
    ours, theirs = socket.socketpair()
    env = {**os.environ, "PYTHONPATH": _with_package_path(os.environ.get("PYTHONPATH", ""))}
    try:
        child = subprocess.Popen(
            [*command, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            start_new_session=True,  # the terminal's Ctrl-C and job control are the companion's
        )
    except OSError:
        ours.close()
        raise
    finally:
        theirs.close()
    return child, ours


def _with_package_path(pythonpath: str) -> str:
    """PYTHONPATH with the folder holding this package first, so the child runs this same code."""
    here = str(Path(__file__).resolve().parents[1])
    return os.pathsep.join([here, *(p for p in pythonpath.split(os.pathsep) if p and p != here)])
