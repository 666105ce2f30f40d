"""Many groups (real data sets have 20-100, the scenario allows 500): how much ink each group gets,
which groups carry a label when not all labels fit, and the note that says so.

The rule everywhere: every group keeps its mark or line (thinner and lighter as groups multiply),
but only as many labels are drawn as fit without touching; the labelled ones are chosen to tell
the story (the focus group, the smallest and largest, the most shrunk, the extremes, then evenly
spread), and a note names how many of the groups are labelled.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from scenes.vocab.words import plural

CROWD_FROM = 12          # up to this many groups every group gets full ink
NEAR = 0.6              # a thinned label's target is at least this many gaps from the others
MIN_INK = 0.35           # the thinnest / faintest a group gets (at ~100 groups and beyond)


def crowd_scale(n_groups: int) -> float:
    """1 up to CROWD_FROM groups, then sqrt(CROWD_FROM / J) down to MIN_INK (0.63 at 30 groups,
    0.35 at 100): the factor for group line widths, mark sizes and opacities, so 100 lines
    read as a band with structure instead of a solid block."""
    if n_groups <= CROWD_FROM:
        return 1.0
    return float(max(MIN_INK, np.sqrt(CROWD_FROM / n_groups)))


def thin_crowd(lines, n_groups: int | None = None):
    """Group lines or curves, thinned past CROWD_FROM groups: each gets crowd_scale of its width
    and a lighter stroke (100 curves at full width buried the link scenes' typical curve and
    tangent). Hidden lines (a line that misses the plot) stay hidden. group_lines uses it too."""
    crowd = crowd_scale(len(lines) if n_groups is None else n_groups)
    if crowd < 1:
        for line in lines:
            line.set_stroke(width=line.get_stroke_width() * crowd)
            if line.get_stroke_opacity() > 0:
                line.set_stroke(opacity=0.45 + 0.55 * crowd)
    return lines


def highlight_groups(n_groups: int, limit: int, focus: Iterable[int] = (),
                     sizes: Sequence[float] | None = None, shift: Sequence[float] | None = None,
                     values: Sequence[float] | None = None) -> list[int]:
    """Up to `limit` group indices worth labelling, most important first: the `focus` groups,
    the smallest and largest group (`sizes`), the most shrunk (largest |shift|), the lowest and
    highest `values`, then the rest of `values`' ranking evenly spread (or index order)."""
    chosen: list[int] = []

    def take(j) -> None:
        j = int(j)
        if 0 <= j < n_groups and j not in chosen and len(chosen) < limit:
            chosen.append(j)

    for j in focus:
        take(j)
    if sizes is not None and len(sizes):
        take(int(np.argmin(sizes)))
        take(int(np.argmax(sizes)))
    if shift is not None and len(shift):
        take(int(np.argmax(np.abs(np.asarray(shift, float)))))
    ranking = (list(np.argsort(np.asarray(values, float), kind="stable")) if values is not None
               else list(range(n_groups)))
    for j in even_order(ranking):
        take(j)
    return chosen


def even_order(ranked: Sequence[int]) -> list[int]:
    """`ranked` reordered so that any prefix is spread evenly over it: both ends first, then the
    middle, then the quarters, ... (binary subdivision)."""
    n = len(ranked)
    if n == 0:
        return []
    order, seen = [], set()

    def add(k):
        if k not in seen:
            seen.add(k)
            order.append(ranked[k])

    add(0)
    add(n - 1)
    parts = 2
    while len(order) < n:
        for m in range(1, parts, 2):
            add(int(round(m * (n - 1) / parts)))
        parts *= 2
        if parts > 4 * n:
            for k in range(n):
                add(k)
    return order


def label_capacity(lo: float, hi: float, gap: float) -> int:
    """How many labels `gap` apart fit between lo and hi."""
    return max(1, int(np.floor((hi - lo) / gap + 1e-9)) + 1)


def thin_labels(targets: Sequence[float], gap: float, lo: float, hi: float,
                priority: Sequence[int] = (), near: float = NEAR) -> list[int]:
    """Which of the labels aimed at `targets` to draw, so the drawn ones fit `gap` apart in
    [lo, hi] and sit next to what they label: all when they fit; otherwise the `priority`
    indices, then the top and bottom, then labels evenly spread whose targets are at least
    `near` gaps from every chosen one (so leaders stay short; near=1 for labels that cannot
    move, such as row labels). Sorted indices."""
    n = len(targets)
    capacity = label_capacity(lo, hi, gap)
    if n <= capacity:
        return list(range(n))
    chosen: list[int] = []

    def clear(i) -> bool:
        return all(abs(targets[i] - targets[c]) >= near * gap - 1e-9 for c in chosen)

    wanted = [int(i) for i in dict.fromkeys(priority) if 0 <= int(i) < n]
    ranked = [int(i) for i in np.argsort(np.asarray(targets, float), kind="stable")]
    for k, i in enumerate(wanted + even_order(ranked)):
        if len(chosen) >= capacity:
            break
        if i not in chosen and (k == 0 or clear(i)):
            chosen.append(i)
    return sorted(chosen)


def labels_note(shown: int, total: int, group_word: str = "group", short: bool = False) -> str:
    """'labels shown for 12 of 30 schools', or with short=True (a narrow label column)
    '12 of 30 schools labelled'; empty when every group is labelled."""
    if shown >= total:
        return ""
    if short:
        return f"{shown} of {total} {plural(group_word, total)} labelled"
    return f"labels shown for {shown} of {total} {plural(group_word, total)}"
