"""The pooling dial as a picture: a horizontal track from w = 0 (complete pooling) to w = 1 (no
pooling), a knob for the current weight, and one mark per group at a position handed to it (the
mixed model's lambda_j), stacked in rows where marks would touch. It draws positions it is given
and computes nothing statistical.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import Line, Text, Triangle, VGroup

from scenes.theme import FONT, LABEL_SIZE, Theme
from scenes.vocab.layout import Region
from scenes.vocab.marks import group_mark

ROW_GAP = 0.17


def stacked_rows(xs: Sequence[float], min_dx: float, n_rows: int = 4) -> list[int]:
    """A row (0 = nearest the track) for each mark at scene x `xs`, so that marks closer than
    min_dx go to different rows; with more neighbours than rows the least crowded row is reused."""
    order = np.argsort(np.asarray(xs, float), kind="stable")
    last = [-np.inf] * n_rows
    rows = [0] * len(xs)
    for i in order:
        k = next((k for k, x in enumerate(last) if xs[i] - x >= min_dx), int(np.argmin(last)))
        last[k] = xs[i]
        rows[i] = k
    return rows


class PoolingDialTrack(VGroup):
    """Track, tick numbers 0 / 0.5 / 1 above it, the words for each end below the marks' rows.
    `x_of(w)` is the scene x of weight w; `track_y` the track's height; `mark_y(row)` the height of
    a group mark's row below the track; `knob(w)` a knob mobject at w.

    `crowd` (crowd_scale of the group count, 1 up to 12 groups) shrinks the marks, their spacing
    and the row gap together and adds rows to fill the same band, so 30 or 100 groups still read
    as separate marks (a dot plot of the lambda_j) instead of one overlapping block."""

    def __init__(self, region: Region, theme: Theme, left_words: str = "complete pooling",
                 right_words: str = "no pooling", n_rows: int = 4, crowd: float = 1.0):
        super().__init__()
        self.crowd = float(min(1.0, max(crowd, 0.2)))
        self.row_gap = ROW_GAP * self.crowd
        n_rows = 1 + int((n_rows - 1) * ROW_GAP / self.row_gap + 1e-9)
        self.theme, self.region, self.n_rows = theme, region, n_rows
        self.x0, self.x1 = region.left + 0.15, region.right - 0.15
        self.track_y = region.top - 0.55
        track = Line([self.x0, self.track_y, 0], [self.x1, self.track_y, 0], color=theme.muted,
                     stroke_width=5)
        ticks = VGroup()
        for w, text in ((0.0, "0"), (0.5, "0.5"), (1.0, "1")):
            x = self.x_of(w)
            ticks.add(Line([x, self.track_y - 0.08, 0], [x, self.track_y + 0.08, 0], color=theme.muted,
                           stroke_width=3))
            ticks.add(Text(text, font=FONT, font_size=LABEL_SIZE, color=theme.muted)
                      .move_to([x, self.track_y + 0.4, 0]))
        words_y = self.mark_y(n_rows - 1) - 0.28
        left = Text(left_words, font=FONT, font_size=LABEL_SIZE, color=theme.complete)
        right = Text(right_words, font=FONT, font_size=LABEL_SIZE, color=theme.no_pool)
        left.move_to([self.x0 + left.width / 2, words_y, 0])
        right.move_to([self.x1 - right.width / 2, words_y, 0])
        self.track, self.ticks, self.words = track, ticks, VGroup(left, right)
        self.add(track, ticks, self.words)

    def x_of(self, w: float) -> float:
        return self.x0 + float(w) * (self.x1 - self.x0)

    def mark_y(self, row: int) -> float:
        return self.track_y - 0.22 - self.row_gap * row

    def knob(self, w: float) -> VGroup:
        """A downward triangle over the track at w, and a short bar through it."""
        x = self.x_of(w)
        tip = Triangle(color=self.theme.foreground, fill_opacity=1.0, stroke_width=0).scale(0.1)
        tip.rotate(np.pi).move_to([x, self.track_y + 0.13, 0])
        bar = Line([x, self.track_y - 0.1, 0], [x, self.track_y + 0.05, 0], color=self.theme.foreground,
                   stroke_width=5)
        return VGroup(bar, tip)

    def group_marks(self, positions: Sequence[float], rows: Sequence[int], colors: Sequence[str],
                    shapes: Sequence[str], size: float = 0.07) -> VGroup:
        """One filled mark per group at dial position positions[j], in row rows[j]."""
        size *= self.crowd
        return VGroup(*[group_mark(shape, [self.x_of(w), self.mark_y(row), 0], color, size, opacity=1.0)
                        for w, row, color, shape in zip(positions, rows, colors, shapes)])

    def rows_for(self, positions: Sequence[float], min_dx: float = 0.17) -> list[int]:
        return stacked_rows([self.x_of(w) for w in positions], min_dx * self.crowd, self.n_rows)

