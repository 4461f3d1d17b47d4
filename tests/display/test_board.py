"""The bedside board: what it paints (checked in the rendered pixels), where a tap lands, and
that nothing runs while nothing moves. Offscreen here; one test under a real Xvfb with xcb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QSignalSpy, QTest

from accessible_companion.core.settings import DisplaySettings, ThemeName, WindowWords
from accessible_companion.core.view import View
from accessible_companion.display import chrome, fit
from accessible_companion.display.board import Board
from accessible_companion.display.screens import ALERT_FILL, ALERT_TEXT, countdown
from accessible_companion.display.themes import BUILT_IN, colors_of, contrast
from rigs import screenshots
from tests.display.qt import Pixels, application, colours, count, pixels, region, share
from tests.support.fixtures import xvfb_display

__all__ = ["xvfb_display"]  # a fixture: importing it is what makes it available here

ROOT = Path(__file__).resolve().parents[2]
T0 = 1000.0
WIDTH, HEIGHT = 960, 600


class Clock:
    """The loop's clock, set by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module", autouse=True)
def _app() -> None:
    application()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def board(clock: Clock) -> Iterator[Board]:
    made = Board(clock=clock)
    made.resize(WIDTH, HEIGHT)
    yield made
    made.deleteLater()


def phrases(theme: ThemeName = ThemeName.YELLOW_ON_BLACK, **changes: object) -> View:
    return screenshots.phrases(theme, now=T0, **changes)


def grid(**changes: object) -> View:
    return screenshots.grid(now=T0, **changes)


def render(board: Board, view: View) -> Pixels:
    board.show_view(view)
    return pixels(board.grab().toImage())


def frame_probe(rect: QRect) -> QPoint:
    """A point in the frame drawn around `rect` (outside it): left of it, halfway down."""
    return QPoint(rect.left() - 3, rect.center().y())


# Where the highlight is, and what it looks like.


@pytest.mark.parametrize("theme", [ThemeName.YELLOW_ON_BLACK, ThemeName.BLACK_ON_WHITE, ThemeName.CUSTOM])
def test_the_highlighted_cell_is_inverted_and_framed_and_the_others_are_not(
    board: Board, theme: ThemeName
) -> None:
    view = phrases(theme, labels=screenshots.PHRASES[:6], highlight=2)
    colors = colors_of(view.look)
    image = render(board, view)
    rects = [board.cell_rect(index) for index in range(6)]
    assert all(rect is not None for rect in rects)
    tops = [rect.top() for rect in rects if rect is not None]
    assert tops == sorted(tops) and len(set(tops)) == 6, "a list is one column of cells, in order"
    for index, rect in enumerate(rects):
        assert rect is not None
        inside = region(image, rect.adjusted(4, 4, -4, -4))
        if index == 2:
            assert share(inside, colors.highlight) > 0.6
        else:
            assert share(inside, colors.background) > 0.6
            assert share(inside, colors.highlight) < 0.02 or colors.highlight == colors.text
    focus = board.focus_rect()
    assert focus is not None and focus == rects[2]
    probe = frame_probe(focus)
    assert share(region(image, QRect(probe.x(), probe.y() - 5, 1, 10)), colors.frame) == 1.0
    above = QRect(focus.left() + 40, focus.top() - 4, focus.width() - 80, 2)
    assert share(region(image, above), colors.frame) == 1.0, "the frame runs all around the cell"


def test_a_grid_cell_is_highlighted_at_its_row_and_column(board: Board) -> None:
    view = grid(row=None, highlight=6)
    image = render(board, view)
    colors = colors_of(view.look)
    rect, same_column, same_row = board.cell_rect(6), board.cell_rect(2), board.cell_rect(4)
    assert rect is not None and same_column is not None and same_row is not None
    assert rect.left() == same_column.left() and rect.top() > same_column.top()
    assert rect.top() == same_row.top() and rect.left() > same_row.left()
    assert share(region(image, rect.adjusted(4, 4, -4, -4)), colors.highlight) > 0.6
    for index in (2, 4, 5, 7):
        other = board.cell_rect(index)
        assert other is not None
        assert share(region(image, other.adjusted(4, 4, -4, -4)), colors.background) > 0.6
    probe = frame_probe(rect)
    assert share(region(image, QRect(probe.x(), probe.y(), 1, 1)), colors.frame) == 1.0


