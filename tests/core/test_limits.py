"""The one table of ranges: every row names a real number setting, whose default is in range."""

from __future__ import annotations

from typing import Any

import pytest

from accessible_companion.core.limits import LIMITS, clamp
from accessible_companion.core.settings import Settings


@pytest.mark.parametrize("path", list(LIMITS))
def test_every_row_names_a_setting_whose_default_is_in_range(path: str) -> None:
    value: Any = Settings()
    for part in path.split("."):
        value = getattr(value, part)
    limit = LIMITS[path]
    assert limit.low < limit.high and limit.meaning
    for number in value if isinstance(value, tuple) else (value,):
        assert isinstance(number, int | float) and not isinstance(number, bool)
        assert limit.low <= number <= limit.high


def test_clamp_keeps_a_value_in_its_range() -> None:
    assert clamp("scanning.interval", 100.0) == LIMITS["scanning.interval"].high
    assert clamp("scanning.interval", 0.0) == LIMITS["scanning.interval"].low
    assert clamp("scanning.interval", 2.0) == 2.0
