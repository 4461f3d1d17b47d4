"""Our config as the caregiver wrote it, for export: which file each menu is in (pictures and
recordings are relative to it), how many items were written (the Back item the companion adds
is not one of them), and the `obf:` fields kept from another tool, which the loader ignores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config.loader import config_files, default_config_dir
from ..config.problems import Problem as ConfigProblem
from ..config.schema import FileModel
from ..config.yaml_lines import read_yaml


@dataclass(frozen=True)
class WrittenMenu:
    file: Path
    items: int
    obf: dict[str, Any] = field(default_factory=dict)
    item_obf: tuple[dict[str, Any], ...] = ()


def written_menus(path: Path | None) -> dict[str, WrittenMenu]:
    """By menu id, from the config at `path` (None: the built-in one), which has loaded cleanly;
    a config without menus runs on the built-in menus, so those are read then."""
    found = _read(config_files(path)) if path is not None else {}
    return found or _read(config_files(default_config_dir()))


def _read(files: list[Path]) -> dict[str, WrittenMenu]:
    found: dict[str, WrittenMenu] = {}
    ignored: list[ConfigProblem] = []  # the loader has told them already
    for file in files:
        doc = read_yaml(file, ignored)
        if doc is None or not isinstance(doc.data, dict):
            continue
        try:
            model = FileModel.model_validate(doc.data)
        except ValidationError:
            continue
        for menu in model.menus or []:
            found[menu.id] = WrittenMenu(
                file, len(menu.items), menu.obf, tuple(item.obf for item in menu.items)
            )
    return found
