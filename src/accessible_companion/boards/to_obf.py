"""Our menus become an Open Board Format set: a board per menu (`id`, `name`), a button per item
(`label`, `vocalization` = `say`), submenus as `load_board` with the board's `id` and `path`,
the items row by row in `grid.order`, pictures and recordings packed beside the boards, and
everything else of ours as `ext_accessiblecompanion_*` so that importing it again gives the
same menus. Fields kept from another tool (`obf:`) are written back as they came."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.loader import Config
from ..core.menus import Action, Item, Menu, back_item
from .media import TYPES, content_type_of, safe_stem
from .obf import OURS
from .package import FORMAT_PREFIX, MANIFEST, MAX_MEDIA_BYTES
from .problems import Problem
from .written import WrittenMenu

FORMAT = f"{FORMAT_PREFIX}0.1"
_NOUN = {"images": "image", "sounds": "sound"}


def as_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass
class Packed:
    """What goes into the .obz: path -> bytes, and the manifest's id -> path lists."""

    entries: dict[str, bytes] = field(default_factory=dict)
    paths: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"boards": {}, "images": {}, "sounds": {}}
    )
    _files: dict[Path, tuple[str, str]] = field(default_factory=dict)
    """A file already packed -> (its id, its path in the package)."""
    _count: int = 0

    def new_id(self, kind: str) -> str:
        self._count += 1
        return f"{_NOUN[kind]}-{self._count}"

    def pack(self, kind: str, file: Path, where: str, problems: list[Problem]) -> tuple[str, str]:
        """(id, path in the package) of a picture or recording on disk; ("", "") when it cannot go (told)."""
        noun = _NOUN[kind]
        try:
            resolved = file.resolve(strict=True)
            if resolved in self._files:
                return self._files[resolved]
            if not resolved.is_file():
                raise OSError("not a file")
            size = resolved.stat().st_size
            if size > MAX_MEDIA_BYTES:
                raise OSError(f"{size:,} bytes (at most {MAX_MEDIA_BYTES:,})")
            data = resolved.read_bytes()
        except OSError as error:
            problems.append(Problem(where, f"{noun} {file}: {error.strerror or error}; exported without it"))
            return "", ""
        suffix = resolved.suffix.lower()
        if suffix not in TYPES[kind].values():
            problems.append(
                Problem(where, f"{noun} {file}: not a kind of {noun} boards carry; exported without it")
            )
            return "", ""
        media_id = self.new_id(kind)
        name = f"{kind}/{safe_stem(resolved.stem, noun)}{suffix}"
        number = 2
        while name in self.entries:
            name = f"{kind}/{safe_stem(resolved.stem, noun)}-{number}{suffix}"
            number += 1
        self.entries[name] = data
        self.paths[kind][media_id] = name
        self._files[resolved] = (media_id, name)
        return media_id, name


