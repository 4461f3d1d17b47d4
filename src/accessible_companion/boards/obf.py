"""Open Board Format records as plain values, read from parsed JSON of any shape: a field of the
wrong kind is told and left out, never trusted.

The format (openboardformat.org): a board has `id`, `name`, `buttons`, a `grid` of button ids
row by row (`null` for an empty cell), and `images` and `sounds` (each `data`, `path`, `url` or
`symbol`). A button has `label`, `vocalization`, `image_id`, `sound_id`, `load_board` (a link
to another board) and `action`/`actions` (`+letters` to spell, `:space`, `:home`, `:speak`,
`:clear`, `:backspace`, `:ext_...`). Ids may be numbers in the wild: they are read as text.
Fields named `ext_<tool>_...` belong to other tools; ours are `ext_accessiblecompanion_...`.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .package import FORMAT_PREFIX
from .problems import BoardsError, Problem, place

OURS = "ext_accessiblecompanion_"
MAX_BUTTONS = 2_000
"""Buttons on one board: real boards have tens; a grid of 2,000 is not a board to scan."""
MAX_KEPT_CHARS = 20_000
"""A field kept for another tool, as JSON: bigger ones are left out (and told), so a config
file stays far below the 1 MB that `check` reads."""
_BOARD_FIELDS = {"format", "id", "name", "buttons", "grid", "images", "sounds"}
_BUTTON_FIELDS = {
    "id",
    "label",
    "vocalization",
    "image_id",
    "sound_id",
    "load_board",
    "hidden",
    "action",
    "actions",
}
_MEDIA_FIELDS = {"id", "data", "path"}


def as_id(value: Any) -> str | None:
    """An id as text (the spec says text; numbers are common); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def as_text(value: Any) -> str:
    """A label or phrase as one line of text ("" when there is none): control characters become
    spaces, runs of spaces one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = str(value)
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(cleaned.split())


def kept(source: dict[str, Any], skip: set[str], where: str, problems: list[Problem]) -> dict[str, Any]:
    """The fields of `source` that are neither ours nor in `skip`, to be written back on export;
    one too big to keep is told and left out."""
    found: dict[str, Any] = {}
    for key, value in source.items():
        if key in skip or key.startswith(OURS):
            continue
        size = len(json.dumps(value, ensure_ascii=False))
        if size > MAX_KEPT_CHARS:
            problems.append(Problem(where, f"'{key}' is too big to keep ({size:,} characters); left out"))
            continue
        found[key] = value
    return found


def ours(source: dict[str, Any]) -> dict[str, Any]:
    """Our own fields (`ext_accessiblecompanion_cue` -> `cue`)."""
    return {key[len(OURS) :]: value for key, value in source.items() if key.startswith(OURS)}


@dataclass(frozen=True)
class Media:
    """An image or a sound record: where its bytes are, and its other fields (licence, size, ...)."""

    id: str
    data: str = ""
    path: str = ""
    url: str = ""
    symbol: str = ""
    """The symbol set's name, for a picture from a (licensed) symbol set."""
    content_type: str = ""
    keep: dict[str, Any] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class Link:
    """A button's `load_board`."""

    id: str = ""
    path: str = ""
    url: str = ""
    name: str = ""

    def describe(self) -> str:
        return self.path or self.url or (f"board id '{self.id}'" if self.id else "nothing")


@dataclass(frozen=True)
class Button:
    index: int
    id: str
    where: str
    label: str = ""
    vocalization: str = ""
    image_id: str = ""
    sound_id: str = ""
    actions: tuple[str, ...] = ()
    """`actions` if given, else `action`; every one as written."""
    action_fields: dict[str, Any] = field(default_factory=dict)
    """`action` and `actions` as written, kept when we cannot honour them."""
    link: Link | None = None
    hidden: bool = False
    ours: dict[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Grid:
    columns: int = 0
    """0: not given."""
    order: tuple[tuple[str | None, ...], ...] | None = None
    """Button ids row by row (None: an empty cell); None when there is no usable order."""


@dataclass(frozen=True)
class Board:
    id: str
    file: str
    """Where it is, for messages: its path in the .obz or the .obf's name."""
    name: str = ""
    buttons: tuple[Button, ...] = ()
    grid: Grid = Grid()
    images: dict[str, Media] = field(default_factory=dict)
    sounds: dict[str, Media] = field(default_factory=dict)
    ours: dict[str, Any] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)


def read_board(data: Any, file: str, problems: list[Problem]) -> Board:
    """A board from its parsed JSON; BoardsError when it is not an Open Board Format board."""
    if not isinstance(data, dict):
        raise BoardsError(file, "expected a JSON object (a board)")
    form = data.get("format")
    if not (isinstance(form, str) and form.startswith(FORMAT_PREFIX)):
        raise BoardsError(file, f"not an Open Board Format board (format {form!r}, not 'open-board-0.1')")
    board_id = as_id(data.get("id"))
    if board_id is None:
        problems.append(Problem(file, "the board has no id; its file name is used"))
        board_id = file.rsplit("/", 1)[-1].removesuffix(".obf") or "board"
    return Board(
        id=board_id,
        file=file,
        name=as_text(data.get("name")),
        buttons=_buttons(data.get("buttons"), file, problems),
        grid=_grid(data.get("grid"), file, problems),
        images=_media_list(data.get("images"), "images", file, problems),
        sounds=_media_list(data.get("sounds"), "sounds", file, problems),
        ours=ours(data),
        keep=kept(data, _BOARD_FIELDS, file, problems),
    )


