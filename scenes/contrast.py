"""Colour contrast (WCAG 2.x) and hue-keeping lightness changes, so every colour on screen can be
read against the theme's background: text needs 4.5:1 (3:1 when large), marks and lines 3:1.

Pure Python (no manim): the theme module computes its text- and mark-safe variants with it at
import time. A colour too faint for its background is moved along OKLab lightness only (same
hue; chroma is reduced just enough to stay inside sRGB), so a darker orange is still the
group's orange and the palette keeps the hue differences colour-blind readers rely on.
"""
from __future__ import annotations

from functools import lru_cache

TEXT_CONTRAST = 4.5        # WCAG 2.x AA, normal text
LARGE_TEXT_CONTRAST = 3.0  # WCAG AA, large text (>= 24 px, or 18.7 px bold)
MARK_CONTRAST = 3.0        # WCAG 2.1 SC 1.4.11, graphical objects (marks, lines)


def hex_to_rgb(color: str) -> tuple[float, float, float]:
    """'#RRGGBB' (or 'RRGGBB', '#RGB') as sRGB in [0, 1]."""
    text = color.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) not in (6, 8):
        raise ValueError(f"colour {color!r} is not #RRGGBB")
    return tuple(int(text[k:k + 2], 16) / 255 for k in (0, 2, 4))


def rgb_to_hex(rgb) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    r, g, b = (_linear(c) for c in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio (1 to 21) of two colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# OKLab (Ottosson 2020): a perceptual space in which lightness changes keep the hue.
def _to_oklab(color: str) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in hex_to_rgb(color))
    l = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    return (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s)


def _from_oklab(L: float, a: float, b: float) -> tuple[float, float, float]:
    l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
            -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
            -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s)


def _with_lightness(color: str, L: float) -> str:
    """`color` at OKLab lightness L, same hue, chroma reduced until it is inside sRGB."""
    _, a, b = _to_oklab(color)
    for k in range(41):
        scale = 1 - k / 40
        rgb = _from_oklab(L, a * scale, b * scale)
        if all(-1e-4 <= c <= 1 + 1e-4 for c in rgb):
            return rgb_to_hex(_gamma(min(max(c, 0.0), 1.0)) for c in rgb)
    return rgb_to_hex(_gamma(min(max(c, 0.0), 1.0)) for c in _from_oklab(L, 0.0, 0.0))


@lru_cache(maxsize=None)
def with_contrast(color: str, background: str, target: float = TEXT_CONTRAST) -> str:
    """`color` itself if it already has `target` contrast against `background`; otherwise the
    nearest colour of the same hue (darker on a light background, lighter on a dark one) that
    has it, with a small margin so rounding to 8 bits never drops it below the target."""
    color = rgb_to_hex(hex_to_rgb(color))
    if contrast_ratio(color, background) >= target:
        return color
    darker = relative_luminance(background) > 0.18
    L0 = _to_oklab(color)[0]
    lo, hi = (0.0, L0) if darker else (L0, 1.0)   # search the lightness that just meets it
    goal = target * 1.02
    for _ in range(40):
        mid = (lo + hi) / 2
        ok = contrast_ratio(_with_lightness(color, mid), background) >= goal
        if darker:
            lo, hi = (mid, hi) if ok else (lo, mid)
        else:
            lo, hi = (lo, mid) if ok else (mid, hi)
    best = _with_lightness(color, lo if darker else hi)
    if contrast_ratio(best, background) < target:         # unreachable for sane targets
        best = "#000000" if darker else "#FFFFFF"
    return best
