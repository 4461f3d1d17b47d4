"""A 5-row block font, so the highlighted item can be read from across the room.

Built in rather than pulling in pyfiglet: we need only capitals, digits and a little
punctuation, and a fixed table keeps the layout maths (and its tests) exact.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

HEIGHT = 5
"""Rows per glyph."""
GAP = 1
"""Blank columns between glyphs."""

# "#" is ink. Glyph widths vary (I, 1 and punctuation are narrow) so words stay compact.
_FONT: dict[str, tuple[str, ...]] = {
    "A": (".###.", "#...#", "#####", "#...#", "#...#"),
    "B": ("####.", "#...#", "####.", "#...#", "####."),
    "C": (".####", "#....", "#....", "#....", ".####"),
    "D": ("####.", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "####.", "#....", "#####"),
    "F": ("#####", "#....", "####.", "#....", "#...."),
    "G": (".####", "#....", "#..##", "#...#", ".####"),
    "H": ("#...#", "#...#", "#####", "#...#", "#...#"),
    "I": ("###", ".#.", ".#.", ".#.", "###"),
    "J": ("..###", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "###..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "####.", "#....", "#...."),
    "Q": (".###.", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "####.", "#..#.", "#...#"),
    "S": (".####", "#....", ".###.", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", ".#.#.", "..#..", ".#.#.", "#...#"),
    "Y": ("#...#", ".#.#.", "..#..", "..#..", "..#.."),
    "Z": ("#####", "...#.", "..#..", ".#...", "#####"),
    "0": (".###.", "#..##", "#.#.#", "##..#", ".###."),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("####.", "....#", ".###.", "#....", "#####"),
    "3": ("####.", "....#", ".###.", "....#", "####."),
    "4": ("#...#", "#...#", "#####", "....#", "....#"),
    "5": ("#####", "#....", "####.", "....#", "####."),
    "6": (".###.", "#....", "####.", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", "..#.."),
    "8": (".###.", "#...#", ".###.", "#...#", ".###."),
    "9": (".###.", "#...#", ".####", "....#", ".###."),
    " ": ("..", "..", "..", "..", ".."),
    ".": (".", ".", ".", ".", "#"),
    ",": ("..", "..", "..", ".#", "#."),
    "!": ("#", "#", "#", ".", "#"),
    "?": ("###.", "...#", ".##.", "....", ".#.."),
    "'": ("#", "#", ".", ".", "."),
    '"': ("#.#", "#.#", "...", "...", "..."),
    "-": ("...", "...", "###", "...", "..."),
    ":": (".", "#", ".", "#", "."),
    ";": ("..", ".#", "..", ".#", "#."),
    "(": (".#", "#.", "#.", "#.", ".#"),
    ")": ("#.", ".#", ".#", ".#", "#."),
    "/": ("....#", "...#.", "..#..", ".#...", "#...."),
    "&": (".##..", "#..#.", ".##.#", "#..#.", ".##.#"),
    "+": ("...", ".#.", "###", ".#.", "..."),
    "=": ("...", "###", "...", "###", "..."),
    "%": ("#...#", "...#.", "..#..", ".#...", "#...#"),
    "_": ("....", "....", "....", "....", "####"),
}

# Typographic characters caregivers paste from word processors, mapped to ones we can draw.
_SUBSTITUTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def normalize(text: str) -> str:
    """Upper-case `text`, map curly quotes and dashes, and strip accents (é -> E)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SUBSTITUTES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def supports(text: str) -> bool:
    """True if every character of `text` (after `normalize`) has a glyph."""
    return all(ch in _FONT for ch in normalize(text))


Size = Literal["double", "full", "half"]
"""`full`: one cell per pixel (5 rows). `double`: 2x2 cells per pixel (10 rows).
`half`: half-block characters, two pixel rows per cell row (3 rows)."""

ROWS: dict[Size, int] = {"double": 2 * HEIGHT, "full": HEIGHT, "half": (HEIGHT + 1) // 2}
"""Terminal rows one line of text takes at each size."""

_COLUMNS: dict[Size, int] = {"double": 2, "full": 1, "half": 1}

# (upper pixel, lower pixel) -> the character that draws both halves of a cell.
_HALVES = {("#", "#"): "█", ("#", "."): "▀", (".", "#"): "▄", (".", "."): " "}


def width(text: str, size: Size = "full") -> int:
    """Columns `text` takes in block letters (0 for empty text). Needs `supports(text)`."""
    chars = normalize(text)
    if not chars:
        return 0
    return (sum(len(_FONT[ch][0]) for ch in chars) + GAP * (len(chars) - 1)) * _COLUMNS[size]


def render(text: str, size: Size = "full") -> list[str]:
    """`ROWS[size]` rows of `text` in block letters, drawn with █ ▀ ▄ and spaces. Needs `supports(text)`."""
    glyphs = [_FONT[ch] for ch in normalize(text)]
    gap = "." * GAP
    pixels = [gap.join(glyph[row] for glyph in glyphs) for row in range(HEIGHT)]
    if size == "half":
        pairs = zip(pixels[0::2], [*pixels[1::2], "." * len(pixels[0])], strict=True)
        return ["".join(_HALVES[pair] for pair in zip(upper, lower, strict=True)) for upper, lower in pairs]
    if size == "double":
        pixels = [row.replace("#", "##").replace(".", "..") for row in pixels for _ in range(2)]
    return [row.replace("#", "█").replace(".", " ") for row in pixels]


def wrap(text: str, max_width: int, max_lines: int, size: Size = "full") -> list[str] | None:
    """Split `text` at spaces into at most `max_lines` lines of block letters no wider than `max_width`.

    Returns None when that cannot be done (a missing glyph, a word too wide, too many lines),
    so the caller can fall back to ordinary bold text.
    """
    words = normalize(text).split()
    if not words or not all(ch in _FONT for word in words for ch in word):
        return None
    scale = _COLUMNS[size]
    space = (len(_FONT[" "][0]) + 2 * GAP) * scale
    lines: list[str] = []
    used = 0
    for word in words:
        needed = width(word, size)
        if needed > max_width:
            return None
        if lines and used + space + needed <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
            used += space + needed
        else:
            lines.append(word)
            used = needed
    return lines if len(lines) <= max_lines else None
