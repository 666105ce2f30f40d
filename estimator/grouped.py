"""Weighted least squares for many groups at once: the linear-algebra core of the pooling fits.

Two linear models, each solved from per-group sums in one vectorised pass over the rows (no
Python loop over groups, no SVD per group):
- SeparateFits: every group gets its own coefficient vector over the same columns X.
- GroupIntercepts: one intercept per group plus shared coefficients (the dummy-coded
  within-group estimator), solved by eliminating the group intercepts (Frisch-Waugh), so the
  J x J dummy block never exists.
Both centre the non-intercept columns within group before forming cross-products, so x in the
thousands does not square its condition number. A group is estimable when it has enough rows
and its columns are linearly independent; independence is judged on the centred columns: a
column whose within-group spread vanishes against its size, or a correlation matrix whose
smallest eigenvalue is below EIG_TOL (a singular-value ratio of ~3e-7, R's lm uses 1e-7).
IRLS (estimator/glm.py) calls the same solves with its working weights.
"""
from __future__ import annotations

import numpy as np

EIG_TOL = 1e-13          # smallest eigenvalue of the columns' correlation matrix
SPREAD_TOL = 1e-20       # centred over raw sum of squares: the column is constant in the group


def _sums(group, values, n_units):
    return np.bincount(group, values, n_units)


def _cross(group, n_units, A, B, weight):
    """(U, a, b) per-unit sums of weight * A[:, i] * B[:, k] (one bincount per entry)."""
    out = np.empty((n_units, A.shape[1], B.shape[1]))
    symmetric = A is B
    for i in range(A.shape[1]):
        wa = weight * A[:, i]
        for k in range(i if symmetric else 0, B.shape[1]):
            out[:, i, k] = _sums(group, wa * B[:, k], n_units)
            if symmetric:
                out[:, k, i] = out[:, i, k]
    return out


def intercept_column(X: np.ndarray) -> int | None:
    """Index of the first all-ones column, or None."""
    for j in range(X.shape[1]):
        if np.all(X[:, j] == 1.0):
            return j
    return None


def _independent(centred_gram: np.ndarray, raw_ss: np.ndarray) -> np.ndarray:
    """(U,) True where the columns behind each (k, k) centred Gram matrix are independent."""
    if centred_gram.shape[-1] == 0:
        return np.ones(len(centred_gram), bool)
    diag = np.diagonal(centred_gram, axis1=1, axis2=2)
    spread = (diag > SPREAD_TOL * raw_ss) & (diag > 0)
    scale = np.sqrt(np.where(spread, diag, 1.0))
    corr = centred_gram / (scale[:, :, None] * scale[:, None, :])
    corr[~np.isfinite(corr)] = 0.0
    smallest = np.linalg.eigvalsh(corr)[:, 0]
    return spread.all(axis=1) & (smallest > EIG_TOL)


def _inv_blocks(A: np.ndarray):
    """Batched inverse; (inverse, ok) with ok False (NaN block) where A_u is singular."""
    diag = np.diagonal(A, axis1=1, axis2=2)
    ok = np.all(np.isfinite(A), axis=(1, 2)) & np.all(diag > 0, axis=1)
    if not ok.all():   # zero blocks (a one-row group, a constant column) would stop the batch
        A = np.where(ok[:, None, None], A, np.eye(A.shape[-1]))
    try:
        out = np.linalg.inv(A)
        out[~ok] = np.nan
        return out, ok
    except np.linalg.LinAlgError:
        out = np.full(A.shape, np.nan)
        for u in np.flatnonzero(ok):
            try:
                out[u] = np.linalg.inv(A[u])
            except np.linalg.LinAlgError:
                ok[u] = False
        return out, ok


