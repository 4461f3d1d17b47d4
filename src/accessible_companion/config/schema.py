"""The shape of caregiver files, for pydantic. Settings validate straight into core dataclasses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..core.limits import LIMITS
from ..core.menus import Action
from ..core.settings import Mode, Settings

MAX_REST_MINUTES = 24 * 60
MAX_COLUMNS = int(LIMITS["display.columns"].high)


class _Strict(BaseModel):
    # Unknown keys are errors: a misspelt key must not be ignored without a word.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemModel(_Strict):
    """An item as written in a menu file."""

    label: str
    say: str = ""
    cue: str = ""
    voice: str | list[str] = Field(default_factory=list)
    action: Action | None = None
    menu: str = ""
    mode: Mode | None = None
    minutes: float | None = Field(default=None, gt=0, le=MAX_REST_MINUTES)
    answer: str = ""
    id: str = ""
    source: str = ""
    sound: str = ""
    """A recording to play instead of saying `say`, relative to this file's folder."""
    image: str = ""
    obf: dict[str, Any] = Field(default_factory=dict)
    """Open Board Format fields of other tools, kept for export; the companion ignores them."""


class MenuModel(_Strict):
    """A menu as written in a menu file."""

    id: str
    title: str = ""
    columns: int | None = Field(default=None, gt=0, le=MAX_COLUMNS)
    """Cells per row (a grid, scanned row by row); none = `display.columns`."""
    row_cues: list[str] = Field(default_factory=list)
    """What the cue voice says for each row of the grid (default: its first two items' cues)."""
    items: list[ItemModel]
    obf: dict[str, Any] = Field(default_factory=dict)
    """Open Board Format fields of other tools, kept for export; the companion ignores them."""


class FileModel(_Strict):
    """One config file: settings, menus, or both."""

    settings: Settings | None = None
    menus: list[MenuModel] | None = None
