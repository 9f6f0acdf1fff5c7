"""Import of client-style exports into the store: CSV dialects, mappings, Excel, Parquet, pseudonyms."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from kpilib.exceptions import DataError, ParameterError
from kpilib.importing import import_workshop

TELEPHONY = (
    "Gesprek-ID;Klantnummer;Zaak;Datum;Starttijd;VRU_einde;Wachttijd;Gespreksduur;Richting;Wachtrij;"
    "Afhandeling;Gesprekstype;Medewerker\r\n"
    "G1;K1;Z1;05-01-2026;09:00:00;05-01-2026 09:00:30;0:00:15;180,5;IN;Zuid Café;AGENT;NORMAAL;A7\r\n"
    "G2;K2;;05-01-2026;09:01:00;05-01-2026 09:01:20;;40;IN;Noord;HANG;NORMAAL;\r\n"
    "G3;K1;Z1;05-01-2026;09:02:00;05-01-2026 09:02:10;0:01:10;300;UIT;€ Verkoop;DOORV;NORMAAL;A7\r\n"
    "G4;;;05-01-2026;09:03:00;05-01-2026 09:03:05;0:00:05;60;IN;Noord;AGENT;TEST;A8\r\n"
)
TELEPHONY_YAML = """
client: Glasvezel Noord BV
sources:
  contacts:
    file: exports/telefonie.csv
    delimiter: ";"
    decimal: ","
    encoding: cp1252
    drop:
      - {column: Gesprekstype, equals: TEST, reason: test call}
    columns:
      contact_id: Gesprek-ID
      customer_id: Klantnummer
      case_id: Zaak
      channel: {value: phone}
      direction: {column: Richting, map: {IN: inbound, UIT: outbound}}
      team: Wachtrij
      arrived_at: {date: Datum, time: Starttijd}
      queued_at: {column: VRU_einde}
      answered_at: {from: queued_at, plus: Wachttijd, when: {column: Afhandeling, in: [AGENT, DOORV]}}
      ended_at: {from: answered_at, plus: Gespreksduur}
      outcome: {column: Afhandeling, map: {AGENT: resolved, DOORV: transferred, HANG: null}}
      agent_id: Medewerker
