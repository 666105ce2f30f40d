"""Read and write data tables as CSV with the standard library (no pandas needed).

A table is a dict of column name -> list of strings (as read) or numbers (as simulated); the
design step decides which columns must be numeric, so the error can name the column.

The reader is meant for files a lecturer exported from a spreadsheet, so it accepts what
spreadsheets write (a UTF-8 byte-order mark, UTF-16 "Unicode text", `;` or tab separators,
quoted cells) and turns everything else into one InputError line that names the problem, where it
is (line, byte) and the fix. Any other exception escaping `read_csv` is a bug (the fuzz tests in
tests/badinput/ check this).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Mapping, Sequence

from estimator.errors import InputError

Table = dict[str, list]

SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tabs"}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_WHOLE = re.compile(r"^[+-]?\d+$")
MAX_CELL_CHARS = csv.field_size_limit()  # the csv module's own limit (131072): far above any real cell


def read_csv(path: str | os.PathLike) -> Table:
    """Read a CSV with a header row; every cell stays a string until the design step."""
    filename = os.fspath(path)
    path = _quoted(filename)  # messages name the file in quotes, on one line
    text = _decode(path, _read_bytes(filename, path))
    separator = _separator(text)
    rows = [(line, row) for line, row in _parse(path, text, separator)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(f"{path} is empty: it needs a header row and data rows")
    rows = _drop_trailing_empty_columns(rows)
    header = _header(path, rows[0][1])
    if len(rows) == 1:
        raise InputError(f"{path} has a header but no data rows: add the data")
    table: Table = {name: [] for name in header}
    for line, row in rows[1:]:
        if len(row) != len(header):
            hint = _separator_hint(separator, row)
            cells = f"{len(row)} cell" + "s" * (len(row) != 1)
            raise InputError(f"{path} line {line} has {cells} but the header has "
                             f"{len(header)}: fix that row{hint}")
        for name, cell in zip(header, row):
            table[name].append(cell.strip())
    if separator != ",":
        _read_decimal_commas(table)
    return table


def _quoted(text: str, limit: int | None = None) -> str:
    """Text from the user inside a message: quoted, one line (control characters escaped)."""
    shown = f"'{text}'" if text.isprintable() else repr(text)
    return shown if limit is None or len(shown) <= limit else shown[:limit - 3] + "..."


def _read_bytes(filename: str, path: str) -> bytes:
    if not filename:
        raise InputError("no data file given: give the path of a CSV file")
    if not os.path.exists(filename):
        raise InputError(f"data file {path} does not exist: check the path")
    if os.path.isdir(filename):
        raise InputError(f"{path} is a folder, not a CSV file: give the path of the CSV file")
    try:
        with open(filename, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}: check its permissions") from None


def _decode(path: str, data: bytes) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else is named by line and byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path} starts like UTF-16 text but is not valid UTF-16: export it "
                             "as 'CSV UTF-8 (comma delimited)'") from None
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data.count(b"\n", 0, at) + 1
        raise InputError(f"{path} line {line} contains a NUL byte (byte {at + 1}): this is not a "
                         "text CSV file; export the data as 'CSV UTF-8'")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise InputError(f"{path} is not UTF-8 text: line {line}, byte {column} is "
                         f"0x{data[offset]:02x} (Latin-1 or Windows-1252?): save it as 'CSV UTF-8' "
                         "(or run iconv -f latin1 -t utf-8)") from None


def _separator(text: str) -> str:
    """The separator of the header line: ',' unless the header has none and ';' or tab splits it.

    Spreadsheets in many locales save 'CSV' with ';' (and Excel's 'Unicode text' with tabs); the
    header decides, since a column name never contains the separator outside quotes.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    outside_quotes = re.sub(r'"[^"]*"', "", first)
    if "," in outside_quotes:
        return ","
    counts = {sep: outside_quotes.count(sep) for sep in (";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _parse(path: str, text: str, separator: str) -> list[tuple[int, list[str]]]:
    """(first line number, cells) per record; a quoted cell may span lines, as in any CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(_csv_problem(path, exc, start, reader.line_num)) from None
    return rows


def _csv_problem(path: str, exc: csv.Error, start: int, end: int) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return (f"{path} line {start} has a cell longer than {MAX_CELL_CHARS} characters: this "
                "does not look like a data table; check the file (or an unclosed quote before it)")
    if "unexpected end of data" in message:
        return (f"{path} line {start} opens a quote that is never closed: close the quote (a quote "
                "inside a quoted cell is written twice, \"\")")
    if "expected after" in message:
        return (f"{path} line {end} has text right after a closing quote: a quoted cell must end at "
                "the separator (write a quote inside quotes twice, \"\")")
    return (f"{path} line {end} is not valid CSV ({message.replace(chr(39), '')}): quote a cell "
            "that holds the separator and write a quote inside quotes twice")


def _header(path: str, cells: list[str]) -> list[str]:
    header = [name.strip() for name in cells]
    empty = [k + 1 for k, name in enumerate(header) if not name]
    if empty:
        raise InputError(f"{path} header: column {empty[0]} of {len(header)} has no name: name "
                         "every column (or delete the empty column)")
    seen, repeated = set(), []
    for name in header:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    if repeated:
        names = ", ".join(_quoted(name, limit=40) for name in repeated)
        raise InputError(f"{path} has repeated column names in its header ({names}): give every "
                         "column a different name")
    return header


def _separator_hint(separator: str, row: list[str]) -> str:
    """When a data row holds another separator, say so: the usual cause of a cell-count mismatch."""
    joined = "".join(row)
    others = [sep for sep in SEPARATORS if sep != separator and sep in joined]
    if not others:
        return ""
    return (f" (the header is separated by {_SEPARATOR_NAMES[separator]} but this row contains "
            f"{_SEPARATOR_NAMES[others[0]]}: use one separator throughout)")


def _read_decimal_commas(table: Table) -> None:
    """A ';'- or tab-separated file from a spreadsheet writes 3,5 for 3.5. A column whose every
    cell is a number in that form (or a whole number) is read with decimal points; anything else
    is left alone, so the design step can still name a text cell."""
    for name, cells in table.items():
        if any(_DECIMAL_COMMA.match(cell) for cell in cells) and all(
                _DECIMAL_COMMA.match(cell) or _WHOLE.match(cell) or not cell for cell in cells):
            table[name] = [cell.replace(",", ".") for cell in cells]


def _drop_trailing_empty_columns(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Spreadsheets sometimes export formatted but empty columns as trailing separators
    ("g,x,y,,"): drop trailing columns with no name and no value in any row."""
    header = rows[0][1]
    keep = len(header)
    while keep > 0 and not header[keep - 1].strip() and all(
            len(row) < keep or not row[keep - 1].strip() for _, row in rows):
        keep -= 1
    if keep == len(header) or keep == 0:
        return rows
    return [(line, row[:keep] if len(row) >= keep and not any(c.strip() for c in row[keep:]) else row)
            for line, row in rows]


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
        return repr(float(round(value, 12)))  # float(): numpy 2 reprs its scalars as np.float64(...)
    return str(value)
