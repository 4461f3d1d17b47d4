"""Switch input on X11: pynput listeners, plus a passive grab of only the switch keys.

pynput reads input through the X RECORD extension, so it sees every key and button no
matter which window gets it. Keeping the switch key from also typing into the focused
window needs a grab; pynput's `suppress=True` would grab the whole keyboard, so instead we
put a passive grab on the switch keys alone (python-xlib, our own connection).
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from ..core.events import AdapterError, Event, SwitchDown, SwitchUp
from ..core.settings import Switches
from ..ports import Post
from . import keys
from .event_time import ServerClock

# X keysym names of the named keys. pynput uses the first of each; the others are keys that
# pynput reports as the same key (keypad Enter) or that layouts use instead (AltGr).
_X_KEYSYMS: dict[str, tuple[str, ...]] = {
    "alt": ("Alt_L", "Alt_R"),
    "alt_l": ("Alt_L",),
    "alt_r": ("Alt_R",),
    "alt_gr": ("Mode_switch", "ISO_Level3_Shift"),
    "backspace": ("BackSpace",),
    "caps_lock": ("Caps_Lock",),
    "cmd": ("Super_L", "Super_R"),
    "cmd_l": ("Super_L",),
    "cmd_r": ("Super_R",),
    "ctrl": ("Control_L", "Control_R"),
    "ctrl_l": ("Control_L",),
    "ctrl_r": ("Control_R",),
    "delete": ("Delete",),
    "down": ("Down",),
    "end": ("End",),
    "enter": ("Return", "KP_Enter"),
    "esc": ("Escape",),
    "home": ("Home",),
    "left": ("Left",),
    "page_down": ("Page_Down",),
    "page_up": ("Page_Up",),
    "right": ("Right",),
    "shift": ("Shift_L", "Shift_R"),
    "shift_l": ("Shift_L",),
    "shift_r": ("Shift_R",),
    "space": ("space",),
    "tab": ("Tab",),
    "up": ("Up",),
    "media_play_pause": ("XF86_AudioPlay",),
    "media_volume_mute": ("XF86_AudioMute",),
    "media_volume_down": ("XF86_AudioLowerVolume",),
    "media_volume_up": ("XF86_AudioRaiseVolume",),
    "media_previous": ("XF86_AudioPrev",),
    "media_next": ("XF86_AudioNext",),
    "insert": ("Insert",),
    "menu": ("Menu",),
    "num_lock": ("Num_Lock",),
    "pause": ("Pause",),
    "print_screen": ("Print",),
    "scroll_lock": ("Scroll_Lock",),
    **{f"f{n}": (f"F{n}",) for n in range(1, 25)},
}

READY_TIMEOUT = 3.0
"""Seconds a listener may take to connect before we report it as failed."""


def x11_available() -> bool:
    """Whether DISPLAY is set and an X client can open it."""
    if not os.environ.get("DISPLAY"):
        return False
    try:
        from Xlib import display as xdisplay

        xdisplay.Display().close()
    except Exception:
        return False
    return True


def _bounded(action: Callable[[], object], timeout: float) -> bool:
    """Run `action` in a daemon thread; False if it has not finished after `timeout` s."""
    worker = threading.Thread(target=action, daemon=True)
    worker.start()
    worker.join(max(0.0, timeout))
    return not worker.is_alive()


def _stop_listener(listener: Any) -> None:
    """Stop a pynput X listener now, not at the next input event."""
    # pynput's stop() sends RecordDisableContext on the connection its thread is blocked
    # reading, without a flush, so the thread only ends at the next key or click
    # (pynput PR #583). Disabling the RECORD context from a connection of our own ends it
    # at once (measured: under 20 ms); stop() remains the fallback.
    context = getattr(listener, "_context", None)
    try:
        from Xlib import display as xdisplay

        if context is None:
            raise LookupError("listener not connected yet")
        connection = xdisplay.Display()
        try:
            connection.record_disable_context(context)
            connection.sync()
        finally:
            connection.close()
    except Exception:
        # pynput's stop() waits for a listener that has not connected yet: bound it.
        _bounded(listener.stop, 1.0)
    threading.Thread.join(listener, 1.0)  # pynput's join would re-raise listener errors


def _char_keysym(char: str) -> int:
    """The X keysym of a character."""
    code = ord(char)
    # Keysyms equal Latin-1 code points; other Unicode characters are 0x01000000 + code point.
    return code if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF else 0x01000000 | code


def key_keysyms(name: str) -> tuple[int, ...]:
    """The X keysyms that count as key `name` (empty for mouse buttons and unknown names)."""
    canonical = keys.canonical_key_name(name)
    if canonical is None or canonical in keys.MOUSE_BUTTONS:
        return ()
    if len(canonical) == 1:
        # Both cases: Shift or Caps Lock must not take the switch away, and the release of
        # Shift+A often arrives as plain `a`.
        return tuple(dict.fromkeys(_char_keysym(c) for c in keys.terminal_chars(canonical)))
    from Xlib import XK

    XK.load_keysym_group("xf86")
    found = (XK.string_to_keysym(symbol) for symbol in _X_KEYSYMS[canonical])
    return tuple(int(keysym) for keysym in found if keysym)


def _event_keysym(key: Any) -> int | None:
    """The keysym of a pynput key event (a `Key` member or a `KeyCode`), if known."""
    code = getattr(key, "value", key)  # a Key member wraps its KeyCode
    vk = getattr(code, "vk", None)
    if vk:
        return int(vk)
    char = getattr(code, "char", None)  # keypad digits come without vk
    return _char_keysym(char) if isinstance(char, str) and len(char) == 1 else None


class X11SwitchSource:
    """Switch presses and releases from X11 keys and mouse buttons."""

    name = "switch"

    def __init__(self, switches: Switches, lost: Callable[[str], None] | None = None) -> None:
        """`lost` is called (on a listener's thread) when the X connection dies; without it that
        is posted as an error. switch/fallback.py uses it to fall back and reconnect."""
        self.switches = switches
        self._lost = lost
        self._post: Post | None = None
        self._listeners: list[Any] = []
        self._grab: _KeyGrab | None = None
        self._keysyms: dict[int, tuple[int, str]] = {}
        self._buttons: dict[int, tuple[int, str]] = {}
        # Each set is touched only by its own listener thread, so no lock is needed.
        self._keys_down: set[tuple[int, str]] = set()
        self._buttons_down: set[tuple[int, str]] = set()
        self._stopping = False
        self._server_clock = ServerClock()
        self._event_ms = threading.local()
        """The X timestamp of the event each listener thread is handling now."""

    def start(self, post: Post) -> None:
        """Start the listeners (and the grab); returns at once. Failures are posted."""
        self._post = post
        self._stopping = False
        self._server_clock.reset()
        try:
            self._map_switches()
            from pynput import keyboard, mouse
        except Exception as error:  # pynput connects to X when imported: X may be gone already
            self._connection_lost(f"cannot read switches from X11: {error}")
            return
        if self._keysyms:
            self._start_listener(
                "keyboard", keyboard.Listener(on_press=self._on_press, on_release=self._on_release)
            )
        if self._buttons:
            self._start_listener("mouse", mouse.Listener(on_click=self._on_click))
        if self.switches.grab and self._keysyms:
            self._grab = _KeyGrab(self._error, self._connection_lost)
            self._grab.start(self._grab_names())

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Block until every listener receives events (a few ms); False on timeout."""
        deadline = time.monotonic() + timeout
        # pynput's wait() has no timeout and never returns if the listener failed.
        return all(_bounded(listener.wait, deadline - time.monotonic()) for listener in self._listeners)

    def stop(self) -> None:
        """Stop the listeners and release the grab."""
        self._stopping = True
        for listener in self._listeners:
            _stop_listener(listener)
        self._listeners.clear()
        if self._grab is not None:
            self._grab.stop()
            self._grab = None
        self._keys_down.clear()
        self._buttons_down.clear()

    def _map_switches(self) -> None:
        self._keysyms.clear()
        self._buttons.clear()
        switches = self.switches
        # Switch 3 is the caregiver's key: read like the others, never grabbed.
        for switch, names in ((1, switches.switch1), (2, switches.switch2), (3, switches.caregiver)):
            for name in names:
                button = keys.mouse_button(name)
                if button is not None:
                    self._buttons.setdefault(button, (switch, name))
                for keysym in key_keysyms(name):
                    self._keysyms.setdefault(keysym, (switch, name))

    def _grab_names(self) -> dict[str, tuple[int, ...]]:
        names: dict[str, list[int]] = {}
        for keysym, (switch, name) in self._keysyms.items():
            if switch != 3:
                names.setdefault(name, []).append(keysym)
        return {name: tuple(found) for name, found in names.items()}

    def _start_listener(self, kind: str, listener: Any) -> None:
        self._keep_event_time(listener)
        listener.start()
        self._listeners.append(listener)
        threading.Thread(target=self._watch, args=(kind, listener), daemon=True).start()

    def _watch(self, kind: str, listener: Any) -> None:
        """Report a listener that dies (X server gone, RECORD missing) instead of going quiet."""
        # Thread.join: pynput's join waits for a result that a crashed listener never leaves.
        threading.Thread.join(listener)
        self._connection_lost(f"{kind} listener stopped; switch presses are no longer read")

    def _keep_event_time(self, listener: Any) -> None:
        """Note each X event's own timestamp before pynput calls back with it: pynput's
        callbacks get the key, not the event, and a press is judged by when it happened."""
        handle = listener._handle_message

        def handle_timed(display: Any, event: Any, injected: bool) -> None:
            self._event_ms.value = getattr(event, "time", None)
            handle(display, event, injected)

        listener._handle_message = handle_timed

    def _event_time(self) -> float:
        """When the event being handled happened, on the loop clock (now, if unknown)."""
        received = time.monotonic()
        server_ms = getattr(self._event_ms, "value", None)
        if not isinstance(server_ms, int):
            return received
        return self._server_clock.to_loop(server_ms, received)

    def _on_press(self, key: Any, injected: bool = False) -> None:
        now = self._event_time()
        hit = self._keysyms.get(_event_keysym(key) or 0)
        # X auto-repeat sends more presses (and no releases) while a key is held.
        if hit is not None and hit not in self._keys_down:
            self._keys_down.add(hit)
            self._send(SwitchDown(hit[0], "switch", hit[1]), now)

    def _on_release(self, key: Any, injected: bool = False) -> None:
        now = self._event_time()
        hit = self._keysyms.get(_event_keysym(key) or 0)
        if hit is not None and hit in self._keys_down:
            self._keys_down.discard(hit)
            self._send(SwitchUp(hit[0], "switch", hit[1]), now)

    def _on_click(self, x: int, y: int, button: Any, pressed: bool, injected: bool = False) -> None:
        now = self._event_time()
        hit = self._buttons.get(int(getattr(button, "value", 0) or 0))
        if hit is None:
            return
        if pressed and hit not in self._buttons_down:
            self._buttons_down.add(hit)
            self._send(SwitchDown(hit[0], "switch", hit[1]), now)
        elif not pressed and hit in self._buttons_down:
            self._buttons_down.discard(hit)
            self._send(SwitchUp(hit[0], "switch", hit[1]), now)

    def _send(self, event: Event, now: float) -> None:
        if self._stopping:
            return  # an event already on its way when stop() was called
        # An exception escaping a pynput callback stops its listener: the switch would die.
        try:
            if self._post is not None:
                self._post(event, now)
        except Exception:
            pass

    def _error(self, message: str) -> None:
        self._send(AdapterError("switch", message), time.monotonic())

    def _connection_lost(self, message: str) -> None:
        if self._stopping:
            return  # stop() ends the listeners too
        if self._lost is not None:
            self._lost(message)
        else:
            self._error(message)


class _KeyGrab:
    """Passive grabs of a few keys on the root window, on a connection of our own."""

    def __init__(self, report: Callable[[str], None], lost: Callable[[str], None]) -> None:
        self._report = report
        self._lost = lost
        self._display: Any = None
        self._grabbed: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, names: dict[str, tuple[int, ...]]) -> None:
        """Grab each key by name; report every key that cannot be grabbed."""
        try:
            from Xlib import display as xdisplay

            self._display = xdisplay.Display()
            for name, keysyms in names.items():
                problem = self._grab_key(keysyms)
                if problem:
                    self._report(f"cannot grab {name} ({problem}); it will also type into other windows")
        except Exception as error:
            self._report(f"cannot grab switch keys ({error}); they will also type into other windows")
            self._close()
            return
        self._thread = threading.Thread(target=self._drain, name="switch-grab", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Release the grabs and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self._close()

    def _grab_key(self, keysyms: tuple[int, ...]) -> str | None:
        from Xlib import X, error

        display = self._display
        keycodes = {code for keysym in keysyms for code, _ in display.keysym_to_keycodes(keysym)}
        if not keycodes:
            return "not on this keyboard map"
        root = display.screen().root
        # A passive grab matches exact modifier states: also grab with Caps Lock and Num Lock
        # on, or the switch would type into other windows whenever a lock is on.
        numlock = self._numlock_mask()
        combos = (0, X.LockMask, numlock, X.LockMask | numlock)
        catch = error.CatchError(error.BadAccess)
        grabs = [(code, mods) for code in sorted(keycodes) for mods in combos]
        for code, mods in grabs:
            root.grab_key(code, mods, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catch)
        display.sync()
        if catch.get_error() is not None:
            # Partly grabbed is worse than not grabbed: it would depend on the lock keys.
            for code, mods in grabs:
                root.ungrab_key(code, mods)
            display.sync()
            return "another program has grabbed it"
        self._grabbed.extend(grabs)
        return None

    def _numlock_mask(self) -> int:
        from Xlib import XK, X

        display = self._display
        codes = {code for code, _ in display.keysym_to_keycodes(XK.XK_Num_Lock)}
        for index, modifier_codes in enumerate(display.get_modifier_mapping()):
            if codes & set(modifier_codes):
                return int(1 << index)
        return int(X.Mod2Mask)

    def _drain(self) -> None:
        """Read and drop the grabbed key events, which X sends to this connection."""
        display = self._display
        try:
            while not self._stop.is_set():
                # A timeout rather than a blocking read, so stop() is answered promptly.
                ready, _, _ = select.select([display.fileno()], [], [], 0.1)
                if ready:
                    for _ in range(display.pending_events()):
                        display.next_event()
        except Exception as error:
            if not self._stop.is_set():
                self._lost(f"switch key grab lost ({error})")

    def _close(self) -> None:
        display, self._display = self._display, None
        if display is None:
            return
        try:
            root = display.screen().root
            for code, mods in self._grabbed:
                root.ungrab_key(code, mods)
            display.close()  # closing alone would also end the grabs; ungrab says so plainly
        except Exception:
            pass
        self._grabbed.clear()
