"""A button becomes an item: label and phrase, what it does, our own fields, its picture and
recording. Whatever cannot come along is told with the button's place."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..audio.headers import MAX_SECONDS, HeaderError, probe
from ..config.kinds import MAX_LABEL, MAX_TEXT
from ..config.schema import MAX_REST_MINUTES
from ..core.commands import normalize_words
from ..core.menus import Action
from ..core.settings import Mode
from .media import MediaFiles, decode_data_url, suffix_for
from .obf import OURS, Board, Button, Media
from .package import Package, inner_path
from .problems import BoardsError, Problem, RefusedError

KEY_ORDER: tuple[str, ...] = (
    *("label", "action", "menu", "mode", "minutes", "answer", "say", "cue", "voice", "source", "id"),
    *("image", "sound", "obf"),
)
"""The order keys are written in, as a caregiver reads an item."""
TEXT_FIELDS = ("cue", "source", "id")
_ARGUMENTS = {"mode": Action.MODE, "minutes": Action.REST, "answer": Action.CHECK_IN}
_OUR_BUTTON_FIELDS = {"action", "voice", *TEXT_FIELDS, *_ARGUMENTS}
AS_PHRASE = "the button is imported as a phrase"
_NOUN = {"images": "image", "sounds": "sound"}


def fitted(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def why_not(action: str) -> str:
    """Why an Open Board Format action has no counterpart here."""
    if action.startswith("+"):
        return f"action '{action}' (spelling) has no counterpart"
    if action in (":space", ":clear", ":backspace", ":speak"):
        return f"action '{action}' has no counterpart (the companion has no sentence to build)"
    if action.startswith(":ext_"):
        return f"action '{action}' belongs to another tool"
    return f"action '{action}' is not an Open Board Format action"


@dataclass
class ItemMaker:
    """Makes the items of one board."""

    package: Package
    board: Board
    targets: dict[str, str]
    """Button id -> the menu id it opens (links that lead somewhere)."""
    media: MediaFiles
    problems: list[Problem]

    def item(self, button: Button) -> dict[str, Any] | None:
        """The item as it is written in YAML, or None (told) when the button cannot be one."""
        if button.hidden:
            self._tell(button, "hidden on its board: not imported")
            return None
        label, say = self._texts(button)
        if not label:
            self._tell(button, "no label and no vocalization: not imported")
            return None
        fields: dict[str, Any] = {"label": label, **self._action(button)}
        fields.update(self._arguments(button, _action_of(fields)))
        keep = dict(button.keep)
        if not fields.keys() & {"action", "menu"} and button.actions:
            keep.update(button.action_fields)  # not honoured here; written back on export
        if say:
            fields["say"] = say
        fields.update(self._ours(button))
        for kind, media_id in (("images", button.image_id), ("sounds", button.sound_id)):
            if media_id:
                path, record = self._media_file(kind, media_id, button)
                if path:
                    fields[_NOUN[kind]] = path
                if record:
                    keep[_NOUN[kind]] = record
        if keep:
            fields["obf"] = keep
        return {key: fields[key] for key in KEY_ORDER if key in fields}

    def _tell(self, button: Button, message: str) -> None:
        self.problems.append(Problem(button.where, message))

    def _texts(self, button: Button) -> tuple[str, str]:
        label, say = button.label, button.vocalization
        if not label and say:
            self._tell(button, "no label: its vocalization is shown as the label")
            label, say = say, ""
        if len(label) > MAX_LABEL:
            self._tell(
                button, f"the label is shortened to {MAX_LABEL} characters (the whole text is still said)"
            )
            label, say = fitted(label, MAX_LABEL), say or label
        if len(say) > MAX_TEXT:
            self._tell(button, f"the vocalization is shortened to {MAX_TEXT} characters")
            say = fitted(say, MAX_TEXT)
        return label, say

    def _action(self, button: Button) -> dict[str, Any]:
        """`menu:` or `action:` and its argument; {} for a phrase."""
        target = self.targets.get(button.id)
        if "action" in button.ours:
            chosen = self._our_action(button, target)
            if chosen is not None:
                return chosen
        if target is not None:
            if button.actions:
                self._tell(
                    button, f"action {', '.join(button.actions)} is left out: the button opens its board"
                )
            return {"menu": target}
        if not button.actions:
            return {}
        if ":home" in button.actions:
            for other in (a for a in button.actions if a != ":home"):
                self._tell(button, f"{why_not(other)}; the button goes home")
            return {"action": Action.HOME.value}
        for action in button.actions:
            self._tell(button, f"{why_not(action)}; {AS_PHRASE}")
        return {}

    def _our_action(self, button: Button, target: str | None) -> dict[str, Any] | None:
        value = button.ours["action"]
        try:
            action = Action(value)
        except ValueError:
            self._tell(button, f"{OURS}action {value!r} is not one of the companion's actions; ignored")
            return None
        if action is Action.MENU:
            return {"menu": target} if target is not None else {}
        if action is Action.SPEAK:
            return None
        return {"action": action.value}

    def _arguments(self, button: Button, action: Action) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, needs in _ARGUMENTS.items():
            if key not in button.ours:
                continue
            value = button.ours[key]
            if needs is not action:
                self._tell(button, f"{OURS}{key} does not go with the action '{action.value}'; ignored")
            elif _valid_argument(key, value):
                found[key] = value
            else:
                self._tell(button, f"{OURS}{key} {value!r} is not a valid {key}; ignored")
        return found

    def _ours(self, button: Button) -> dict[str, Any]:
        """Our texts (cue, voice words, source, id), each checked."""
        found: dict[str, Any] = {}
        for key in TEXT_FIELDS:
            value = button.ours.get(key)
            if isinstance(value, str) and value.strip() and len(value) <= MAX_TEXT:
                found[key] = value
            elif value is not None:
                self._tell(button, f"{OURS}{key} {value!r} is not a text the companion takes; ignored")
        voice = button.ours.get("voice")
        words = [voice] if isinstance(voice, str) else voice
        if (
            isinstance(words, list)
            and words
            and all(isinstance(w, str) and normalize_words(w) for w in words)
        ):
            found["voice"] = list(words)
        elif voice is not None:
            self._tell(button, f"{OURS}voice {voice!r} is not a list of words; ignored")
        for key in sorted(button.ours.keys() - _OUR_BUTTON_FIELDS):
            self._tell(button, f"{OURS}{key} is not a field the companion knows; left out")
        return found

    def _media_file(self, kind: str, media_id: str, button: Button) -> tuple[str, dict[str, Any]]:
        """(the file's path in the config folder or "", the record's other fields to keep)."""
        noun = _NOUN[kind]
        records = self.board.images if kind == "images" else self.board.sounds
        listed = (self.package.images if kind == "images" else self.package.sounds).get(media_id, "")
        record = records.get(media_id) or (Media(media_id, path=listed) if listed else None)
        if record is None:
            self._tell(
                button, f"{noun} '{media_id}' is neither in the board's {kind} nor in the package; left out"
            )
            return "", {}
        tried: list[str] = []
        for content_type, data, name in self._sources(record, listed, tried):
            suffix = suffix_for(kind, content_type, name)
            if not suffix:
                tried.append(f"'{content_type or name}' is not a kind of {noun} the companion keeps")
                continue
            unplayable = _unplayable(data) if kind == "sounds" else ""
            if unplayable:
                tried.append(f"it is not a recording the companion can play: {unplayable}")
                continue
            stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or f"{noun}-{media_id}"
            # The file's type is said again on export, from the file the caregiver may replace.
            keep = {key: value for key, value in record.keep.items() if key != "content_type"}
            return self.media.add(kind, data, stem, suffix), keep
        if record.url and not tried:
            tried.append(f"it is only on the web ({fitted(record.url, 120)}), which an import does not fetch")
        elif record.symbol:
            tried.append(f"it is from the symbol set '{record.symbol}', which the companion does not have")
        self._tell(
            button,
            f"{noun} '{media_id}' is not imported: " + "; ".join(tried or ["it has no data, path or url"]),
        )
        return "", record.keep

    def _sources(self, record: Media, listed: str, tried: list[str]) -> Iterator[tuple[str, bytes, str]]:
        """(content type, bytes, name) from the record's data, then its path (the spec's order),
        each read only if the one before could not be used; why not is added to `tried`."""
        if record.data:
            try:
                content_type, data = decode_data_url(record.data)
            except ValueError as error:
                tried.append(f"its data: URL cannot be read ({error})")
            else:
                # The data: URL's own type first: it describes these very bytes.
                yield content_type if "/" in content_type else record.content_type, data, ""
        path = record.path or listed
        if path and not self.package.is_obz:
            tried.append(f"its path '{path}' cannot be read from a single .obf file")
        elif path:
            normal = inner_path(path)
            try:
                if normal is None:
                    raise BoardsError(path, "points outside the package: refused")
                data = self.package.media(normal)
            except RefusedError:
                raise
            except BoardsError as error:
                tried.append(str(error))
            else:
                yield record.content_type, data, normal


def _action_of(fields: dict[str, Any]) -> Action:
    if "action" in fields:
        return Action(fields["action"])
    return Action.MENU if "menu" in fields else Action.SPEAK


def _valid_argument(key: str, value: Any) -> bool:
    if key == "mode":
        return isinstance(value, str) and value in {mode.value for mode in Mode}
    if key == "minutes":
        number_kind = isinstance(value, int | float) and not isinstance(value, bool)
        return number_kind and 0 < value <= MAX_REST_MINUTES
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_TEXT


def _unplayable(data: bytes) -> str:
    """Why a sound's bytes would not pass `check` (a recording must be WAV, FLAC or Ogg of at
    most 60 s: config/sounds.py), or "": an unplayable one would fail the whole import."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sound"
        path.write_bytes(data)
        try:
            header = probe(path)
        except (OSError, HeaderError) as error:
            return str(error)
    if header.seconds is not None and header.seconds > MAX_SECONDS:
        return f"{header.seconds:.0f} s long; at most {MAX_SECONDS:g} s"
    return ""
