"""The real process under Xvfb on an imported board set: `boards import` of a real .obz, then
`run --config` on the folder it wrote; X11 key presses open a linked board and choose one of
its imported items, and the trace shows it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from accessible_companion.cli import main
from tests.boards.helpers import DATA
from tests.e2e.test_run_switch import press
from tests.support.fixtures import xvfb_display
from tests.support.process import Companion, event

pytestmark = pytest.mark.real
_ = xvfb_display  # a fixture, used by name below


def test_an_imported_board_set_is_scanned_and_its_items_chosen(xvfb_display: str, tmp_path: Path) -> None:
    folder = tmp_path / "links"
    assert main(["boards", "import", str(DATA / "links.obz"), "--into", str(folder)]) == 0
    args = ["--config", str(folder), "--mode", "step", "--input", "x11", "--no-speech", "--no-voice"]
    app = Companion.start(tmp_path, *args, "--no-journal", env={"DISPLAY": xvfb_display})
    try:
        assert app.wait_for(event("ready"))["listening"] is True
        assert app.wait_for(event("config"))["reason"] == "given"
        assert app.wait_for(event("highlight", menu="home", index=0))["label"] == "feelings"
        press(xvfb_display, "Return")  # open the board "feelings" links to (simple2 in the package)
        app.wait_for(event("select", menu="home", label="feelings", action="menu"))
        app.wait_for(event("menu", menu="simple2"))
        # happy, sad and the Back item make two rows of two: the first row is offered first.
        assert app.wait_for(event("highlight", menu="simple2", row=0))["label"] == "happy, sad"
        time.sleep(0.5)  # past the pause after a selection
        press(xvfb_display, "Return")  # into the row
        app.wait_for(event("highlight", menu="simple2", index=0, label="happy"))
        time.sleep(0.5)
        press(xvfb_display, "space")  # next item
        app.wait_for(event("highlight", menu="simple2", index=1, label="sad"))
        time.sleep(0.3)
        press(xvfb_display, "Return")
        chosen = app.wait_for(event("select", menu="simple2"))
        assert (chosen["label"], chosen["action"]) == ("sad", "speak")
    finally:
        assert app.stop() == 0
    assert any(line["event"] == "config" and line["path"] == str(folder) for line in app.lines())
