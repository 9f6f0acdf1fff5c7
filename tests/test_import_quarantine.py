"""--quarantine keeps the good rows and writes the others with their reasons; a failed import changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from kpilib.exceptions import DataError
from kpilib.importing import _store, api, import_workshop

CORPUS = Path(__file__).parent / "fixtures" / "exports"

QUARANTINED = """\
id;klant;start;wachtrij;richting;antwoord;einde;code;_row;reason
C2;K2;2026/31/12 09:01;Noord;IN;05-01-2026 09:01:30;05-01-2026 09:04:00;XFER;3;"`start`: expected a date like \
31-12-2026 14:05:00; `code`: expected one of the codes in the `map` of `outcome` ('OK', 'DOORV')"
C2;K3;05-01-2026 09:02:00;;IN;05-01-2026 09:02:05;05-01-2026 09:02:50;OK;4;"`wachtrij`: expected a value \
(`team` is required); `id`: repeats the id of row 3"
C4;K4;05-01-2026 09:03:00;Zuid;UIT;05-01-2026 09:03:30;05-01-2026 09:03:10;HANG;5;"`code`: expected one of the \
codes in the `map` of `outcome` ('OK', 'DOORV'); `ended_at`: expected `ended_at` at or after `answered_at`"
C5;K5;29-03-2026 02:15:00;Zuid;IN;29-03-2026 03:20:00;29-03-2026 03:25:00;OK;6;`start`: expected a time that \
exists in Europe/Amsterdam
"""


@pytest.fixture
def many_problems(tmp_path: Path) -> Path:
    """The corpus file with six row problems, without its unmapped column (which no quarantine can fix)."""
    folder = Path(shutil.copytree(CORPUS / "many_problems", tmp_path / "ws"))
    yaml = folder / "workshop.yaml"
    yaml.write_text(yaml.read_text().replace("      reason: reden\n", ""))
    return folder


def contact_ids(folder: Path) -> list[str]:
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    ids = [r[0] for r in con.execute("SELECT contact_id FROM contacts").fetchall()]
    con.close()
    return ids


def test_quarantine_imports_the_good_rows_and_writes_the_others(many_problems: Path) -> None:
    report = import_workshop(many_problems, quarantine=True)
    assert contact_ids(many_problems) == ["C1"]          # rows 3 to 6 each have a problem
    assert (many_problems / "quarantine" / "contacts.csv").read_text() == QUARANTINED
    assert report.quarantined == {"contacts": 4}
    assert report.tables == {"contacts": 1, "events": 0}
    assert len(report.problems) == 6
    assert "4 rows with problems were quarantined, with their reasons, in:" in report.to_text()


def test_quarantine_cannot_fix_a_missing_column(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(CORPUS / "many_problems", tmp_path / "ws"))
    with pytest.raises(DataError, match=r"^7 problems in the exports of .* \(1 of them concern a whole file or "
                                        r"column and cannot be quarantined; nothing was imported\):"):
        import_workshop(folder, quarantine=True)
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.csv", "workshop.yaml"]


def test_malformed_lines_are_quarantined_too(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(CORPUS / "malformed_line", tmp_path / "ws"))
    import_workshop(folder, quarantine=True)
    assert contact_ids(folder) == ["C1", "C3"]
    assert (folder / "quarantine" / "contacts.csv").read_text() == (
        "id;klant;start;wachtrij;richting;antwoord;einde;code;_row;reason\n"
        ";;;;;;;;3;line not read: 9 values, expected 8\n")


def test_a_later_clean_import_removes_the_old_quarantine_file(many_problems: Path) -> None:
    import_workshop(many_problems, quarantine=True)
    (many_problems / "contacts.csv").write_text(
        "id;klant;start;wachtrij;richting;antwoord;einde;code\n"
        "C1;K1;05-01-2026 09:00:00;Noord;IN;05-01-2026 09:00:20;05-01-2026 09:03:00;OK\n")
    report = import_workshop(many_problems, quarantine=True)
    assert report.quarantined == {}
    assert not (many_problems / "quarantine" / "contacts.csv").exists()


def test_a_failed_import_leaves_the_store_as_it_was(many_problems: Path) -> None:
    import_workshop(many_problems, quarantine=True)
    store = many_problems / "store.duckdb"
    before = store.read_bytes()
    with pytest.raises(DataError, match=r"^6 problems in the exports of .* \(nothing was imported\):"):
        import_workshop(many_problems)                   # the same rows, now without --quarantine
    assert store.read_bytes() == before
    assert sorted(p.name for p in many_problems.iterdir()) == [
        ".kpi-key", "contacts.csv", "quarantine", "store.duckdb", "workshop.yaml"]   # no .tmp, no scratch


def test_a_failure_while_writing_leaves_the_store_as_it_was(many_problems: Path, monkeypatch) -> None:
    import_workshop(many_problems, quarantine=True)
    store = many_problems / "store.duckdb"
    before = store.read_bytes()
    write = _store.write_store

    def write_then_fail(*args, **kwargs):
        write(*args, **kwargs)                           # the new store is complete in store.duckdb.tmp ...
        raise OSError("disk full")                       # ... when something goes wrong before the move

    monkeypatch.setattr(api._store, "write_store", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        import_workshop(many_problems, quarantine=True)
    assert store.read_bytes() == before
    assert not (many_problems / "store.duckdb.tmp").exists()
