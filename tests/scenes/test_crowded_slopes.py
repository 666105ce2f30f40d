"""The slope panel of SimpsonReversal at 30 and 100 groups: the group slopes' marks shrink and
spread over sub-rows that stay inside their row, instead of piling into one solid blob (seen in
the stills at 30 groups: 30 marks of radius 0.075 on three sub-rows)."""
from __future__ import annotations

import numpy as np
import pytest

from scenes.simpson import strip_offsets, strip_style


def test_a_dozen_groups_keep_the_three_sub_rows():
    assert strip_style(12, 0.56) == (0.075, (0.0, 0.27, -0.27))


@pytest.mark.parametrize("n_groups", [30, 100])
def test_many_groups_get_smaller_marks_on_more_sub_rows_inside_the_row(n_groups):
    radius, rows = strip_style(n_groups, 0.56)
    assert radius < 0.05 and len(rows) >= 5
    assert max(abs(r) for r in rows) <= 0.37                 # clear of the pooled and mixed rows
    gaps = np.diff(sorted(rows)) * 0.56
    assert gaps.min() >= 2 * radius                          # neighbouring sub-rows do not overlap
    xs = list(np.random.default_rng(1).normal(0, 0.3, n_groups))
    used = set(strip_offsets(xs, 2.27 * radius, rows))
    assert len(used) == len(rows)                            # a crowded row fills every sub-row
