"""Load a caregiver config (a folder or one file) into menus and settings, or say what is wrong.

Nothing half-checked is ever returned: either every check passes and a `Config` comes
back, or `ConfigError` lists every problem with its file and line.
"""

from __future__ import annotations

import difflib
import ipaddress
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..core.care import minutes_of
from ..core.commands import normalize_words
from ..core.limits import LIMITS, Limit
from ..core.menus import Action, Item, Menu, MenuSet, reachable, with_back_items
from ..core.pace import HELP_ROOM
from ..core.settings import Settings, timing_conflicts
from ..display.themes import color_problems
from ..switch.keys import canonical_key_name
from .blanks import blank_menu, blank_settings
from .grids import row_cue_problems
from .hearable import short_item_words, short_setting_words
from .help_channels import help_channel_problems, help_channel_warnings
from .kinds import dotted, kind_problems
from .problems import ConfigError, Problem
from .schema import FileModel, ItemModel, MenuModel
from .sounds import SoundCheck
from .yaml_lines import LinedYaml, Location, read_yaml

_FILE_ADAPTER = TypeAdapter(FileModel)
# Keys that only make sense with one action.
_ACTION_KEYS = {
    "menu": Action.MENU,
    "mode": Action.MODE,
    "minutes": Action.REST,
    "answer": Action.CHECK_IN,
    "sound": Action.SPEAK,
}
_SAMPLES = {
    "seconds": "1.5",
    "mode": "auto",
    "answer": "low",
    "language": "en",
    "minutes": "5",
    "words": "help",
    "name": "Anna",
    "url": "http://192.168.1.7:8765/ack/TOKEN",
    "alert": "2",
    "time": "2025-03-09 14:02",
    "count": "3",
    "state": "listening",
    "code": "123456",
}
"""A value for each placeholder, to try a caregiver's wording with."""
_PLACEHOLDERS = {
    "slower": ("seconds",),
    "faster": ("seconds",),
    "long_press": ("seconds",),
    "pace_slower": ("seconds",),
    "pace_faster": ("seconds",),
    "pace_longer_hold": ("seconds",),
    "pace_shorter_hold": ("seconds",),
    "pace_yes": ("seconds",),
    "help_cancel_window": ("seconds",),
    "mode": ("mode",),
    "rest": ("minutes",),
    "rest_offer": ("minutes",),
    "rest_choice": ("minutes",),
    "check_in": ("answer",),
    "help_calling": ("name",),
    "help_coming": ("name",),
    "help_ack_link": ("url",),
    "confirm": ("words",),
    "voice_unavailable": ("language",),
    "ack_open": ("alert",),
    "ack_whose": ("name",),
    "ack_used": ("name", "time"),
}
"""The placeholders each message is given (one that is not listed is given none): a
placeholder of another message would stop the companion where it says this one."""
_WORDS = {
    "more_above": ("count",),
    "more_below": ("count",),
    "voice": ("state",),
    "page": ("url",),
    "page_code": ("code",),
}
"""The placeholders of the window's words (`display.words`)."""
HELP_MARGIN = HELP_ROOM
"""Seconds a hold for help must exceed a long press by, so the two are told apart (the
margin pacing and Slower keep to while running: core/pace.py)."""


@dataclass(frozen=True)
class Config:
    """A checked config, ready to run."""

    menus: MenuSet
    settings: Settings
    files: tuple[Path, ...]
    warnings: tuple[Problem, ...] = ()
    """What is wrong but leaves the config usable (a recording that is not there)."""

    def summary(self) -> str:
        """One line a caregiver can read: what was loaded."""
        items = sum(len(m.items) for m in self.menus.menus.values())
        timing = self.settings.scanning
        return (
            f"OK: {len(self.menus.menus)} menus, {items} items, {len(self.files)} files; "
            f"mode {timing.mode.value}, interval {timing.interval:g} s"
        )


