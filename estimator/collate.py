"""The order R puts text factor levels in: ICU's root collation, as Debian's R uses even in C.UTF-8.

Why: the first level is the reference category, so `sort(unique(x))` must come out as R's does:
case-insensitive first, then accents, then lower case before upper case (`a, A, ä, b, B`), with
spaces and punctuation before digits and digits before letters, digit by digit (`10` < `2`).
This is a three-level comparison (primary letters, secondary accents, tertiary case) over the
canonical decomposition; it follows R (checked against Rscript in tests/formula) for Latin-script
labels, and orders other scripts by code point after Latin.
"""
from __future__ import annotations

import unicodedata

# ICU root order of ASCII spaces, punctuation and symbols (from R's sort() on Debian).
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
# Secondary weights of combining marks, in the order ICU sorts e.g. é è ĕ ê ě e̊ ë ő ẽ ė.
_MARKS = [0x0301, 0x0300, 0x0306, 0x0302, 0x030C, 0x030A, 0x0308, 0x030B, 0x0303, 0x0307, 0x0327,
          0x0328, 0x0304, 0x0309, 0x0323, 0x0331]
_MARK_WEIGHT = {chr(c): k + 1 for k, c in enumerate(_MARKS)}
# Letters without a decomposition: (primary letters, secondary weight, tertiary weight).
_SPECIAL = {"ß": ("ss", 0, 2), "æ": ("ae", 0, 2), "Æ": ("ae", 0, 3), "œ": ("oe", 0, 2),
            "Œ": ("oe", 0, 3), "ø": ("o", 40, 0), "Ø": ("o", 40, 1), "ð": ("d", 40, 0),
            "Ð": ("d", 40, 1), "đ": ("d", 41, 0), "Đ": ("d", 41, 1), "ł": ("l", 40, 0),
            "Ł": ("l", 40, 1), "ı": ("i", 60, 0)}
_THORN = {"þ": 0, "Þ": 1}     # a letter of its own, after z

_PUNCT, _SYMBOL, _DIGIT, _LATIN, _OTHER = 1, 2, 3, 4, 5


def _primary(ch: str) -> tuple:
    if ch.isspace():
        return (_PUNCT, -1)
    if ch in _PUNCTUATION:
        return (_PUNCT, _PUNCTUATION.index(ch))
    if ch.isdigit():
        return (_DIGIT, unicodedata.digit(ch, 0))
    low = ch.lower()
    if "a" <= low <= "z":
        return (_LATIN, ord(low))
    if not ch.isalnum():
        return (_SYMBOL, ord(ch))
    return (_OTHER, ord(low))


def sort_key(text: str) -> tuple:
    primary, secondary, tertiary = [], [], []
    for ch in unicodedata.normalize("NFD", text):
        if ch in _THORN:
            primary.append((_LATIN, ord("z") + 1))
            secondary.append(0)
            tertiary.append(_THORN[ch])
        elif ch in _SPECIAL:
            letters, second, third = _SPECIAL[ch]
            for letter in letters:
                primary.append(_primary(letter))
                secondary.append(second)
                tertiary.append(third)
        elif unicodedata.combining(ch):
            secondary.append(_MARK_WEIGHT.get(ch, 30 + unicodedata.combining(ch)))
            tertiary.append(0)
        else:
            primary.append(_primary(ch))
            secondary.append(0)
            tertiary.append(1 if ch.isupper() else 0)
    return (tuple(primary), tuple(secondary), tuple(tertiary), text)


def r_sorted(labels) -> list[str]:
    """sort(unique(labels)) as R on Debian returns it."""
    return sorted(set(labels), key=sort_key)
