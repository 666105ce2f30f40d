"""GLM families, one module each; `get_family(name)` is how the estimator and scenes find them."""
from __future__ import annotations

from estimator.errors import InputError
from estimator.families.base import Family
from estimator.families.binomial import Binomial
from estimator.families.gamma import Gamma
from estimator.families.gaussian import Gaussian
from estimator.families.poisson import Poisson

FAMILIES = {f.name: f for f in (Gaussian(), Poisson(), Binomial(), Gamma())}


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name.lower()]
    except KeyError:
        raise InputError(f"family '{name}' is unknown: use {', '.join(FAMILIES)}") from None


__all__ = ["Family", "FAMILIES", "get_family"]