def _buttons(value: Any, file: str, problems: list[Problem]) -> tuple[Button, ...]:
    if value is None:
        problems.append(Problem(file, "the board has no buttons"))
        return ()
    if not isinstance(value, list):
        problems.append(Problem(place(file, "buttons"), "expected a list of buttons; none imported"))
        return ()
    if len(value) > MAX_BUTTONS:
        problems.append(
            Problem(file, f"{len(value):,} buttons (at most {MAX_BUTTONS:,}): the rest are left out")
        )
    buttons: list[Button] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(value[:MAX_BUTTONS]):
        button = _button(index, raw, file, problems)
        if button is None:
            continue
        if button.id in first:
            problems.append(
                Problem(
                    button.where,
                    f"the button id '{button.id}' is used twice (first at buttons[{first[button.id]}]): "
                    "this one is not imported",
                )
            )
            continue
        first[button.id] = index
        buttons.append(button)
    return tuple(buttons)


def _button(index: int, raw: Any, file: str, problems: list[Problem]) -> Button | None:
    if not isinstance(raw, dict):
        problems.append(
            Problem(place(file, f"buttons[{index}]"), "not a button (expected an object); skipped")
        )
        return None
    button_id = as_id(raw.get("id"))
    where = place(file, f"buttons[{index}]" + (f" (id {button_id})" if button_id else ""))
    if button_id is None:
        # Without an id a button cannot be placed in the grid; its position stands in for one.
        button_id = f"#{index}"
    actions = raw.get("actions")
    action = raw.get("action")
    listed: list[Any] = actions if isinstance(actions, list) else [action] if action is not None else []
    texts = tuple(a for a in listed if isinstance(a, str))
    if len(texts) != len(listed):
        problems.append(Problem(where, "an action that is not text is left out"))
    return Button(
        index=index,
        id=button_id,
        where=where,
        label=as_text(raw.get("label")),
        vocalization=as_text(raw.get("vocalization")),
        image_id=as_id(raw.get("image_id")) or "",
        sound_id=as_id(raw.get("sound_id")) or "",
        actions=texts,
        action_fields={k: raw[k] for k in ("action", "actions") if k in raw},
        link=_link(raw.get("load_board"), where, problems),
        hidden=raw.get("hidden") is True,
        ours=ours(raw),
        keep=kept(raw, _BUTTON_FIELDS, where, problems),
    )


def _link(value: Any, where: str, problems: list[Problem]) -> Link | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(Problem(where, "load_board is not an object; the button is not a link"))
        return None

    def text(key: str) -> str:
        found = value.get(key)
        return found if isinstance(found, str) else ""

    url = text("url") or text("data_url")
    return Link(id=as_id(value.get("id")) or "", path=text("path"), url=url, name=as_text(value.get("name")))


def _grid(value: Any, file: str, problems: list[Problem]) -> Grid:
    where = place(file, "grid")
    if not isinstance(value, dict):
        problems.append(Problem(file, "no grid: the buttons are taken in the order they are listed"))
        return Grid()
    columns = value.get("columns")
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        problems.append(Problem(where, f"columns {columns!r} is not a whole number above 0"))
        columns = 0
    order = value.get("order")
    if not isinstance(order, list):
        problems.append(Problem(where, "no order: the buttons are taken in the order they are listed"))
        return Grid(columns)
    rows: list[tuple[str | None, ...]] = []
    for number, row in enumerate(order[:MAX_BUTTONS]):
        if not isinstance(row, list):
            problems.append(Problem(place(where, f"order[{number}]"), "not a row (expected a list); skipped"))
            continue
        cells: list[str | None] = []
        for column, cell in enumerate(row[:MAX_BUTTONS]):
            cell_id = as_id(cell)
            if cell is not None and cell_id is None:
                problems.append(
                    Problem(place(where, f"order[{number}][{column}]"), f"{cell!r} is not a button id")
                )
            cells.append(cell_id)
        rows.append(tuple(cells))
    return Grid(columns, tuple(rows))


def _media_list(value: Any, kind: str, file: str, problems: list[Problem]) -> dict[str, Media]:
    if value is None:
        return {}
    if not isinstance(value, list):
        problems.append(Problem(place(file, kind), "expected a list; left out"))
        return {}
    found: dict[str, Media] = {}
    first: dict[str, int] = {}
    for index, raw in enumerate(value[:MAX_BUTTONS]):
        media_id = as_id(raw.get("id")) if isinstance(raw, dict) else None
        where = place(file, f"{kind}[{index}]" + (f" (id {media_id})" if media_id else ""))
        if not isinstance(raw, dict) or media_id is None:
            problems.append(Problem(where, "no id (or not an object): left out"))
            continue
        if media_id in first:
            problems.append(
                Problem(
                    where, f"the id '{media_id}' is used twice (first at {kind}[{first[media_id]}]): left out"
                )
            )
            continue
        first[media_id] = index
        found[media_id] = _media(media_id, raw, where, problems)
    return found


def _media(media_id: str, raw: dict[str, Any], where: str, problems: list[Problem]) -> Media:
    def text(key: str) -> str:
        found = raw.get(key)
        return found if isinstance(found, str) else ""

    symbol = raw.get("symbol")
    symbol_set = ""
    if isinstance(symbol, dict):
        symbol_set = as_text(symbol.get("set")) or "unnamed"
    return Media(
        id=media_id,
        data=text("data"),
        path=text("path"),
        url=text("url") or text("data_url"),
        symbol=symbol_set,
        content_type=text("content_type").lower(),
        keep=kept(raw, _MEDIA_FIELDS, where, problems),
        where=where,
    )