"""


def workshop(folder: Path, yaml: str, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "workshop.yaml").write_text(yaml)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def query(folder: Path, sql: str) -> list[tuple]:
    """Run ``sql`` on the store; TIMESTAMPTZ values read as text in Amsterdam time."""
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    try:
        con.execute("SET TimeZone = 'Europe/Amsterdam'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pseudonym(folder: Path, column: str, value: str) -> str:
    key = (folder / ".kpi-key").read_text().strip()
    prefix = {"customer_id": "c-", "agent_id": "a-"}[column]
    return prefix + hashlib.sha256(f"{key}:{column}:{value}".encode()).hexdigest()[:16]


@pytest.fixture
def telephony(tmp_path: Path) -> Path:
    return workshop(tmp_path / "ws", TELEPHONY_YAML, {"exports/telefonie.csv": TELEPHONY.encode("cp1252")})


def test_dutch_telephony_export(telephony: Path) -> None:
    report = import_workshop(telephony)
    rows = query(telephony, """
        SELECT contact_id, channel, direction, team, arrived_at::VARCHAR, queued_at::VARCHAR,
               answered_at::VARCHAR, ended_at::VARCHAR, outcome
        FROM contacts ORDER BY contact_id""")
    assert rows == [
        # answered = VRU_einde 09:00:30 + 0:00:15; ended = answered + 180,5 s = 09:03:45.5
        ("G1", "phone", "inbound", "Zuid Café", "2026-01-05 09:00:00+01", "2026-01-05 09:00:30+01",
         "2026-01-05 09:00:45+01", "2026-01-05 09:03:45.5+01", "resolved"),
        # HANG: the `when` of answered_at fails, so answered_at and ended_at (answered + 40 s) are empty
        ("G2", "phone", "inbound", "Noord", "2026-01-05 09:01:00+01", "2026-01-05 09:01:20+01",
         None, None, None),
        # answered = 09:02:10 + 0:01:10 = 09:03:20; ended = 09:03:20 + 300 s = 09:08:20
        ("G3", "phone", "outbound", "€ Verkoop", "2026-01-05 09:02:00+01", "2026-01-05 09:02:10+01",
         "2026-01-05 09:03:20+01", "2026-01-05 09:08:20+01", "transferred"),
    ]
    assert report.tables == {"contacts": 3, "events": 2}  # G4 is a test call; G1 and G3 have a case
    assert report.sources[0].dropped == (("test call", 1),)
    assert "4 rows read; 1 left out (test call: 1)" in report.to_text()


def test_types_in_the_store_follow_the_schema(telephony: Path) -> None:
    import_workshop(telephony)
    types = query(telephony, "SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'events' ORDER BY ordinal_position")
    assert types == [("case_id", "VARCHAR"), ("at", "TIMESTAMP WITH TIME ZONE"), ("team", "VARCHAR"),
                     ("activity", "VARCHAR"), ("agent_id", "VARCHAR"), ("seq", "BIGINT")]


def test_events_are_derived_from_contacts(telephony: Path) -> None:
    import_workshop(telephony)
    a7 = pseudonym(telephony, "agent_id", "A7")
    assert query(telephony, 'SELECT case_id, "at"::VARCHAR, team, activity, agent_id, seq FROM events') == [
        ("Z1", "2026-01-05 09:00:00+01", "Zuid Café", "phone", a7, 1),   # G1
        ("Z1", "2026-01-05 09:02:00+01", "€ Verkoop", "phone", a7, 2),   # G3; G2 has no case
    ]
    assert ("events_derived", "true") in query(telephony, "SELECT * FROM _meta")


def test_ids_are_pseudonymised_with_the_workshop_key(telephony: Path) -> None:
    import_workshop(telephony)
    assert (telephony / ".kpi-key").stat().st_mode & 0o777 == 0o600
    rows = query(telephony, "SELECT contact_id, customer_id, agent_id FROM contacts ORDER BY contact_id")
    k1, a7 = pseudonym(telephony, "customer_id", "K1"), pseudonym(telephony, "agent_id", "A7")
    assert rows == [("G1", k1, a7), ("G2", pseudonym(telephony, "customer_id", "K2"), None), ("G3", k1, a7)]
    # a second import keeps the key, so every pseudonym stays the same
    import_workshop(telephony)
    assert query(telephony, "SELECT customer_id FROM contacts WHERE contact_id = 'G1'") == [(k1,)]


def test_no_pseudonyms_when_the_workshop_says_so(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", TELEPHONY_YAML.replace("client:", "pseudonymise: false\nclient:"),
                      {"exports/telefonie.csv": TELEPHONY.encode("cp1252")})
    report = import_workshop(folder)
    assert query(folder, "SELECT customer_id, agent_id FROM contacts WHERE contact_id = 'G1'") == [("K1", "A7")]
    assert not (folder / ".kpi-key").exists()
    assert "NOT pseudonymised" in report.to_text()


def test_meta_describes_the_import(telephony: Path) -> None:
    import_workshop(telephony)
    meta = dict(query(telephony, "SELECT key, value FROM _meta"))
    digest = hashlib.sha256((telephony / "exports/telefonie.csv").read_bytes()).hexdigest()
    assert meta["sha256:exports/telefonie.csv"] == digest
    assert (meta["client"], meta["time_zone"], meta["pseudonymised"]) == ("Glasvezel Noord BV", "Europe/Amsterdam", "true")
    assert (meta["rows:contacts"], meta["rows:events"], meta["dropped:contacts"]) == ("3", "2", "1")
    assert dt.datetime.fromisoformat(meta["imported_at"]).tzinfo is not None


CASES_CSV = (
    "\ufeffcase_id,customer,category,opened,resolved,team\n"
    'Z1,K1,"Klacht, urgent",2026-01-05 09:00:00,2026-01-06 10:00:00,Tweede lijn\n'
    "Z2,K2,Storing,2026-01-05T11:30:00,,Eerste lijn\n"
)
CASES_YAML = """
sources:
  cases:
    file: cases.csv
    columns:
      case_id: case_id
      customer_id: customer
      category: {column: category, map: {"Klacht, urgent": complaint}, other: keep}
      opened_at: {column: opened, format: "%Y-%m-%d %H:%M:%S"}
      resolved_at: {column: resolved}
      team_opened: team
