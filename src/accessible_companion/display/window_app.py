"""The Qt side of the window process (window_process.py says why it is a process of its own).

The main thread runs QApplication and one top-level window holding the Board. A reader
thread takes views and levels from the companion's socket and hands them to the main
thread through a queued signal; only the newest of each is kept, so a burst of views costs
one paint. Every key is swallowed except the caregiver's chords, which a switch cannot
make: Ctrl+Shift+F leaves or enters full screen, Ctrl+Shift+Q quits the companion.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from ..core.view import View
from .board import Board

log = logging.getLogger(__name__)

TITLE = "Accessible Companion"
CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)


class Inbox(QObject):
    """What the reader thread received and the main thread has not taken yet (newest wins)."""

    arrived = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._view: View | None = None
        self._level: tuple[float | None] | None = None
        self._closed = False
        self._signalled = False

    def put(
        self, view: View | None = None, level: tuple[float | None] | None = None, closed: bool = False
    ) -> None:
        """From the reader thread: keep these, and wake the main thread once for all of them."""
        with self._lock:
            if view is not None:
                self._view = view
            if level is not None:
                self._level = level
            self._closed = self._closed or closed
            wake, self._signalled = not self._signalled, True
        if wake:
            self.arrived.emit()  # queued: the slot runs on the main thread

    def take(self) -> tuple[View | None, tuple[float | None] | None, bool]:
        with self._lock:
            taken = self._view, self._level, self._closed
            self._view, self._level, self._signalled = None, None, False
            return taken


class Window(QWidget):
    """The top-level window: the Board, full screen, and the caregiver's chords."""

    def __init__(self, board: Board, send: Any) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        # Nothing here takes keyboard focus: switch keys are grabbed by the companion's X11
        # listener whatever has the focus, and no widget should act on a stray key.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(board)
        self._send = send
        self._full: bool | None = None
        self._wanted_full: bool | None = None
        self.quitting = False

    def follow(self, full_screen: bool) -> None:
        """The caregiver's setting: applied when it changes (a chord may flip it meanwhile)."""
        if full_screen != self._wanted_full:
            self._wanted_full = full_screen
            self.set_full(full_screen)

    def set_full(self, full: bool) -> None:
        self._full = full
        area = self.screen().geometry()
        if full:
            # A window manager honours showFullScreen(); bare X (a kiosk, Xvfb) has none to
            # ask, so the window is also given the whole screen itself.
            self.setGeometry(area)
            self.showFullScreen()
        else:
            self.showNormal()
            dx, dy = area.width() // 8, area.height() // 8
            self.setGeometry(area.adjusted(dx, dy, -dx, -dy))

    def chord(self, event: QKeyEvent) -> bool:
        """Act on a caregiver chord; True when the key was one."""
        if event.type() != QEvent.Type.KeyPress or event.modifiers() & CHORD != CHORD:
            return False
        if event.key() == Qt.Key.Key_F:
            self.set_full(not self._full)
            return True
        if event.key() == Qt.Key.Key_Q:
            self._send(("quit",))
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed by the window manager (or Alt+F4): the companion goes on in the terminal.
        if not self.quitting:
            self._send(("closed",))
        QApplication.quit()


class Keys(QObject):
    """Swallows every key the window would get; only the chords act."""

    def __init__(self, window: Window) -> None:
        super().__init__()
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in KEY_EVENTS:
            if isinstance(event, QKeyEvent):
                self._window.chord(event)
            return True
        return False


class WindowApp(QObject):
    """Ties the socket, the Board and the window together on the main thread."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self._connection = connection
        self._send_lock = threading.Lock()
        self.board = Board()
        self.window = Window(self.board, self.send)
        self.keys = Keys(self.window)
        self.inbox = Inbox()
        self.inbox.arrived.connect(self._take, Qt.ConnectionType.QueuedConnection)
        self.board.painted.connect(self._painted)
        self.board.picked.connect(self._picked)
        self._view: View | None = None
        self._reported: View | None = None
        self._ready = False

    def send(self, message: tuple[Any, ...]) -> None:
        try:
            with self._send_lock:
                self._connection.send(message)
        except OSError:  # the companion is gone: nothing left to show for
            self.window.quitting = True
            QApplication.quit()

    def read(self) -> None:
        """The reader thread: until the socket closes."""
        while True:
            try:
                message = self._connection.recv()
            except (EOFError, OSError):
                self.inbox.put(closed=True)
                return
            if message[0] == "view":
                self.inbox.put(view=message[1])
            elif message[0] == "level":
                self.inbox.put(level=(message[1],))

    def _take(self) -> None:
        view, level, closed = self.inbox.take()
        if closed:
            self.window.quitting = True
            QApplication.quit()
            return
        if level is not None:
            self.board.set_level(level[0])
        if view is not None:
            self._view = view
            self.board.show_view(view)
            self.window.follow(view.look.full_screen)
            if not self._ready:
                self._ready = True
                self._say_ready()  # shown; its first paint comes next

    def _say_ready(self) -> None:
        screen = self.window.screen().geometry()
        self.send(
            (
                "ready",
                {
                    "pid": os.getpid(),
                    "platform": QApplication.platformName(),
                    "geometry": _rect(self.window.geometry()),
                    "screen": _rect(screen),
                },
            )
        )

    def _painted(self, view: object, at: float) -> None:
        # One line per view shown: later repaints of it (a dwell bar filling) are not news.
        if isinstance(view, View) and view is not self._reported:
            self._reported = view
            self.send(("painted", view.menu, view.highlight, view.row, view.screen, at))

    def _picked(self, menu: str, index: int) -> None:
        view = self._view
        if view is not None and view.look.mouse:
            self.send(("pick", menu, index, time.monotonic()))


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def run(connection: Connection) -> int:
    """Open the window and serve the companion until the socket closes; the exit status."""
    app = QApplication(["accessible-companion-window"])
    app.setApplicationName("accessible-companion")
    app.setApplicationDisplayName(TITLE)
    app.setQuitOnLastWindowClosed(False)
    window_app = WindowApp(connection)
    app.installEventFilter(window_app.keys)
    threading.Thread(target=window_app.read, name="window-reader", daemon=True).start()
    status = app.exec()
    window_app.window.quitting = True
    return status
