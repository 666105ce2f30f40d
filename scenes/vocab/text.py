"""Text and formulas in the theme's fonts: titles, body and wrapped text, monospace code, MathTex,
and formulas with a user label drawn by Pango (so CSV labels never reach TeX).

Every builder passes its colour through `theme.ink`, so text in a group's or a meaning's colour
meets WCAG's 4.5:1 on the theme's background (a pale yellow on white becomes a darker yellow).
"""
from __future__ import annotations

from typing import Sequence

from manim import DOWN, FadeToColor, Indicate, LEFT, MathTex, RIGHT, Succession, Text, UP, VGroup

from scenes.line_breaks import code_lines, greedy_lines
from scenes.theme import BODY_SIZE, CODE_FONT, FONT, LABEL_SIZE, SMALL_SIZE, TITLE_SIZE, Theme
from scenes.vocab.layout import TITLE_REGION, fit_in_region

# --------------------------------------------------------------------------------------------
# Text and formulas
# --------------------------------------------------------------------------------------------

def title_text(text: str, theme: Theme) -> Text:
    """The scene title (at most about 6 words), top left inside the safe margins."""
    if len(text.split()) > 7:
        raise ValueError(f"title '{text}' is longer than about 6 words: shorten it")
    title = Text(text, font=FONT, font_size=TITLE_SIZE, color=theme.foreground)
    return fit_in_region(title, TITLE_REGION, "left", "center")


def body_text(text: str, theme: Theme, size: int = BODY_SIZE, color: str | None = None) -> Text:
    """One line of text in the lecture's font (`size` >= LABEL_SIZE)."""
    return Text(text, font=FONT, font_size=max(size, LABEL_SIZE), color=theme.ink(color))


def wrapped_text(text: str, max_width: float, theme: Theme, size: int = SMALL_SIZE,
                 color: str | None = None, line_buff: float = 0.12) -> VGroup:
    """A paragraph broken into lines no wider than `max_width` (greedy, by measured width);
    the lines are left-aligned submobjects of the returned VGroup."""
    size = max(size, LABEL_SIZE)
    lines = greedy_lines(text, lambda line: Text(line, font=FONT, font_size=size).width <= max_width)
    group = VGroup(*[Text(line, font=FONT, font_size=size, color=theme.ink(color))
                     for line in lines])
    group.arrange(DOWN, aligned_edge=LEFT, buff=line_buff)
    if group.width > max_width:
        group.scale_to_fit_width(max_width)
    return group


def code_text(code: str, theme: Theme, size: int = SMALL_SIZE, color: str | None = None,
              **text_options) -> Text:
    """Code as typed (an lme4 formula): Pango's monospace keeps '~' and '|' as on a keyboard,
    where TeX's typewriter font draws '~' as a raised accent, and any column name is safe."""
    return Text(code, font=CODE_FONT, font_size=size, color=theme.ink(color),
                **text_options)


def wrapped_code(code: str, max_width: float, theme: Theme, size: int = LABEL_SIZE,
                 color: str | None = None, line_spacing: float = 0.8) -> Text:
    """Code broken into lines no wider than `max_width` at `size` (scenes.line_breaks.code_lines:
    after a formula's ' +' or ' ~', else before a bracket's ' |'), so a long formula keeps its
    readable size instead of being scaled to the panel's width; only a piece that cannot break
    is shrunk."""
    lines = code_lines(code, lambda line: Text(line, font=CODE_FONT, font_size=size).width <= max_width)
    block = code_text("\n".join(lines), theme, size, color, line_spacing=line_spacing)
    if block.width > max_width:
        block.scale_to_fit_width(max_width)
    return block


def math_tex(tex: str, theme: Theme, size: int = BODY_SIZE + 6, color: str | None = None) -> MathTex:
    """A formula in the theme's foreground (TeX looks smaller than text: sizes start at ~30)."""
    return MathTex(tex, font_size=size, color=theme.ink(color))


# A one-glyph placeholder part of a MathTex, where math_with_label draws the user's text.
LABEL_SLOT = r"\mathrm{X}"