"""


def test_comma_csv_with_bom_quotes_and_a_sniffed_delimiter(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", CASES_YAML,
                      {"cases.csv": CASES_CSV.replace("2026-01-05T11:30:00", "2026-01-05 11:30:00")})
    import_workshop(folder)
    assert query(folder, "SELECT case_id, category, opened_at::VARCHAR, resolved_at::VARCHAR, team_opened "
                         "FROM cases ORDER BY case_id") == [
        ("Z1", "complaint", "2026-01-05 09:00:00+01", "2026-01-06 10:00:00+01", "Tweede lijn"),
        ("Z2", "Storing", "2026-01-05 11:30:00+01", None, "Eerste lijn"),   # other: keep
    ]


def test_a_format_for_one_column_is_used_for_that_column_only(tmp_path: Path) -> None:
    # `opened` has a format; `resolved` is detected; Z2's opened value has a T and fails the format.
    folder = workshop(tmp_path / "ws", CASES_YAML, {"cases.csv": CASES_CSV})
    with pytest.raises(DataError, match=r"cases.csv, column `opened`, row 3: expected a date like "
                                        r"2026-12-31 14:05:00, found '2026-01-05T11:30:00'\. "
                                        r"Check `format` in the mapping\."):
        import_workshop(folder)


SURVEYS_TSV = (
    "Enquête\tKlant\tDatum\tTevreden\tAanbevelen\tMoeite\tOpgelost\tOpmerking\n"
    "E1\tK1\t06-01-2026 10:00\t4\t9\t2\tJa\tSnel geholpen\n"
    "E2\tK2\t06-01-2026 11:15\t2\t3\t6\tnee\t\n"
    "E3\tK1\t07-01-2026 08:05\t5\t10\t1\tWeet niet\tPrima, \"top\"\n"
)
SURVEYS_YAML = """
sources:
  surveys:
    file: enquete.tsv
    delimiter: "\\t"
    columns:
      survey_id: Enquête
      customer_id: Klant
      answered_at: Datum
      csat: Tevreden
      nps: Aanbevelen
      ces: Moeite
      resolved: {column: Opgelost, map: {"Weet niet": null}, other: keep}
      comment: Opmerking
"""


def test_tab_separated_surveys_with_yes_no_answers(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", SURVEYS_YAML, {"enquete.tsv": SURVEYS_TSV})
    import_workshop(folder)
    assert query(folder, "SELECT survey_id, answered_at::VARCHAR, csat, nps, ces, resolved, comment "
                         "FROM surveys ORDER BY survey_id") == [
        ("E1", "2026-01-06 10:00:00+01", 4, 9, 2, True, "Snel geholpen"),
        ("E2", "2026-01-06 11:15:00+01", 2, 3, 6, False, None),
        ("E3", "2026-01-07 08:05:00+01", 5, 10, 1, None, 'Prima, "top"'),   # "Weet niet" maps to null
    ]


def _tickets_workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    tickets = book.active
    tickets.title = "Tickets"
    tickets.append(["Ticket", "Klant", "Soort", "Aangemaakt", "Opgelost"])
    tickets.append(["T1", "K1", "Klacht", dt.datetime(2026, 1, 5, 9, 0), dt.datetime(2026, 1, 7, 16, 30)])
    tickets.append([None, None, None, None, None])                      # an empty row between data
    tickets.append(["T2", 17, "Vraag", "06-01-2026 10:15", None])      # a number id, a text date
    log = book.create_sheet("Statuslog")
    log.append(["Ticket", "Tijdstip", "Afdeling", "Status"])
    log.append(["T1", dt.datetime(2026, 1, 5, 9, 0), "Eerste lijn", "nieuw"])
    log.append(["T1", dt.datetime(2026, 1, 5, 9, 0), "Tweede lijn", "doorgezet"])
    log.append(["T2", dt.datetime(2026, 1, 6, 10, 15), "Eerste lijn", "nieuw"])
    book.save(path)


EXCEL_YAML = """
sources:
  cases:
    file: tickets.xlsx
    sheet: Tickets
    columns:
      case_id: Ticket
      customer_id: Klant
      category: {column: Soort, map: {Klacht: complaint}, other: keep}
      opened_at: Aangemaakt
      resolved_at: Opgelost
  events:
    file: tickets.xlsx
    sheet: Statuslog
    columns:
      case_id: Ticket
      at: Tijdstip
      team: Afdeling
      activity: Status
