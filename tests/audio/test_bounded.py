"""Audio calls with a time limit: a call that hangs (a frozen sound server) costs its caller
the limit once, later calls fail at once, and the late return is cleaned up and announced."""

from __future__ import annotations

import threading
import time

import pytest

from accessible_companion.audio.bounded import BoundedCalls, NotRespondingError


def test_a_hung_call_is_given_up_after_the_limit_and_cleaned_up_when_it_returns() -> None:
    answers = threading.Event()
    release = threading.Event()
    abandoned: list[object] = []
    calls = BoundedCalls(limit=0.2, responsive=answers.set)

    def hangs() -> str:
        release.wait(10)
        return "stream"

    began = time.monotonic()
    with pytest.raises(NotRespondingError, match="not responding"):
        calls.run("open", hangs, abandoned=abandoned.append)
    assert 0.2 <= time.monotonic() - began < 1.0
    # While it still hangs, nothing else goes into the library, and nobody waits.
    began = time.monotonic()
    with pytest.raises(NotRespondingError):
        calls.run("open", lambda: "never called")
    assert time.monotonic() - began < 0.05
    assert calls.blocked
    release.set()  # the server continues
    assert answers.wait(2)
    assert abandoned == ["stream"] and not calls.blocked
    assert calls.run("open", lambda: "works") == "works"


def test_results_and_errors_of_calls_in_time_reach_the_caller() -> None:
    calls = BoundedCalls(limit=1.0)
    assert calls.run("open", lambda: 42) == 42

    def fails() -> None:
        raise OSError("no device")

    with pytest.raises(OSError, match="no device"):
        calls.run("open", fails)
    assert not calls.blocked
