"""TerminalDisplay: the full-screen layout (rendered into a recording console) and plain log lines."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from rich.cells import cell_len
from rich.console import Console

from accessible_companion.core.view import View
from accessible_companion.display import block_font
from accessible_companion.display.terminal import Line, TerminalDisplay

HOME = ("Phrases", "Fatigue strategies", "Rest", "Call caregiver", "Settings", "Quit")


def home(highlight: int | None = 0, **changes: object) -> View:
    view = View(
        menu="home",
        title="Home",
        labels=HOME,
        highlight=highlight,
        state="scanning",
        mode="auto",
        interval=1.5,
    )
    return replace(view, **changes)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich reads these when a Console is made; a CI runner's values must not change what we draw.
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)


def terminal(width: int = 80, height: int = 24) -> Console:
    return Console(
        file=io.StringIO(),
        record=True,
        width=width,
        height=height,
        force_terminal=True,
        force_interactive=True,
        color_system="standard",
    )


def frame(console: Console) -> list[str]:
    """The text drawn since the last call, as screen rows."""
    return console.export_text(clear=True).splitlines()


def marked(rows: list[str]) -> list[str]:
    return [row for row in rows if "▶" in row]


# Full screen


def test_full_screen_shows_title_highlight_speech_and_notice() -> None:
    console = terminal()
    display = TerminalDisplay(console)
    assert display.fullscreen
    display.show(home(3, state="hold-ready", speaking="Call caregiver", notice="Voice set to slow"))
    rows = frame(console)
    display.close()

    assert len(rows) == 24
    assert rows[0].lstrip().startswith("Home")
    assert "release to select" in rows[0]
    assert "auto · every 1.5 s" in rows[0]
    assert any("4 of 6" in row for row in rows)
    assert marked(rows) == [row for row in rows if "Call caregiver" in row and "Speaking" not in row]
    assert any(row.startswith("┗") and "RELEASE TO SELECT" in row for row in rows)
    assert any(row.strip() == "Speaking: Call caregiver" for row in rows)
    assert any(row.strip() == "Voice set to slow" for row in rows)


def test_highlight_is_drawn_in_block_letters_when_it_fits() -> None:
    console = terminal(80, 24)
    display = TerminalDisplay(console)
    display.show(home(0))
    rows = frame(console)
    display.close()

    drawn = [row[1:-1] for row in rows if row.startswith("┃")]
    letters = [row.strip() for row in drawn if row.strip()]
    expected = [line.strip() for line in block_font.render("Phrases", "full")]
    assert letters == expected


def test_narrow_terminal_falls_back_to_plain_bold_text() -> None:
    console = terminal(30, 12)
    display = TerminalDisplay(console)
    display.show(home(1))
    rows = frame(console)
    display.close()

    assert any(row.startswith("┃") and "Fatigue strategies" in row for row in rows)
    assert not any("█" in row or "▀" in row for row in rows)


def test_marker_and_reverse_video_are_on_the_highlighted_item_only() -> None:
    display = TerminalDisplay(terminal(), fullscreen=True)
    lines = display.layout(home(2), 80, 24)

    reversed_rows = []
    for line in lines:
        text = "".join(segment.text for segment in line)
        if any(
            segment.style is not None and segment.style.reverse for segment in line
        ) and not text.startswith("┃"):
            reversed_rows.append(text.strip())
    assert reversed_rows == ["▶ Rest"]
    dim_rows = [
        "".join(segment.text for segment in line).strip()
        for line in lines
        if any(segment.style is not None and segment.style.dim for segment in line)
    ]
    assert set(dim_rows) == {label for label in HOME if label != "Rest"} | {"Speaking: —"}


def test_long_menu_scrolls_to_keep_the_highlight_visible() -> None:
    labels = tuple(f"Item {number}" for number in range(40))
    console = terminal(80, 24)
    display = TerminalDisplay(console)
    for highlight in range(36):
        display.show(home(highlight, labels=labels, menu="long"))
        rows = frame(console)
        assert [row.split("▶")[1].split()[:2] for row in marked(rows)] == [["Item", str(highlight)]]
    display.close()

    assert any("↑" in row and "more" in row for row in rows)
    # One item of context stays visible below the highlight; items 37..39 are below the window.
    assert any("Item 36" in row and "↓ 3 more" in row for row in rows)


def test_jumping_straight_to_a_far_item_shows_it() -> None:
    labels = tuple(f"Item {number}" for number in range(40))
    console = terminal(80, 24)
    display = TerminalDisplay(console)
    display.show(home(35, labels=labels))
    rows = frame(console)
    display.close()

    assert len(marked(rows)) == 1
    assert "Item 35" in marked(rows)[0]


@pytest.mark.parametrize(("width", "height"), [(80, 24), (200, 60), (40, 12), (12, 1), (20, 5), (100, 8)])
def test_every_row_fills_the_screen_exactly(width: int, height: int) -> None:
    display = TerminalDisplay(terminal(width, height), fullscreen=True)
    labels = (*HOME, "日本語のラベル", "Tab\there\nnewline\x1b[31m", "x" * 300, "")
    for highlight in (None, 0, 6, 7, 8, 9):
        view = home(highlight, labels=labels, speaking="word " * 80, notice="Speech failed: " * 20)
        if highlight == 6:
            view = replace(view, page_url="http://192.168.100.100:8765/", page_code="123456")
        lines = display.layout(view, width, height)
        assert len(lines) == height
        for line in lines:
            text = "".join(segment.text for segment in line)
            assert cell_len(text) == max(width, 12)
            assert "\x1b" not in text
            assert "\n" not in text


def test_unchanged_view_is_not_redrawn_but_a_resize_is() -> None:
    console = terminal(80, 24)
    display = TerminalDisplay(console)
    display.show(home(0))
    assert frame(console)
    display.show(home(0))
    assert frame(console) == []
    console.size = (100, 30)
    display.show(home(0))
    rows = frame(console)
    display.close()
    assert len(rows) == 30
    assert len(rows[0]) == 100


def test_empty_menu_and_no_highlight_are_drawn() -> None:
    console = terminal()
    display = TerminalDisplay(console)
    display.show(home(None, state="idle"))
    rows = frame(console)
    display.show(home(None, labels=()))
    empty = frame(console)
    display.close()

    assert marked(rows) == []
    assert any("Paused — press to go on" in row for row in rows)
    assert any("(empty menu)" in row for row in empty)


def test_error_notice_is_marked_beyond_colour() -> None:
    console = terminal()
    display = TerminalDisplay(console)
    display.show(home(0, notice="Speech engine failed: no audio device", notice_level="error"))
    rows = frame(console)
    display.close()
    assert any(row.strip() == "! Speech engine failed: no audio device" for row in rows)


def test_close_restores_the_screen_and_is_idempotent() -> None:
    console = terminal()
    display = TerminalDisplay(console)
    display.show(home(0))
    display.close()
    display.close()
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert output.rstrip().endswith("\x1b[?1049l")  # left the alternate screen
    assert "\x1b[?25h" in output  # cursor shown again

    frame(console)
    display.show(home(1))  # a late view after close() does not re-open the screen
    assert frame(console) == []


def test_close_without_show_writes_nothing() -> None:
    console = terminal()
    display = TerminalDisplay(console)
    display.close()
    display.close()
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_non_utf8_terminal_gets_ascii() -> None:
    raw = io.BytesIO()
    file = io.TextIOWrapper(raw, encoding="ascii", write_through=True)
    console = Console(
        file=file, width=60, height=20, force_terminal=True, force_interactive=True, color_system=None
    )
    display = TerminalDisplay(console)
    display.show(home(0, speaking="Café — ça va", state="idle"))
    display.close()
    text = raw.getvalue().decode("ascii")
    assert "> Phrases" in text
    assert "paused - press to go on" in text


# Plain lines


def plain() -> tuple[TerminalDisplay, io.StringIO]:
    out = io.StringIO()
    display = TerminalDisplay(Console(file=out, width=80))
    return display, out


def take(out: io.StringIO) -> list[str]:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.splitlines()


def test_not_a_terminal_means_plain_lines() -> None:
    display, out = plain()
    assert not display.fullscreen
    display.show(home(1, speaking="Fatigue strategies"))
    assert take(out) == [
        "[home] ▶ Fatigue strategies (2/6) · scanning",
        "  mode: auto, every 1.5 s",
        "  speaking: Fatigue strategies",
    ]


def test_plain_prints_one_line_per_changed_view_and_nothing_when_unchanged() -> None:
    display, out = plain()
    display.show(home(0))
    take(out)

    steps: list[tuple[View, list[str]]] = [
        (home(0), []),
        (home(1), ["[home] ▶ Fatigue strategies (2/6) · scanning"]),
        (home(1, speaking="Fatigue strategies"), ["  speaking: Fatigue strategies"]),
        (home(1, speaking="Fatigue strategies"), []),
        (home(1, speaking="Fatigue strategies", interval=2.0), ["  mode: auto, every 2 s"]),
        (home(1, interval=2.0), []),  # speech ending is not news
        (
            home(1, interval=2.0, state="hold-ready"),
            ["[home] ▶ Fatigue strategies (2/6) · release to select"],
        ),
        (
            home(
                1, interval=2.0, state="hold-ready", notice="Cannot open audio device", notice_level="error"
            ),
            ["  ! Cannot open audio device"],
        ),
        (
            home(
                1, interval=2.0, state="hold-ready", notice="Cannot open audio device", notice_level="error"
            ),
            [],
        ),
        (home(None, interval=2.0, state="idle"), ["[home] Home: 6 items · paused — press to go on"]),
    ]
    for view, expected in steps:
        display.show(view)
        assert take(out) == expected, view


def test_plain_lines_have_no_escape_codes_even_on_a_terminal() -> None:
    console = terminal()
    display = TerminalDisplay(console, fullscreen=False)
    display.show(home(0, speaking="Phrases\x1b[2J", notice="Voice set to slow"))
    display.close()
    display.close()
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in output
    assert output.splitlines() == [
        "[home] ▶ Phrases (1/6) · scanning",
        "  mode: auto, every 1.5 s",
        "  speaking: Phrases [2J",
        "  notice: Voice set to slow",
    ]


def test_a_broken_pipe_stops_output_without_raising() -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    display = TerminalDisplay(Console(file=Broken()))
    display.show(home(0))
    display.show(home(1))
    display.close()


def test_a_notice_is_marked_by_the_level_it_carries_not_by_its_words() -> None:
    console = terminal()
    display = TerminalDisplay(console, fullscreen=False)
    display.show(home(0, notice="음성 인식 모델이 없습니다", notice_level="error"))
    display.show(home(1, notice="Speech engine failed once, now fine", notice_level="info"))
    display.close()
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert "  ! 음성 인식 모델이 없습니다" in lines
    assert "  notice: Speech engine failed once, now fine" in lines


# Grid boards


def _reversed_cells(lines: list[Line]) -> list[str]:
    """The text of every reverse-video segment outside the big panel."""
    found = []
    for line in lines:
        text = "".join(segment.text for segment in line)
        if text.startswith(("┃", "┏", "┗")):
            continue
        found += [
            segment.text.strip() for segment in line if segment.style is not None and segment.style.reverse
        ]
    return found


def test_a_grid_is_drawn_as_rows_of_cells_with_the_whole_row_marked() -> None:
    display = TerminalDisplay(terminal(), fullscreen=True)
    view = home(None, columns=3, row=1)
    lines = display.layout(view, 80, 24)
    texts = ["".join(segment.text for segment in line) for line in lines]
    assert any("Phrases" in t and "Fatigue strategies" in t and "Rest" in t for t in texts)
    assert _reversed_cells(lines) == ["▶ Call caregiver", "▶ Settings", "▶ Quit"]
    assert any("row 2 of 2" in t for t in texts)
    # Inside the row: only the highlighted cell.
    lines = display.layout(home(4, columns=3), 80, 24)
    assert _reversed_cells(lines) == ["▶ Settings"]


@pytest.mark.parametrize("width", [12, 30, 80])
def test_grid_lines_fill_the_screen_exactly(width: int) -> None:
    display = TerminalDisplay(terminal(width, 24), fullscreen=True)
    labels = tuple(f"Item {n}" for n in range(30))
    for view in (home(None, labels=labels, columns=8, row=3), home(29, labels=labels, columns=5)):
        for line in display.layout(view, width, 24):
            assert cell_len("".join(segment.text for segment in line)) == max(width, 12)


def test_plain_lines_say_the_highlighted_row() -> None:
    display, out = plain()
    display.show(home(None, columns=3, row=0))
    assert take(out)[0] == "[home] ▶ row 1: Phrases · Fatigue strategies · Rest (1/2) · scanning"
    display.show(home(1, columns=3))
    assert take(out) == ["[home] ▶ Fatigue strategies (2/6) · scanning"]


# The caregiver page's address


def test_full_screen_shows_the_page_address_and_code_on_the_bottom_line() -> None:
    console = terminal(80, 24)
    display = TerminalDisplay(console)
    display.show(home(1, page_url="http://192.168.1.7:8765/", page_code="123456"))
    rows = frame(console)
    display.close()
    assert rows[-1].strip() == "Page http://192.168.1.7:8765 · code 123456"
    assert len(marked(rows)) == 1 and "Fatigue strategies" in marked(rows)[0]


def test_plain_lines_say_the_page_address_when_it_or_its_code_changes() -> None:
    display, out = plain()
    display.show(home(0, page_url="http://127.0.0.1:8765/"))
    assert take(out)[-1] == "  Page http://127.0.0.1:8765"
    display.show(home(1, page_url="http://127.0.0.1:8765/"))
    assert not [line for line in take(out) if "Page" in line]
    display.show(home(1, page_url="http://192.168.1.7:8765/", page_code="654321"))
    assert take(out) == ["  Page http://192.168.1.7:8765 · code 654321"]
