"""Narration as it should be spoken: maths written for the eye turned into words for the ear.

The captions show the narration as written ("gamma10-hat", "u0j", or a translator's "γ̂₀₀" and
"τ₀²"); a text-to-speech engine reading that literally spells letters or skips symbols. `spoken`
rewrites only the maths and leaves every other word, in any language, as it is:
- Greek letters (and their ASCII names glued to indices: gamma00, tau0, u0j, lambda_j, n_j) are
  spoken with their indices digit by digit: "gamma zero zero", "u zero j", "lambda j";
- a combining hat or bar (γ̂, x̄) and the ASCII "-hat" suffix become "hat" / "bar";
- subscript digits and letters are spoken after their symbol, superscripts as "squared",
  "cubed", "to the power n"; "^2" likewise;
- operators and relations (=, ≈, ≤, ×, ±, −, √, ∑, ∞, →) become words, and an lme4 formula is
  read as people read it aloud: "y ~ x + (1 | g)" -> "y depends on x plus 1 by g".
English words are used for the symbols: the voices shipped here speak English; a narration in
another language can spell its maths in its own words (`--narration`), which this leaves alone.
"""
from __future__ import annotations

import re
import unicodedata

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
         "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda",
         "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma",
         "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
         "ω": "omega", "Γ": "capital gamma", "Δ": "capital delta", "Θ": "capital theta",
         "Λ": "capital lambda", "Σ": "capital sigma", "Φ": "capital phi", "Ψ": "capital psi",
         "Ω": "capital omega"}
GREEK_NAMES = sorted({name for name in GREEK.values() if " " not in name}, key=len, reverse=True)
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789aeoxhklmnpstij"))
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ⁿⁱ⁻⁺", "0123456789ni-+"))
COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde", "\u0307": "dot"}
SYMBOLS = {"≈": " approximately ", "≃": " approximately ", "≠": " not equal to ",
           "≤": " at most ", "≥": " at least ", "<": " less than ", ">": " greater than ",
           "×": " times ", "·": " times ", "÷": " divided by ", "±": " plus or minus ",
           "−": " minus ", "√": " square root of ", "∑": " the sum of ", "∏": " the product of ",
           "∞": " infinity ", "→": " to ", "∝": " proportional to ", "∈": " in ",
           "∼": " distributed as ", "~": " depends on ", "=": " equals ", "+": " plus ",
           "%": " percent", "|": " by ", "&": " and ", " / ": " over "}
POWERS = {"2": "squared", "3": "cubed"}


def _digits(index: str) -> str:
    return " ".join(DIGITS[int(c)] if c.isdigit() else c for c in index)


def _power(exponent: str) -> str:
    exponent = exponent.replace("+", "")
    if exponent in POWERS:
        return POWERS[exponent]
    spoken = exponent.replace("-", "minus ")
    return "to the power " + " ".join(DIGITS[int(c)] if c.isdigit() else c for c in spoken.split())


def _unicode_maths(text: str) -> str:
    """Greek letters, combining accents, sub- and superscripts to ASCII-ish words."""
    out: list[str] = []
    i, chars = 0, unicodedata.normalize("NFD", text)
    while i < len(chars):
        char = chars[i]
        if char in COMBINING:  # spoken after its letter: γ̂ -> gamma hat
            out.append(f" {COMBINING[char]} ")
        elif char in GREEK:
            out.append(f" {GREEK[char]} ")
        elif char in SUBSCRIPTS:
            j = i
            while j < len(chars) and chars[j] in SUBSCRIPTS:
                j += 1
            out.append(" " + _digits("".join(SUBSCRIPTS[c] for c in chars[i:j])) + " ")
            i = j
            continue
        elif char in SUPERSCRIPTS:
            j = i
            while j < len(chars) and chars[j] in SUPERSCRIPTS:
                j += 1
            out.append(" " + _power("".join(SUPERSCRIPTS[c] for c in chars[i:j])) + " ")
            i = j
            continue
        else:
            out.append(char)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


# gamma10-hat, gamma00, tau0, u0j, lambda_j, n_j, x_ij: a name glued to an index that starts
# with a digit, or joined to one by "_" ("much" is not mu with index "ch")
_INDEXED = re.compile(r"\b(" + "|".join(GREEK_NAMES) + r"|[a-zA-Z])(?:_([a-z0-9]{1,3})|([0-9]+[a-z]{0,2}))"
                      r"(-hat|-bar)?\b")
_HAT = re.compile(r"\b(" + "|".join(GREEK_NAMES) + r"|[a-zA-Z])-(hat|bar)\b")
_CARET = re.compile(r"\^\s*\(?(-?[0-9a-z]+)\)?")


def _indexed(match: re.Match) -> str:
    name, index, accent = match.group(1), match.group(2) or match.group(3), match.group(4)
    spoken = f"{name} {_digits(index)}"
    return spoken + (f" {accent[1:]}" if accent else "")


def spoken(text: str) -> str:
    """The narration as a text-to-speech engine should read it (one line, single spaces)."""
    text = _unicode_maths(text)
    text = _CARET.sub(lambda m: " " + _power(m.group(1)), text)
    text = _INDEXED.sub(_indexed, text)
    text = _HAT.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    # 0.05 -> "0 point 0 5": digits after the point one by one, as people say them
    text = re.sub(r"(?<=\d)\.(\d+)", lambda m: " point " + " ".join(m.group(1)), text)
    for symbol, words in SYMBOLS.items():
        text = text.replace(symbol, words)
    text = text.replace("_", " ")
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return " ".join(text.split())
