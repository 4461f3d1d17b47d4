"""Terminal display: a full-screen, large-print view of the scan, or plain log lines when piped.

Full screen (an interactive terminal): header, the highlighted item big in a bordered panel,
the item list (a grid board as rows of cells), then what is being spoken and the last notice.
Plain (a pipe, a test, CI): one short line per change, so logs stay readable.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import textwrap
import threading
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.segment import Segment
from rich.style import Style

from ..core.view import NoticeLevel, View
from . import block_font

STATE_TEXT = {
    "scanning": "scanning",
    "waiting": "waiting for a press",
    "held": "holding",
    "hold-ready": "release to select",
    "idle": "paused — press to go on",
    "busy": "speaking",
    "resting": "resting — press when ready",
    "alert": "CALLING FOR HELP — press or Esc to stop",
}
"""How each `View.state` is put into words for the caregiver."""


Line = list[Segment]

# Only attributes and background colours with an explicit foreground: plain colours (yellow text,
# say) vanish on one of a light or a dark background, while reverse video and bold work on both.
_TITLE = Style(bold=True)
_INFO = Style()
_FAINT = Style(dim=True)
_STATE = Style(bold=True)
_STATE_URGENT = Style(bold=True, reverse=True)
_BORDER = Style(bold=True)
_SLAB = Style(bold=True, reverse=True)
_ITEM = Style(dim=True)
_ITEM_HIGHLIGHT = Style(bold=True, reverse=True)
_SPEAK_LABEL = Style(bold=True, underline=True)
_SPEAK_TEXT = Style(bold=True)
_NOTICE: dict[NoticeLevel, Style] = {
    "error": Style(bold=True, color="bright_white", bgcolor="red"),
    "warning": Style(bold=True, color="black", bgcolor="bright_yellow"),
    "info": Style(bold=True),
}


# Rare today (Python coerces the C locale to UTF-8), but a non-UTF-8 terminal must not crash the
# display: every character we draw ourselves has a one-cell ASCII stand-in, so columns still line up.
_TO_ASCII = str.maketrans("▶·—↑↓█┏━┓┃┗┛", ">--^v#+-+|++")


def state_text(state: str) -> str:
    """The caregiver-facing words for a `View.state`."""
    return STATE_TEXT.get(state, state)


def clean(text: str) -> str:
    """One line of printable text: labels and speech come from config files and engines,
    and a stray escape or newline must not break the screen or the log."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())


def page_text(view: View) -> str:
    """The caregiver page's address, and its pairing code while there is one, in the
    caregiver's words (`display.words.page`, `page_code`); "" without a page."""
    if not view.page_url:
        return ""
    words = view.look.words
    values = {"url": view.page_url.rstrip("/"), "code": view.page_code}
    try:
        text = words.page.format(**values)
        code = words.page_code.format(**values) if view.page_code else ""
    except (KeyError, IndexError, ValueError):  # words the loader let through, but no values for
        text, code = values["url"], view.page_code
    return f"{text} · {code}" if code else text


def format_interval(seconds: float) -> str:
    """`1.5 s`, `2 s`, `0.25 s`."""
    return f"{round(seconds, 2):g} s"


def _highlight(view: View) -> int | None:
    """The highlighted index, or None when there is none or it is out of range."""
    if view.highlight is not None and 0 <= view.highlight < len(view.labels):
        return view.highlight
    return None


def _columns(view: View) -> int:
    """Cells per row: 1 for a list."""
    return max(1, view.columns)


def _row_cells(view: View, row: int) -> range:
    columns = _columns(view)
    return range(row * columns, min(len(view.labels), (row + 1) * columns))


def _marked_row(view: View) -> int | None:
    """The highlighted row of a grid while rows are scanned, if it is in range."""
    if view.row is not None and _columns(view) > 1 and _row_cells(view, view.row):
        return view.row
    return None


def _row_text(view: View, row: int) -> str:
    """A row's labels in one line, for the big panel and plain lines."""
    return " · ".join(clean(view.labels[index]) for index in _row_cells(view, row))


