"""The one place where errors become exit codes: one line on stderr, exit status 2, no traceback."""
from __future__ import annotations

import click

from estimator.errors import InputError


class UserError(click.ClickException):
    """A problem the user can fix; click prints 'Error: <message>' and exits with status 2."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class ExplainerGroup(click.Group):
    """Translates InputError (and the OS errors a user can fix) from any command into UserError."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UserError(str(exc)) from None
        except PermissionError as exc:
            raise UserError(f"permission denied for '{exc.filename}': choose a writable location") from None
        except IsADirectoryError as exc:
            raise UserError(f"'{exc.filename}' is a folder: give a file path") from None
