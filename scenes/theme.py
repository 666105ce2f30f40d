"""One visual design for the whole lecture: colours with a meaning, fonts, sizes, margins.

Every statistical object keeps one colour everywhere (VISUAL-GRAMMAR.md): complete pooling,
no pooling (hollow marks), partial pooling (filled marks), the grand mean / fixed effect
(dashed), the simulation's truth (faint outline), residuals, and the groups (Okabe-Ito first,
so the first seven groups are colour-blind safe; beyond seven, colours repeat with a second
mark shape so groups stay distinguishable without colour alone).
Dark is the default (screens); light is for projectors in bright rooms.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

# Okabe & Ito (2008) colour-blind-safe qualitative palette, then Paul Tol's muted set.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
TOL_MUTED = ("#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
GROUP_SHAPES = ("circle", "square", "triangle")


@dataclass(frozen=True)
class Theme:
    """Colours by meaning; scenes ask for `theme.partial`, never for a hex code."""

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
    groups: tuple[str, ...] = OKABE_ITO + TOL_MUTED

    def group_color(self, j: int) -> str:
        return self.groups[j % len(self.groups)]

    def group_shape(self, j: int) -> str:
        return GROUP_SHAPES[(j // len(OKABE_ITO)) % len(GROUP_SHAPES)]


DARK = Theme(name="dark", background="#111418", foreground="#F2F2F2", muted="#8A8F98",
             complete="#F2F2F2", no_pool="#E69F00", partial="#56B4E9", grand_mean="#F0E442",
             truth="#6E7681", residual="#CC79A7", between="#009E73", within="#D55E00",
             warning="#D55E00")
LIGHT = Theme(name="light", background="#FFFFFF", foreground="#1A1A1A", muted="#6B7078",
              complete="#1A1A1A", no_pool="#B36B00", partial="#0072B2", grand_mean="#7A5C00",
              truth="#A0A6AE", residual="#AA4499", between="#009E73", within="#D55E00",
              warning="#C0392B",
              groups=("#E69F00", "#0072B2", "#009E73", "#B8A200", "#56B4E9", "#D55E00", "#CC79A7")
              + TOL_MUTED)
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
    decimals = min(max(0, sig - 1 - int(floor(log10(abs(value))))), MAX_DECIMALS)
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text.replace("-", "\u2212")


def fmt_tex(value: float | None, sig: int = 3) -> str:
    """`fmt` for use inside MathTex: TeX wants an ASCII minus (it sets it as a true minus)."""
    return fmt(value, sig).replace("\u2212", "-")
