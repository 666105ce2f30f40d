"""The vectorised pooling fits (estimator/pooling.py, grouped.py, glm.py) give the same answers as
the per-group implementation they replaced, which is kept below as the reference: an SVD rank
check and lstsq per group for Gaussian data, a Python IRLS loop per group for GLMs, and the
dummy-coded common-slope fit with its J x J block. Edge cases: groups with fewer rows than
coefficients, a predictor constant within a group, separated logistic groups, binomial with
trials, Gamma, no intercept, x in the thousands, collinear predictors within a group."""
from types import SimpleNamespace

import numpy as np
import pytest

from estimator.families import get_family
from estimator.fit import fit
from estimator.pooling import pool

# ---------------------------------------------------------------- the old implementation ------
OLD_MAX_ITER, OLD_DIVERGED_ETA = 100, 25.0


def old_fit_glm(y, X, family, weights=None):
    n, p = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    if n < p or np.linalg.matrix_rank(X) < p:
        return np.full(p, np.nan), np.full((p, p), np.nan), False
    mu = family.start_mu(y, w)
    eta = family.link(mu)
    deviance, converged, beta = np.inf, False, np.zeros(p)
    for _ in range(OLD_MAX_ITER):
        d = family.mu_eta(eta)
        working = eta + (y - mu) / d
        weight = w * d ** 2 / family.variance(mu)
        WX = X * weight[:, None]
        try:
            beta = np.linalg.solve(X.T @ WX, WX.T @ working)
        except np.linalg.LinAlgError:
            break
        eta = X @ beta
        mu = family.linkinv(eta)
        new_deviance = float(np.sum(family.dev_resids(y, mu, w)))
        if abs(new_deviance - deviance) <= 1e-10 * (abs(new_deviance) + 0.1):
            converged, deviance = True, new_deviance
            break
        deviance = new_deviance
    diverged = bool(np.max(np.abs(eta)) > OLD_DIVERGED_ETA or not np.all(np.isfinite(beta)))
    d = family.mu_eta(eta)
    weight = w * d ** 2 / family.variance(mu)
    dispersion = 1.0
    if family.has_dispersion:
        dispersion = float(np.sum(w * (y - mu) ** 2 / family.variance(mu)) / max(n - p, 1))
    try:
        cov = dispersion * np.linalg.inv(X.T @ (X * weight[:, None]))
    except np.linalg.LinAlgError:
        cov, diverged = np.full((p, p), np.nan), True
    return beta, cov, converged and not diverged


def old_fit(y, X, family, weights):
    if family.name == "gaussian":
        n, p = X.shape
        if n <= p or np.linalg.matrix_rank(X) < p:
            return np.full(p, np.nan), np.full(p, np.nan), False
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ beta
        cov = resid @ resid / (n - p) * np.linalg.inv(X.T @ X)
        return beta, np.sqrt(np.diag(cov)), True
    beta, cov, ok = old_fit_glm(y, X, family, weights)
    se = np.sqrt(np.clip(np.diag(cov), 0, None)) if ok else np.full(X.shape[1], np.nan)
    return np.asarray(beta, float), se, ok


def old_pool(design, family):
    y, X, g, J, weights = design.y, design.X, design.group, design.n_groups, design.trials
    complete = old_fit(y, X, family, weights)
    slopes_X = X[:, 1:] if design.fixef_names[0] == "(Intercept)" else X
    dummies = (g[:, None] == np.arange(J)[None, :]).astype(float)
    common = old_fit(y, np.column_stack([dummies, slopes_X]), family, weights)
    separate = [old_fit(y[g == j], X[g == j], family, None if weights is None else weights[g == j])
                for j in range(J)]
    return complete, common, separate


