"""Edit a caregiver config in place: menus, items and settings, written back with the caregiver's comments.

`ConfigDocument` reads every YAML file of a config in round-trip mode and offers the small
set of edits a caregiver page needs. Edits change the in-memory files only; `save()` checks
the would-be config with the real loader and writes nothing unless it loads without a
problem, then replaces each changed file atomically. Unchanged files are never rewritten.

Items are addressed by their menu id and position (from 0), as the caregiver sees them.
An edit that cannot make sense (no such menu, a position past the end) raises `EditError`
at once; whether the whole config still holds together is the loader's job, at `save()`.

(Over 500 lines on purpose: every edit shares the helpers that find a menu's file and carry
a caregiver's comment lines along with an item; apart, one rule would live in two places.)
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypedDict, cast

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..core.menus import Action
from ..core.settings import Settings
from . import roundtrip
from .atomic_write import write_atomically
from .loader import Config, config_files, load_config
from .problems import ConfigError, Problem
from .schema import ItemModel

HOME = "home"
"""The menu the companion starts in; it cannot be renamed or deleted."""


class EditError(ValueError):
    """An edit that cannot be made; the message says why, in words for the caregiver page."""


class ItemFields(TypedDict, total=False):
    """An item as written in a menu file (keys left out keep their defaults)."""

    label: str
    say: str
    cue: str
    voice: str | list[str]
    action: str
    menu: str
    mode: str
    minutes: float
    answer: str
    id: str
    source: str
    sound: str


ITEM_KEYS: tuple[str, ...] = tuple(ItemModel.model_fields)
TEXT_KEYS = ("label", "say", "sound", "cue", "voice", "source", "id")
"""Item keys set with `set_item_field`; the action and its argument go through `set_action`."""
# The order keys are written in when an item gains one, as in the shipped files.
_KEY_ORDER = (
    "label",
    "action",
    "menu",
    "mode",
    "minutes",
    "answer",
    "say",
    "sound",
    "cue",
    "voice",
    "source",
    "id",
)
# The argument each action takes (an item with `menu:` and no action opens that menu).
_ACTION_ARGUMENT = {
    Action.MENU: "menu",
    Action.MODE: "mode",
    Action.REST: "minutes",
    Action.CHECK_IN: "answer",
}


@dataclass
class _File:
    path: Path
    text: str | None  # as on disk; None for a file this document creates
    data: Any

    def render(self) -> str:
        return roundtrip.render(self.data, self.text)


class ConfigDocument:
    """Every YAML file of one config, editable, and saved only when the result is a valid config."""

    def __init__(self, root: Path, files: list[_File]) -> None:
        self.root = root
        self._files = files
        self._checked: dict[Path, str] | None = None
        """The texts the last `check()` passed."""

    @classmethod
    def read(cls, path: Path) -> ConfigDocument:
        """Read the config at `path` (a folder or one file). A file YAML cannot parse raises `ConfigError`."""
        if not path.exists():
            raise ConfigError([Problem(path, 0, "no such file or folder")])
        files: list[_File] = []
        problems: list[Problem] = []
        for file in config_files(path):
            text = file.read_text(encoding="utf-8")
            try:
                data = roundtrip.load(text)
            except YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                problems.append(Problem(file, mark.line + 1 if mark else 1, f"YAML syntax: {error}"))
                continue
            if data is not None and not isinstance(data, CommentedMap):
                problems.append(Problem(file, 1, "expected keys 'settings:' and/or 'menus:' at the top"))
                continue
            files.append(_File(file, text, data))
        if problems:
            raise ConfigError(problems)
        return cls(path, files)

    @property
    def files(self) -> list[Path]:
        return [file.path for file in self._files]

    # Settings.

    def setting(self, dotted: str) -> Any:
        """The value written for a setting (`scanning.interval`); None if left at its default."""
        node: Any = self._settings(create=False)
        for key in _setting_keys(dotted):
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        return _plain(node)

    def set_setting(self, dotted: str, value: Any) -> None:
        """Set a setting by its dotted path, adding the sections it needs. Ranges are checked at `save()`."""
        keys = _setting_keys(dotted)
        node = self._settings(create=True)
        for key in keys[:-1]:
            if not isinstance(node.get(key), CommentedMap):
                _put(node, key, CommentedMap(), order=())
            node = node[key]
        _put(node, keys[-1], value, order=())

    # Menus.

    def menu_ids(self) -> list[str]:
        return [str(menu["id"]) for _, _, menu in self._menus()]

    def menu_file(self, menu_id: str) -> Path:
        """The file a menu is written in."""
        for file, _, menu in self._menus():
            if menu.get("id") == menu_id:
                return file.path
        raise EditError(f"no menu '{menu_id}'")

    def menu_title(self, menu_id: str) -> str:
        return str(self._menu(menu_id).get("title", ""))

    def set_menu_title(self, menu_id: str, title: str) -> None:
        menu = self._menu(menu_id)
        if title:
            _put(menu, "title", title, order=("id", "title", "items"))
        elif "title" in menu:
            roundtrip.drop_key(menu, "title")

    def add_menu(
        self, menu_id: str, title: str = "", items: Sequence[ItemFields] = (), file: Path | None = None
    ) -> Path:
        """Add a menu; returns the file it went into.

        By default that is a new `menus/<id>.yaml` beside the other menu files (or the config
        itself when it is one file). The menu is only reachable once an item opens it, and
        needs at least one item: `save()` refuses it until then.
        """
        menu_id = _checked_id(menu_id)
        if menu_id in self.menu_ids():
            raise EditError(f"there is already a menu '{menu_id}'")
        target = self._file(file if file is not None else self._new_menu_file(menu_id))
        if target.data is None:
            target.data = CommentedMap()
        menus = target.data.get("menus")
        if not isinstance(menus, CommentedSeq):
            menus = CommentedSeq()
            _put(target.data, "menus", menus, order=("settings", "menus"))
        menu = CommentedMap([("id", roundtrip.scalar(menu_id))])
        if title:
            menu["title"] = roundtrip.scalar(title)
        menu["items"] = CommentedSeq(_item_map(item) for item in items)
        if menus:
            roundtrip.add_tail(menus[-1], "\n")  # a blank line between menus, as in the shipped files
        menus.append(menu)
        return target.path

    def rename_menu(self, old: str, new: str) -> int:
        """Rename a menu and every item that opens it; returns how many items were changed."""
        new = _checked_id(new)
        if HOME in (old, new):
            raise EditError(f"the menu '{HOME}' is where the companion starts; it keeps its name")
        menu = self._menu(old)
        if new in self.menu_ids():
            raise EditError(f"there is already a menu '{new}'")
        _put(menu, "id", new)
        changed = 0
        for item in self._all_items():
            if item.get("menu") == old:
                _put(item, "menu", new)
                changed += 1
        return changed

    def delete_menu(self, menu_id: str) -> None:
        """Delete a menu. Refused while an item still opens it: the caregiver changes those first."""
        if menu_id == HOME:
            raise EditError(f"the menu '{HOME}' is where the companion starts; it cannot be deleted")
        openers = [
            f"'{item.get('label')}' in '{menu['id']}'"
            for _, _, menu in self._menus()
            for item in menu.get("items") or []
            if isinstance(item, Mapping) and item.get("menu") == menu_id
        ]
        if openers:
            raise EditError(
                f"menu '{menu_id}' is opened by {', '.join(openers)}: change or remove those items first"
            )
        for _, menus, menu in self._menus():
            if menu["id"] == menu_id:
                _remove_at(menus, menus.index(menu))  # the comments above it were about it
                return
        raise EditError(f"no menu '{menu_id}'")

    # Items.

    def items(self, menu_id: str) -> list[ItemFields]:
        return [_item_fields(item) for item in self._items(menu_id)]

    def item(self, menu_id: str, index: int) -> ItemFields:
        return _item_fields(self._item(menu_id, index))

    def set_item_field(self, menu_id: str, index: int, key: str, value: str | list[str]) -> None:
        """Set label, say, sound, cue, voice, source or id. An empty value removes the key (its
        default applies). `sound` is a recording's path relative to the item's file (message
        banking: see speech/banking.py `save_recording`)."""
        if key not in TEXT_KEYS:
            raise EditError(f"'{key}' is not one of {', '.join(TEXT_KEYS)} (use set_action for actions)")
        item = self._item(menu_id, index)
        if value in ("", []):
            if key == "label":
                raise EditError("an item needs a label")
            if key in item:
                roundtrip.drop_key(item, key)
            return
        _put(item, key, value)

    def set_action(
        self,
        menu_id: str,
        index: int,
        action: Action | str,
        argument: str | float | None = None,
    ) -> None:
        """Set what an item does, with the one argument its action takes (menu id, mode, minutes, answer).

        Keys that belonged to the item's old action are removed; `menu` items are written as
        `menu: <id>` without an action line, and plain speech without one, as in the shipped files.
        """
        try:
            action = Action(action)
        except ValueError:
            raise EditError(
                f"unknown action '{action}' (actions: {', '.join(a.value for a in Action)})"
            ) from None
        wanted = _ACTION_ARGUMENT.get(action)
        if argument not in (None, "") and wanted is None:
            raise EditError(f"action '{action.value}' takes no argument")
        if action is Action.MENU and argument in (None, ""):
            raise EditError("action 'menu' needs the id of the menu to open")
        item = self._item(menu_id, index)
        for key in _ACTION_ARGUMENT.values():
            if key != wanted and key in item:
                roundtrip.drop_key(item, key)
        if action is not Action.SPEAK and "sound" in item:  # a recording is only played by speak
            roundtrip.drop_key(item, "sound")
        if action not in (Action.SPEAK, Action.MENU):
            _put(item, "action", action.value)
        elif "action" in item:
            roundtrip.drop_key(item, "action")
        if wanted is not None and argument not in (None, ""):
            _put(item, wanted, argument)
        elif wanted is not None and wanted in item:
            roundtrip.drop_key(item, wanted)

    def add_item(self, menu_id: str, fields: ItemFields, index: int | None = None) -> int:
        """Add an item at `index` (default: the end); returns its position."""
        items = self._items(menu_id)
        index = len(items) if index is None else _position(index, len(items) + 1)
        _insert_at(items, index, _item_map(fields))
        return index

    def remove_item(self, menu_id: str, index: int) -> ItemFields:
        items = self._items(menu_id)
        item, _ = _remove_at(items, _position(index, len(items)))  # the comments above it were about it
        return _item_fields(item)

    def move_item(
        self, menu_id: str, index: int, to_menu: str | None = None, to_index: int | None = None
    ) -> int:
        """Move an item in its menu or to another; `to_index` counts once it is out (default: the end)."""
        source = self._items(menu_id)
        target = source if to_menu is None else self._items(to_menu)
        index = _position(index, len(source))
        size_after = len(target) - (1 if target is source else 0)
        to_index = size_after if to_index is None else _position(to_index, size_after + 1)
        _insert_at(target, to_index, *_remove_at(source, index))
        return to_index

    def add_file(self, path: Path, text: str) -> None:
        """Add a new YAML file made elsewhere (an imported board), written by the next `save()`
        along with the other edits, and checked with them."""
        path = path if path.is_absolute() else self.root / path
        if path.exists() or path in self.files:
            raise EditError(f"{path} is already there")
        try:
            data = roundtrip.load(text)
        except YAMLError as error:
            raise EditError(f"{path} is not YAML: {error}") from None
        if not isinstance(data, CommentedMap):
            raise EditError(f"{path}: expected keys 'settings:' and/or 'menus:' at the top")
        self._file(path).data = data  # (a path outside the config folder is refused here)

    # Checking and saving.

    def texts(self) -> dict[Path, str]:
        """The text every file would have if saved now."""
        return {file.path: file.render() for file in self._files}

    def changed_files(self) -> list[Path]:
        return [path for path, text in self.texts().items() if text != self._file(path).text]

    def check(self) -> Config:
        """Load the would-be config with the real loader; `ConfigError` (naming the real files) if wrong."""
        texts = self.texts()
        config = self._check(texts)
        self._checked = texts  # a save of exactly these texts need not load them again
        return config

    def save(self) -> list[Path]:
        """Write the changed files if the result is a valid config, and return them; else write nothing."""
        texts = self.texts()
        changed = {path: text for path, text in texts.items() if text != self._file(path).text}
        if not changed:
            return []
        if texts != self._checked:
            self._check(texts)
        for path, text in changed.items():
            write_atomically(path, text)
            written = self._file(path)
            written.text = text
        return list(changed)

    def _check(self, texts: dict[Path, str]) -> Config:
        return check_texts(self.root, texts)

    # Finding things.

    def _file(self, path: Path) -> _File:
        path = path if path.is_absolute() else self.root / path
        for file in self._files:
            if file.path == path:
                return file
        if path.suffix not in (".yaml", ".yml") or not (
            self.root.is_dir() and path.is_relative_to(self.root)
        ):
            raise EditError(f"{path} is not a .yaml file of the config at {self.root}")
        self._files.append(_File(path, None, None))
        return self._files[-1]

    def _new_menu_file(self, menu_id: str) -> Path:
        if not self.root.is_dir():
            return self.root
        folders = [
            file.path.parent
            for file in self._files
            if isinstance(file.data, Mapping) and "menus" in file.data
        ]
        return (folders[0] if folders else self.root / "menus") / f"{menu_id}.yaml"

    def _settings(self, create: bool) -> CommentedMap:
        for file in self._files:
            if isinstance(file.data, Mapping) and isinstance(file.data.get("settings"), CommentedMap):
                settings: CommentedMap = file.data["settings"]
                return settings
        if not create:
            return CommentedMap()
        target = self._file(self.root / "settings.yaml" if self.root.is_dir() else self.root)
        if target.data is None:
            target.data = CommentedMap()
        target.data.insert(0, "settings", CommentedMap())
        result: CommentedMap = target.data["settings"]
        return result

    def _menus(self) -> Iterator[tuple[_File, CommentedSeq, CommentedMap]]:
        for file in self._files:
            menus = file.data.get("menus") if isinstance(file.data, Mapping) else None
            if not isinstance(menus, CommentedSeq):
                continue
            for menu in menus:
                if isinstance(menu, CommentedMap):
                    yield file, menus, menu

    def _menu(self, menu_id: str) -> CommentedMap:
        for _, _, menu in self._menus():
            if menu.get("id") == menu_id:
                return menu
        raise EditError(f"no menu '{menu_id}'")

    def _items(self, menu_id: str) -> CommentedSeq:
        menu = self._menu(menu_id)
        if not isinstance(menu.get("items"), CommentedSeq):
            _put(menu, "items", CommentedSeq(), order=("id", "title", "items"))
        items: CommentedSeq = menu["items"]
        return items

    def _item(self, menu_id: str, index: int) -> CommentedMap:
        items = self._items(menu_id)
        item = items[_position(index, len(items))]
        if not isinstance(item, CommentedMap):
            raise EditError(f"item {index} of menu '{menu_id}' is not written as keys")
        return item

    def _all_items(self) -> Iterator[CommentedMap]:
        for _, _, menu in self._menus():
            for item in menu.get("items") or []:
                if isinstance(item, CommentedMap):
                    yield item


def check_texts(root: Path, texts: Mapping[Path, str]) -> Config:
    """Load the config that `texts` (every YAML file of the config at `root`, by its real path)
    would make, with the real loader, from a copy; `ConfigError` naming the real files if wrong.
    Only the files in `texts` are part of it: a file of `root` left out is as if removed."""
    with tempfile.TemporaryDirectory(prefix="companion-config-") as temp:
        copy_root = Path(temp) / root.name
        for path, text in texts.items():
            copy = copy_root / path.relative_to(root) if root.is_dir() else copy_root
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
        try:
            # The copy holds only the YAML files: recordings are looked for where they are.
            config = load_config(copy_root, files_at=root if root.is_dir() else root.parent)
        except ConfigError as error:
            raise ConfigError(
                [_moved(problem, copy_root, root) for problem in error.problems],
                [_moved(warning, copy_root, root) for warning in error.warnings],
            ) from None
        warnings = tuple(_moved(warning, copy_root, root) for warning in config.warnings)
        return dataclasses.replace(config, warnings=warnings)


# Helpers on round-trip nodes.


def _put(mapping: CommentedMap, key: str, value: Any, order: Sequence[str] = _KEY_ORDER) -> None:
    """Set `key`, in place if it is there (keeping its comment and quotes), else where `order` puts it."""
    if key in mapping:
        mapping[key] = _node(value, mapping[key])
        return
    rank = order.index(key) if key in order else len(order)
    position = sum(1 for existing in mapping if (order.index(existing) if existing in order else -1) < rank)
    tail = roundtrip.take_tail(mapping) if position == len(mapping) else ""
    mapping.insert(position, key, _node(value, None))
    roundtrip.add_tail(mapping, tail)


def _node(value: Any, old: Any) -> Any:
    """`value` as a round-trip node, in the style (quotes, flow or block) of the value it replaces."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, list | tuple):
        seq = roundtrip.flow_list(list(value))
        if isinstance(old, CommentedSeq) and not old.fa.flow_style():
            seq.fa.set_block_style()
        return seq
    if isinstance(value, Mapping):
        mapping = CommentedMap((str(k), _node(v, None)) for k, v in value.items())
        if not isinstance(old, CommentedMap) or old.fa.flow_style():
            mapping.fa.set_flow_style()
        return mapping
    return roundtrip.scalar(value, old)


