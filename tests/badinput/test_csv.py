"""Bad CSV files: each gives one line naming the problem and the fix, through read_csv and through
`glmm-explainer fit` (exit 2, nothing on stdout); the files spreadsheets write are read."""
import codecs

import pytest

from estimator.errors import InputError
from estimator.fit import fit
from estimator.table import read_csv
from tests.badinput.conftest import assert_user_error, run

FORMULA = "y ~ x + (1 | g)"


def write(tmp_path, data, name="d.csv"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def csv_text(rows, sep=",", header="g,x,y"):
    return "\n".join([header.replace(",", sep)] + [r.replace(",", sep) for r in rows]) + "\n"


BAD_FILES = [
    # (id, content, fragment of the message)
    ("empty", b"", "is empty"),
    ("blank-lines-only", b"\n \n\n", "is empty"),
    ("header-only", b"g,x,y\n", "has a header but no data rows"),
    ("duplicated-header", b"g,x,x,y\na,1,2,3\n", "repeated column names in its header ('x')"),
    ("unnamed-column", b"g,,y\na,1,2\n", "column 2 of 3 has no name"),
    ("short-row", b"g,x,y\na,1\n", "line 2 has 2 cells but the header has 3"),
    ("mixed-separators", b"g,x,y\na;1;2\n", "this row contains ';'"),
    ("latin-1", "g,x,y\na,1,2\ncaf\xe9,3,4\n".encode("latin-1"), "line 3, byte 4 is 0xe9"),
    ("nul-bytes", b"g,x,y\x00\n", "NUL byte"),
    ("unclosed-quote", b'g,x,y\n"a,1,2\nb,3,4\n', "line 2 opens a quote that is never closed"),
    ("text-after-quote", b'g,x,y\n"a"b,1,2\n', "line 2 has text right after a closing quote"),
    ("million-char-cell", b"g,x,y\n" + b"a" * 1_000_000 + b",1,2\n", "cell longer than"),
    ("million-char-line", b"g,x,y\n" + b",".join([b"1"] * 500_000) + b"\n", "has 500000 cells"),
]


@pytest.mark.parametrize("content, fragment", [case[1:] for case in BAD_FILES],
                         ids=[case[0] for case in BAD_FILES])
def test_bad_csv_is_one_line_through_fit_cli(tmp_path, content, fragment):
    path = write(tmp_path, content)
    with pytest.raises(InputError) as info:
        read_csv(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)
    assert_user_error(run("fit", path, "--formula", FORMULA), fragment)


def test_missing_file_and_folder(tmp_path):
    assert_user_error(run("fit", tmp_path / "nope.csv", "--formula", FORMULA), "does not exist")
    with pytest.raises(InputError, match="is a folder"):
        read_csv(tmp_path)


def test_unreadable_file(tmp_path, good_rows):
    import os
    path = write(tmp_path, csv_text(good_rows))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # root reads anything: nothing to test
            pytest.skip("running as root")
        with pytest.raises(InputError, match="cannot read"):
            read_csv(path)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("encode", [
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),          # Excel's 'CSV UTF-8'
    lambda text: text.encode("utf-16"),                             # Excel's 'Unicode text' (BOM)
    lambda text: text.replace("\n", "\r\n").encode("utf-8"),        # Windows line ends
    lambda text: text.replace("\n", "\r").encode("utf-8"),          # old Mac line ends
], ids=["bom", "utf16", "crlf", "cr"])
def test_spreadsheet_encodings_are_read(tmp_path, good_rows, encode):
    path = write(tmp_path, encode(csv_text(good_rows)))
    table = read_csv(path)
    assert list(table) == ["g", "x", "y"] and len(table["y"]) == 20
    assert fit(FORMULA, table).n_obs == 20


@pytest.mark.parametrize("sep", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolon_and_tab_separated_files_are_read(tmp_path, good_rows, sep):
    """Both separators are read (the header decides); decimal commas in such files too."""
    plain = write(tmp_path, csv_text(good_rows), "plain.csv")
    other = write(tmp_path, csv_text([r.replace(".", "#") for r in good_rows], sep=sep)
                  .replace("#", ","), "other.csv")
    assert read_csv(other) == read_csv(plain)
    result = run("fit", other, "--formula", FORMULA, "--json")
    assert result.exit_code == 0, result.output
    assert run("fit", plain, "--formula", FORMULA, "--json").stdout.split('"fit_seconds"')[0] == \
        result.stdout.split('"fit_seconds"')[0]


def test_semicolon_file_of_the_issue_fits(tmp_path):
    """The issue's file: 'school;hours;score' used to fail with "column 'score' is not in the data"."""
    rows = [f"S{j};{h};{50 + 2 * h + 3 * j + (h * j) % 4}" for j in range(5) for h in range(1, 7)]
    path = write(tmp_path, "school;hours;score\n" + "\n".join(rows) + "\n")
    result = run("fit", path, "--formula", "score ~ hours + (1 | school)", "--json")
    assert result.exit_code == 0, result.output
    assert '"n_groups": 5' in result.stdout


def test_text_column_with_commas_in_a_semicolon_file_stays_text(tmp_path):
    path = write(tmp_path, "g;x;y;note\na;1;2;1,5 kg\nb;2;3;ok\n")
    assert read_csv(path)["note"] == ["1,5 kg", "ok"]
    path = write(tmp_path, "g;x;y\na;1;2,5\nb;2;3\nc;x,y;4\n", "mixed.csv")
    assert read_csv(path)["x"] == ["1", "2", "x,y"]  # not a number column: left for the design step


def test_quoted_fields(tmp_path):
    path = write(tmp_path, 'g,"x",y,"note, with comma"\n"a ""b""",1,2,"two\nlines"\nc,3,4,x\n')
    table = read_csv(path)
    assert table["g"] == ['a "b"', "c"] and table["note, with comma"] == ["two\nlines", "x"]


def test_line_numbers_count_multiline_cells(tmp_path):
    path = write(tmp_path, 'g,x,y\n"a\nb",1,2\nc,3\n')
    with pytest.raises(InputError, match="line 4 has 2 cells"):
        read_csv(path)


def test_trailing_empty_columns_are_dropped(tmp_path, good_rows):
    path = write(tmp_path, csv_text([r + ",," for r in good_rows], header="g,x,y,,"))
    assert list(read_csv(path)) == ["g", "x", "y"]


def test_bom_with_non_utf8_byte_points_at_the_right_place(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b"g,x,y\na,1,\xff\n")
    with pytest.raises(InputError, match="line 2, byte 5 is 0xff"):
        read_csv(path)