def _group_means(group, n_units, weight, total, M):
    """(U, k) weighted per-group column means of M (n, k)."""
    if M.shape[1] == 0:
        return np.zeros((n_units, 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([_sums(group, weight * M[:, i], n_units) / total for i in range(M.shape[1])], 1)


def _centre(group, n_units, weight, M, refine=True):
    """M minus its weighted group means, with a second pass for the rounding of the first
    (`refine`; IRLS, which re-solves every step, skips it); the means returned are the total
    ones (first + correction)."""
    total = _sums(group, weight, n_units)
    means = _group_means(group, n_units, weight, total, M)
    centred = M - means[group]
    if not refine:
        return centred, means, total
    correction = _group_means(group, n_units, weight, total, centred)
    return centred - correction[group], means + correction, total


def _raw_ss(group, n_units, M):
    if M.shape[1] == 0:
        return np.zeros((n_units, 0))
    return np.stack([_sums(group, M[:, i] ** 2, n_units) for i in range(M.shape[1])], 1)


class SeparateFits:
    """Weighted least squares of z on X separately in each group: coefficients (J, p).
    With one group (group all 0) it is the ordinary single fit."""

    def __init__(self, X: np.ndarray, group: np.ndarray, n_groups: int, intercept="find"):
        self.X, self.group, self.n_units = X, np.asarray(group), n_groups
        self.unit_of_row = self.group
        self.p = X.shape[1]
        self.sizes = np.bincount(self.group, minlength=n_groups)
        self.c = intercept_column(X) if intercept == "find" else intercept
        self.others = [j for j in range(self.p) if j != self.c]
        self.order = ([] if self.c is None else [self.c]) + self.others
        self.unorder = np.argsort(self.order)

    def subset(self, rows: np.ndarray) -> "SeparateFits":
        """The same fits on some rows (IRLS drops the groups that have converged); `rows`
        must hold all or none of each group's rows."""
        return SeparateFits(self.X[rows], self.group[rows], self.n_units, intercept=self.c)

    def independent(self) -> np.ndarray:
        """(U,) the group's columns have full rank (the row-count rule is the caller's)."""
        ones = np.ones(len(self.X))
        S = self.X[:, self.others]
        if self.c is not None:
            S, _, _ = _centre(self.group, self.n_units, ones, S)
        gram = _cross(self.group, self.n_units, S, S, ones)
        raw = _raw_ss(self.group, self.n_units, self.X[:, self.others])
        return _independent(gram, raw) & (self.sizes > 0)

    def solve(self, weight: np.ndarray, z: np.ndarray, refine: bool = True):
        """(beta (U, p), inverse weighted Gram (X'WX)^-1 (U, p, p), ok (U,)), all groups at once."""
        J, g, k = self.n_units, self.group, len(self.others)
        S = self.X[:, self.others]
        if self.c is not None:
            S, means, total = _centre(g, J, weight, S, refine)
            zc, zbar, _ = _centre(g, J, weight, z[:, None], refine)
        else:
            zc = z[:, None]
        gram = _cross(g, J, S, S, weight)
        rhs = _cross(g, J, S, zc, weight)[..., 0]
        inv_s, ok = _inv_blocks(gram) if k else (np.zeros((J, 0, 0)), np.ones(J, bool))
        slopes = np.einsum("jab,jb->ja", inv_s, rhs)
        if self.c is None:
            beta, inv = slopes, inv_s
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                intercept = zbar[:, 0] - np.einsum("ja,ja->j", means, slopes)
                cross = -np.einsum("jab,jb->ja", inv_s, means)
                corner = 1.0 / total + np.einsum("ja,jab,jb->j", means, inv_s, means)
            beta = np.column_stack([intercept, slopes])
            inv = np.empty((J, k + 1, k + 1))
            inv[:, 0, 0], inv[:, 0, 1:], inv[:, 1:, 0], inv[:, 1:, 1:] = corner, cross, cross, inv_s
        beta, inv = beta[:, self.unorder], inv[:, self.unorder][:, :, self.unorder]
        ok &= np.all(np.isfinite(beta), axis=1)
        return beta, inv, ok

    def eta(self, beta: np.ndarray) -> np.ndarray:
        return np.einsum("ip,ip->i", self.X, beta[self.group])


class GroupIntercepts:
    """One intercept per group plus shared coefficients on S (n, k): y ~ 0 + group + S.
    Coefficients as one vector [J intercepts, k shared]; a single unit (unit_of_row all 0)."""

    def __init__(self, S: np.ndarray, group: np.ndarray, n_groups: int):
        self.S, self.group, self.J = S, np.asarray(group), n_groups
        self.n_units = 1
        self.unit_of_row = np.zeros(len(S), int)
        self.p = n_groups + S.shape[1]
        self.sizes = np.array([len(S)])

    def subset(self, rows: np.ndarray) -> "GroupIntercepts":
        return self   # one unit: it iterates on all rows until it stops

    def independent(self) -> np.ndarray:
        """(1,) every group has rows and the within-group-centred S has full rank."""
        ones = np.ones(len(self.S))
        centred, _, _ = _centre(self.group, self.J, ones, self.S)
        zeros = np.zeros(len(self.S), int)
        gram = _cross(zeros, 1, centred, centred, ones)
        raw = _raw_ss(zeros, 1, self.S)
        filled = np.all(np.bincount(self.group, minlength=self.J) > 0)
        return _independent(gram, raw) & filled

    def solve(self, weight: np.ndarray, z: np.ndarray, refine: bool = True):
        """Within estimator: shared coefficients from group-centred S and z, then each group's
        intercept from its means. (beta (1, J + k), None, ok (1,))."""
        g, J = self.group, self.J
        Sc, means, _ = _centre(g, J, weight, self.S, refine)
        zc, zbar, _ = _centre(g, J, weight, z[:, None], refine)
        zeros = np.zeros(len(z), int)
        gram = _cross(zeros, 1, Sc, Sc, weight)
        rhs = _cross(zeros, 1, Sc, zc, weight)[..., 0]
        inv_s, ok = _inv_blocks(gram) if Sc.shape[1] else (np.zeros((1, 0, 0)), np.ones(1, bool))
        shared = inv_s[0] @ rhs[0]
        intercepts = zbar[:, 0] - means @ shared
        beta = np.concatenate([intercepts, shared])[None, :]
        ok &= np.all(np.isfinite(beta), axis=1)
        return beta, None, ok

    def eta(self, beta: np.ndarray) -> np.ndarray:
        coefs = beta[0]
        return coefs[:self.J][self.group] + self.S @ coefs[self.J:]
