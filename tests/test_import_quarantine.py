"""--quarantine keeps the good rows and writes the others with their reasons; a failed import changes nothing."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from kpilib.exceptions import DataError
from kpilib.importing import _csvread, _store, api, import_workshop

CORPUS = Path(__file__).parent / "fixtures" / "exports"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"

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



@pytest.mark.slow
def test_every_good_line_of_a_large_file_with_many_short_lines_is_imported(tmp_path: Path) -> None:
    """Past the reader's first block (8 MB), a file with many short lines once lost whole blocks of good rows.

    The sample's contacts export repeated to 80,000 data lines (9.5 MB, ids made unique); about one line in
    five, picked at random, loses its last three values. Every good line must be imported and every short
    one quarantined: good + short = 80,000, counted while the file is written; the good lines of test calls
    are left out by the sample's rule, and only they.
    """
    config = yaml.safe_load((SAMPLE / "workshop.yaml").read_text(encoding="utf-8"))
    contacts = config["sources"]["contacts"]
    folder = tmp_path / "ws"
    (folder / Path(contacts["file"]).parent).mkdir(parents=True)
    (folder / "workshop.yaml").write_text(yaml.safe_dump({"client": "Groot", "sources": {"contacts": contacts}}, sort_keys=False),
                                          encoding="utf-8")
    head, *body = (SAMPLE / contacts["file"]).read_text(encoding="cp1252").splitlines()
    rng, short_lines, test_calls = random.Random(17), [], 0
    with open(folder / contacts["file"], "w", encoding="cp1252", newline="\n") as f:
        f.write(head + "\n")
        for i in range(80_000):
            fields = body[i % len(body)].split(";")
            fields[0] = str(700_000_000 + i)
            if rng.random() < 0.2:
                fields = fields[:-3]
                short_lines.append(i + 2)
            else:
                test_calls += fields[-1] == "Test"
            f.write(";".join(fields) + "\n")
    assert (folder / contacts["file"]).stat().st_size > 9_000_000 and 15_000 < len(short_lines) < 17_000
    report = import_workshop(folder, quarantine=True)
    assert report.quarantined == {"contacts": len(short_lines)}
    assert test_calls > 0
    assert report.tables["contacts"] == len(contact_ids(folder)) == 80_000 - len(short_lines) - test_calls
    quarantined = (folder / "quarantine" / "contacts.csv").read_text(encoding="utf-8").splitlines()
    rows = [int(line.split(";")[-2]) for line in quarantined[1:]]
    assert rows == short_lines


def test_a_file_with_more_records_than_were_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    """Should the reader ever return fewer records than the file holds, the import stops rather than drop rows.

    The file has 3 records (one of them 9 values wide); the reader is made to lose the last good one, so
    Python's count (3) exceeds what was read (1 good + 1 rejected = 2).
    """
    folder = Path(shutil.copytree(CORPUS / "malformed_line", tmp_path / "ws"))
    (folder / "contacts.csv").write_text((folder / "contacts.csv").read_text() + "\n")   # blank line: recount
    real = _csvread._physical_lines
    monkeypatch.setattr(_csvread, "_physical_lines",
                        lambda path, delimiter, width, good, rejected: real(path, delimiter, width, good - 1, rejected))
    with pytest.raises(DataError, match=r"contacts.csv: expected all 3 records of the file read, found only 2 of them read\. Save the export again"):
        import_workshop(folder, quarantine=True)
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.csv", "workshop.yaml"]
