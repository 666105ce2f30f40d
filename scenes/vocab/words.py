"""English words on screen: plurals of a user's group word ("15 classes", "12 children"), so
labels built from a scenario or a CSV column read as a person would write them.
"""
from __future__ import annotations

IRREGULAR = {"child": "children", "person": "people", "man": "men", "woman": "women",
             "mouse": "mice", "foot": "feet", "tooth": "teeth", "goose": "geese",
             "ox": "oxen", "datum": "data", "index": "indices", "criterion": "criteria",
             "analysis": "analyses", "thesis": "theses", "diagnosis": "diagnoses"}
UNCHANGED = {"sheep", "fish", "deer", "species", "series", "data", "people", "children"}
_VOWELS = set("aeiou")


def plural(word: str, n: int | None = None) -> str:
    """The plural of `word` (or `word` itself when n == 1): irregulars (child -> children,
    person -> people), -s/-x/-z/-ch/-sh -> +es (class -> classes), consonant + y -> ies
    (city -> cities). Only the last word of a phrase changes ("hospital ward" -> "hospital
    wards", "school (by size)" -> "schools (by size)"); the case of the word is kept
    ("Class" -> "Classes")."""
    if n == 1 or not word.strip():
        return word
    if word.rstrip().endswith(")") and " (" in word:        # "school (by size)" -> "schools (by size)"
        stem, _, note = word.rpartition(" (")
        return f"{plural(stem)} ({note}"
    head, sep, last = word.rpartition(" ")
    lower = last.lower()
    if lower in UNCHANGED:
        result = last
    elif lower in IRREGULAR:
        result = _same_case(last, IRREGULAR[lower])
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        result = last + ("ES" if last.isupper() else "es")
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in _VOWELS:
        result = last[:-1] + ("IES" if last.isupper() else "ies")
    else:
        result = last + ("S" if last.isupper() and len(last) > 1 else "s")
    return head + sep + result


def _same_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def count_of(n: int, word: str) -> str:
    """'1 class', '15 classes', '0 children'."""
    return f"{n} {plural(word, n)}"