def default_config_dir() -> Path:
    """The built-in config: inside the installed package, or `config/` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "default_config"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "config"


def config_files(path: Path) -> list[Path]:
    """The YAML files of a config: the file itself, or every *.yaml/*.yml below a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def load_config(path: Path | None = None, *, files_at: Path | None = None, decode: bool = False) -> Config:
    """Load and check the config at `path` (None = the built-in one). `files_at`: where the
    config really is when `path` is a copy of its YAML files only (recordings are there).
    `decode` (for `check`): also decode each recording, in the decoder's process (~0.4 s to
    start it); one that does not decode is a warning, as it is when played."""
    base = default_config_dir()
    path = base if path is None else path
    if not path.exists():
        raise ConfigError([Problem(path, 1, "no such file or folder")])
    files = config_files(path)
    if not files:
        raise ConfigError([Problem(path, 1, "no .yaml files here")])
    problems: list[Problem] = []
    settings_at, menus_at = _read_files(files, problems)
    if problems:
        raise ConfigError(problems)
    # A config may give only settings or only menus; the built-in config fills the rest.
    fallback = None if (settings_at and menus_at) or path == base else load_config(base)
    settings = settings_at[0] if settings_at else fallback.settings if fallback else Settings()
    if settings_at is not None:
        problems += _check_settings(*settings_at)
    # Words heard poorly: told, not refused (only when voice commands are on).
    hearing = short_setting_words(*settings_at) if settings_at and settings.voice_commands else []
    # A heartbeat every few seconds: told, not refused (a test uses one).
    hearing += help_channel_warnings(settings.help, settings_at[1]) if settings_at else []
    folder = path if path.is_dir() else path.parent
    sounds = SoundCheck(
        folder, files_at if files_at is None or files_at.is_dir() else files_at.parent, decode
    )
    if menus_at:
        try:
            menus = _build_menus(menus_at, settings, problems, sounds, hearing)
        finally:
            sounds.close()
    if problems:
        raise ConfigError(problems, [*sounds.warnings, *hearing])

    if not menus_at:
        if fallback is None:
            raise ConfigError([Problem(files[0], 1, "no menus defined")])
        menus = fallback.menus
    used = tuple(files) + (fallback.files if fallback else ())
    warnings = tuple(sorted([*sounds.warnings, *hearing]))
    return Config(with_back_items(menus, settings), settings, used, warnings)


def _read_files(
    files: list[Path], problems: list[Problem]
) -> tuple[tuple[Settings, LinedYaml] | None, list[tuple[MenuModel, LinedYaml, int]]]:
    """Each file's settings (at most one file may give them) and menus, with where they are."""
    settings_at: tuple[Settings, LinedYaml] | None = None
    menus_at: list[tuple[MenuModel, LinedYaml, int]] = []
    for file in files:
        doc = read_yaml(file, problems)
        if doc is None or doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected keys 'settings:' and/or 'menus:' at the top"))
            continue
        wrong_kinds = kind_problems(doc, FileModel)
        problems += wrong_kinds
        try:
            model = _FILE_ADAPTER.validate_python(doc.data)
        except ValidationError as error:
            told = {problem.line for problem in wrong_kinds}
            problems += [p for p in _pydantic_problems(error, doc) if p.line not in told]
            continue
        if wrong_kinds:
            continue
        if model.settings is not None:
            if settings_at is not None:
                first = settings_at[1].at(("settings",))
                problems.append(doc.problem(("settings",), f"settings are given again (first at {first})"))
            else:
                settings_at = (model.settings, doc)
        menus_at += [(menu, doc, index) for index, menu in enumerate(model.menus or [])]
    return settings_at, menus_at


# Turning pydantic's errors into caregiver messages.


def _dataclass_keys(value: object) -> set[str]:
    """Every field name in a tree of dataclass instances."""
    if not is_dataclass(value):
        return set()
    names: set[str] = set()
    for field in fields(value):
        names.add(field.name)
        names |= _dataclass_keys(getattr(value, field.name))
    return names


_KNOWN_KEYS = sorted(
    {*ItemModel.model_fields, *MenuModel.model_fields, *FileModel.model_fields} | _dataclass_keys(Settings())
)


def _pydantic_problems(error: ValidationError, doc: LinedYaml) -> list[Problem]:
    found: dict[tuple[int, str], Problem] = {}
    for detail in error.errors():
        location: Location = tuple(detail["loc"])
        kind = detail["type"]
        value = detail.get("input")
        if kind in ("extra_forbidden", "unexpected_keyword_argument"):
            key = str(location[-1])
            close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown key '{key}'{hint}"
        elif kind in ("missing", "missing_argument"):
            message = f"missing '{location[-1]}'"
        else:
            location = _known_prefix(location, doc)
            name = dotted(location) or "value"
            if name.endswith(".action") and kind == "enum":
                options = ", ".join(a.value for a in Action)
                message = f"unknown action '{value}' (actions: {options})"
            elif kind == "enum":
                message = f"{name}: '{value}' is not one of: {detail.get('ctx', {}).get('expected', '')}"
            elif kind.startswith("greater_than"):
                message = f"{name}: must be more than {_bound(detail)}"
            elif kind.startswith("less_than"):
                message = f"{name}: must be at most {_bound(detail)}"
            elif kind.startswith(("float", "int")):
                message = f"{name}: expected a number, got {value!r}"
            elif kind.startswith("bool"):
                message = f"{name}: expected true or false, got {value!r}"
            elif name.endswith("voice") and kind in ("string_type", "list_type"):
                message = f"{name}: expected words or a list of words, got {value!r}"
            else:
                message = f"{name}: {detail['msg']}"
        problem = doc.problem(location, message)
        found.setdefault((problem.line, problem.message), problem)
    return list(found.values())


def _bound(detail: Any) -> object:
    context = detail.get("ctx", {})
    return next((context[k] for k in ("gt", "ge", "lt", "le") if k in context), "")


def _known_prefix(location: Location, doc: LinedYaml) -> Location:
    """Drop pydantic's extra parts (union branch names) that are not in the file."""
    while location and location not in doc.lines:
        location = location[:-1]
    return location


# Checks pydantic cannot make: ranges, names, references, reachability, clashes.


def _check_settings(settings: Settings, doc: LinedYaml) -> list[Problem]:
    problems: list[Problem] = []
    scanning = settings.scanning
    problems += _range_problems(settings, doc, scanning=True)
    for name, message in timing_conflicts(scanning):
        problems.append(doc.problem(("settings", "scanning", name), message))
    if settings.help.hold_seconds < scanning.long_press + HELP_MARGIN:
        problems.append(
            doc.problem(
                ("settings", "help", "hold_seconds"),
                f"help.hold_seconds ({settings.help.hold_seconds:g} s) must be at least {HELP_MARGIN:g} s "
                f"longer than scanning.long_press ({scanning.long_press:g} s), or a long press could call "
                "for help",
            )
        )
    for name in ("reminders",):
        for index, text in enumerate(settings.rest.reminders):
            problems += _time_problem(doc, ("settings", "rest", name, index), text)
    if not settings.check_ins.scale:
        problems.append(
            doc.problem(("settings", "check_ins", "scale"), "check_ins.scale: needs at least one answer")
        )
    for index, text in enumerate(settings.check_ins.times):
        problems += _time_problem(doc, ("settings", "check_ins", "times", index), text)
    problems += _range_problems(settings, doc, scanning=False)
    problems += _command_problems(settings, doc)
    problems += _switch_problems(settings, doc)
    problems += _message_problems(settings, doc)
    problems += blank_settings(settings, doc)
    problems += help_channel_problems(settings.help, doc)
    problems += _theme_problems(settings, doc)
    problems += _page_problems(settings, doc)
    return problems


def _page_problems(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """The caregiver page listens on an IP address (a name could change what it reaches)."""
    listen = settings.caregiver_page.listen
    try:
        ipaddress.ip_address(listen)
    except ValueError:
        message = (
            f"caregiver_page.listen: '{listen}' is not an IP address "
            "(127.0.0.1: this computer only; 0.0.0.0: the home network too)"
        )
        return [doc.problem(("settings", "caregiver_page", "listen"), message)]
    return []


def _theme_problems(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """A custom theme that is not colours, or too faint to read from the bed (the built-in
    themes are checked by their tests; unused custom colours are still checked, so
    switching to them later cannot surprise)."""
    return [
        doc.problem(("settings", "display", "colors", name), message)
        for name, message in color_problems(settings.display.colors)
    ]


def _command_problems(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """Command words that are empty or given to two commands."""
    problems: list[Problem] = []
    spoken: dict[str, str] = {}
    for field in fields(settings.commands):
        for index, words in enumerate(getattr(settings.commands, field.name)):
            key = normalize_words(words)
            where: Location = ("settings", "commands", field.name, index)
            if not key:
                problems.append(doc.problem(where, f"{dotted(where)}: words must not be empty"))
            elif spoken.setdefault(key, field.name) != field.name:
                problems.append(
                    doc.problem(where, f"commands: '{words}' is both {spoken[key]} and {field.name}")
                )
    return problems


def _switch_problems(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """Unknown key names, a switch without keys, one key on two roles (by canonical name:
    `Space` is `space`, `esc` is `escape`: a caregiver key that is also a switch would take
    the caregiver's acknowledgement for the user cancelling a false alarm)."""
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str, Location]] = {}
    for switch in ("switch1", "switch2", "caregiver"):
        keys = getattr(settings.switches, switch)
        where = ("settings", "switches", switch)
        if not keys and switch != "caregiver":
            problems.append(doc.problem(where, f"switches.{switch}: needs at least one key"))
        for index, key in enumerate(keys):
            canonical = canonical_key_name(key)
            if canonical is None:
                problems.append(doc.problem((*where, index), f"switches.{switch}: unknown key name '{key}'"))
                continue
            owner, spelled, first = seen.setdefault(canonical, (switch, key, (*where, index)))
            if owner != switch:
                # Told at the line the caregiver wrote, even when the other key is a default.
                here = (*where, index) if (*where, index) in doc.lines else first
                problems.append(
                    doc.problem(
                        here, f"{dotted((*where, index))}: '{key}' is the same key as {owner}'s '{spelled}'"
                    )
                )
    return problems


def _message_problems(settings: Settings, doc: LinedYaml) -> list[Problem]:
    """Messages (and the window's words) whose placeholders the companion cannot fill."""
    problems: list[Problem] = []
    groups = (
        ("messages", settings.messages, _PLACEHOLDERS),
        ("display.words", settings.display.words, _WORDS),
    )
    for section, values, given in groups:
        for field in fields(values):
            template = getattr(values, field.name)
            known = given.get(field.name, ())
            try:
                template.format(**{name: _SAMPLES[name] for name in known})
            except (KeyError, IndexError, ValueError) as error:
                problems.append(
                    doc.problem(
                        ("settings", *section.split("."), field.name),
                        f"{section}.{field.name}: bad placeholder {error} ("
                        + (f"known: {', '.join('{' + p + '}' for p in known)}" if known else "it has none")
                        + ")",
                    )
                )
    return problems


def _time_problem(doc: LinedYaml, where: Location, text: str) -> list[Problem]:
    try:
        minutes_of(text)
    except ValueError as error:
        return [doc.problem(where, f"{'.'.join(str(p) for p in where[1:-1])}: {error}")]
    return []


def _range_problems(settings: Settings, doc: LinedYaml, scanning: bool) -> list[Problem]:
    """Values outside their `LIMITS` row: the scanning timings (whose message names the
    unit) or every other section's."""
    problems: list[Problem] = []
    for path, limit in LIMITS.items():
        if path.startswith("scanning.") != scanning:
            continue
        parts = path.split(".")
        value: Any = settings
        for part in parts:
            value = getattr(value, part)
        values = enumerate(value) if isinstance(value, tuple) else [(None, value)]
        for index, number in values:
            where: Location = ("settings", *parts) if index is None else ("settings", *parts, index)
            if not limit.low <= number <= limit.high:
                problems.append(doc.problem(where, _range_message(where, number, limit)))
    return problems


def _range_message(where: Location, value: float, limit: Limit) -> str:
    name = dotted(where)
    if where[1] == "scanning":
        return f"{name}: {value:g} is outside its range {limit.low:g} to {limit.high:g} {limit.unit}"
    return f"{name}: {value:g} is not {limit.low} to {limit.high}"


def _build_menus(
    menus_at: list[tuple[MenuModel, LinedYaml, int]],
    settings: Settings,
    problems: list[Problem],
    sounds: SoundCheck,
    hearing: list[Problem],
) -> MenuSet:
    """The menus, checked; one-syllable voice words go to `hearing` (when voice is on)."""
    menus: dict[str, Menu] = {}
    where: dict[str, tuple[LinedYaml, Location]] = {}
    item_ids: dict[str, str] = {}
    for model, doc, index in menus_at:
        location: Location = ("menus", index)
        if model.id.startswith("~"):
            problems.append(
                doc.problem(
                    (*location, "id"), f"menu id '{model.id}': ids starting with ~ are the companion's own"
                )
            )
            continue
        if model.id in menus:
            first_doc, first_location = where[model.id]
            first = first_doc.at(first_location)
            problems.append(
                doc.problem((*location, "id"), f"menu id '{model.id}' is used twice (first at {first})")
            )
            continue
        problems += blank_menu(model, doc, location)
        items = _build_items(model, doc, location, item_ids, problems, sounds)
        title = model.title or model.id
        menus[model.id] = Menu(model.id, title, tuple(items), model.columns or 0, tuple(model.row_cues))
        where[model.id] = (doc, location)

    menu_set = MenuSet(menus)
    if menu_set.home not in menus:
        problems.append(_no_home(menu_set.home, menus, where, menus_at))
        return menu_set
    _check_menu_references(menus, where, problems)
    reached = reachable(menu_set)
    for menu_id in menus:
        if menu_id not in reached:
            doc, location = where[menu_id]
            problems.append(doc.problem((*location, "id"), f"menu '{menu_id}' cannot be reached from home"))
    # The Back items the companion adds are checked too, with the caregiver's back words.
    _check_voice_clashes(with_back_items(menu_set, settings), where, problems)
    problems += row_cue_problems(with_back_items(menu_set, settings), settings, where)
    if settings.voice_commands:
        hearing += short_item_words(menu_set, where)
    return menu_set


def _build_items(
    model: MenuModel,
    doc: LinedYaml,
    location: Location,
    item_ids: dict[str, str],
    problems: list[Problem],
    sounds: SoundCheck,
) -> list[Item]:
    """A menu's items; item ids must be unique across the config (`item_ids`: id -> where)."""
    if not model.items:
        problems.append(doc.problem((*location, "items"), f"menu '{model.id}' has no items"))
    items = []
    for number, item_model in enumerate(model.items):
        item_location: Location = (*location, "items", number)
        items.append(_build_item(item_model, doc, item_location, problems, sounds))
        if item_model.id:
            here = doc.at(item_location)
            if item_model.id in item_ids:
                problems.append(
                    doc.problem(
                        (*item_location, "id"),
                        f"item id '{item_model.id}' is used twice (first at {item_ids[item_model.id]})",
                    )
                )
            item_ids.setdefault(item_model.id, here)
    return items


def _no_home(
    home: str,
    menus: dict[str, Menu],
    where: dict[str, tuple[LinedYaml, Location]],
    menus_at: list[tuple[MenuModel, LinedYaml, int]],
) -> Problem:
    """No home menu, told where it most likely was: the menu no item opens (a renamed home),
    or else the first `menus:` list."""
    opened = {item.menu for menu in menus.values() for item in menu.items if item.action is Action.MENU}
    roots = [menu_id for menu_id in menus if menu_id not in opened]
    message = f"no menu with id '{home}' (the companion starts there)"
    if roots:
        doc, location = where[roots[0]]
        return doc.problem((*location, "id"), f"{message}; is '{roots[0]}' the home menu renamed?")
    return menus_at[0][1].problem(("menus",), message)


def _check_menu_references(
    menus: dict[str, Menu], where: dict[str, tuple[LinedYaml, Location]], problems: list[Problem]
) -> None:
    """Every `menu:` an item opens must be defined."""
    for menu_id, menu in menus.items():
        doc, location = where[menu_id]
        for number, item in enumerate(menu.items):
            if item.action is Action.MENU and item.menu not in menus:
                close = difflib.get_close_matches(item.menu, list(menus), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(
                    doc.problem(
                        (*location, "items", number, "menu"), f"menu '{item.menu}' is not defined{hint}"
                    )
                )


def _build_item(
    model: ItemModel, doc: LinedYaml, location: Location, problems: list[Problem], sounds: SoundCheck
) -> Item:
    action = model.action or (Action.MENU if model.menu else Action.SPEAK)
    for key, needs in _ACTION_KEYS.items():
        given: Any = getattr(model, key)
        if given not in ("", None) and action is not needs:
            problems.append(
                doc.problem(
                    (*location, key), f"'{key}' goes with 'action: {needs.value}', not '{action.value}'"
                )
            )
    if action is Action.MENU and not model.menu:
        problems.append(doc.problem((*location, "action"), "action 'menu' needs 'menu: <menu id>'"))
    voice = (model.voice,) if isinstance(model.voice, str) else tuple(model.voice)
    if any(not normalize_words(words) for words in voice):
        problems.append(doc.problem((*location, "voice"), "voice: words must not be empty"))
    sound, seconds = sounds.resolve(model.sound, doc, (*location, "sound"), problems)
    return Item(
        label=model.label,
        action=action,
        say=model.say,
        cue=model.cue,
        voice=voice,
        menu=model.menu,
        mode=model.mode,
        minutes=model.minutes,
        answer=model.answer,
        id=model.id,
        source=model.source,
        sound=sound,
        sound_seconds=seconds,
        image=model.image,
    )


def _check_voice_clashes(
    menus: MenuSet, where: dict[str, tuple[LinedYaml, Location]], problems: list[Problem]
) -> None:
    """Two items of one menu must not be selected by the same spoken words."""
    for menu_id, menu in menus.menus.items():
        doc, location = where[menu_id]
        owner: dict[str, str] = {}
        for number, item in enumerate(menu.items):
            for words in item.voice_words:
                key = normalize_words(words)
                if key in owner and owner[key] != item.label:
                    problems.append(
                        doc.problem(
                            (*location, "items", number),
                            f"items '{owner[key]}' and '{item.label}' in menu '{menu_id}' "
                            f"have the same voice words '{words}'",
                        )
                    )
                owner.setdefault(key, item.label)
