"""Any board a file could hold, odd values in every field: the import writes a config that the
loader accepts, or refuses with a BoardsError; never anything else."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessible_companion.boards.api import import_boards
from accessible_companion.boards.problems import BoardsError
from accessible_companion.config.loader import load_config
from accessible_companion.core.menus import Action

from .helpers import obz

PNG = "data:image/png;base64,iVBORw0KGgo="
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
ids = st.integers(0, 5) | st.sampled_from(["a", "b", "~", " ", "home"])
texts = st.text(max_size=12) | st.sampled_from(["No", "10:30", "back", "Back", "~x", "  ", "#1", "- a"])
link = st.fixed_dictionaries(
    {},
    optional={
        "path": st.sampled_from(["boards/a.obf", "boards/b.obf", "../x.obf", "", "nope.obf"]),
        "id": ids,
    },
)
button = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "label": texts | json_values,
        "vocalization": texts,
        "action": st.sampled_from([":home", ":clear", "+a", ":ext_x_y", "jump"]) | json_values,
        "actions": st.lists(st.sampled_from([":home", ":space", "+b"]), max_size=2) | json_values,
        "load_board": link | json_values,
        "hidden": st.booleans(),
        "image_id": st.sampled_from(["i", "j", "k"]),
        "sound_id": st.sampled_from(["s", "i"]),
        "ext_accessiblecompanion_action": st.sampled_from([a.value for a in Action]) | json_values,
        "ext_accessiblecompanion_minutes": json_values,
        "ext_accessiblecompanion_mode": st.sampled_from(["step", "fast"]) | json_values,
        "ext_accessiblecompanion_voice": st.lists(texts, max_size=2) | json_values,
        "ext_accessiblecompanion_id": st.sampled_from(["x", "y"]) | json_values,
        "ext_other_thing": json_values,
    },
)
grid = st.fixed_dictionaries(
    {},
    optional={
        "columns": st.integers(-1, 12) | json_values,
        "order": st.lists(st.lists(st.none() | ids, max_size=5), max_size=4) | json_values,
    },
)
media = st.fixed_dictionaries(
    {"id": st.sampled_from(["i", "j", "s"])},
    optional={
        "data": st.sampled_from([PNG, "data:,", "data:image/png;base64,@@", "x", "data:audio/ogg,OggS"]),
        "path": st.sampled_from(["images/i.png", "../i.png", "missing.png"]),
        "url": st.text(max_size=5),
        "content_type": st.sampled_from(["image/png", "audio/ogg", "text/html"]),
    },
)
board = st.fixed_dictionaries(
    {"format": st.just("open-board-0.1"), "id": ids, "buttons": st.lists(button, max_size=6) | json_values},
    optional={
        "grid": grid | json_values,
        "name": texts | json_values,
        "images": st.lists(media, max_size=3) | json_values,
        "sounds": st.lists(media, max_size=2),
        "ext_accessiblecompanion_row_cues": st.lists(texts, max_size=3) | json_values,
        "ext_accessiblecompanion_default_columns": st.booleans(),
    },
)
runs = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(root=board, other=board)
def test_any_board_imports_cleanly_or_is_refused(
    root: dict[str, Any], other: dict[str, Any], tmp_path: Path
) -> None:
    run = tmp_path / str(next(runs))
    run.mkdir()
    package = obz(
        run / "set.obz",
        {"boards/a.obf": root, "boards/b.obf": other},
        files={"images/i.png": b"\x89PNG i"},
    )
    try:
        report = import_boards(package, run / "out")
    except BoardsError as error:
        assert "do not pass check" not in str(error)  # the importer's own safety net: a bug if reached
        assert not (run / "out").exists()
        return
    config = load_config(run / "out")
    assert len(config.menus.menus) == report.menus
