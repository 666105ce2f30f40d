"""The project's own mixed-model estimator (numpy/scipy only; never imports manim or click).

Public API: `fit` (formula + table -> FitResult), `simulate` (Scenario -> data), `Scenario`,
`read_csv`/`write_csv`, the families in `estimator.families`, and `InputError`.
"""
import os

# The estimator's linear algebra is many small products and solves (q x q blocks, n x p columns):
# BLAS worker threads only add synchronisation, and on a busy 2-core machine they made `fit` 2-4x
# slower (benchmarks/estimator_speed.py). Effective when set before numpy's first import (the CLI
# imports this package first); a user's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from estimator.errors import InputError  # noqa: E402

__all__ = ["InputError"]