class _Lines:
    """A pre-built screen: rendering it is just handing the segments over."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for index, line in enumerate(self.lines):
            if index:
                yield new_line
            yield from line


class TerminalDisplay:
    """The `Display` for a terminal.

    `fullscreen=None` picks full screen when the console is an interactive terminal and
    plain lines otherwise; `False` forces plain lines; `True` asks for full screen but still
    gets plain lines where full screen cannot be drawn. `show()` returns at once when nothing
    changed. `close()` is idempotent; after it `show()` does nothing, so a late view from the
    loop cannot re-open the alternate screen during shutdown.
    """

    def __init__(self, console: Console | None = None, fullscreen: bool | None = None) -> None:
        console = console if console is not None else Console()
        self._console = console
        # rich's Live only draws on an interactive, non-dumb terminal; anywhere else a "full
        # screen" would show nothing at all, so plain lines are the only useful output there.
        can_draw = console.is_terminal and console.is_interactive and not console.is_dumb_terminal
        self._fullscreen = can_draw if fullscreen is None else fullscreen and can_draw
        self._ascii = not console.encoding.startswith("utf")
        self._ellipsis = "..." if self._ascii else "…"
        # close() may come from another thread (shutdown) while the loop is inside show().
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._closed = False
        self._broken = False
        self._last_key: tuple[View, int, int] | None = None
        self._last_plain: View | None = None
        self._scroll_menu: str | None = None
        self._scroll_start = 0

    @property
    def fullscreen(self) -> bool:
        """Whether this display draws a full screen (else it prints plain lines)."""
        return self._fullscreen

    def show(self, view: View) -> None:
        """Draw `view` if it differs from the last one (or the terminal was resized)."""
        with self._lock:
            if self._closed or self._broken:
                return
            try:
                if self._fullscreen:
                    self._show_screen(view)
                else:
                    self._show_plain(view)
            except OSError:
                # The terminal went away (closed window, broken pipe). Speech is what the user
                # relies on, so stop drawing instead of taking the loop down with us.
                self._broken = True

    def close(self) -> None:
        """Leave the alternate screen and restore the cursor. Safe to call more than once."""
        # Bounded wait: at exit a loop thread may be stuck mid-write to a frozen terminal, and
        # restoring the screen matters more than a tidy last frame.
        locked = self._lock.acquire(timeout=2.0)
        try:
            self._closed = True
            live, self._live = self._live, None
            if live is not None:
                atexit.unregister(self.close)
                with contextlib.suppress(OSError):
                    live.stop()
        finally:
            if locked:
                self._lock.release()

    # Full screen

    def _show_screen(self, view: View) -> None:
        size = self._console.size
        key = (view, size.width, size.height)
        if key == self._last_key:
            return
        self._last_key = key
        screen = _Lines(self.layout(view, size.width, size.height))
        if self._live is None:
            self._live = Live(
                screen,
                console=self._console,
                screen=True,
                auto_refresh=False,
                # Redirecting would swap sys.stdout for the whole process from this thread;
                # a stray print is overwritten by the next full redraw anyway.
                redirect_stdout=False,
                redirect_stderr=False,
            )
            # An uncaught exception elsewhere must not leave a caregiver with a blank alternate
            # screen and no cursor.
            atexit.register(self.close)
            self._live.start(refresh=True)
        else:
            self._live.update(screen, refresh=True)

    def layout(self, view: View, width: int, height: int) -> list[Line]:
        """The full screen for `view` as `height` lines of exactly `width` cells (moves the list's
        scroll position, like drawing it would)."""
        width = max(width, 12)
        height = max(height, 1)
        highlight = _highlight(view)
        roomy = height >= 30
        speak_max, notice_max = (3, 2) if roomy else (2 if height >= 16 else 1, 1)
        header = self._header(view, width)
        speaking = self._speaking(view.speaking, width, speak_max)
        notice = self._notice(view.notice, view.notice_level, width, notice_max)
        gap = [[Segment(" " * width)]] if roomy else []
        # The caregiver page's address on the bottom line, where there is room for it.
        page = [[Segment(set_cell_size(self._fit(f" {page_text(view)}", width), width), _FAINT)]]
        page = page if view.page_url and height >= 12 else []
        # The panel is sized for the longest speech and notice, so its height (and the list's
        # position) stays put while the text below changes; it leaves part of the list visible.
        list_min = min(len(view.labels), max(3, height // 5))
        budget = height - 1 - len(gap) - speak_max - notice_max - list_min - len(page)
        panel = self._panel(view, highlight, width, budget)
        room = height - 1 - len(panel) - len(gap) - len(speaking) - len(notice) - len(page)
        items = self._items(view, highlight, width, room)
        lines = [header, *panel, *items, *gap, *speaking, *notice]
        lines += [[Segment(" " * width)]] * (height - len(lines) - len(page)) + page
        if self._ascii:
            encoding = self._console.encoding
            lines = [[_seg_ascii(segment, encoding) for segment in line] for line in lines]
        return lines[:height]

    def _header(self, view: View, width: int) -> Line:
        info = f" {clean(view.mode)} · every {format_interval(view.interval)} ·"
        state = f" {state_text(view.state)} "
        # Releasing at the right moment is the one thing here that is time-critical: make it loud.
        urgent = view.state in ("hold-ready", "alert")
        right = [Segment(info, _INFO), Segment(state, _STATE_URGENT if urgent else _STATE)]
        right_width = cell_len(info) + cell_len(state)
        if right_width > width - 8:
            # Narrow terminal: the state matters more than mode and interval.
            right = right[1:]
            right_width = cell_len(state)
        title_width = max(0, width - right_width)
        title = self._fit(f" {clean(view.title)}", title_width)
        return [Segment(set_cell_size(title, title_width), _TITLE), *right]

    def _panel(self, view: View, highlight: int | None, width: int, budget: int) -> list[Line]:
        """The highlighted item, big, in a bordered reverse-video slab of at most `budget` rows."""
        inner = width - 2
        labels = tuple(clean(label) for label in view.labels)
        height = _panel_height(labels, inner, budget, self._ascii)
        row = _marked_row(view)
        content: tuple[str, ...]
        if row is not None:
            label = _row_text(view, row)
            content = _big_label(label, inner, height, self._ascii)
            style = _SLAB
            caption = f" row {row + 1} of {-(-len(labels) // _columns(view))} "
        elif highlight is None:
            label = state_text(view.state).capitalize() if labels else "(empty menu)"
            content = (label,)
            style = _TITLE
            caption = f" {len(labels)} items " if labels else ""
        else:
            label = labels[highlight]
            content = _big_label(label, inner, height, self._ascii)
            style = _SLAB
            caption = f" {highlight + 1} of {len(labels)} "
        if height < 5 or not content:
            # Too little room for a box: one bold row, still marked.
            marker = "▶ " if highlight is not None or row is not None else ""
            return [[Segment(set_cell_size(self._fit(f" {marker}{label}", width), width), style)]]
        body = height - 2
        top = (body - len(content)) // 2
        rows = [" " * inner] * top + [_center(row, inner) for row in content]
        rows += [" " * inner] * (body - len(rows))
        # The moment to let go is easy to miss; say it right under the big label as well.
        footer = " RELEASE TO SELECT " if view.state == "hold-ready" else ""
        return self._box([[Segment(row, style)] for row in rows], caption, footer, width)

    def _box(self, body: list[Line], caption: str, footer: str, width: int) -> list[Line]:
        """`body` framed by a heavy border (easier to see from afar), with captions in its edges."""
        caption = caption[: max(0, width - 6)]
        footer = footer if len(footer) <= width - 6 else ""
        edge = Segment("┃", _BORDER)
        lines = [[Segment(f"┏━{caption}{'━' * (width - 3 - len(caption))}┓", _BORDER)]]
        lines.extend([edge, *row, edge] for row in body)
        if footer:
            left = (width - 2 - len(footer)) // 2
            right = width - 2 - left - len(footer)
            bottom = [
                Segment(f"┗{'━' * left}", _BORDER),
                Segment(footer, _STATE_URGENT),
                Segment(f"{'━' * right}┛", _BORDER),
            ]
            lines.append(bottom)
        else:
            lines.append([Segment(f"┗{'━' * (width - 2)}┛", _BORDER)])
        return lines

    def _items(self, view: View, highlight: int | None, width: int, rows: int) -> list[Line]:
        """The item list, scrolled so the highlight stays visible."""
        count = len(view.labels)
        if rows <= 0 or count == 0:
            return []
        if _columns(view) > 1:
            return self._grid(view, highlight, width, rows)
        start = self._scroll(view.menu, highlight, count, rows)
        end = min(count, start + rows)
        lines: list[Line] = []
        for index in range(start, end):
            more = ""
            if index == start and start > 0:
                more = f" ↑ {start} more "
            elif index == end - 1 and end < count:
                more = f" ↓ {count - end} more "
            bar = width - 1 - cell_len(more)
            if index == highlight:
                text = self._fit(f" ▶ {clean(view.labels[index])}", bar)
                line = [Segment(" "), Segment(set_cell_size(text, bar), _ITEM_HIGHLIGHT)]
            else:
                text = self._fit(f"   {clean(view.labels[index])}", bar)
                line = [Segment(" "), Segment(set_cell_size(text, bar), _ITEM)]
            if more:
                line.append(Segment(more, _FAINT))
            lines.append(line)
        return lines

    def _grid(self, view: View, highlight: int | None, width: int, rows: int) -> list[Line]:
        """A grid board: one line per row of cells; the highlighted row's cells, or the
        highlighted cell, in reverse video with a marker (never colour alone)."""
        columns = _columns(view)
        count = -(-len(view.labels) // columns)
        row = _marked_row(view)
        focus = row if row is not None else None if highlight is None else highlight // columns
        start = self._scroll(view.menu, focus, count, rows)
        cell = max(4, (width - 1) // columns)
        lines: list[Line] = []
        for line_row in range(start, min(count, start + rows)):
            line = [Segment(" ")]
            for index in _row_cells(view, line_row):
                on = index == highlight or line_row == row
                text = self._fit(f"{'▶' if on else ' '} {clean(view.labels[index])}", cell - 1)
                line += [
                    Segment(set_cell_size(text, cell - 1), _ITEM_HIGHLIGHT if on else _ITEM),
                    Segment(" "),
                ]
            used = sum(cell_len(segment.text) for segment in line)
            line.append(Segment(" " * max(0, width - used)))
            lines.append(_cut(line, width))
        return lines

    def _scroll(self, menu: str, highlight: int | None, count: int, rows: int) -> int:
        """First visible item: moves only when the highlight would leave the window (a list that
        jumps on every step is hard to follow), keeping one item of context at either edge."""
        if count <= rows:
            self._scroll_start = 0
            return 0
        start = self._scroll_start if menu == self._scroll_menu else 0
        self._scroll_menu = menu
        if highlight is not None:
            margin = 1 if rows >= 5 else 0
            start = min(start, highlight - margin)
            start = max(start, highlight + 1 + margin - rows)
        start = max(0, min(start, count - rows))
        self._scroll_start = start
        return start

    def _speaking(self, speaking: str, width: int, max_lines: int) -> list[Line]:
        label = " Speaking:"
        text = clean(speaking)
        indent = cell_len(label) + 1
        if not text:
            return [[Segment(label, _SPEAK_LABEL), Segment(set_cell_size(" —", width - indent + 1), _FAINT)]]
        wrapped = self._wrap(text, width - indent - 1, max_lines)
        lines: list[Line] = []
        for index, part in enumerate(wrapped):
            head = Segment(label, _SPEAK_LABEL) if index == 0 else Segment(" " * cell_len(label))
            lines.append([head, Segment(" "), Segment(set_cell_size(part, width - indent), _SPEAK_TEXT)])
        return lines

    def _notice(self, notice: str, level: NoticeLevel, width: int, max_lines: int) -> list[Line]:
        text = clean(notice)
        if not text:
            return [[Segment(" " * width)]]
        # A "!" as well as the colour, so the alarm does not depend on seeing red.
        prefix = " ! " if level in ("error", "warning") else "   "
        style = _NOTICE[level]
        wrapped = self._wrap(text, width - len(prefix) - 1, max_lines)
        return [
            [Segment(set_cell_size((prefix if index == 0 else "   ") + part, width), style)]
            for index, part in enumerate(wrapped)
        ]

    def _wrap(self, text: str, width: int, max_lines: int) -> list[str]:
        width = max(1, width)
        lines = textwrap.wrap(text, width) or [""]
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], self._fit(" ".join(lines[max_lines - 1 :]), width)]
        return [self._fit(line, width) for line in lines]

    def _fit(self, text: str, width: int) -> str:
        """Cut `text` to `width` cells, marking the cut with an ellipsis."""
        if cell_len(text) <= width:
            return text
        return _fit(text, width, self._ellipsis)

    # Plain lines

    def _show_plain(self, view: View) -> None:
        last = self._last_plain
        self._last_plain = view
        lines: list[str] = []
        if last is None or _status_key(last) != _status_key(view):
            lines.append(self._status_line(view))
        if last is None or (last.mode, last.interval) != (view.mode, view.interval):
            lines.append(f"  mode: {clean(view.mode)}, every {format_interval(view.interval)}")
        if view.speaking and (last is None or last.speaking != view.speaking):
            lines.append(f"  speaking: {clean(view.speaking)}")
        if view.notice and (last is None or last.notice != view.notice):
            mark = "!" if view.notice_level != "info" else "notice:"
            lines.append(f"  {mark} {clean(view.notice)}")
        if view.page_url and (last is None or page_text(last) != page_text(view)):
            lines.append(f"  {clean(page_text(view))}")
        if lines:
            self._write(lines)

    def _status_line(self, view: View) -> str:
        highlight = _highlight(view)
        state = state_text(view.state)
        where = f"[{clean(view.menu)}]"
        row = _marked_row(view)
        if row is not None:
            rows = -(-len(view.labels) // _columns(view))
            return f"{where} ▶ row {row + 1}: {_row_text(view, row)} ({row + 1}/{rows}) · {state}"
        if highlight is None:
            return f"{where} {clean(view.title)}: {len(view.labels)} items · {state}"
        label = clean(view.labels[highlight])
        return f"{where} ▶ {label} ({highlight + 1}/{len(view.labels)}) · {state}"

    def _write(self, lines: Iterable[str]) -> None:
        # Straight to the file, not console.print: no styles, no wrapping, no markup surprises.
        file = self._console.file
        text = "".join(f"{line}\n" for line in lines)
        if self._ascii:
            text = _to_ascii(text, self._console.encoding)
        file.write(text)
        file.flush()


def _status_key(view: View) -> tuple[object, ...]:
    return (view.menu, view.title, view.labels, _highlight(view), _marked_row(view), view.state)


def _cut(line: Line, width: int) -> Line:
    """`line` cut to exactly `width` cells (the last cell of a narrow grid may overflow)."""
    kept: Line = []
    room = width
    for segment in line:
        if room <= 0:
            break
        text = segment.text if cell_len(segment.text) <= room else set_cell_size(segment.text, room)
        kept.append(Segment(text, segment.style))
        room -= cell_len(text)
    return kept


def _to_ascii(text: str, encoding: str) -> str:
    """`text` with our own symbols swapped for ASCII and anything else unencodable as "?"."""
    return text.translate(_TO_ASCII).encode(encoding, errors="replace").decode(encoding)


def _seg_ascii(segment: Segment, encoding: str) -> Segment:
    return Segment(_to_ascii(segment.text, encoding), segment.style)


def _fit(text: str, width: int, ellipsis: str) -> str:
    """Cut `text` to `width` cells, marking the cut with an ellipsis."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - len(ellipsis))) + ellipsis[: max(0, width)]


