"""FitResult: everything one fit produced, in plain JSON-ready values, for the CLI and the scenes.

The first block of fields is the `fit --json` contract (names fixed); the rest are what the
scenes draw (pooling estimates, Simpson check, optimizer trace). Scenes read these and never
recompute statistics.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields

CONTRACT_FIELDS = ("family", "link", "method", "n_obs", "n_groups", "fixef", "fixef_se", "re_terms",
                   "re_cov", "sigma", "loglik", "aic", "bic", "ranef", "icc", "shrinkage", "singular",
                   "converged", "fit_seconds")


@dataclass(frozen=True)
class FitResult:
    """A partial-pooling fit and its complete/no-pooling companions.

    Contract fields: family, link, method ("REML" | "ML" | "Laplace" | "AGQ(n)"), n_obs, n_groups,
    fixef/fixef_se {name: value}, re_terms [names], re_cov q x q covariance of the random effects
    (link scale), sigma (residual SD; Gamma: coefficient of variation 1/sqrt(shape); None for
    Poisson/binomial), loglik (lme4's logLik; the REML criterion's for REML), aic, bic,
    ranef {group: [conditional modes in re_terms order]}, icc (None without a random intercept),
    shrinkage {group: lambda_j}, singular, converged, fit_seconds.

    Further fields: formula; deviance (-2 loglik); objective (lme4's REML criterion or deviance);
    re_sd {term: SD}; re_corr q x q; ranef_condvar {group: q x q}; group_sizes {group: n_j};
    shrinkage_ratio {group: {term: realised (partial - fixed) / (no-pooling - fixed)}};
    complete_pooling {fixef, fixef_se}; no_pooling {common_slope: {group: {term: value}},
    separate: {group: {term: value} or None}, not_estimable: [groups]}; simpson {predictor,
    pooled_slope, within_slope, mixed_slope, reversed}; shape (Gamma) ; theta; n_evals;
    trace [[parameters..., objective]] per evaluation; message; nagq; n_dropped (rows with a
    missing value in a used column, dropped as na.omit); warnings (lme4's, e.g. rank-deficient
    columns dropped); scaled_residuals {Min, 1Q,
    Median, 3Q, Max} of lme4's residuals(fit, "pearson", scaled = TRUE); fixef_corr p x p
    correlation of the fixed-effect estimates (summary's "Correlation of Fixed Effects");
    held {x, values, at_x0, at_x1}: where plots against the first numeric predictor x hold the
    other predictors (factors at their reference level, numbers at their mean) and the
    fixed-effect design rows of a line there (estimator/held.py); {} with x alone.
    """

    family: str
    link: str
    method: str
    n_obs: int
    n_groups: int
    fixef: dict
    fixef_se: dict
    re_terms: list
    re_cov: list
    sigma: float | None
    loglik: float
    aic: float
    bic: float
    ranef: dict
    icc: float | None
    shrinkage: dict
    singular: bool
    converged: bool
    fit_seconds: float
    formula: str = ""
    deviance: float = math.nan
    objective: float = math.nan
    re_sd: dict = field(default_factory=dict)
    re_corr: list = field(default_factory=list)
    ranef_condvar: dict = field(default_factory=dict)
    group_sizes: dict = field(default_factory=dict)
    shrinkage_ratio: dict = field(default_factory=dict)
    complete_pooling: dict = field(default_factory=dict)
    no_pooling: dict = field(default_factory=dict)
    simpson: dict = field(default_factory=dict)
    shape: float | None = None
    theta: list = field(default_factory=list)
    n_evals: int = 0
    trace: list = field(default_factory=list)
    message: str = ""
    nagq: int = 1
    n_dropped: int = 0
    warnings: list = field(default_factory=list)
    scaled_residuals: dict = field(default_factory=dict)
    fixef_corr: list = field(default_factory=list)
    held: dict = field(default_factory=dict)

    @property
    def group_labels(self) -> list[str]:
        return list(self.ranef)

    def group_coefficients(self) -> dict:
        """lme4's coef(): fixed effect + conditional mode per group, for each random term."""
        out = {}
        for label, modes in self.ranef.items():
            out[label] = {term: self.fixef.get(term, 0.0) + mode
                          for term, mode in zip(self.re_terms, modes)}
        return out

    def to_dict(self, trace: bool = True) -> dict:
        data = asdict(self)
        if not trace:
            data.pop("trace")
        return _json_safe(data)

    def to_json(self, indent: int | None = 2, trace: bool = False) -> str:
        return json.dumps(self.to_dict(trace=trace), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict) -> "FitResult":
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def _json_safe(value):
    """NaN/inf are not JSON: they become null (e.g. a no-pooling fit that diverged)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value
