"""The simulated-user benchmark drives the real core without getting stuck, in every mode."""

from __future__ import annotations

import pytest

from accessible_companion.config import load_config
from accessible_companion.core.settings import Mode
from bench.simulated_user import Condition, Simulation, UserModel, rise_of_errors


@pytest.mark.parametrize("mode", list(Mode))
def test_the_user_keeps_finishing_tasks_in_every_mode(mode: Mode) -> None:
    config = load_config(None)
    run = Simulation(config.menus, config.settings, Condition("t", mode), UserModel(), seed=3).simulate(12)
    # Tasks finish all through the run: no state (a pause, an alarm, an offer) holds the user.
    assert len(run.tasks) > 12
    assert run.tasks[-1][0] > 10 * 60
    assert any(kind == "correct" for _, kind in run.outcomes)


def test_a_seed_gives_the_same_run() -> None:
    config = load_config(None)
    condition = Condition("t", Mode.AUTO, interval=0.7)

    def once() -> tuple[object, ...]:
        run = Simulation(config.menus, config.settings, condition, UserModel(), seed=2).simulate(5)
        return (run.outcomes, run.tasks, run.alarms, run.offers, run.settings)

    assert once() == once()


def test_a_too_brisk_scan_makes_wrong_selections_late_in_the_hour() -> None:
    config = load_config(None)
    condition = Condition("brisk", Mode.AUTO, interval=0.7, accept_slower=False)
    run = Simulation(config.menus, config.settings, condition, UserModel(), seed=1).simulate(60)
    late = [kind for at, kind in run.outcomes if at >= 40 * 60 and kind != "miss"]
    assert late.count("wrong") / len(late) > 0.1
    assert rise_of_errors(run, 60) is not None
