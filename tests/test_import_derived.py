"""Derived tables: `cases` built from the status log (`sources: cases: {from: events}`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import kpilib
from kpilib.exceptions import DataError, WorkshopError
from kpilib.importing import check_workshop, import_workshop

FIXTURE = Path(__file__).parent / "fixtures" / "status_log_only"


def local_cases(folder: Path) -> list[tuple]:
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Europe/Amsterdam'")
    rows = con.execute("SELECT case_id, category, strftime(opened_at, '%d %H:%M'), strftime(resolved_at, '%d %H:%M'), "
                       "strftime(closed_at, '%d %H:%M'), team_opened FROM cases ORDER BY case_id").fetchall()
    con.close()
    return rows


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_a_status_log_only_workshop_imports_cases_derived_from_its_events(workshop: Path) -> None:
    report = import_workshop(workshop)
    assert report.tables == {"events": 14, "cases": 5}
    assert local_cases(workshop) == [
        # T1: Nieuw 1 June 09:00 (L1), Opgelost 2 June 14:00, Gesloten 3 June 09:00 (the last event, done)
        ("T1", "fault", "01 09:00", "02 14:00", "03 09:00", "first_line"),
        # T2: Nieuw, Toegewezen: never done, so neither resolved nor closed
        ("T2", "billing", "01 11:00", None, None, "first_line"),
        # T3: resolved at the first done status (Opgelost 2 June 09:00), reopened at 16:00 and
        # Opgelost again on 4 June 10:00: the last event is done, so closed then
        ("T3", "complaint", "02 08:15", "02 09:00", "04 10:00", "first_line"),
        # T4: its first event has no Categorie: the category is that of the first event, empty
        ("T4", None, "03 12:00", None, None, "second_line"),
        # T5: the export lists Gesloten (10:00) before Nieuw (09:00); the events are taken in time order
        ("T5", "billing", "05 09:00", "05 10:00", "05 10:00", "first_line"),
    ]
    store = kpilib.open_store(workshop)
    assert store.meta()["derived:cases"] == "events"
    # customer_id from the export's Klantnummer is pseudonymised like a mapped one: T2 and T5 are both K2
    ids = dict(store.con.raw_sql("SELECT case_id, customer_id FROM cases").fetchall())
    assert ids["T2"] == ids["T5"] and ids["T2"].startswith("c-") and ids["T1"] != ids["T2"]


def test_done_in_the_derivation_wins_over_lines_done(workshop: Path) -> None:
    text = (workshop / "workshop.yaml").read_text()
    (workshop / "workshop.yaml").write_text(text.replace("    from: events  ", "    done: [Gesloten]\n    from: events  "))
    import_workshop(workshop)
    rows = {r[0]: r[3:5] for r in local_cases(workshop)}
    # only Gesloten is done now: T1 resolved = closed = 3 June 09:00; T3 never reaches Gesloten
    assert rows["T1"] == ("03 09:00", "03 09:00")
    assert rows["T3"] == (None, None)


def test_a_code_without_a_map_entry_is_reported_on_the_rows_of_the_first_events(workshop: Path) -> None:
    text = (workshop / "workshop.yaml").read_text()
    (workshop / "workshop.yaml").write_text(text.replace("Klacht: complaint", "Klachten: complaint"))
    with pytest.raises(DataError, match=r"exports/statuslog.csv, column `Categorie`, row 7: expected one of the "
                                        r"codes in the `map` of `category` .*, found 'Klacht'\. Add the code"):
        import_workshop(workshop)
    assert not (workshop / "store.duckdb").exists()


def test_check_profiles_the_derived_table(workshop: Path) -> None:
    report = check_workshop(workshop)
    assert report.ok
    assert [p.table for p in report.profiles] == ["events", "cases"]


@pytest.mark.parametrize(("entry", "message"), [
    ("  cases:\n    from: contacts\n    columns: {opened_at: {min: arrived_at}}\n",
     r"`cases` is derived from `contacts`, which has no source"),
    ("  cases:\n    from: orders\n", r"expected the column of `orders` that identifies a row of `cases`"),
    ("  cases:\n    from: events\n    columns: {opened_at: {first: Tijdstip}}\n",
     r"`Tijdstip` is not a column of `events`: a column of its export can fill a text column"),
    ("  events:\n    from: contacts\n", r"`events` is a log of events, one row per event; it cannot be derived"),
])
def test_mistakes_in_a_derivation_name_their_line(tmp_path: Path, entry: str, message: str) -> None:
    (tmp_path / "workshop.yaml").write_text(
        "sources:\n  events:\n    file: e.csv\n    columns: {case_id: a, at: b, team: c}\n" + entry)
    with pytest.raises(WorkshopError, match=r"line \d+ .*" + message):
        import_workshop(tmp_path)


def test_without_done_statuses_cases_from_events_is_refused(tmp_path: Path) -> None:
    (tmp_path / "workshop.yaml").write_text(
        "sources:\n  events:\n    file: e.csv\n    columns: {case_id: a, at: b, team: c}\n  cases: {from: events}\n")
    with pytest.raises(WorkshopError, match=r"line 5 \(sources.cases\): `cases` from `events` needs the statuses "
                                            r"that mean the case is done"):
        import_workshop(tmp_path)
