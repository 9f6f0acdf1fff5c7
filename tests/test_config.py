"""Reading and checking workshop.yaml."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kpilib.data.config import Condition, load_config
from kpilib.exceptions import WorkshopError

DOCS_EXAMPLE = """
client: Glasvezel Noord BV
time_zone: Europe/Amsterdam        # local times in the exports are read in this zone (DST-correct)
calendar:
  country: NL
  subdivision: null
  closed: [2026-12-24]
  opening_hours: "08:00-18:00"
pseudonymise: true

sources:
  contacts:
    file: exports/telefonie.csv
    delimiter: ";"
    decimal: ","
    encoding: cp1252
    date_format: "%d-%m-%Y %H:%M:%S"
    drop:
      - {column: Gesprekstype, equals: TEST, reason: test call}
      - {column: Wachtrij, in: [Intern, Oefen], reason: internal queue}
    columns:
      contact_id: Gesprek-ID
      customer_id: Klantnummer
      channel: {value: phone}
      direction: {column: Richting, map: {IN: inbound, UIT: outbound}}
      team: Wachtrij
      arrived_at: {date: Datum, time: Starttijd}
      queued_at: {column: VRU_einde}
      answered_at: {from: queued_at, plus: Wachttijd, when: {column: Afhandeling, equals: AGENT}}
      ended_at: {from: answered_at, plus: Gespreksduur}
      outcome: {column: Afhandeling, map: {AGENT: resolved, DOORV: transferred, HANG: null}}
  cases:
    file: exports/tickets.xlsx
    sheet: Tickets
    columns: {case_id: Ticket, opened_at: Aangemaakt}
  events:
    file: exports/tickets.xlsx
    sheet: Statuslog
    columns: {case_id: Ticket, at: Tijdstip, team: Afdeling}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "workshop.yaml").write_text(text)
    return tmp_path


def test_the_example_of_the_docs(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, DOCS_EXAMPLE))
    assert (config.client, config.time_zone, config.pseudonymise) == ("Glasvezel Noord BV", "Europe/Amsterdam", True)
    assert config.calendar == {"country": "NL", "subdivision": None, "closed": [dt.date(2026, 12, 24)],
                               "opening_hours": "08:00-18:00"}   # handed on as YAML reads it
    assert config.tables == ["contacts", "cases", "events"]
    assert config.store_path == tmp_path.resolve() / "store.duckdb"
    contacts, cases, events = config.sources
    assert (contacts.kind, contacts.delimiter, contacts.decimal, contacts.encoding) == ("csv", ";", ",", "cp1252")
    assert contacts.path == tmp_path.resolve() / "exports" / "telefonie.csv"
    assert [(r.condition, r.reason) for r in contacts.drop] == [
        (Condition("Gesprekstype", "equals", ("TEST",)), "test call"),
        (Condition("Wachtrij", "in", ("Intern", "Oefen")), "internal queue")]
    specs = contacts.columns
    assert [s.kind for s in specs.values()] == ["column", "column", "constant", "column", "column", "datetime",
                                                 "column", "offset", "offset", "column"]
    assert specs["outcome"].map == {"AGENT": "resolved", "DOORV": "transferred", "HANG": None}
    answered = specs["answered_at"]
    assert (answered.base, answered.base_is_canonical, answered.offset, answered.sign) == ("queued_at", True, "Wachttijd", 1)
    assert answered.when == Condition("Afhandeling", "equals", ("AGENT",))
    assert answered.source_columns == ["Wachttijd", "Afhandeling"]
    assert (cases.kind, cases.label, events.label) == ("excel", "exports/tickets.xlsx, sheet `Tickets`",
                                                       "exports/tickets.xlsx, sheet `Statuslog`")


def test_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  orders:\n    file: o.parquet\n"
                                         "    columns: {order_id: id, ordered_at: besteld}\n"))
    assert (config.client, config.time_zone, config.calendar, config.pseudonymise) == (None, "Europe/Amsterdam", {}, True)
    (orders,) = config.sources
    assert (orders.kind, orders.delimiter, orders.decimal, orders.encoding, orders.sheet) == ("parquet", None, ".", "utf-8", None)


