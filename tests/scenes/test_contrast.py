"""Every colour the scenes use for text or marks meets WCAG contrast on its theme's background
(4.5:1 text, 3:1 marks and lines), in both themes; text variants keep the palette's hue and stay
apart from one another; the text builders apply them."""
from __future__ import annotations

import itertools

import pytest

from scenes.contrast import (MARK_CONTRAST, TEXT_CONTRAST, _to_oklab, contrast_ratio,
                             with_contrast)
from scenes.theme import LIGHT, OKABE_ITO, THEMES
from scenes.vocab import Readout, body_text, end_labels, make_axes, math_tex, wrapped_text

TEXT_ROLES = ("foreground", "muted", "complete", "no_pool", "partial", "grand_mean", "residual",
              "between", "within", "warning")


def _hex(mobject) -> str:
    return mobject.get_color().to_hex().upper()


def test_wcag_ratio_matches_the_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)   # WebAIM


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_meaning_colours_are_readable_text(theme):
    for role in TEXT_ROLES:
        ratio = contrast_ratio(getattr(theme, role), theme.background)
        assert ratio >= TEXT_CONTRAST, (theme.name, role, round(ratio, 2))
    assert contrast_ratio(theme.truth, theme.background) >= MARK_CONTRAST


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_group_colours_as_marks_and_as_text(theme):
    for j in range(3 * len(theme.groups)):
        assert contrast_ratio(theme.group_color(j), theme.background) >= MARK_CONTRAST, j
        assert contrast_ratio(theme.group_text_color(j), theme.background) >= TEXT_CONTRAST, j
    # any colour a scene hands to a text builder comes out readable
    for color in OKABE_ITO + ("#88CCEE", "#DDCC77", "#777777", "#444444"):
        assert contrast_ratio(theme.ink(color), theme.background) >= TEXT_CONTRAST, color


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
def test_text_variants_keep_hue_and_stay_apart(theme):
    inks = [theme.group_text_color(j) for j in range(len(theme.groups))]
    for a, b in itertools.combinations(inks, 2):
        la, lb = _to_oklab(a), _to_oklab(b)
        assert sum((p - q) ** 2 for p, q in zip(la, lb)) ** 0.5 > 0.07, (a, b)
    for j, base in enumerate(theme.groups):
        (_, a0, b0), (_, a1, b1) = _to_oklab(base), _to_oklab(theme.group_text_color(j))
        if (a0 * a0 + b0 * b0) ** 0.5 > 0.05 and theme.group_text_color(j) not in dict(theme.text_variants).values():
            import math
            hue = math.degrees(math.atan2(b1, a1) - math.atan2(b0, a0))
            assert abs((hue + 180) % 360 - 180) < 4, (base, theme.group_text_color(j))


def test_with_contrast_darkens_on_white_and_lightens_on_black():
    yellow = "#F0E442"
    dark_yellow = with_contrast(yellow, "#FFFFFF")
    assert contrast_ratio(dark_yellow, "#FFFFFF") >= TEXT_CONTRAST
    assert _to_oklab(dark_yellow)[0] < _to_oklab(yellow)[0]
    light_blue = with_contrast("#0072B2", "#111418")
    assert _to_oklab(light_blue)[0] > _to_oklab("#0072B2")[0]
    assert with_contrast("#1A1A1A", "#FFFFFF") == "#1A1A1A"     # already readable: unchanged


def test_text_builders_use_the_text_variants():
    theme = LIGHT
    pale = theme.group_color(0)              # Okabe-Ito orange as a mark on white (3:1)
    assert contrast_ratio(pale, theme.background) < TEXT_CONTRAST
    expected = theme.ink(pale)
    assert _hex(body_text("G04", theme, color=pale)) == expected
    assert _hex(wrapped_text("G04, the smallest group", 3.0, theme, color=pale)[0]) == expected
    assert _hex(math_tex(r"\beta", theme, color=pale)) == expected
    assert _hex(Readout(r"\beta =", 51.4, theme, color=pale).number) == expected
    axes = make_axes((0, 1), (-0.6, 1.6), "x", "group", theme, y_tick_labels={0.0: "G01", 1.0: "G04"},
                     y_tick_colors={1.0: pale})
    assert _hex(axes.y_numbers[1]) == expected
    labels = end_labels(axes, [("G04", 0.5, pale)], theme)
    assert _hex(labels[0].label) == expected


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {"protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                      (-0.003882, -0.048116, 1.051998)),
       "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                        (-0.011820, 0.042940, 0.968881)),
       "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                      (0.004733, 0.691367, 0.303900))}


def _seen(color: str, matrix) -> tuple[float, float, float]:
    from scenes.contrast import _gamma, _linear, hex_to_rgb, rgb_to_hex

    linear = [_linear(c) for c in hex_to_rgb(color)]
    out = [min(max(sum(m * c for m, c in zip(row, linear)), 0.0), 1.0) for row in matrix]
    return _to_oklab(rgb_to_hex(_gamma(c) for c in out))


@pytest.mark.parametrize("theme", THEMES.values(), ids=list(THEMES))
@pytest.mark.parametrize("kind", list(CVD))
def test_group_marks_stay_apart_for_colour_blind_viewers(theme, kind):
    """The darker variants on white must not merge two groups for a colour-blind viewer: every
    pair of mark colours stays >= 0.025 apart in OKLab under a simulated dichromacy (pure
    Okabe-Ito: >= 0.075; the old light palette's orange and dark yellow: 0.017)."""
    seen = [_seen(theme.group_color(j), CVD[kind]) for j in range(len(theme.groups))]
    for (i, a), (j, b) in itertools.combinations(enumerate(seen), 2):
        distance = sum((p - q) ** 2 for p, q in zip(a, b)) ** 0.5
        assert distance >= 0.025, (theme.name, kind, theme.group_color(i), theme.group_color(j), distance)
