"""Durations as a person says them (app.domain.units)."""

from __future__ import annotations

import pytest

from app.domain.units import duration, hours, humanise_durations


@pytest.mark.parametrize(
    ("value", "unit", "spoken"),
    [
        (1440, "hours", "60 days"),
        (24, "h", "1 day"),
        (36, "h", "36 hours"),
        (168, "hours", "7 days"),  # weeks only from 8 weeks up
        (1344, "hours", "8 weeks"),
        (2.5, "hours", "2.5 hours"),  # never a smaller unit
        (86400, "s", "1 day"),
        (120, "seconds", "2 minutes"),
        (50, "ms", "50 ms"),
        (1, "h", "1 hour"),
    ],
)
def test_duration_moves_to_the_largest_whole_unit(value, unit, spoken):
    assert duration(value, unit) == spoken


def test_duration_of_a_non_duration_unit_is_none():
    assert duration(3, "USD") is None
    assert hours(1440) == "60 days"


def test_durations_inside_prose_are_said_aloud_and_the_rest_is_left_alone():
    text = "Labels mature 1440 h after the prediction; p99 50 ms; 24h/7 rota; 36 h; SLO 86400 s"
    assert humanise_durations(text) == (
        "Labels mature 60 days after the prediction; p99 50 ms; 24h/7 rota; 36 hours; SLO 1 day"
    )