@dataclass
class Exporter:
    config: Config
    written: dict[str, WrittenMenu]
    problems: list[Problem]
    packed: Packed = field(default_factory=Packed)
    board_paths: dict[str, str] = field(default_factory=dict)
    buttons: int = 0

    def run(self) -> Packed:
        menus = self.config.menus
        order = [menus.home, *(menu_id for menu_id in menus.menus if menu_id != menus.home)]
        used: set[str] = set()
        for menu_id in order:
            stem = safe_stem(menu_id, "board").lower()
            path, number = f"boards/{stem}.obf", 2
            while path in used:
                path, number = f"boards/{stem}-{number}.obf", number + 1
            used.add(path)
            self.board_paths[menu_id] = path
        for menu_id in order:
            board = self.board(menus[menu_id])
            self.packed.entries[self.board_paths[menu_id]] = as_json(board)
            self.packed.paths["boards"][menu_id] = self.board_paths[menu_id]
        manifest = {"format": FORMAT, "root": self.board_paths[menus.home], "paths": self.packed.paths}
        self.packed.entries = {MANIFEST: as_json(manifest), **self.packed.entries}
        return self.packed

    def board(self, menu: Menu) -> dict[str, Any]:
        written = self.written.get(menu.id)
        items = self._written_items(menu, written)
        settings = self.config.settings
        board: dict[str, Any] = dict(written.obf) if written else {}
        board.update(format=FORMAT, id=menu.id, name=menu.title)
        board.setdefault("locale", settings.listening.language)
        file = written.file if written else Path(menu.id)
        keeps = written.item_obf if written else ()
        images: list[dict[str, Any]] = []
        sounds: list[dict[str, Any]] = []
        buttons = []
        for number, item in enumerate(items):
            keep = keeps[number] if number < len(keeps) else {}
            where = f"{file}: menu '{menu.id}', items[{number}] ('{item.label}')"
            buttons.append(self.button(number + 1, item, keep, file, where, images, sounds))
        columns = menu.columns or settings.display.columns
        rows = max(1, -(-len(buttons) // columns))
        ids: list[str | None] = [button["id"] for button in buttons]
        ids += [None] * (rows * columns - len(ids))
        board["buttons"] = buttons
        self.buttons += len(buttons)
        board["grid"] = {
            "rows": rows,
            "columns": columns,
            "order": [ids[r * columns : (r + 1) * columns] for r in range(rows)],
        }
        board["images"] = images
        board["sounds"] = sounds
        if not menu.columns:
            board[f"{OURS}default_columns"] = True
        if menu.row_cues:
            board[f"{OURS}row_cues"] = list(menu.row_cues)
        return board

    def _written_items(self, menu: Menu, written: WrittenMenu | None) -> tuple[Item, ...]:
        """The items as written: without the Back item the companion adds (importing adds it again)."""
        if written is not None:
            return menu.items[: written.items]
        back = back_item(self.config.settings)
        added = menu.id != self.config.menus.home and menu.items and menu.items[-1] == back
        return menu.items[:-1] if added else menu.items

    def button(
        self,
        number: int,
        item: Item,
        keep: dict[str, Any],
        file: Path,
        where: str,
        images: list[dict[str, Any]],
        sounds: list[dict[str, Any]],
    ) -> dict[str, Any]:
        button = {key: value for key, value in keep.items() if key not in ("image", "sound")}
        if item.action is not Action.SPEAK:
            button.pop("action", None)
            button.pop("actions", None)
        button.update(id=str(number), label=item.label)
        if item.say:
            button["vocalization"] = item.say
        for kind, relative, records in (("images", item.image, images), ("sounds", item.sound, sounds)):
            record = self.media_record(kind, relative, keep.get(_NOUN[kind]), file, where)
            if record:
                records.append(record)
                button[f"{_NOUN[kind]}_id"] = record["id"]
        if item.action is Action.MENU:
            target = self.config.menus[item.menu]
            button["load_board"] = {
                "id": target.id,
                "name": target.title,
                "path": self.board_paths[target.id],
            }
        elif item.action is Action.HOME:
            button["action"] = ":home"
        button.update(ours_of(item))
        return button

    def media_record(
        self, kind: str, relative: str, kept: Any, file: Path, where: str
    ) -> dict[str, Any] | None:
        """The image or sound record for a button: our file, with the fields kept from another
        tool (licence, url, ...); or those fields alone (a picture only on the web)."""
        record: dict[str, Any] = dict(kept) if isinstance(kept, dict) else {}
        if relative:
            media_id, path = self.packed.pack(kind, file.parent / relative, where, self.problems)
            if media_id:
                content_type = content_type_of(kind, path)
                record.update(id=media_id, path=path, content_type=content_type)
                return record
        if not record:
            return None
        record["id"] = self.packed.new_id(kind)
        return record


def ours_of(item: Item) -> dict[str, Any]:
    """Our own fields of an item, as `ext_accessiblecompanion_*` (only those that are set)."""
    found: dict[str, Any] = {}
    if item.action not in (Action.SPEAK, Action.MENU):
        found["action"] = item.action.value
    if item.mode is not None:
        found["mode"] = item.mode.value
    if item.minutes is not None:
        found["minutes"] = item.minutes
    for key in ("answer", "cue", "source", "id"):
        if getattr(item, key):
            found[key] = getattr(item, key)
    if item.voice:
        found["voice"] = list(item.voice)
    return {f"{OURS}{key}": value for key, value in found.items()}
