"""The real process under Xvfb on a grid board: rows, then items, by X11 key presses, traced;
a live reload that changes the board's columns starts its scan again at the first row."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.test_run_reload import rewrite
from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below

BOARD = """menus:
  - id: home
    title: Board
    columns: {columns}
    row_cues: {cues}
    items: [{{label: Water}}, {{label: Tea}}, {{label: Juice}},
            {{label: Bread}}, {{label: Soup}}, {{label: Fruit}}]
"""


def test_step_mode_takes_a_row_then_an_item(xvfb_display: str, tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "settings.yaml").write_text("settings:\n  scanning: {mode: step}\n", encoding="utf-8")
    menus = folder / "menus.yaml"
    menus.write_text(BOARD.format(columns=3, cues="[Drinks, Food]"), encoding="utf-8")
    args = ["--config", str(folder), "--input", "x11", "--no-speech", "--no-voice", "--no-journal"]
    app = Companion.start(tmp_path, *args, env={"DISPLAY": xvfb_display})
    try:
        assert app.wait_for(event("ready"))["listening"] is True
        assert app.wait_for(event("highlight", menu="home"))["row"] == 0
        press(xvfb_display, "space")
        app.wait_for(event("highlight", menu="home", row=1, label="Food"))
        time.sleep(0.3)  # past debounce
        press(xvfb_display, "Return")
        app.wait_for(event("highlight", menu="home", index=3, label="Bread"))
        time.sleep(0.5)  # past the pause after entering the row
        press(xvfb_display, "space")
        app.wait_for(event("highlight", menu="home", index=4))
        time.sleep(0.3)
        press(xvfb_display, "Return")
        chosen = app.wait_for(event("select", menu="home"))
        assert chosen["label"] == "Soup"
        app.wait_for(event("highlight", menu="home", row=0), after=app.lines().index(chosen))
        rewrite(menus, BOARD.format(columns=2, cues="[a, b, c]"))
        reloaded = app.wait_for(event("config", reason="reload"))
        after = app.lines().index(reloaded)
        assert app.wait_for(event("highlight", menu="home", row=0), after=after)["label"] == "a"
    finally:
        assert app.stop() == 0
    rows = [line for line in app.lines() if line["event"] == "highlight" and "row" in line]
    assert [(line["row"], line["label"]) for line in rows][:3] == [(0, "Drinks"), (1, "Food"), (0, "Drinks")]
