"""The malformed exports in tests/fixtures/exports/: each gives its exact message, and nothing is written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kpilib.exceptions import DataError
from kpilib.importing import check_workshop, import_workshop

CORPUS = Path(__file__).parent / "fixtures" / "exports"

EXPECTED = {
    "missing_file": "contacts.csv: expected an export file, found no such file. Did you mean `contact.csv`? "
                    "Check `file:` in workshop.yaml; paths are relative to the workshop folder.",
    "missing_column": "contacts.csv, column `Wachtrij`: expected a column of that name (for `team`), found the "
                      "columns `id`, `klant`, `start`, `wachtrij`, `richting`, `antwoord`, `einde`, `code`. "
                      "Did you mean `wachtrij`? Names must match the header exactly, including case.",
    "wrong_delimiter": "contacts.csv: expected columns separated by ',', found a single column "
                       "`id;klant;start;wachtrij;richting;antwoord;einde;code`. Set `delimiter: \";\"` in the mapping.",
    "wrong_encoding": "contacts.csv, row 2: expected UTF-8 text, found byte 0xE9, which reads as 'é' in "
                      "Windows-1252. Set `encoding: cp1252` in the mapping.",
    "empty_file": "contacts.csv: expected a header line with the column names, found an empty file.",
    "malformed_line": "contacts.csv, row 3: expected 8 values per line, separated by ';', found 9 values in "
                      "'C2;K2;05-01-2026 09:01:00;Noord;IN;05-01-2026 09:01:30;05-01-2026 09:04:00;OK;extra'. "
                      "A value probably contains the separator and should be quoted in the export.",
    "bad_date": "contacts.csv, column `start`, row 3: expected a date like 31-12-2026 14:05:00, "
                "found '2026/31/12 09:01'. Set `date_format` in the mapping.",
    "dst_gap": "contacts.csv, column `start`, row 2: expected a time that exists in Europe/Amsterdam, found "
               "'29-03-2026 02:30:00 (skipped when summer time starts)'. Clocks jump an hour ahead that night; "
               "check that the export is in local time (`time_zone` in workshop.yaml).",
    "decimal_comma": "contacts.csv, column `wacht`, row 2: expected a duration in seconds, m:ss or h:mm:ss, "
                     "found '12,5'. Set `decimal: \",\"` in the mapping.",
    "duplicate_id": "contacts.csv, column `id`, row 5: expected each `contact_id` once, found 'C2' again "
                    "(first on row 3). Remove the repeated rows from the export, or check that the id column "
                    "is the right one.",
    "empty_required": "contacts.csv, column `wachtrij`, row 4: expected a value (`team` is required), found an "
                      "empty field. Fill it in the export, or leave these rows out with a `drop:` rule.",
    "impossible_order": "contacts.csv, column `ended_at`, row 2: expected `ended_at` at or after `answered_at`, "
                        "found ended_at 05-01-2026 09:00:10 and answered_at 05-01-2026 09:00:20. "
                        "Check the mapping of both columns.",
    "unknown_code": "contacts.csv, column `code`, row 3: expected one of the codes in the `map` of `outcome` "
                    "('OK', 'DOORV'), found 'XFER'. Add the code to the `map`, or set `other:` "
                    "(a value, `null` or `keep`).",
    "outside_allowed": "contacts.csv, column `richting`, rows 2, 3, 4: expected one of 'inbound', 'outbound' for "
                       "`direction`, found 'IN'. Translate the export's codes with a map: "
                       "{column: richting, map: {CODE: inbound, …}}.",
}

#: Cases with more than one problem: every message, in order.
EXPECTED_ALL = {
    "bad_durations": [
        "contacts.csv, column `wacht`, row 2: expected a duration of 0 or more, found '-0:00:05'. "
        "A negative duration points at a wrong column or a clock problem in the export.",
        "contacts.csv, column `wacht`, row 3: expected a duration of at most 24 hours, found '25:00:00'. "
        "Check `unit` (seconds, minutes or hours) in the mapping.",
    ],
    "bad_surveys": [
        "enquete.csv, column `tevreden`, row 3: expected a whole number from 1 to 5 for `csat`, found '6'. "
        "`csat` is on a 1–5 scale; translate other scales with a `map`.",
        "enquete.csv, column `aanbevelen`, row 4: expected a whole number, found '8,5'.",
        "enquete.csv, column `opgelost`, row 4: expected yes/no, ja/nee, j/n, true/false, waar/onwaar or 1/0, "
        "found 'misschien'. Translate other answers with a `map`.",
    ],
    "many_problems": [
        "contacts.csv, column `reden`: expected a column of that name (for `reason`), found the columns `id`, "
        "`klant`, `start`, `wachtrij`, `richting`, `antwoord`, `einde`, `code`. Names must match the header "
        "exactly, including case.",
        "contacts.csv, column `start`, row 3: expected a date like 31-12-2026 14:05:00, found '2026/31/12 09:01'. "
        "Set `date_format` in the mapping.",
        "contacts.csv, column `start`, row 6: expected a time that exists in Europe/Amsterdam, found "
        "'29-03-2026 02:15:00 (skipped when summer time starts)'. Clocks jump an hour ahead that night; check "
        "that the export is in local time (`time_zone` in workshop.yaml).",
        "contacts.csv, column `code`, rows 3, 5: expected one of the codes in the `map` of `outcome` "
        "('OK', 'DOORV'), found 'XFER'. Add the code to the `map`, or set `other:` (a value, `null` or `keep`).",
        "contacts.csv, column `wachtrij`, row 4: expected a value (`team` is required), found an empty field. "
        "Fill it in the export, or leave these rows out with a `drop:` rule.",
        "contacts.csv, column `ended_at`, row 5: expected `ended_at` at or after `answered_at`, found ended_at "
        "05-01-2026 09:03:10 and answered_at 05-01-2026 09:03:30. Check the mapping of both columns.",
        "contacts.csv, column `id`, row 4: expected each `contact_id` once, found 'C2' again (first on row 3). "
        "Remove the repeated rows from the export, or check that the id column is the right one.",
    ],
}


def copy_case(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPUS / name, tmp_path / name))


def test_every_case_of_the_corpus_is_pinned() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted([*EXPECTED, *EXPECTED_ALL])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_one_problem(case: str, tmp_path: Path) -> None:
    folder = copy_case(case, tmp_path)
    with pytest.raises(DataError, match=re.escape(EXPECTED[case])) as caught:
        import_workshop(folder)
    assert [p.message() for p in caught.value.problems] == [EXPECTED[case]]
    assert str(caught.value).startswith(f"1 problem in the exports of {folder} (nothing was imported):\n  - ")
    assert not (folder / "store.duckdb").exists()


@pytest.mark.parametrize("case", sorted(EXPECTED_ALL))
def test_all_problems_are_reported_at_once(case: str, tmp_path: Path) -> None:
    folder = copy_case(case, tmp_path)
    expected = EXPECTED_ALL[case]
    with pytest.raises(DataError, match=re.escape(expected[-1])) as caught:
        import_workshop(folder)
    assert [p.message() for p in caught.value.problems] == expected
    assert str(caught.value).startswith(f"{len(expected)} problems in the exports of {folder}")


def test_check_reports_the_same_problems_without_raising(tmp_path: Path) -> None:
    folder = copy_case("many_problems", tmp_path)
    report = check_workshop(folder)
    assert [p.message() for p in report.problems] == EXPECTED_ALL["many_problems"]
    assert not report.ok
    assert report.to_text().startswith(f"Checked {folder}: 7 problems:\n  - contacts.csv, column `reden`")
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.csv", "workshop.yaml"]   # nothing written
