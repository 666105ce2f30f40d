"""Helpers for the bad-input tests: run the CLI as a user types it and check the one-line error."""
import pytest
from click.testing import CliRunner

from scripts.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_user_error(result, fragment):
    """Exit 2, exactly one stderr line 'Error: ...' holding `fragment`, nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def good_rows():
    """A small valid data set (4 groups of 5) as CSV lines without the header."""
    rows = []
    for j in range(4):
        for i in range(5):
            rows.append(f"g{j},{i + 0.5 * j},{2 + i * 0.7 + j + (i * 7 % 3) * 0.3}")
    return rows