def test_values_under_sources_are_read_as_written(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
sources:
  surveys:
    file: s.csv
    drop: [{column: Test, equals: 007}]
    columns:
      survey_id: Id
      resolved: {column: Opgelost, map: {yes: true, NO: false, 01: true, "": null, 1.50: false}}
"""))
    (surveys,) = config.sources
    # YAML 1.1 would read yes/NO as booleans and 01/007 as numbers; the mapping keeps the text
    assert surveys.columns["resolved"].map == {"yes": "true", "NO": "false", "01": "true", "": None, "1.50": "false"}
    assert surveys.drop[0].condition.values == ("007",)
    assert surveys.drop[0].reason == "Test = '007'"         # the rule itself when no reason is given


def test_several_sources_for_one_table(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
sources:
  contacts:
    - {file: phone.csv, columns: {contact_id: id, channel: {value: phone}, direction: {value: inbound}, team: q, arrived_at: t}}
    - {file: chat.csv, columns: {contact_id: id, channel: {value: chat}, direction: {value: inbound}, team: q, arrived_at: t}}
"""))
    assert [s.file for s in config.sources_for("contacts")] == ["phone.csv", "chat.csv"]
    assert config.tables == ["contacts"]


@pytest.mark.parametrize(("written", "delimiter", "encoding"), [
    ('"\\t"', "\t", "windows-1252"), ("'\\t'", "\t", "latin1"), ('","', ",", "UTF-8"), ('"|"', "|", "utf-16"),
])
def test_delimiter_and_encoding_spellings(tmp_path: Path, written: str, delimiter: str, encoding: str) -> None:
    config = load_config(write(tmp_path, f"sources:\n  orders:\n    file: o.csv\n    delimiter: {written}\n"
                                         f"    encoding: {encoding}\n    columns: {{order_id: id, ordered_at: t}}\n"))
    canonical = {"windows-1252": "cp1252", "latin1": "latin-1", "UTF-8": "utf-8", "utf-16": "utf-16"}[encoding]
    assert (config.sources[0].delimiter, config.sources[0].encoding) == (delimiter, canonical)


MISTAKES = """\
client: Glasvezel Noord BV
time_zone: Europe/Amsterdm
pseudonymize: false
sources:
  contact:
    file: a.csv
  cases:
    file: tickets.xlsx
    delimiter: ";"
    columns:
      case_id: Ticket
      opened_at: {column: Geopend, unit: minutes}
      category: {column: Soort, map: {Klacht: complaint}, other: keep, format: "%d"}
      resolved_at: {from: closed_at, plus: Duur}
      closed_at: {date: Gesloten}
  orders:
    file: orders.json
    columns:
      order_id: {value: X, column: Y}
      customer_id: {column: K, when: {column: A, in: 5}}
  surveys:
    file: s.csv
    encoding: ebcdic
    drop:
      - {colum: Type, equals: TEST}
    columns:
      survey_id: Id
      csat: Score
      csat: Score2
      nps: {value: 9}
"""


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    expected = """\
workshop.yaml has 16 problems:
  - line 2 (time_zone): expected a time zone such as 'Europe/Amsterdam', found 'Europe/Amsterdm'. Did you mean `Europe/Amsterdam`?
  - line 3 (pseudonymize): unknown key `pseudonymize`. Did you mean `pseudonymise`? Allowed: client, time_zone, calendar, pseudonymise, sources, start, language, schedule, lines, chains, teams, norms, parameters, decisions, backend.
  - line 5 (sources.contact): `contact` is not a canonical table. Did you mean `contacts`? Tables: contacts, cases, events, orders, surveys, callbacks.
  - line 9 (sources.cases.delimiter): `delimiter` applies to CSV files only.
  - line 12 (sources.cases.columns.opened_at.unit): `unit` applies to the duration in `plus` or `minus`.
  - line 13 (sources.cases.columns.category.format): `format` applies to timestamps read from a column.
  - line 14 (sources.cases.columns.resolved_at.from): `closed_at` is used before it is mapped: map `closed_at` above `resolved_at`.
  - line 15 (sources.cases.columns.closed_at): `date` needs `time`: {date: Datum, time: Tijd}. For one column use `column`.
  - line 17 (sources.orders.file): expected a file ending in .csv, .txt, .tsv, .xlsx, .xlsm, .parquet, .pq; found 'orders.json'. Save the export as CSV, Excel (.xlsx) or Parquet.
  - line 18 (sources.orders.columns): `orders` needs `ordered_at`: map it to a column of the export, or give a constant such as `ordered_at: {value: ...}`.
  - line 19 (sources.orders.columns.order_id): expected exactly one of `column`, `value`, `date` (with `time`) or `from` (with `plus` or `minus`); found `column`, `value`.
  - line 20 (sources.orders.columns.customer_id.when.in): `in` expects a list of values, such as [Intern, Oefen].
  - line 23 (sources.surveys.encoding): expected one of utf-8, cp1252, latin-1, utf-16; found 'ebcdic'.
  - line 25 (sources.surveys.drop.0.colum): unknown key `colum`. Did you mean `column`? Allowed: column, equals, not_equals, in, not_in, not_null, is_null, reason.
  - line 25 (sources.surveys.drop.0): expected {column: C, equals: V} (or in, not_equals, not_in, not_null, is_null).
  - line 29 (sources.surveys.columns.csat): `csat` is given twice; keep one."""
    with pytest.raises(WorkshopError, match=re.escape(expected)):
        load_config(write(tmp_path, MISTAKES))


