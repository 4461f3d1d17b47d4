"""Rows-then-items vs linear scanning: presses and seconds to select each item of a board.

    python -m bench.grid_scan [--items 20] [--columns 4 5] [--reactions 0 0.5]

Pure and on a fake clock: the real core (`Companion`) is driven by taps, with speech that
ends the moment it starts (cues count as 0 s), at the default timings (interval 1.5 s,
first-item extra 1.0 s, post-selection pause 0.3 s). In auto mode the user taps `reaction`
seconds after the highlight reaches the row, then the item (a tap inside the pause after
entering a row waits for its end); seconds run from the menu's first highlight to the
selection. In step mode (and press-hold: one press per move, one to select) only the
presses count: the user sets the pace. Every selection is checked to be the item aimed at.
Figures, not assertions on timing.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable, Sequence

from accessible_companion.core.companion import Companion
from accessible_companion.core.effects import Effect, Select, Speak
from accessible_companion.core.events import Event, SpeechFinished, SwitchTap, Tick
from accessible_companion.core.menus import Item, Menu, MenuSet
from accessible_companion.core.settings import Mode, Scanning, Settings
from accessible_companion.core.view import View

NUDGE = 0.05
"""How much later a tap is tried again when the pause after entering a row blocked it."""


class Sim:
    """The core on a fake clock; every utterance ends as soon as it starts."""

    def __init__(self, menus: MenuSet, settings: Settings) -> None:
        self.companion = Companion(menus, settings)
        self.now = 0.0
        self.selected: list[Select] = []
        self._take(self.companion.start(0.0))

    def _take(self, effects: list[Effect]) -> None:
        self.selected += [e for e in effects if isinstance(e, Select)]
        for effect in effects:
            if isinstance(effect, Speak):
                self._take(self.companion.handle(SpeechFinished(effect.utterance), self.now))

    def send(self, event: Event) -> None:
        self._take(self.companion.handle(event, self.now))

    def wait(self, seconds: float) -> None:
        """Let time pass, firing the core's deadlines on the way."""
        end = self.now + seconds
        while (deadline := self.companion.next_deadline()) is not None and deadline <= end:
            self.now = max(self.now, deadline)
            self.send(Tick())
        self.now = end

    def until(self, wanted: Callable[[View], bool], limit: float = 600.0) -> None:
        """Run the scan until the view is as `wanted`."""
        while not wanted(self.companion.view()):
            deadline = self.companion.next_deadline()
            if deadline is None or deadline > limit:
                raise AssertionError("the scan never got there")
            self.now = max(self.now, deadline)
            self.send(Tick())

    def tap(self, switch: int, then: Callable[[View], bool]) -> int:
        """Tap until the view is as `then` (a tap in a pause is ignored: tried again a bit later)."""
        for _ in range(1000):
            self.send(SwitchTap(switch))
            if then(self.companion.view()):
                return 1
            self.wait(NUDGE)
        raise AssertionError("a tap was never taken")


def board(items: int, columns: int) -> MenuSet:
    home = Menu("home", "Board", tuple(Item(f"Item {n + 1}") for n in range(items)), columns)
    return MenuSet({"home": home})


def settings(mode: Mode) -> Settings:
    return Settings(scanning=Scanning(mode=mode))


def auto(items: int, columns: int, target: int, reaction: float) -> tuple[int, float]:
    """Taps and seconds to select `target` in auto mode."""
    sim = Sim(board(items, columns), settings(Mode.AUTO))
    view = sim.companion.view()
    presses = 0
    if view.row is not None:
        row = target // view.columns
        sim.until(lambda v: v.row == row)
        sim.wait(reaction)
        presses += sim.tap(1, lambda v: v.row is None)
    sim.until(lambda v: v.highlight == target)
    sim.wait(reaction)
    presses += sim.tap(1, lambda _: bool(sim.selected))
    assert [s.label for s in sim.selected] == [f"Item {target + 1}"]
    return presses, sim.now


def step(items: int, columns: int, target: int) -> int:
    """Presses to select `target` in step mode: switch 1 moves, switch 2 takes the row or item."""
    sim = Sim(board(items, columns), settings(Mode.STEP))
    presses = 0
    view = sim.companion.view()
    if view.row is not None:
        row = target // view.columns
        while sim.companion.view().row != row:
            sim.wait(1.0)
            presses += sim.tap(1, lambda _: True)
        sim.wait(1.0)
        presses += sim.tap(2, lambda v: v.row is None)
    while sim.companion.view().highlight != target:
        sim.wait(1.0)
        presses += sim.tap(1, lambda _: True)
    sim.wait(1.0)
    presses += sim.tap(2, lambda _: bool(sim.selected))
    assert [s.label for s in sim.selected] == [f"Item {target + 1}"]
    return presses


def _row(label: str, cells: Sequence[str]) -> str:
    return f"{label:<34}" + "".join(f"{cell:>20}" for cell in cells)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--columns", type=int, nargs="+", default=[4, 5])
    parser.add_argument("--reactions", type=float, nargs="+", default=[0.0, 0.5])
    args = parser.parse_args()
    layouts: Sequence[int] = [1, *args.columns]
    timing = Scanning()
    print(
        f"{args.items}-item board at the default timings: interval {timing.interval:g} s, first-item "
        f"extra {timing.first_item_extra:g} s, pause after a selection {timing.post_selection_pause:g} s, "
        "cues 0 s"
    )
    auto_runs = {
        reaction: {c: [auto(args.items, c, i, reaction) for i in range(args.items)] for c in layouts}
        for reaction in args.reactions
    }
    steps = {c: [step(args.items, c, i) for i in range(args.items)] for c in layouts}
    first = args.reactions[0]
    print(f"\nper item: auto taps and seconds to the selection (tap {first:g} s after); step presses")
    print(_row("item", ["linear" if c == 1 else f"rows of {c}" for c in layouts]))
    for i in range(args.items):
        runs = auto_runs[first]
        print(_row(f"{i + 1}", [f"{runs[c][i][0]} / {runs[c][i][1]:.1f} s; {steps[c][i]}" for c in layouts]))
    print("\naverage over the items (each equally likely)")
    for reaction, runs in auto_runs.items():
        cells = [
            f"{statistics.mean(p for p, _ in runs[c]):.2f} / {statistics.mean(t for _, t in runs[c]):.2f} s"
            for c in layouts
        ]
        print(_row(f"auto, tap {reaction:g} s after: taps / s", cells))
        print(_row("  worst item, s", [f"{max(t for _, t in runs[c]):.1f}" for c in layouts]))
    print(_row("step / press-hold: presses", [f"{statistics.mean(steps[c]):.2f}" for c in layouts]))
    print(_row("  worst item, presses", [f"{max(steps[c])}" for c in layouts]))


if __name__ == "__main__":
    main()
