"""Screenshots from the X server itself (python-xlib GetImage of the root window), and
the window tree, for tests of the bedside window.

What the X server holds is what a person would see, whichever toolkit drew it; no
ImageMagick or xwd is needed. Only 24- and 32-bit TrueColor screens (Xvfb's default and
every desktop today) are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Rgb = tuple[int, int, int]


@dataclass(frozen=True)
class Screenshot:
    """The root window's pixels: 4 bytes a pixel, blue, green, red, unused (ZPixmap, LSB first)."""

    width: int
    height: int
    data: bytes

    def pixel(self, x: int, y: int) -> Rgb:
        at = (y * self.width + x) * 4
        blue, green, red = self.data[at], self.data[at + 1], self.data[at + 2]
        return red, green, blue

    def runs(
        self, color: Rgb, least: int, rows: Iterable[int] | None = None
    ) -> Iterator[tuple[int, int, int]]:
        """(y, x from, x to) of each horizontal run of at least `least` pixels of `color` (in
        `rows` only, when given)."""
        wanted = bytes((color[2], color[1], color[0]))
        for y in range(self.height) if rows is None else rows:
            row = self.data[y * self.width * 4 : (y + 1) * self.width * 4]
            if wanted not in row:
                continue  # not one pixel of it: quick to tell, and true of most rows
            start = None
            for x in range(self.width + 1):
                same = x < self.width and row[x * 4 : x * 4 + 3] == wanted
                if same and start is None:
                    start = x
                elif not same and start is not None:
                    if x - start >= least:
                        yield y, start, x
                    start = None

    def box_of(self, color: Rgb, least: int = 100) -> tuple[int, int, int, int] | None:
        """(left, top, right, bottom) around every run of `least` or more pixels of `color`:
        a filled area such as a highlighted cell (a letter's strokes are shorter)."""
        found = list(self.runs(color, least))
        if not found:
            return None
        return (
            min(x0 for _, x0, _ in found),
            min(y for y, _, _ in found),
            max(x1 for _, _, x1 in found),
            max(y for y, _, _ in found) + 1,
        )

    def count(self, color: Rgb, box: tuple[int, int, int, int] | None = None) -> int:
        """Pixels of `color` (within `box`: left, top, right, bottom)."""
        left, top, right, bottom = box or (0, 0, self.width, self.height)
        wanted = bytes((color[2], color[1], color[0]))
        total = 0
        for y in range(top, bottom):
            row = self.data[(y * self.width + left) * 4 : (y * self.width + right) * 4]
            total += sum(1 for x in range(0, len(row), 4) if row[x : x + 3] == wanted)
        return total

    def share(self, color: Rgb, box: tuple[int, int, int, int] | None = None, step: int = 4) -> float:
        """The share of pixels of `color` (within `box`), from every `step`-th pixel of every
        `step`-th row: quick enough to poll with."""
        left, top, right, bottom = box or (0, 0, self.width, self.height)
        wanted = bytes((color[2], color[1], color[0]))
        found = total = 0
        for y in range(top, bottom, step):
            row = self.data[(y * self.width + left) * 4 : (y * self.width + right) * 4]
            for x in range(0, len(row), 4 * step):
                total += 1
                found += row[x : x + 3] == wanted
        return found / total if total else 0.0

    def differs(self, other: Screenshot) -> tuple[int, int, int, int] | None:
        """(left, top, right, bottom) around every pixel that differs from `other`, or None."""
        rows = [y for y in range(self.height) if self._row(y) != other._row(y)]
        if not rows:
            return None
        columns = [
            x
            for x in range(self.width)
            if any(self.pixel(x, y) != other.pixel(x, y) for y in range(rows[0], rows[-1] + 1))
        ]
        return columns[0], rows[0], columns[-1] + 1, rows[-1] + 1

    def _row(self, y: int) -> bytes:
        return self.data[y * self.width * 4 : (y + 1) * self.width * 4]


def grab(display: str) -> Screenshot:
    """The whole screen of `display` now."""
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        root = connection.screen().root
        geometry = root.get_geometry()
        image = root.get_image(0, 0, geometry.width, geometry.height, X.ZPixmap, 0xFFFFFFFF)
        data = image.data if isinstance(image.data, bytes) else bytes(image.data)
        if len(data) != geometry.width * geometry.height * 4:
            raise RuntimeError(f"only 32 bits a pixel are read here (got {len(data)} bytes)")
        return Screenshot(geometry.width, geometry.height, data)
    finally:
        connection.close()


def top_windows(display: str) -> list[tuple[str, tuple[int, int, int, int], bool]]:
    """(title, (x, y, width, height), mapped) of each child of the root window."""
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        found = []
        for window in connection.screen().root.query_tree().children:
            geometry = window.get_geometry()
            name = window.get_wm_name() or ""
            mapped = window.get_attributes().map_state == X.IsViewable
            title = name if isinstance(name, str) else name.decode(errors="replace")
            found.append((title, (geometry.x, geometry.y, geometry.width, geometry.height), mapped))
        return found
    finally:
        connection.close()


def parse_color(color: str) -> Rgb:
    """(r, g, b) of "#rrggbb"."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