"""


def test_excel_with_two_sheets(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", EXCEL_YAML, {})
    _tickets_workbook(folder / "tickets.xlsx")
    report = import_workshop(folder)
    cases = query(folder, "SELECT case_id, category, opened_at::VARCHAR, resolved_at::VARCHAR FROM cases")
    assert cases == [("T1", "complaint", "2026-01-05 09:00:00+01", "2026-01-07 16:30:00+01"),
                     ("T2", "Vraag", "2026-01-06 10:15:00+01", None)]   # real date cells and text dates
    assert query(folder, 'SELECT case_id, "at"::VARCHAR, team, activity, seq FROM events') == [
        ("T1", "2026-01-05 09:00:00+01", "Eerste lijn", "nieuw", 1),
        ("T1", "2026-01-05 09:00:00+01", "Tweede lijn", "doorgezet", 2),   # same moment: seq keeps the order
        ("T2", "2026-01-06 10:15:00+01", "Eerste lijn", "nieuw", 3),
    ]
    assert query(folder, "SELECT customer_id FROM cases WHERE case_id = 'T2'") == \
        [(pseudonym(folder, "customer_id", "17"),)]   # the number 17 is read as the text "17"
    assert report.sources[0].dropped == (("empty row", 1),)
    assert report.events_derived is False


def test_excel_rows_are_the_sheet_rows(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", EXCEL_YAML.replace("Opgelost\n", "Opgelost\n      team_opened: Afdeling\n"), {})
    _tickets_workbook(folder / "tickets.xlsx")
    with pytest.raises(DataError, match=r"tickets.xlsx, sheet `Tickets`, column `Afdeling`: expected a column "
                                        r"of that name \(for `team_opened`\), found the columns `Ticket`, `Klant`, "
                                        r"`Soort`, `Aangemaakt`, `Opgelost`\."):
        import_workshop(folder)
    # T2 sits on sheet row 4 (row 3 is empty); its date fails a format that fits T1 only
    _tickets_workbook(folder / "tickets.xlsx")
    (folder / "workshop.yaml").write_text(EXCEL_YAML.replace("opened_at: Aangemaakt",
                                                             'opened_at: {column: Aangemaakt, format: "%Y"}'))
    with pytest.raises(DataError, match=r"tickets.xlsx, sheet `Tickets`, column `Aangemaakt`, row 4: "
                                        r"expected a date like 2026, found '06-01-2026 10:15'\."):
        import_workshop(folder)


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", """
sources:
  orders:
    file: orders.parquet
    columns:
      order_id: id
      customer_id: klant
      product: product
      ordered_at: besteld
      first_contact_at: eerste_contact
      delivered_at: geleverd