def _center(text: str, width: int) -> str:
    """`text` centred in exactly `width` cells (cell widths, not characters: labels may hold CJK)."""
    left = max(0, (width - cell_len(text)) // 2)
    return set_cell_size(" " * left + text, width)


# Sizes to try, biggest letters first; within a size, fewer lines first.
_BIG_SIZES: tuple[tuple[block_font.Size, int], ...] = (
    ("double", 1),
    ("double", 2),
    ("full", 1),
    ("full", 2),
    ("full", 3),
    ("half", 1),
    ("half", 2),
    ("half", 3),
)


@functools.lru_cache(maxsize=1024)
def _big_label(label: str, inner: int, limit: int, ascii_only: bool) -> tuple[str, ...]:
    """The rows that draw `label` as large as fits a panel `inner` cells wide and `limit` rows tall
    (border and one padding row above and below included): block letters when the font has
    every character, else bold text. Empty when not even one row of text fits in a box."""
    room = inner - 4
    for size, lines in _BIG_SIZES:
        rows = block_font.ROWS[size] * lines + lines - 1
        # Half blocks have no ASCII stand-in.
        if rows + 4 > limit or (ascii_only and size == "half"):
            continue
        wrapped = block_font.wrap(label, room, lines, size)
        if wrapped is not None:
            drawn: list[str] = []
            for index, text in enumerate(wrapped):
                if index:
                    drawn.append("")
                drawn += block_font.render(text, size)
            return tuple(drawn)
    if limit < 5:
        return ()
    text_lines = textwrap.wrap(label, max(1, room)) or [""]
    lines = 2 if len(text_lines) > 1 and limit >= 6 else 1
    kept = text_lines[:lines]
    if len(text_lines) > lines:
        kept[-1] = " ".join(text_lines[lines - 1 :])
    return tuple(_fit(line, room, "..." if ascii_only else "…") for line in kept)


@functools.lru_cache(maxsize=64)
def _panel_height(labels: tuple[str, ...], inner: int, budget: int, ascii_only: bool) -> int:
    """One panel height for the whole menu, so the list below does not jump on every step:
    tall enough for the label that needs the most rows at its best size."""
    if not labels:
        return 5 if budget >= 5 else 1
    return max(len(_big_label(label, inner, budget, ascii_only)) + 4 for label in labels)