def _item_map(fields: Mapping[str, Any]) -> CommentedMap:
    unknown = [key for key in fields if key not in ITEM_KEYS]
    if unknown:
        raise EditError(f"unknown item key '{unknown[0]}' (keys: {', '.join(ITEM_KEYS)})")
    if not fields.get("label"):
        raise EditError("an item needs a label")
    item = CommentedMap()
    for key in sorted(fields, key=lambda k: _KEY_ORDER.index(k) if k in _KEY_ORDER else len(_KEY_ORDER)):
        if fields[key] not in ("", None, []):
            item[key] = _node(fields[key], None)
    return item


def _item_fields(item: Any) -> ItemFields:
    plain = _plain(item)
    return cast(ItemFields, plain) if isinstance(plain, dict) else ItemFields(label=str(plain))


# ruamel keeps the comment lines above an entry on the entry before it. They belong to the entry
# below them, so they are handed over whenever entries are taken out or put in.


def _insert_at(items: CommentedSeq, index: int, item: Any, above: str = "") -> None:
    """Insert `item` with the comment lines `above` it; the lines above the entry it displaces stay there."""
    pushed = _take_tail(items, index - 1)
    if index > 0:
        _add_tail(items, index - 1, above)
    else:
        pushed = above + pushed  # nowhere to write lines above a first entry: they follow it instead
    items.insert(index, item)
    _add_tail(items, index, pushed)


