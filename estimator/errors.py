"""Errors the user can fix; the CLI turns them into one-line messages with exit status 2."""


class InputError(ValueError):
    """Bad input: the message names the problem and the fix, on one line."""
