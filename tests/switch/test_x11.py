"""The X11 switch source against a real Xvfb server driven by xdotool."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator

import pytest
from Xlib import XK, X
from Xlib import display as xdisplay

from accessible_companion.core.events import AdapterError, Event, SwitchDown, SwitchUp
from accessible_companion.core.settings import Switches
from accessible_companion.switch.x11 import X11SwitchSource, x11_available
from rigs.recorder import Recorder
from rigs.xdotool_stream import XdotoolStream
from rigs.xvfb import xdotool
from tests.support.fixtures import xvfb_display

pytestmark = pytest.mark.real

__all__ = ["xvfb_display"]  # a fixture: importing it is what makes it available here


SPACE_PRESS = [SwitchDown(1, "switch", "space"), SwitchUp(1, "switch", "space")]
KEYSYM_NAMES = {XK.string_to_keysym(name): name for name in ("space", "Return", "a", "Num_Lock")}


class FocusedWindow:
    """Another X client: a window with the input focus that records the keys it receives."""

    def __init__(self, display: str) -> None:
        self.display = xdisplay.Display(display)
        screen = self.display.screen()
        self.window = screen.root.create_window(
            0, 0, 200, 200, 0, screen.root_depth, event_mask=X.KeyPressMask
        )
        self.window.map()
        self.display.sync()
        self.window.set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
        self.display.sync()

    def received(self, settle: float = 0.3) -> list[str]:
        """X keysym names of the keys pressed in this window since the last call."""
        time.sleep(settle)
        names = []
        while self.display.pending_events():
            event = self.display.next_event()
            if event.type == X.KeyPress:
                keysym = self.display.keycode_to_keysym(event.detail, 0)
                names.append(KEYSYM_NAMES.get(keysym, hex(keysym)))
        return names

    def close(self) -> None:
        self.window.destroy()
        self.display.close()


@pytest.fixture
def display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    return xvfb_display


Start = Callable[[Switches], tuple[X11SwitchSource, Recorder]]


@pytest.fixture
def started(display: str) -> Iterator[Start]:
    """Start an X11SwitchSource for some switches; every one is stopped at the end."""
    sources: list[X11SwitchSource] = []

    def start(switches: Switches) -> tuple[X11SwitchSource, Recorder]:
        source = X11SwitchSource(switches)
        posted = Recorder()
        source.start(posted)
        sources.append(source)
        assert source.wait_ready()
        return source, posted

    yield start
    for source in sources:
        source.stop()


@pytest.fixture
def window(display: str) -> Iterator[FocusedWindow]:
    focused = FocusedWindow(display)
    yield focused
    focused.close()


def keys_switches(grab: bool = True) -> Switches:
    return Switches(switch1=("space",), switch2=("enter",), grab=grab)


def test_presses_and_releases_in_order(started: Start, display: str) -> None:
    _, posted = started(keys_switches())
    xdotool(display, "keydown", "space")
    time.sleep(0.3)
    xdotool(display, "keyup", "space")
    xdotool(display, "key", "Return")
    xdotool(display, "key", "a")  # not a switch

    assert posted.wait_for(4, settle=0.3) == [
        SwitchDown(1, "switch", "space"),
        SwitchUp(1, "switch", "space"),
        SwitchDown(2, "switch", "enter"),
        SwitchUp(2, "switch", "enter"),
    ]
    times = [now for _, now in posted.events]
    assert times == sorted(times)
    assert 0.2 <= times[1] - times[0] <= 1.5


def test_held_key_gives_one_down(started: Start, display: str) -> None:
    # A plain pynput listener proves the key really repeated (Xvfb auto-repeats after
    # 660 ms at 25/s); the extra keydowns make repeats even if auto-repeat is off.
    from pynput import keyboard

    raw_presses: list[object] = []
    raw = keyboard.Listener(
        on_press=lambda key, injected=False: raw_presses.append(key),
        on_release=lambda key, injected=False: False,  # stop at the release
    )
    raw.start()
    raw.wait()
    _, posted = started(keys_switches())
    xdotool(display, "keydown", "space")
    time.sleep(0.5)
    xdotool(display, "keydown", "space")
    xdotool(display, "keydown", "space")
    time.sleep(0.5)
    xdotool(display, "keyup", "space")
    events = posted.wait_for(2, settle=0.3)
    raw.join(5.0)

    assert events == [SwitchDown(1, "switch", "space"), SwitchUp(1, "switch", "space")]
    assert len(raw_presses) >= 3


def test_mouse_buttons(started: Start, display: str) -> None:
    _, posted = started(Switches(switch1=("mouse:left",), switch2=("mouse:button8",)))
    xdotool(display, "mousedown", "1")
    time.sleep(0.2)
    xdotool(display, "mouseup", "1")
    xdotool(display, "click", "3")  # not a switch
    xdotool(display, "click", "8")

    assert posted.wait_for(4, settle=0.3) == [
        SwitchDown(1, "switch", "mouse:left"),
        SwitchUp(1, "switch", "mouse:left"),
        SwitchDown(2, "switch", "mouse:button8"),
        SwitchUp(2, "switch", "mouse:button8"),
    ]
    times = [now for _, now in posted.events]
    assert 0.1 <= times[1] - times[0] <= 1.5


def test_grab_keeps_only_the_switch_keys_from_other_windows(
    started: Start, display: str, window: FocusedWindow
) -> None:
    xdotool(display, "key", "space")
    assert window.received() == ["space"]  # the window does get keys before the grab

    source, posted = started(keys_switches())
    xdotool(display, "key", "space")
    xdotool(display, "key", "a")
    xdotool(display, "key", "Num_Lock")  # the grab must hold with Num Lock on too
    xdotool(display, "key", "space")
    xdotool(display, "key", "Num_Lock")
    assert window.received() == ["a", "Num_Lock", "Num_Lock"]
    assert posted.wait_for(4, settle=0.3) == SPACE_PRESS * 2

    source.stop()
    xdotool(display, "key", "space")
    assert window.received() == ["space"]


def test_without_grab_switch_keys_also_reach_other_windows(
    started: Start, display: str, window: FocusedWindow
) -> None:
    _, posted = started(keys_switches(grab=False))
    xdotool(display, "key", "space")
    assert window.received() == ["space"]
    assert posted.wait_for(2, settle=0.3) == [
        SwitchDown(1, "switch", "space"),
        SwitchUp(1, "switch", "space"),
    ]


def test_grab_refused_is_reported_and_the_switch_still_works(started: Start, display: str) -> None:
    other = xdisplay.Display(display)
    keycode = other.keysym_to_keycode(XK.string_to_keysym("space"))
    other.screen().root.grab_key(keycode, 0, True, X.GrabModeAsync, X.GrabModeAsync)
    other.sync()
    try:
        _, posted = started(keys_switches())
        xdotool(display, "key", "space")
        events = posted.wait_for(3, settle=0.3)
    finally:
        other.close()

    assert isinstance(events[0], AdapterError)
    assert events[0].component == "switch"
    assert "cannot grab space" in events[0].message
    assert events[1:] == [SwitchDown(1, "switch", "space"), SwitchUp(1, "switch", "space")]


def test_x11_available(display: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert x11_available()
    monkeypatch.setenv("DISPLAY", ":987")
    assert not x11_available()
    monkeypatch.delenv("DISPLAY")
    assert not x11_available()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_unreachable_display_is_reported_not_raised(display: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import pynput.keyboard  # noqa: F401  (imported while the display works, as in a real run)

    monkeypatch.setenv("DISPLAY", ":987")
    source = X11SwitchSource(keys_switches())
    posted = Recorder()
    source.start(posted)
    events = posted.wait_for(2, settle=0.1)
    stopping = time.monotonic()
    source.stop()

    assert time.monotonic() - stopping < 2.0
    assert all(isinstance(event, AdapterError) and event.component == "switch" for event in events)
    messages = " / ".join(event.message for event in events if isinstance(event, AdapterError))
    assert "keyboard listener stopped" in messages
    assert "cannot grab switch keys" in messages


def test_press_times_are_the_x_servers_not_when_the_callback_ran(display: str) -> None:
    """A listener thread held up (the process stalled) still gives each event its own time."""
    source = X11SwitchSource(keys_switches(grab=False))
    posted = Recorder()
    stall = {"seconds": 0.0}

    def slow_post(event: Event, at: float) -> None:
        posted(event, at)
        if stall["seconds"]:
            time.sleep(stall["seconds"])  # the next events wait in the X connection meanwhile
            stall["seconds"] = 0.0

    source.start(slow_post)
    try:
        assert source.wait_ready()
        with XdotoolStream(display) as xdo:
            xdo.tap("space", 0.05)  # a first press: the server's clock is mapped to ours
            posted.wait_for(2, timeout=5)
            stall["seconds"] = 1.0
            xdo.tap("space", 0.1)
            xdo.send("sleep 0.1")
            xdo.tap("space", 0.1)
            posted.wait_for(6, timeout=10)
    finally:
        source.stop()
    times = [at for event, at in posted.events[2:6] if isinstance(event, SwitchDown | SwitchUp)]
    assert len(times) == 4, posted.events
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # As made: 0.1 s held, 0.1 s apart, 0.1 s held; the callbacks ran 1 s late for the first.
    assert gaps == [pytest.approx(0.1, abs=0.05)] * 3, gaps