def test_a_highlighted_row_inverts_every_cell_of_it_inside_one_frame(board: Board) -> None:
    view = grid()  # row 1 of 4 columns
    image = render(board, view)
    colors = colors_of(view.look)
    for index in range(len(view.labels)):
        rect = board.cell_rect(index)
        assert rect is not None
        fill = colors.highlight if index // 4 == 1 else colors.background
        assert share(region(image, rect.adjusted(4, 4, -4, -4)), fill) > 0.6, index
    block = board.focus_rect()
    first, last = board.cell_rect(4), board.cell_rect(7)
    assert block is not None and first is not None and last is not None
    assert block == first.united(last)
    probe = frame_probe(block)
    assert share(region(image, QRect(probe.x(), probe.y(), 1, 1)), colors.frame) == 1.0
    right = QRect(block.right() + 3, block.center().y(), 1, 1)
    assert share(region(image, right), colors.frame) == 1.0
    between = QRect(first.right() + 3, first.top() - 4, 1, 1)
    assert share(region(image, between), colors.frame) == 1.0, "one frame over the whole row"


@pytest.mark.parametrize("theme", [ThemeName.YELLOW_ON_BLACK, ThemeName.BLACK_ON_WHITE])
def test_text_reaches_7_to_1_in_the_rendered_pixels(board: Board, theme: ThemeName) -> None:
    view = phrases(theme, labels=("Water", "Reposition me", "Pain"), highlight=0)
    image = render(board, view)
    colors = BUILT_IN[theme]
    for index, (fill, text) in enumerate(
        [(colors.highlight, colors.highlight_text), (colors.background, colors.text)]
    ):
        rect = board.cell_rect(index)
        assert rect is not None
        counted = colours(region(image, rect.adjusted(2, 2, -2, -2)))
        (first, _), (second, drawn) = counted[0], counted[1]
        assert first == tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))
        assert second == tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))
        assert drawn > 200, "the label is drawn in solid text colour, not only antialiased edges"
        assert contrast(first, second) >= 7.0


def test_the_alert_screen_is_red_with_white_words_then_says_help_is_coming(board: Board) -> None:
    view = screenshots.alert()
    image = render(board, view)
    assert share(image, ALERT_FILL) > 0.8
    assert count(image, ALERT_TEXT) > 2000
    counted = colours(image)
    assert contrast(counted[0][0], counted[1][0]) >= 7.0
    assert board.accessibleName() == WindowWords().screen_alert
    notified = render(board, replace(view, alert_notified=True))
    assert share(notified, ALERT_FILL) > 0.8
    assert (notified != image).any()
    assert board.accessibleName() == WindowWords().help_coming


def test_what_the_main_voice_says_shows_in_the_speaking_area(board: Board) -> None:
    silent = render(board, phrases(speaking=""))
    speaking = render(board, phrases(speaking="I would like some water, please."))
    area = board.parts().speaking.adjusted(6, 6, -6, -6)
    text = colors_of(phrases().look).text
    assert count(region(silent, area), text) == 0
    assert count(region(speaking, area), text) > 500


# Pointer: a click or tap reports where it landed; the core decides what it means.