def _remove_at(items: CommentedSeq, index: int) -> tuple[Any, str]:
    """Take out an entry; returns it and the comment lines that were above it."""
    above = _take_tail(items, index - 1)
    # The lines below it are about the next entry; below a first entry they go along with it.
    below = _take_tail(items, index) if index > 0 else ""
    item = items.pop(index)
    _add_tail(items, index - 1, below)
    return item, above


def _take_tail(items: CommentedSeq, index: int) -> str:
    return roundtrip.take_tail(items[index]) if 0 <= index < len(items) and _is_map(items[index]) else ""


def _add_tail(items: CommentedSeq, index: int, tail: str) -> None:
    if 0 <= index < len(items) and _is_map(items[index]):
        roundtrip.add_tail(items[index], tail)


def _is_map(node: Any) -> bool:
    return isinstance(node, CommentedMap)


def _plain(node: Any) -> Any:
    """Round-trip nodes as plain dicts, lists and built-in scalars (for the caller, not for writing)."""
    if isinstance(node, Mapping):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, str):
        return str(node)
    for kind in (bool, int, float):
        if isinstance(node, kind):
            return kind(node)  # ruamel's ScalarFloat and friends, as the built-in type
    return node


def _position(index: int, size: int) -> int:
    if not 0 <= index < size:
        raise EditError(f"position {index} is outside 0 to {size - 1}")
    return index


def _checked_id(menu_id: str) -> str:
    menu_id = menu_id.strip()
    if not menu_id:
        raise EditError("a menu needs an id")
    if menu_id.startswith("~"):
        raise EditError(f"menu id '{menu_id}': ids starting with ~ are the companion's own")
    return menu_id


def _setting_keys(dotted: str) -> list[str]:
    """The keys of a dotted setting path, each checked against the settings' fields."""
    keys = dotted.split(".")
    node: Any = Settings()
    for depth, key in enumerate(keys):
        names = [f.name for f in fields(node)] if is_dataclass(node) else []
        if key not in names:
            where = ".".join(keys[:depth]) or "settings"
            known = f" (known: {', '.join(names)})" if names else ""
            raise EditError(f"{where} has no setting '{key}'{known}")
        node = getattr(node, key)
    return keys


def _moved(problem: Problem, copy_root: Path, root: Path) -> Problem:
    """A problem found in the checking copy, told about the caregiver's own file."""
    file = problem.file
    if file.is_relative_to(copy_root):
        file = root / file.relative_to(copy_root) if root.is_dir() else root
    message = problem.message.replace(str(copy_root), str(root))
    return dataclasses.replace(problem, file=file, message=message)
