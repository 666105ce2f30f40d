"""Any text given as a formula either parses and builds or raises a one-line InputError: never a
traceback (fuzzed from formula-shaped fragments)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator.design import build_design
from estimator.errors import InputError
from estimator.formula import parse_formula

TABLE = {"g": ["a", "b", "c"] * 4, "x": [str(v) for v in range(12)], "y": [str(v % 5) for v in range(12)],
         "f": ["u", "v"] * 6, "z": ["1", "", "3"] * 4}
PIECES = ["y", "x", "f", "g", "z", "~", "+", "-", "*", ":", "^", "/", "|", "||", "(", ")", "0", "1", "2",
          "I(", "log(", "poly(", "factor(", "offset(", "scale(", ",", "=", ">", "==", "`", "`a b`", " ",
          "%in%", "\"u\"", "cbind(", "!", "relevel(", "ref", "degree", ".", "1e3", "exp("]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
def test_no_formula_text_gives_a_traceback(pieces):
    text = " ".join(pieces)
    try:
        parse_formula(text)
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["y ~ ", "y ~ x + ", "log(y) ~ "]), st.lists(st.sampled_from(PIECES[1:]), max_size=8))
def test_no_right_hand_side_gives_a_traceback(start, pieces):
    text = start + " ".join(pieces) + " + (1 | g)"
    try:
        build_design(parse_formula(text), TABLE)
    except InputError as exc:
        assert "\n" not in str(exc)
