"""One visual design for the whole lecture: colours with a meaning, fonts, sizes, margins.

Every statistical object keeps one colour everywhere (VISUAL-GRAMMAR.md): complete pooling,
no pooling (hollow marks), partial pooling (filled marks), the grand mean / fixed effect
(dashed), the simulation's truth (faint outline), residuals, and the groups (Okabe-Ito; beyond seven,
colours repeat with the next mark shape so groups stay distinguishable without colour alone).
Every colour meets WCAG contrast on its background (scenes/contrast.py): 4.5:1 as text, 3:1 as
a mark or line.
Dark is the default (screens); light is for projectors in bright rooms.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from scenes.contrast import MARK_CONTRAST, TEXT_CONTRAST, contrast_ratio, with_contrast

# Okabe & Ito (2008) colour-blind-safe qualitative palette (its black is left out: it is the
# light theme's foreground; the light theme swaps its yellow for Tol's wine). Past seven groups the colours repeat with the next mark shape, so
# (colour, shape) pairs stay unique up to len(OKABE_ITO) * len(GROUP_SHAPES) = 35 groups.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
TOL_MUTED = ("#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
GROUP_SHAPES = ("circle", "square", "triangle", "diamond", "triangle_down")


@dataclass(frozen=True)
class Theme:
    """Colours by meaning; scenes ask for `theme.partial`, never for a hex code.

    Every colour meets WCAG contrast against `background` (tests/scenes/test_contrast.py): the
    meaning colours (foreground ... warning) are used for text and formulas and meet 4.5:1;
    `truth` (a faint outline) and the group colours are marks and lines and meet 3:1.
    Text in a group's colour asks for `group_text_color(j)` (or `ink(colour)`, which the text
    builders of scenes.vocab apply to any colour they are given): the same hue, darker on
    white / lighter on black, at 4.5:1. `text_variants` fixes a palette colour's text variant
    by hand where the computed one would come too close to another group's."""

    name: str
    background: str
    foreground: str
    muted: str           # axes, gridlines, secondary text
    complete: str        # complete pooling line
    no_pool: str         # no-pooling estimates (hollow marks)
    partial: str         # partial-pooling estimates (filled marks)
    grand_mean: str      # fixed effect / grand mean (dashed)
    truth: str           # simulation truth (faint outline)
    residual: str        # residual ticks, epsilon
    between: str         # between-group variance tau0^2
    within: str          # within-group variance sigma^2
    warning: str
    groups: tuple[str, ...] = OKABE_ITO
    text_variants: tuple[tuple[str, str], ...] = ()

    def group_color(self, j: int) -> str:
        """Group j's colour for marks and lines (>= 3:1 on the background)."""
        return with_contrast(self.groups[j % len(self.groups)], self.background, MARK_CONTRAST)

    def group_text_color(self, j: int) -> str:
        """Group j's colour for text (>= 4.5:1): its label, its numbers in a readout."""
        return self.ink(self.group_color(j))

    def group_shape(self, j: int) -> str:
        """Group j's mark shape: the shape changes each time the colours start over."""
        return GROUP_SHAPES[(j // len(self.groups)) % len(GROUP_SHAPES)]

    def group_style(self, j: int) -> tuple[str, str]:
        """(colour, shape) of group j: unique for j < len(groups) * len(GROUP_SHAPES)."""
        return self.group_color(j), self.group_shape(j)

    def ink(self, color: str | None = None, large: bool = False) -> str:
        """A colour as text on this theme: itself if it is readable (4.5:1; 3:1 for large text),
        else the same hue darkened (light theme) or lightened (dark theme) until it is."""
        if color is None:
            return self.foreground
        key = _hex(color)
        if key is None:                      # not a #RRGGBB colour (a manim constant): leave it
            return color
        fixed = dict(self.text_variants).get(key)
        if fixed is not None:
            return fixed
        return with_contrast(key, self.background, MARK_CONTRAST if large else TEXT_CONTRAST)

    def mark(self, color: str) -> str:
        """A colour as a mark or line on this theme (3:1), same hue."""
        key = _hex(color)
        return color if key is None else with_contrast(key, self.background, MARK_CONTRAST)

    def contrast(self, color: str) -> float:
        """WCAG contrast ratio of `color` against the background."""
        return contrast_ratio(_hex(color) or color, self.background)


def _hex(color) -> str | None:
    """'#RRGGBB' in upper case for a colour given as hex text or a ManimColor, else None."""
    text = color if isinstance(color, str) else getattr(color, "to_hex", lambda: None)()
    if not isinstance(text, str) or not text.startswith("#") or len(text) not in (7, 9):
        return None
    return text[:7].upper()


DARK = Theme(name="dark", background="#111418", foreground="#F2F2F2", muted="#8A8F98",
             complete="#F2F2F2", no_pool="#E69F00", partial="#56B4E9", grand_mean="#F0E442",
             truth="#6E7681", residual="#CC79A7", between="#009E73", within="#D55E00",
             warning="#D55E00")
# Light: the meaning colours darkened to 4.5:1 on white, the group colours (Okabe-Ito, darker
# blue first) to 3:1 as marks; as text the blue goes to navy (apart from sky blue). Yellow is
# replaced by Tol's wine: darkened enough to be seen on white, yellow turns into an olive that
# protanopes and deuteranopes cannot tell from the darkened orange (simulated distance 0.011
# in OKLab, against 0.043 for wine; tests/scenes/test_contrast.py).
LIGHT = Theme(name="light", background="#FFFFFF", foreground="#1A1A1A", muted="#6B7078",
              complete="#1A1A1A", no_pool="#A96505", partial="#0072B2", grand_mean="#7A5C00",
              truth="#8E949B", residual="#AA4499", between="#068561", within="#C15503",
              warning="#C0392B",
              groups=("#E69F00", "#0072B2", "#009E73", "#882255", "#56B4E9", "#D55E00", "#CC79A7"),
              text_variants=(("#0072B2", "#00507E"),))
THEMES = {"dark": DARK, "light": LIGHT}
DEFAULT_THEME = "dark"
THEME_ENV = "GLMM_EXPLAINER_THEME"

FONT = "DejaVu Sans"
CODE_FONT = "DejaVu Sans Mono"  # code as typed (lme4 formulas)
FONTS = (FONT, CODE_FONT)       # every font the scenes ask Pango for (`glmm-explainer doctor` checks them)
TITLE_SIZE = 40
BODY_SIZE = 26
SMALL_SIZE = 20
LABEL_SIZE = 18         # smallest text on screen: still readable at 720p
SAFE_MARGIN = 0.05      # of the frame, on every side


def current_theme() -> Theme:
    """The theme chosen by the renderer (GLMM_EXPLAINER_THEME), dark when it is not set.

    An unknown name is an error, never a silent fall-back to dark: a lecturer who asked for a
    light lecture must not get a dark one without a word."""
    name = os.environ.get(THEME_ENV, "").strip() or DEFAULT_THEME
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"{THEME_ENV}={name!r} is not a theme: use one of {', '.join(THEMES)}") from None


MAX_DECIMALS = 4


def fmt(value: float | None, sig: int = 3) -> str:
    """Numbers on screen: `sig` significant digits (the results table uses the same rounding),
    a true minus sign, and no scientific notation for the magnitudes a lecture shows."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return "NA"  # not estimable (e.g. a no-pooling fit of a one-row group), as R prints it
    if value == 0:
        return "0"
    from math import floor, log10

    # Cap the decimals: a variance estimated at 1e-7 (a singular fit) reads as 0.0000, not as
    # a string of zeros that runs off the frame.
    # The magnitude of the value as rounded: 0.09996 rounds up to 0.100 (not '0.1000', one digit
    # more than `sig` because the decimals were counted from 0.09996's magnitude).
    rounded = float(f"{value:.{sig - 1}e}")
    decimals = min(max(0, sig - 1 - int(floor(log10(abs(rounded))))), MAX_DECIMALS)
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text.replace("-", "\u2212")


def fmt_tex(value: float | None, sig: int = 3) -> str:
    """`fmt` for use inside MathTex: TeX wants an ASCII minus (it sets it as a true minus)."""
    return fmt(value, sig).replace("\u2212", "-")