def math_with_label(*parts: str, label: str, size: int = BODY_SIZE + 6, color: str | None = None,
                    theme: Theme | None = None) -> MathTex:
    r"""MathTex(*parts) with user text (a group label from the data: any characters, any script)
    drawn by Pango where a part is LABEL_SLOT, e.g. `math_with_label(r"\lambda_{", LABEL_SLOT,
    "}", "=", ..., label="R&D Zürich")`. The text never passes through TeX, so TeX specials and
    characters the TeX template cannot set (manim's has no inputenc/fontenc: OT1 only) are
    shown as written, in the lecture's font, as on the axes. It takes the placeholder's size
    (cap height) and baseline; glyphs to the right of the placeholder move over to make room.
    Part indices stay those of `parts` (the slot part holds the Text)."""
    formula = MathTex(*parts, font_size=size,
                      color=theme.ink(color) if theme else color)
    for k, tex in enumerate(formula.tex_strings):
        if tex == LABEL_SLOT:
            _fill_slot(formula, formula[k], label)
    return formula


def _fill_slot(formula: MathTex, part, label: str) -> None:
    """Replace the placeholder glyph of `part` by `label` set with Pango. The label is set after
    an "X" (so the cap height and baseline can be matched to TeX's X) and the X is then dropped:
    this also keeps a label in a right-to-left script, which Text draws empty on its own."""
    slot = part[0]
    shown = label if label.strip() else '""'
    text = Text("X" + shown, font=FONT, font_size=48, color=slot.get_color())
    if len(text) < 2:                                         # nothing visible in the label
        shown, text = '""', Text('X""', font=FONT, font_size=48, color=slot.get_color())
    x_glyph = text[0]
    text.scale(slot.height / x_glyph.height)
    text.shift(slot.get_bottom()[1] * UP - x_glyph.get_bottom()[1] * UP)
    text.remove(x_glyph)
    text.shift(RIGHT * (slot.get_left()[0] - text.get_left()[0]))
    grow = text.width - slot.width
    edge = slot.get_right()[0] - 1e-6
    for glyph in formula.get_family():
        if glyph.has_points() and glyph is not slot and glyph.get_left()[0] >= edge:
            glyph.shift(RIGHT * grow)
    part.remove(slot)
    part.add(text)
    part.label = shown          # what the slot shows (tests and callers can read it back)


def term_tex(parts: Sequence[tuple[str, str | None]], theme: Theme, size: int = BODY_SIZE + 6,
             dim: bool = False, break_at: int | None = None, indent_part: int = 2) -> MathTex:
    """A formula assembled from (tex, colour) parts; part i is `formula[i]`, coloured like the
    object it describes (None = foreground). With dim=True every coloured part starts muted (the
    uncoloured ones, such as "y =" and "+", stay in the foreground), so
    `light_up(formula[i], colour)` can switch it on when its object appears. The colours are
    kept in `formula.part_colors`. `break_at=k` moves parts k.. to a second line, aligned under
    part `indent_part` (the first term after "y =" for parts ["y", "=", ...])."""
    formula = MathTex(*[tex for tex, _ in parts], font_size=size, color=theme.foreground)
    formula.part_colors = [theme.ink(color) for _, color in parts]
    for part, (_, given), color in zip(formula, parts, formula.part_colors):
        part.set_color(theme.muted if dim and given is not None else color)
    if break_at is not None and 0 < break_at < len(parts):
        second = VGroup(*formula[break_at:])
        second.next_to(VGroup(*formula[:break_at]), DOWN, buff=0.18)
        second.align_to(formula[min(indent_part, break_at - 1)], LEFT)
    return formula


def light_up(term, color: str, run_time: float = 0.8):
    """Switch a formula term on: it takes its object's colour, then pulses once."""
    return Succession(FadeToColor(term, color, run_time=run_time * 0.4),
                      Indicate(term, color=color, scale_factor=1.2, run_time=run_time * 0.6))


def pulse(mobject, scale: float = 1.12, run_time: float = 0.8):
    """Pulse an object once (grow and settle back) without changing its colours: used when the
    formula term describing it is explained."""
    return mobject.animate(rate_func=lambda t: 1 - abs(1 - 2 * t), run_time=run_time).scale(scale)
