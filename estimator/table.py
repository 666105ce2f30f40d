"""Read and write data tables as CSV with the standard library (no pandas needed).

A table is a dict of column name -> list of strings (as read) or numbers (as simulated); the
design step decides which columns must be numeric, so the error can name the column.
"""
from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping, Sequence

from estimator.errors import InputError

Table = dict[str, list]


def read_csv(path: str | os.PathLike) -> Table:
    """Read a CSV with a header row; every cell stays a string until the design step."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(f"data file '{path}' does not exist: check the path")
    if os.path.isdir(path):
        raise InputError(f"'{path}' is a folder, not a CSV file: give the path of the CSV file")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise InputError(f"'{path}' is not a UTF-8 text CSV file: export it as CSV (UTF-8)") from None
    except OSError as exc:
        raise InputError(f"cannot read '{path}': {exc.strerror}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(f"'{path}' is empty: it needs a header row and data rows")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header) or any(not name for name in header):
        raise InputError(f"'{path}' has empty or repeated column names in its header: name every "
                         "column once")
    table: Table = {name: [] for name in header}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"'{path}' line {line} has {len(row)} cells but the header has "
                             f"{len(header)}: fix that row")
        for name, cell in zip(header, row):
            table[name].append(cell.strip())
    if not rows[1:]:
        raise InputError(f"'{path}' has a header but no data rows: add the data")
    return table


def write_csv(table: Mapping[str, Sequence], path: str | os.PathLike) -> None:
    """Write atomically (temp file, then rename) so a failed run never leaves half a file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    names = list(table)
    n = len(table[names[0]]) if names else 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            for i in range(n):
                writer.writerow([_cell(table[name][i]) for name in names])
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _cell(value) -> str:
    if isinstance(value, float):
        return repr(round(value, 12))
    return str(value)