""", {})
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"""COPY (SELECT * FROM (VALUES
        (1, 'K1', 'Glasvezel 1000', TIMESTAMP '2026-01-05 09:00:00', '07-01-2026 10:00', TIMESTAMPTZ '2026-01-20 08:00:00+00'),
        (2, 'K2', 'TV', TIMESTAMP '2026-07-01 12:30:00', NULL, NULL))
        t(id, klant, product, besteld, eerste_contact, geleverd)) TO '{folder / "orders.parquet"}' (FORMAT parquet)""")
    con.close()
    import_workshop(folder)
    assert query(folder, "SELECT order_id, product, ordered_at::VARCHAR, first_contact_at::VARCHAR, "
                         "delivered_at::VARCHAR FROM orders") == [
        # naive timestamps are local times; a TIMESTAMPTZ is an instant (08:00 UTC = 09:00 in Amsterdam)
        ("1", "Glasvezel 1000", "2026-01-05 09:00:00+01", "2026-01-07 10:00:00+01", "2026-01-20 09:00:00+01"),
        ("2", "TV", "2026-07-01 12:30:00+02", None, None),
    ]


def test_several_sources_fill_one_table(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", """
sources:
  contacts:
    - file: phone.csv
      columns: &columns
        contact_id: id
        channel: {value: phone}
        direction: {value: inbound}
        team: team
        arrived_at: start
    - file: chat.csv
      columns:
        contact_id: id
        channel: {value: chat}
        direction: {value: inbound}
        team: team
        arrived_at: start
""", {"phone.csv": "id,team,start\nP1,Noord,05-01-2026 09:00\n",
      "chat.csv": "id,team,start\nC1,Chat,05-01-2026 09:05\nP1,Chat,05-01-2026 09:06\n"})
    with pytest.raises(DataError, match=r"chat.csv, column `id`, row 3: expected each `contact_id` once, "
                                        r"found 'P1' again \(first on phone.csv, row 2\)\."):
        import_workshop(folder)
    (folder / "chat.csv").write_text("id,team,start\nC1,Chat,05-01-2026 09:05\n")
    import_workshop(folder)
    assert query(folder, "SELECT contact_id, channel FROM contacts") == [("P1", "phone"), ("C1", "chat")]


def test_a_missing_sheet_names_the_sheets_there_are(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", EXCEL_YAML.replace("sheet: Statuslog", "sheet: Status log"), {})
    _tickets_workbook(folder / "tickets.xlsx")
    with pytest.raises(DataError, match=r"^1 problem .*:\n  - tickets.xlsx: expected a sheet named `Status log`, "
                                        r"found the sheets `Tickets`, `Statuslog`\. Did you mean `Statuslog`\? "
                                        r"Set `sheet:` to one of them\.$"):
        import_workshop(folder)


def test_an_import_under_a_memory_limit_gives_the_same_store(telephony: Path) -> None:
    # DuckDB spills beyond the limit instead of failing; the tiny export fits either way.
    report = import_workshop(telephony, memory_limit="200MB")
    assert report.tables == {"contacts": 3, "events": 2}


@pytest.mark.parametrize("file_from", [0.0, 1e9], ids=["in a scratch file", "in memory"])
def test_the_working_tables_give_the_same_store_in_memory_or_in_a_file(telephony, monkeypatch, file_from):
    # Exports above a quarter of the memory limit get their working tables in a file; forcing
    # either place gives the same store, and the scratch folder is gone afterwards.
    import kpilib.importing.api as api

    monkeypatch.setattr(api, "_FILE_FROM", file_from)
    report = import_workshop(telephony, memory_limit="200MB")
    assert report.tables == {"contacts": 3, "events": 2}
    assert query(telephony, "SELECT contact_id, team, outcome FROM contacts") == [
        ("G1", "Zuid Café", "resolved"), ("G2", "Noord", None), ("G3", "€ Verkoop", "transferred")]
    assert not list(telephony.glob(".kpi-import-*"))


def test_a_wrong_memory_limit_is_a_clear_error(telephony: Path) -> None:
    with pytest.raises(ParameterError, match=r"`memory_limit` must be a size such as '4GB'; got 'lots'"):
        import_workshop(telephony, memory_limit="lots")
    assert not (telephony / "store.duckdb").exists()


@pytest.mark.parametrize("file_from", [0.0, 1e9], ids=["in a scratch file", "in memory"])
@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_the_store_keeps_the_source_order_of_an_export_read_in_parallel(tmp_path: Path, monkeypatch,
                                                                         kind: str, file_from: float) -> None:
    # 600 000 rows in 30 Parquet row groups (or one 27 MB CSV), read by several threads: the store is
    # copied without sorting when one source fills a table, so its rows must still come in file order,
    # with the working tables in memory or in a file. The ids are a permutation (i * 7919 mod
    # 600 000), so neither id order nor any accidental order of the threads passes. Each variant
    # fails with DuckDB's `preserve_insertion_order` off. The team's codes are checked in the pass
    # that maps them, as an IN list long enough for DuckDB to make it a join unless told not to.
    import kpilib.importing.api as api

    monkeypatch.setattr(api, "_FILE_FROM", file_from)
    n = 600_000
    folder = workshop(tmp_path / "ws", f"""
