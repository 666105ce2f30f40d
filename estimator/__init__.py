"""The project's own mixed-model estimator (numpy/scipy only; never imports manim or click).

Public API: `fit` (formula + table -> FitResult), `simulate` (Scenario -> data), `Scenario`,
`read_csv`/`write_csv`, the families in `estimator.families`, and `InputError`.
"""
from estimator.errors import InputError

__all__ = ["InputError"]
