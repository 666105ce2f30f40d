"""Tick numbers never run into each other, however narrow the chart or long the numbers: when
even two round intervals' numbers do not fit, only every k-th tick is numbered (the ticks stay)."""
import pytest

from scenes.theme import DARK
from scenes.vocab import make_axes
from scenes.vocab.layout import Region


def _gaps(numbers):
    ordered = sorted(numbers, key=lambda m: m.get_center()[0])
    return [b.get_left()[0] - a.get_right()[0] for a, b in zip(ordered, ordered[1:])]


@pytest.mark.parametrize("width", [1.2, 1.8, 2.5, 4.0])
@pytest.mark.parametrize("x_lim", [(-1234.5, 98765.4), (0.00012, 0.00987), (-3.0, 2.0)])
def test_x_tick_numbers_keep_apart_in_narrow_charts(width, x_lim):
    region = Region(0.0, width, -1.5, 1.5)
    chart = make_axes(x_lim, (0.0, 1.0), "x", "y", DARK, region=region, n_x=6)
    numbers = list(chart.x_numbers)
    assert numbers, "at least one tick is numbered"
    assert all(gap > 0 for gap in _gaps(numbers)), _gaps(numbers)
    # every number sits on a tick of the axis: the axis still spans the range
    assert chart.x_lim[0] <= x_lim[0] + 1e-9 and chart.x_lim[1] >= x_lim[1] - 1e-9


def test_wide_charts_number_every_tick():
    chart = make_axes((0.0, 10.0), (0.0, 1.0), "x", "y", DARK,
                      region=Region(-6.0, 6.0, -3.0, 3.0), n_x=5)
    start, stop = chart.x_lim
    assert len(chart.x_numbers) == round((stop - start) / chart.x_step) + 1
