import pytest

from estimator.errors import InputError
from estimator.formula import INTERCEPT, parse_formula


@pytest.mark.parametrize("text, fixed, fixed_int, random, random_int", [
    ("y ~ x + (1 | g)", ("x",), True, (), True),
    ("y ~ x + (0 + x | g)", ("x",), True, ("x",), False),
    ("y ~ x + (1 + x | g)", ("x",), True, ("x",), True),
    ("y ~ x + (x | g)", ("x",), True, ("x",), True),
    ("y ~ x1 + x2 + (1 | g)", ("x1", "x2"), True, (), True),
    ("y ~ 0 + x + (1 | g)", ("x",), False, (), True),
    ("y ~ x - 1 + (1 | g)", ("x",), False, (), True),
    ("y ~ 1 + (1 | g)", (), True, (), True),
    ("y~x+(x-1|g)", ("x",), True, ("x",), False),
])
def test_supported_formulas(text, fixed, fixed_int, random, random_int):
    spec = parse_formula(text)
    assert (spec.response, spec.group) == ("y", "g")
    assert spec.fixed == fixed and spec.fixed_intercept == fixed_int
    assert spec.random == random and spec.random_intercept == random_int
    assert spec.fixef_names[0] == INTERCEPT if fixed_int else INTERCEPT not in spec.fixef_names


@pytest.mark.parametrize("text, fragment", [
    ("y x + (1|g)", "'~'"),
    ("y ~ x + (1|g", "unclosed"),
    ("y ~ x + ", "ends where a term"),
    ("y ~ x", "no random term"),
    ("y ~ x + (1|g) + (1|h)", "crossed or nested"),
    ("y ~ x + * z + (1|g)", ">>* z"),
    ("y ~ x + (1 | g h)", "expected ')'"),
    ("y ~ x + (0 | g)", "no effect left"),
    ("y ~ 0 + (1 | g)", "no fixed effect"),
    ("y ~ g + (1 | g)", "both as grouping"),
])
def test_malformed_formulas_point_at_the_problem(text, fragment):
    with pytest.raises(InputError) as info:
        parse_formula(text)
    message = str(info.value)
    assert fragment in message and "\n" not in message