def test_a_click_on_a_cell_reports_its_menu_and_index(board: Board) -> None:
    board.show_view(grid(row=None, highlight=0))
    board.grab()
    spy = QSignalSpy(board.picked)
    rect = board.cell_rect(9)
    assert rect is not None
    QTest.mouseClick(board, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert spy.count() == 1
    assert spy.at(0) == ["needs", 9]
    QTest.mouseClick(board, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, rect.center())
    gap = QPoint(rect.left() - 2, rect.center().y())
    QTest.mouseClick(board, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, gap)
    assert spy.count() == 1, "a right click and a tap between cells pick nothing"


def test_a_tap_on_a_rest_or_alert_screen_is_the_screen_itself(board: Board) -> None:
    spy = QSignalSpy(board.picked)
    for view in (screenshots.rest(now=T0), screenshots.alert()):
        board.show_view(view)
        QTest.mouseClick(board, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
    assert [spy.at(i) for i in range(spy.count())] == [["rest-screen", -1], ["phrases", -1]]


def test_no_click_is_reported_when_the_caregiver_turned_the_mouse_off(board: Board) -> None:
    board.show_view(phrases(look=DisplaySettings(mouse=False)))
    spy = QSignalSpy(board.picked)
    rect = board.cell_rect(0)
    assert rect is not None
    QTest.mouseClick(board, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert spy.count() == 0


# What moves, and what does not.


def test_the_dwell_bar_grows_while_the_time_runs_then_its_timer_stops(board: Board, clock: Clock) -> None:
    view = phrases(labels=screenshots.PHRASES[:5], highlight=1, dwell=(T0, T0 + 1.0))
    colors = colors_of(view.look)
    bar = None

    def filled() -> int:
        image = pixels(board.grab().toImage())
        nonlocal bar
        bar = board.parts()
        focus = board.focus_rect()
        assert focus is not None
        edge = QRect(focus.left(), focus.bottom() + 3, focus.width(), bar.bar - 5)
        return count(region(image, edge), colors.background)

    board.show_view(view)
    early = filled()
    assert board.timers_running()
    clock.now = T0 + 0.6
    later = filled()
    assert later > early + 100
    clock.now = T0 + 1.2
    QTest.qWait(80)
    assert not board.timers_running(), "the bar is full: nothing moves any more"


def test_no_timer_runs_while_nothing_on_screen_moves(board: Board, clock: Clock) -> None:
    for view in (phrases(dwell=None), phrases(state="idle", highlight=None, dwell=None), screenshots.alert()):
        board.show_view(view)
        board.grab()
        assert not board.timers_running()
        assert not any(timer.isActive() for timer in board.findChildren(QTimer))
    board.show_view(phrases(dwell=(T0 - 2.0, T0 - 1.0)))
    assert not board.timers_running(), "a dwell already over needs no animation"


def test_a_rest_counts_down_once_a_second(board: Board, clock: Clock) -> None:
    clock.now = T0 + 0.25
    board.show_view(screenshots.rest(now=T0))  # ends at T0 + 754.2
    first = pixels(board.grab().toImage())
    timers = [timer for timer in board.findChildren(QTimer) if timer.isActive()]
    assert len(timers) == 1
    assert 940 <= timers[0].interval() <= 1010, "the next tick is when the shown second changes"
    clock.now = T0 + 1.25
    assert (pixels(board.grab().toImage()) != first).any()
    assert countdown(754) == "12:34" and countdown(3723) == "1:02:03" and countdown(5) == "0:05"
    clock.now = T0 + 800
    board.show_view(screenshots.rest(now=T0))
    assert not board.timers_running(), "a rest that is over counts nothing"


def test_painted_reports_each_view_once_after_its_paint(board: Board) -> None:
    spy = QSignalSpy(board.painted)
    view = phrases()
    board.show_view(view)
    board.grab()
    board.grab()
    assert spy.count() == 1
    assert spy.at(0)[0] is view and isinstance(spy.at(0)[1], float)


# Layout: long labels, many items.


def test_a_long_label_wraps_then_shrinks_and_is_cut_only_with_an_ellipsis() -> None:
    short = fit.fit("Water", 400, 100, 60, 12)
    assert short.lines == ("Water",) and short.font.pixelSize() == 60
    wrapped = fit.fit("Please open the window a little", 400, 200, 60, 12)
    assert len(wrapped.lines) > 1 and "…" not in "".join(wrapped.lines)
    cut = fit.fit("Pneumonoultramicroscopicsilicovolcanoconiosis and more words here " * 3, 200, 40, 40, 20)
    assert cut.font.pixelSize() == 20
    assert cut.lines[-1].endswith("…")
    assert all(not line or line.endswith("…") or " " in line or len(line) < 40 for line in cut.lines)


def test_every_label_keeps_whole_words_or_an_ellipsis_in_a_crowded_grid(board: Board) -> None:
    labels = tuple(f"Item {n} with a rather long caregiver label" for n in range(12))
    board.show_view(grid(labels=labels, columns=6, row=None, highlight=3))
    board.grab()
    lay = board.parts()
    assert len(lay.cells) == 12
    for cell in lay.cells:
        box = cell.rect
        fitted = fit.fit(labels[cell.index], box.width(), box.height(), 100, 1)
        words = labels[cell.index].split()
        for line in fitted.lines:
            assert line.endswith("…") or all(word in words for word in line.split())


def test_a_long_list_shows_the_page_around_the_highlight(board: Board) -> None:
    labels = tuple(f"Phrase {n}" for n in range(30))
    board.show_view(phrases(labels=labels, highlight=25))
    image = pixels(board.grab().toImage())
    lay = board.parts()
    shown = [cell.index for cell in lay.cells]
    assert 25 in shown and 0 not in shown and len(shown) < 30
    assert lay.above + len(shown) + lay.below == 30
    assert lay.more is not None and count(region(image, lay.more), colors_of(phrases().look).text) > 50
    heights = {cell.rect.height() for cell in lay.cells}
    assert min(heights) >= HEIGHT * 0.07 - 1, "cells keep a size readable from the bed"
    few = phrases(labels=labels[:4], highlight=0)
    board.show_view(few)
    assert [cell.index for cell in board.parts().cells] == [0, 1, 2, 3]


# Assistive technology and the keyboard.


def test_screen_readers_get_the_highlighted_item_and_where_we_are(board: Board) -> None:
    board.show_view(phrases())
    face = QAccessible.queryAccessibleInterface(board)
    assert face is not None
    assert face.text(QAccessible.Text.Name) == "Water"
    assert "Home › Phrases" in face.text(QAccessible.Text.Description)
    board.show_view(grid())
    assert board.accessibleName() == "Too hot, Too cold, Reposition me, Suction"
    assert board.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_notices_carry_a_symbol_and_a_word_not_only_a_colour(board: Board) -> None:
    plain = render(board, phrases(notice="Scanning mode auto.", notice_level="info"))
    warned = render(board, phrases(notice="Scanning mode auto.", notice_level="warning"))
    failed = render(board, phrases(notice="Scanning mode auto.", notice_level="error"))
    status = board.parts().status
    assert count(region(warned, status), "#ffcc00") > 500
    assert count(region(failed, status), "#b00000") > 500
    assert count(region(plain, status), "#ffcc00") == 0
    words = WindowWords()
    assert fit.fit(f"⚠ {words.notice_warning}: x", 900, 40, 20, 10).lines[0].startswith("⚠ Warning")
    from PySide6.QtGui import QFontMetricsF

    metrics = QFontMetricsF(fit.font(30))
    assert all(metrics.inFontUcs4(ord(symbol)) for symbol in "⚠✖▲▼›…"), "the symbols have glyphs"


def test_the_microphone_level_shows_while_voice_listens_only(board: Board) -> None:
    yellow = colors_of(phrases().look).text
    board.show_view(phrases(voice="listening", notice="", dwell=None))
    board.set_level(-50.0)
    status = board.parts().status
    quiet = count(region(pixels(board.grab().toImage()), status), yellow)
    board.set_level(-6.0)
    loud = count(region(pixels(board.grab().toImage()), status), yellow)
    assert loud > quiet + 100
    assert not board.timers_running()
    board.show_view(phrases(voice="off", notice=""))
    off = count(region(pixels(board.grab().toImage()), status), yellow)
    assert off < quiet


def test_a_rest_that_is_over_says_so(board: Board, clock: Clock) -> None:
    clock.now = T0 + 800
    board.show_view(screenshots.rest(now=T0))
    over = pixels(board.grab().toImage())
    rest = screenshots.rest(now=T0)
    look = replace(rest.look, words=replace(rest.look.words, rest_over="Fin"))
    board.show_view(replace(rest, look=look))
    translated = pixels(board.grab().toImage())
    middle = board.parts().middle
    yellow = colors_of(phrases().look).text
    assert count(region(translated, middle), yellow) < count(region(over, middle), yellow)


def test_the_qt_binding_survives_a_day_of_signals() -> None:
    """PySide6 6.12.0 drops a reference to True on every Signal.emit under Python 3.11: the
    process aborts (bool_dealloc) after a few thousand, minutes of scanning. 6.11.3 is fine."""
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from accessible_companion.display.board import Board\n"
        "board = Board()\n"
        "for n in range(20000):\n"
        "    board.picked.emit('home', n)\n"
        "    board.painted.emit(None, 1.0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]


# The real X server.


@pytest.mark.real
def test_under_xvfb_with_xcb_the_highlight_is_where_the_x_server_shows_it(xvfb_display: str) -> None:
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "tests.display.xcb_child"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["platform"] == "xcb"
    assert found["screen"] == [1024, 768]
    assert found["highlight_share"] > 0.6, found
    assert found["frame_share"] == 1.0, found
    assert found["others_background_share"] > 0.6, found
    assert found["contrast"] >= 7.0, found
    assert found["painted_ms"] < 1000, found


def test_the_scan_state_in_the_status_line_is_the_caregivers_words(board: Board) -> None:
    view = phrases(state="idle", notice="", voice="off")
    words = replace(view.look.words, state_idle="x")
    shorter = replace(view, look=replace(view.look, words=words))
    yellow = colors_of(view.look).text
    board.show_view(view)
    status = board.parts().status
    usual = count(region(pixels(board.grab().toImage()), status), yellow)
    board.show_view(shorter)
    translated = count(region(pixels(board.grab().toImage()), status), yellow)
    assert translated < usual / 2, (translated, usual)
    assert chrome.state_words("idle", words) == "x"
    assert chrome.state_words("busy", words) == "speaking"  # a state without words of its own


def test_the_status_line_shows_the_caregiver_page_and_its_pairing_code(board: Board) -> None:
    view = phrases(state="idle", notice="", voice="off")
    yellow = colors_of(view.look).text
    board.show_view(view)
    status = board.parts().status
    without = count(region(pixels(board.grab().toImage()), status), yellow)
    board.show_view(replace(view, page_url="http://192.168.1.7:8765/"))
    with_page = count(region(pixels(board.grab().toImage()), status), yellow)
    board.show_view(replace(view, page_url="http://192.168.1.7:8765/", page_code="123456"))
    with_code = count(region(pixels(board.grab().toImage()), status), yellow)
    assert without < with_page < with_code, (without, with_page, with_code)