pseudonymise: false
sources:
  contacts:
    file: contacts.{kind}
    columns: {{contact_id: id, case_id: zaak, channel: {{value: phone}}, direction: {{value: inbound}},
               team: {{column: team, map: {{Noord: first_line, Zuid: first_line, Oost: first_line, West: first_line,
                                         L2: second_line, BD: field, FAC: billing, Planning: field}}}},
               arrived_at: start}}
""", {})
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT lpad(CAST(i * 7919 % {n} AS VARCHAR), 6, '0') AS id,
                                 CASE WHEN i % 3 > 0 THEN 'Z' || (i % 5000) END AS zaak, 'Noord' AS team,
                                 strftime(TIMESTAMP '2026-01-05 08:00:00' + to_seconds(i), '%d-%m-%Y %H:%M:%S') AS start
                          FROM range({n}) r(i) ORDER BY i)
                    TO '{folder / f"contacts.{kind}"}' ({"FORMAT parquet, ROW_GROUP_SIZE 20000" if kind == "parquet" else "HEADER"})""")
    con.close()
    import_workshop(folder)
    expected = [f"{i * 7919 % n:06d}" for i in range(n)]
    assert [r[0] for r in query(folder, "SELECT contact_id FROM contacts")] == expected
    # derived events: every contact with a case (i % 3 > 0), numbered 1, 2, 3, ... in that order
    events = query(folder, "SELECT case_id, seq FROM events")
    assert [case for case, _ in events] == [f"Z{i % 5000}" for i in range(n) if i % 3 > 0]
    assert [seq for _, seq in events] == list(range(1, len(events) + 1))


STRAIGHT_YAML = """
pseudonymise: false
sources:
  contacts:
    file: contacts.csv
    delimiter: ";"
    columns: {contact_id: id, channel: {value: phone}, direction: {value: inbound}, team: team,
              arrived_at: start, reason: note}
"""