# ---------------------------------------------------------------- the comparison -------------
def assert_same(design, family_name, diverging_common=False):
    family = get_family(family_name)
    before = {key: np.copy(value) for key, value in vars(design).items() if isinstance(value, np.ndarray)}
    new = pool(design, family)
    for key, value in before.items():   # the fits never write into the caller's arrays
        np.testing.assert_array_equal(getattr(design, key), value)
    complete, common, separate = old_pool(design, family)
    J = design.n_groups
    assert new.complete.ok == complete[2]
    np.testing.assert_allclose(new.complete.beta, complete[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(new.complete.se, complete[1], rtol=1e-6, atol=1e-10)
    assert new.common_ok == common[2]
    # A diverging (separated) group intercept runs off along the same IRLS path; it is reported,
    # so it must agree too, to the digits such a number has.
    tol = dict(rtol=1e-4, atol=1e-4) if diverging_common else dict(rtol=1e-7, atol=1e-8)
    # ... except where the group's own intercept is +-infinity (all 0 or all 1, zero counts):
    # that is reported as not a number now, not as where IRLS happened to stop.
    boundary = np.isnan(new.group_intercepts)
    assert not boundary.any() or diverging_common or family != "gaussian"
    np.testing.assert_allclose(new.group_intercepts[~boundary], common[0][:J][~boundary], **tol)
    np.testing.assert_allclose(new.common_slopes, common[0][J:], **tol)
    assert [c.ok for c in new.separate] == [s[2] for s in separate]
    for ours, (beta, se, ok) in zip(new.separate, separate):
        if ok:   # beta of a group flagged not estimable never reaches the user
            np.testing.assert_allclose(ours.beta, beta, rtol=1e-6, atol=1e-8)
            np.testing.assert_allclose(ours.se, se, rtol=1e-5, atol=1e-10)
        else:
            assert np.all(np.isnan(ours.se))
    return new


def design_of(y, X, g, names=("(Intercept)", "x"), trials=None):
    g = np.asarray(g)
    return SimpleNamespace(y=np.asarray(y, float), X=np.asarray(X, float), group=g,
                           n_groups=int(g.max()) + 1, fixef_names=tuple(names),
                           trials=None if trials is None else np.asarray(trials, float))


def simulated(seed, family, J=12, sizes=(3, 25), slope_sd=0.3, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    n_j = rng.integers(sizes[0], sizes[1] + 1, J)
    g = np.repeat(np.arange(J), n_j)
    x = shift + scale * rng.normal(size=len(g))
    xs = (x - shift) / scale
    eta = 0.2 + rng.normal(0, 0.6, J)[g] + (0.5 + rng.normal(0, slope_sd, J)[g]) * xs
    if family == "gaussian":
        y = 3 * eta + rng.normal(size=len(g))
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    elif family == "binomial":
        y = (rng.random(len(g)) < 1 / (1 + np.exp(-eta))).astype(float)
    else:
        y = rng.gamma(3.0, np.exp(eta) / 3.0)
    return y, np.column_stack([np.ones_like(x), x]), g


@pytest.mark.parametrize("family", ["gaussian", "poisson", "binomial", "gamma"])
@pytest.mark.parametrize("seed", [1, 2])
def test_simulated_data_every_family(family, seed):
    y, X, g = simulated(seed, family)
    assert_same(design_of(y, X, g), family, diverging_common=family == "binomial")


def test_gaussian_edge_groups():
    """A one-row group, a two-row group (no residual df), a group with constant x, and x in the
    thousands: the first three are not estimable, exactly as before."""
    y, X, g = simulated(3, "gaussian", J=8, scale=800.0, shift=3000.0)
    keep = np.ones(len(g), bool)
    first = np.flatnonzero(g == 0)
    keep[first[1:]] = False                  # group 0: one row
    second = np.flatnonzero(g == 1)
    keep[second[2:]] = False                 # group 1: two rows for two coefficients
    y, X, g = y[keep], X[keep], g[keep]
    X[g == 2, 1] = 3172.5                    # group 2: constant x
    new = assert_same(design_of(y, X, g), "gaussian")
    assert [c.ok for c in new.separate][:4] == [False, False, False, True]


def test_gaussian_two_predictors_collinear_in_one_group_and_no_intercept():
    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(6), 15)
    x1, x2 = rng.normal(size=90), rng.normal(size=90)
    x2[g == 3] = 2.0 * x1[g == 3] - 1.0      # exactly collinear with the intercept and x1 there
    y = 1 + x1 - 0.5 * x2 + rng.normal(0, 0.4, 6)[g] + rng.normal(size=90)
    X = np.column_stack([np.ones(90), x1, x2])
    new = assert_same(design_of(y, X, g, ("(Intercept)", "x1", "x2")), "gaussian")
    assert [c.ok for c in new.separate] == [True, True, True, False, True, True]
    assert_same(design_of(y, X[:, 1:], g, ("x1", "x2")), "gaussian")


def test_separated_logistic_groups():
    """All-0 and all-1 groups and a group perfectly separated by x: flagged, never crashed on;
    the common-slope fit's intercepts of the all-0/all-1 groups are +-infinity, reported as NaN."""
    y, X, g = simulated(6, "binomial", J=10, sizes=(8, 20))
    y[g == 0] = 0.0
    y[g == 1] = 1.0
    rows = g == 2
    y[rows] = (X[rows, 1] > np.median(X[rows, 1])).astype(float)
    new = assert_same(design_of(y, X, g), "binomial", diverging_common=True)
    assert not any(c.ok for c in new.separate[:3])
    assert np.isnan(new.group_intercepts[:2]).all() and np.isfinite(new.group_intercepts[2:]).all()


def test_binomial_with_trials_and_small_groups():
    rng = np.random.default_rng(7)
    y, X, g = simulated(7, "binomial", J=9, sizes=(1, 12))
    trials = rng.integers(1, 15, len(g)).astype(float)
    p = 1 / (1 + np.exp(-(0.3 * X[:, 1] + rng.normal(0, 0.5, 9)[g])))
    successes = rng.binomial(trials.astype(int), p)
    assert_same(design_of(successes / trials, X, g, trials=trials), "binomial", diverging_common=True)


def test_poisson_constant_x_and_one_row_group():
    y, X, g = simulated(8, "poisson", J=7)
    X[g == 1, 1] = 0.25
    keep = ~((g == 4) & (np.arange(len(g)) != np.flatnonzero(g == 4)[0]))
    assert_same(design_of(y[keep], X[keep], g[keep]), "poisson")


def test_gamma_intercept_only_fixed_part():
    y, X, g = simulated(9, "gamma", J=10)
    assert_same(design_of(y, X[:, :1], g, ("(Intercept)",)), "gamma")


def test_through_fit_the_user_path():
    """fit() reports the same no-pooling numbers the old per-group code gave."""
    y, X, g = simulated(10, "poisson", J=9)
    table = {"g": [f"s{v}" for v in g], "x": X[:, 1].tolist(), "y": y.tolist()}
    result = fit("y ~ x + (1 | g)", table, family="poisson")
    _, common, separate = old_pool(design_of(y, X, g), get_family("poisson"))
    for j, label in enumerate(result.group_labels):
        assert result.no_pooling["common_slope"][label]["(Intercept)"] == pytest.approx(common[0][j], rel=1e-7)
        if separate[j][2]:
            assert result.no_pooling["separate"][label]["x"] == pytest.approx(separate[j][0][1], rel=1e-6)
        else:
            assert result.no_pooling["separate"][label] is None


def test_groups_whose_own_intercept_is_infinite_show_no_number():
    """A logistic group with every outcome 1 (a Poisson group of zeros): its no-pooling
    intercept runs off to infinity, so it is reported as null; the others keep theirs."""
    from estimator.fit import fit

    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(6), 15)
    x = rng.normal(size=len(g))
    y = (rng.random(len(g)) < 1 / (1 + np.exp(-(0.3 * x)))).astype(int)
    y[g == 2] = 1
    result = fit("y ~ x + (1 | g)", {"g": [f"g{j}" for j in g], "x": x.tolist(), "y": y.tolist()},
                 family="binomial")
    intercepts = {k: v["(Intercept)"] for k, v in result.no_pooling["common_slope"].items()}
    assert intercepts["g2"] is None
    assert all(np.isfinite(v) and abs(v) < 5 for k, v in intercepts.items() if k != "g2")
    assert np.isfinite(result.ranef["g2"][0])