@pytest.mark.parametrize(("text", "message"), [
    ("sources: [a, b", "line 1: this is not valid YAML (expected ',' or ']', but got '<stream end>'). "
                       "Check the indentation and put quotes around values that contain ':' or '#'."),
    ("", "workshop.yaml: expected keys such as `sources:`, found an empty file."),
    ("client: X\n", "workshop.yaml: expected `sources:` with at least one table (for example `contacts:`) and its file "
                    "and columns."),
    ("sources:\n  orders:\n    file: o.csv\n    columns: {order_id: id, ordered_at: {value: 2026-01-01}}\n",
     "line 4 (sources.orders.columns.ordered_at): `ordered_at` is a timestamp; it must come from a column of the export."),
])
def test_a_single_mistake(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(WorkshopError, match=re.escape(message)):
        load_config(write(tmp_path, text))


def test_a_missing_folder_or_file(tmp_path: Path) -> None:
    with pytest.raises(WorkshopError, match=re.escape(f"{tmp_path / 'ws'}: no such workshop folder.")):
        load_config(tmp_path / "ws")
    with pytest.raises(WorkshopError, match=re.escape(f"{tmp_path}: no workshop.yaml in this folder. "
                                                      "Create one as described in docs/mapping.md.")):
        load_config(tmp_path)


def test_the_calendar_block_builds_the_working_calendar(tmp_path: Path) -> None:
    calendar = pytest.importorskip("kpilib.data.calendar")
    config = load_config(write(tmp_path, DOCS_EXAMPLE))
    cal = config.working_calendar()
    assert isinstance(cal, calendar.WorkingCalendar)
    # the block's own settings, not the defaults
    assert (cal.country, cal.closed, cal.opening_hours, cal.time_zone) == (
        "NL", (dt.date(2026, 12, 24),), "08:00-18:00", "Europe/Amsterdam")


def test_sections_are_kept_as_plain_yaml_with_the_line_of_every_key(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "c.csv").write_text("id,at\n1,2026-01-01\n")
    (tmp_path / "workshop.yaml").write_text(
        "sources:\n"
        "  cases:\n"
        "    file: exports/c.csv\n"
        "    columns: {case_id: id, opened_at: at}\n"
        "start: 2026-12-01\n"
        "chains:\n"
        "  faults:\n"
        "    norm_days: 3\n"
    )
    config = load_config(tmp_path)
    assert config.section("start") == dt.date(2026, 12, 1)
    assert config.section("chains") == {"faults": {"norm_days": 3}}
    assert config.section("norms", {}) == {}
    assert config.where("chains", "faults", "norm_days") == "workshop.yaml, line 8 (chains.faults.norm_days)"
    # a key that is not in the file is placed at its nearest parent
    assert config.where("chains", "moves") == "workshop.yaml, line 6 (chains.moves)"
