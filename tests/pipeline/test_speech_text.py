"""The speech-text normaliser: maths written for the eye is read out as words, everything else
(in any language) is left as written."""
from __future__ import annotations

import pytest

from scripts.pipeline.speech_text import spoken


@pytest.mark.parametrize("written, said", [
    ("γ̂₀₀ is the estimate.", "gamma hat zero zero is the estimate."),
    ("τ₀² is the variance.", "tau zero squared is the variance."),
    ("gamma10-hat is the within-group effect", "gamma one zero hat is the within-group effect"),
    ("its own deviation u0j from the line", "its own deviation u zero j from the line"),
    ("lambda_j and n_j", "lambda j and n j"),
    ("tau0^2 / (tau0^2 + sigma^2 / n_j)",
     "tau zero squared over (tau zero squared plus sigma squared over n j)"),
    ("y ~ x + (1 | g)", "y depends on x plus (1 by g)"),
    ("ρ = −0.5, σ² ≤ 1", "rho equals minus 0 point 5, sigma squared at most 1"),
    ("x̄ ≈ 3 at 95%", "x bar approximately 3 at 95 percent"),
    ("p below 0.05, pulled much more", "p below 0 point 0 5, pulled much more"),  # not "mu ch"
    ("x_ij and x1", "x i j and x one"),
])
def test_maths_is_spoken_as_words(written, said):
    assert spoken(written) == said


def test_ordinary_words_and_other_languages_are_left_alone():
    text = "Un modèle mixte donne à chaque groupe sa propre déviation. Is it an x-axis? Yes."
    assert spoken(text) == text
    assert spoken("Jede Gruppe hat ihre Abweichung u₀ⱼ.") == "Jede Gruppe hat ihre Abweichung u zero j."