def _scratch_tables(folder: Path) -> tuple[set[str], list]:
    """The tables the import's scratch database holds after the checks, and the problems found."""
    import kpilib.importing.api as api
    from kpilib.data.config import load_config

    with api._Session(load_config(folder)) as session:
        session.run()
        tables = {r[0] for r in session.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        return tables, session.all_problems()


def test_a_utf8_export_is_mapped_as_it_is_read_and_its_text_read_only_for_a_message(tmp_path: Path) -> None:
    # a clean UTF-8 file is mapped straight from the file: no table of its text is kept in memory
    rows = "id;team;start;note\nC1;Noord;05-01-2026 09:00:00;a\nC2;Zuid;05-01-2026 09:01:00;b\n"
    tables, problems = _scratch_tables(workshop(tmp_path / "clean", STRAIGHT_YAML, {"contacts.csv": rows}))
    assert problems == [] and "src0_text" not in tables and "m0_read" in tables
    # a failing row is shown with its text, read from the file for the message
    bad = rows.replace("05-01-2026 09:01:00", "2026/31/12 09:01")
    tables, problems = _scratch_tables(workshop(tmp_path / "bad", STRAIGHT_YAML, {"contacts.csv": bad}))
    assert "src0_text" in tables
    assert [(p.column, p.rows, p.found) for p in problems] == [("start", (3,), "'2026/31/12 09:01'")]


@pytest.mark.parametrize(("rows", "line"), [
    # record 2's note spans lines 3 and 4, so the bad record 3 is on line 5
    ('id;team;start;note\nC1;Noord;05-01-2026 09:00:00;a\nC2;Zuid;05-01-2026 09:01:00;"b\nc"\n'
     "C3;Zuid;2026/31/12 09:02;d\n", 5),
    # a blank line 3, which DuckDB skips: the bad record is on line 4
    ("id;team;start;note\nC1;Noord;05-01-2026 09:00:00;a\n\nC3;Zuid;2026/31/12 09:02;d\n", 4),
    # a line DuckDB cannot split (line 3), then the bad record on line 4
    ("id;team;start;note\nC1;Noord;05-01-2026 09:00:00;a\nC2;Zuid;x;y;z\nC3;Zuid;2026/31/12 09:02;d\n", 4),
], ids=["a value spanning lines", "a blank line", "a line with too many values"])
def test_a_utf8_export_that_is_not_one_record_per_line_is_read_carefully(tmp_path: Path, rows: str,
                                                                        line: int) -> None:
    # read straight, these records are not the file's lines one by one: the careful reading gives
    # each message the line an editor shows
    _, problems = _scratch_tables(workshop(tmp_path / "ws", STRAIGHT_YAML, {"contacts.csv": rows}))
    dates = [p for p in problems if p.column == "start"]
    assert [(p.rows, p.found) for p in dates] == [((line,), "'2026/31/12 09:02'")]


def test_a_cp1252_export_is_read_straight_from_its_utf8_copy(tmp_path: Path) -> None:
    # the UTF-8 copy is read straight into the mapping, and its text only for the message
    yaml = STRAIGHT_YAML.replace('delimiter: ";"', 'delimiter: ";"\n    encoding: cp1252')
    rows = "id;team;start;note\nC1;Zuid Café;05-01-2026 09:00:00;€ 5\nC2;Zuid;2026/31/12 09:01;b\n"
    tables, problems = _scratch_tables(workshop(tmp_path / "ws", yaml, {"contacts.csv": rows.encode("cp1252")}))
    assert "m0_read" in tables and "src0_text" in tables
    assert [(p.column, p.rows, p.found) for p in problems] == [("start", (3,), "'2026/31/12 09:01'")]
    import_workshop(workshop(tmp_path / "ok", yaml, {"contacts.csv": rows.replace("2026/31/12 09:01", "05-01-2026 "
                                                                                  "09:01:00").encode("cp1252")}))
    assert query(tmp_path / "ok", "SELECT team, reason FROM contacts") == [("Zuid Café", "€ 5"), ("Zuid", "b")]


def test_a_byte_that_is_not_cp1252_is_named_with_its_line(tmp_path: Path) -> None:
    # 0x81 is no character in Windows-1252: the careful reading names the byte and its line
    yaml = STRAIGHT_YAML.replace('delimiter: ";"', 'delimiter: ";"\n    encoding: cp1252')
    rows = b"id;team;start;note\nC1;Noord;05-01-2026 09:00:00;a\nC2;Zuid\x81;05-01-2026 09:01:00;b\n"
    folder = workshop(tmp_path / "ws", yaml, {"contacts.csv": rows})
    with pytest.raises(DataError, match=r"contacts.csv, row 3: expected cp1252 text, found byte 0x81 on line 3"):
        import_workshop(folder)
    assert not (folder / "store.duckdb").exists()
    assert list(folder.glob(".kpi-scratch/**/*.csv")) == []   # no UTF-8 copy is left behind


def test_the_quartiles_of_the_far_out_date_warning_are_quantile_disc_in_bounded_memory() -> None:
    from kpilib.importing._outliers import _quartiles

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # six dates (and an empty one) on four days: quantile_disc takes position ceil(q * 6) - 1,
    # so 1 (the second of 5 Jan) for q = 0.25 and 4 (the later time of 7 Jan) for q = 0.75
    con.execute("""CREATE TABLE t AS SELECT CAST(v AS TIMESTAMPTZ) AS v FROM (VALUES
        ('2026-01-07 10:00:00+00'), ('2026-01-05 09:00:00+00'), (NULL), ('2026-01-06 12:00:00+00'),
        ('2026-01-05 08:00:00+00'), ('2026-01-07 09:00:00+00'), ('2026-01-09 00:00:00+00')) r(v)""")
    us = lambda text: con.execute(f"SELECT epoch_us(TIMESTAMPTZ '{text}')").fetchone()[0]  # noqa: E731
    assert _quartiles(con, "SELECT v FROM t") == (us("2026-01-05 09:00:00+00"), us("2026-01-07 10:00:00+00"))
    # and on 1 to 400 dates spread over a minute to centuries, before 1970 as well
    import random

    rng = random.Random(5)
    for n in [1, 2, 3, 4, 7, 50, 400]:
        for spread in (60 * 10**6, 3 * 86_400 * 10**6, 40_000 * 86_400 * 10**6):
            values = [rng.randint(-spread, spread) for _ in range(n)]
            con.execute("CREATE OR REPLACE TABLE r AS SELECT make_timestamptz(x) AS v FROM "
                        "(SELECT unnest(?::BIGINT[]) AS x)", [values])
            assert _quartiles(con, "SELECT v FROM r") == con.execute(
                "SELECT epoch_us(quantile_disc(v, 0.25)), epoch_us(quantile_disc(v, 0.75)) FROM r").fetchone()
    con.execute("CREATE TABLE e AS SELECT CAST(NULL AS TIMESTAMPTZ) AS v")
    assert _quartiles(con, "SELECT v FROM e") is None


def test_a_memory_limit_leaves_a_fifth_to_what_duckdb_and_python_hold_outside_the_buffers(telephony: Path) -> None:
    import kpilib.importing.api as api
    from kpilib.data.config import load_config

    # 1GB is 10^9 bytes, 953.7 MiB; four fifths of it, in whole MiB, is 762 MiB
    with api._Session(load_config(telephony), "1GB") as session:
        assert session.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "762.0 MiB"


@pytest.mark.parametrize(("from_bytes", "in_file"), [(10**12, False), (100, True)])
def test_exports_from_a_size_on_get_their_working_tables_in_a_file(telephony: Path, monkeypatch,
                                                                   from_bytes: int, in_file: bool) -> None:
    # the export is 474 bytes, far below a quarter of the 6 GB limit: with the size rule at 100
    # bytes its working tables go to a file, which compresses them as they are written; with the
    # rule at 10^12 bytes they stay in memory
    import kpilib.importing.api as api
    from kpilib.data.config import load_config

    monkeypatch.setattr(api, "_FILE_FROM_BYTES", from_bytes)
    assert 100 < (telephony / "exports" / "telefonie.csv").stat().st_size < 6e9 * api._FILE_FROM
    with api._Session(load_config(telephony), "6GB") as session:
        path = session.con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'scratch'").fetchone()[0]
    assert (path is not None and path.endswith("import.duckdb")) == in_file


def test_the_import_names_the_tables_it_has_no_rows_of_and_what_the_days_do_then(tmp_path):
    from kpilib.importing._report import ImportReport

    report = ImportReport(tmp_path, tmp_path / "store.duckdb", tables={"contacts": 3, "events": 0},
                          events_derived=True)
    # six canonical tables; contacts has rows, events none (derived from contacts without case ids)
    assert ("\nNo rows of: cases, events, orders, surveys, callbacks. The days leave out the parts that read them "
            "and say so on their pages; to add one, map its export under `sources:` in workshop.yaml") in report.to_text()
    full = ImportReport(tmp_path, tmp_path / "store.duckdb",
                        tables={t: 1 for t in ("contacts", "cases", "events", "orders", "surveys", "callbacks")})
    assert "No rows of" not in full.to_text()
