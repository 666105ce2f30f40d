"""Layout regions of the 16:9 frame (5 % safe margins): the title strip, the plot area on the
left and the side panel on the right, and fitting a mobject into a region.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.theme import SAFE_MARGIN

# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------

FRAME_WIDTH = 8.0 * 16 / 9     # manim's frame at 16:9 (frame_height = 8)
FRAME_HEIGHT = 8.0


@dataclass(frozen=True)
class Region:
    """An axis-aligned rectangle of the frame in scene units (left < right, bottom < top)."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    @property
    def top_left(self) -> np.ndarray:
        return np.array([self.left, self.top, 0.0])

    def inset(self, dx: float = 0.0, dy: float = 0.0) -> "Region":
        """The same region shrunk by dx on the left and right and dy at the bottom and top."""
        return Region(self.left + dx, self.right - dx, self.bottom + dy, self.top - dy)

    def below(self, y: float, gap: float = 0.0) -> "Region":
        """The part of this region below height y (minus a gap)."""
        return Region(self.left, self.right, self.bottom, min(self.top, y - gap))

    def contains(self, mobject, tol: float = 1e-3) -> bool:
        """Whether the mobject's bounding box lies inside this region."""
        return (mobject.get_left()[0] >= self.left - tol and mobject.get_right()[0] <= self.right + tol
                and mobject.get_bottom()[1] >= self.bottom - tol and mobject.get_top()[1] <= self.top + tol)


_MX, _MY = SAFE_MARGIN * FRAME_WIDTH, SAFE_MARGIN * FRAME_HEIGHT
SAFE_REGION = Region(-FRAME_WIDTH / 2 + _MX, FRAME_WIDTH / 2 - _MX, -FRAME_HEIGHT / 2 + _MY,
                     FRAME_HEIGHT / 2 - _MY)
TITLE_HEIGHT = 0.75
TITLE_REGION = Region(SAFE_REGION.left, SAFE_REGION.right, SAFE_REGION.top - TITLE_HEIGHT,
                      SAFE_REGION.top)
CONTENT_REGION = Region(SAFE_REGION.left, SAFE_REGION.right, SAFE_REGION.bottom,
                        SAFE_REGION.top - TITLE_HEIGHT - 0.1)
PANEL_WIDTH = 4.25
PANEL_GAP = 0.4
PLOT_REGION = Region(CONTENT_REGION.left, CONTENT_REGION.right - PANEL_WIDTH - PANEL_GAP,
                     CONTENT_REGION.bottom, CONTENT_REGION.top)
PANEL_REGION = Region(CONTENT_REGION.right - PANEL_WIDTH, CONTENT_REGION.right,
                      CONTENT_REGION.bottom, CONTENT_REGION.top)


def fit_in_region(mobject, region: Region, h_align: str = "left", v_align: str = "top"):
    """Scale `mobject` down (never up) to fit `region`, then align it (left/center/right,
    top/center/bottom) inside. Returns the mobject."""
    if mobject.width > region.width or mobject.height > region.height:
        factor = min(region.width / max(mobject.width, 1e-9), region.height / max(mobject.height, 1e-9))
        mobject.scale(factor)
    x = {"left": region.left + mobject.width / 2, "right": region.right - mobject.width / 2,
         "center": region.center[0]}[h_align]
    y = {"top": region.top - mobject.height / 2, "bottom": region.bottom + mobject.height / 2,
         "center": region.center[1]}[v_align]
    mobject.move_to(np.array([x, y, 0.0]))
    return mobject
