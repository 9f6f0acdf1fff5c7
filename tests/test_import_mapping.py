"""Mapping features one at a time: durations and units, minus, maps of empty fields, drop rules, encodings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from kpilib.importing import import_workshop

HEADER = "id;start;duur;status;team\n"
YAML = """
sources:
  contacts:
    file: c.csv
    delimiter: ";"
    decimal: ","
{extra}    columns:
      contact_id: id
      channel: {{value: Phone}}
      direction: {{value: inbound}}
      team: team
      arrived_at: start
{columns}"""


def run(tmp_path: Path, rows: str, columns: str = "", extra: str = "", encoding: str = "utf-8",
        sql: str = "SELECT contact_id, ended_at::VARCHAR FROM contacts ORDER BY contact_id"):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "workshop.yaml").write_text(YAML.format(columns=columns, extra=extra))
    (folder / "c.csv").write_bytes((HEADER + rows).encode(encoding))
    report = import_workshop(folder)
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Europe/Amsterdam'")
    rows = con.execute(sql).fetchall()
    con.close()
    return rows, report


@pytest.mark.parametrize(("duur", "unit", "ended"), [
    ("90", "seconds", "2026-01-05 09:01:30+01"),        # 90 s
    ("1,5", "minutes", "2026-01-05 09:01:30+01"),       # 1,5 × 60 = 90 s
    ("0,25", "hours", "2026-01-05 09:15:00+01"),        # 0,25 × 3600 = 900 s
    ("2:05", "hours", "2026-01-05 09:02:05+01"),        # m:ss is a clock duration whatever the unit: 125 s
    ("1:02:03", "seconds", "2026-01-05 10:02:03+01"),   # 3600 + 120 + 3 = 3723 s
])
def test_durations_and_units(tmp_path: Path, duur: str, unit: str, ended: str) -> None:
    rows, _ = run(tmp_path, f"C1;05-01-2026 09:00:00;{duur};A;Noord\n",
                  f"      ended_at: {{from: arrived_at, plus: duur, unit: {unit}}}\n")
    assert rows == [("C1", ended)]


def test_minus_takes_a_duration_off_a_source_column(tmp_path: Path) -> None:
    # queued_at = the answer moment (a source column) minus the wait: 09:10:00 - 0:02:30 = 09:07:30
    rows, _ = run(tmp_path, "C1;05-01-2026 09:00:00;0:02:30;05-01-2026 09:10:00;Noord\n",
                  "      queued_at: {from: status, minus: duur}\n",
                  sql="SELECT queued_at::VARCHAR FROM contacts")
    assert rows == [("2026-01-05 09:07:30+01",)]


def test_a_map_can_name_the_empty_field_and_a_fallback(tmp_path: Path) -> None:
    rows, _ = run(tmp_path, "C1;05-01-2026 09:00:00;;OK;Noord\nC2;05-01-2026 09:01:00;;;Noord\n"
                            "C3;05-01-2026 09:02:00;;Vreemd;Noord\n",
                  '      outcome: {column: status, map: {OK: resolved, "": unresolved}, other: escalated}\n',
                  sql="SELECT contact_id, channel, outcome FROM contacts ORDER BY contact_id")
    # the constant Phone is lower-cased; an empty status maps to unresolved; other codes to escalated
    assert rows == [("C1", "phone", "resolved"), ("C2", "phone", "unresolved"), ("C3", "phone", "escalated")]


def test_drop_rules_and_empty_rows_are_counted(tmp_path: Path) -> None:
    extra = ("    drop:\n      - {column: team, in: [Intern, Oefen], reason: internal queue}\n"
             "      - {column: id, is_null: true, reason: no id}\n")
    rows, report = run(tmp_path, "C1;05-01-2026 09:00:00;;;Noord\nC2;05-01-2026 09:01:00;;;Intern\n"
                                 ";;;;\n;05-01-2026 09:03:00;;;Zuid\nC5;05-01-2026 09:04:00;;;Oefen\n",
                       extra=extra, sql="SELECT contact_id FROM contacts")
    assert rows == [("C1",)]
    # 5 rows read: 2 internal (C2, C5), 1 without id, 1 entirely empty; the first matching rule counts
    assert report.sources[0].dropped == (("internal queue", 2), ("no id", 1), ("empty row", 1))
    assert report.sources[0].rows_read == 5


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_other_encodings(tmp_path: Path, encoding: str) -> None:
    rows, _ = run(tmp_path, "C1;05-01-2026 09:00:00;;;Café Zuid\n", extra=f"    encoding: {encoding}\n",
                  encoding=encoding, sql="SELECT team FROM contacts")
    assert rows == [("Café Zuid",)]


def test_a_customer_has_one_pseudonym_in_every_table(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "workshop.yaml").write_text("""
sources:
  contacts:
    file: contacts.csv
    columns: {contact_id: id, customer_id: klant, channel: {value: phone}, direction: {value: inbound},
              team: {value: Noord}, arrived_at: start}
  cases:
    file: cases.csv
    columns: {case_id: id, customer_id: Klantnr, opened_at: geopend}
  surveys:
    file: surveys.csv
    columns: {survey_id: id, customer_id: klant}
""")
    (folder / "contacts.csv").write_text("id,klant,start\nC1,K1,05-01-2026 09:00\nC2,K2,05-01-2026 09:05\n")
    (folder / "cases.csv").write_text("id,Klantnr,geopend\nZ1,K2,05-01-2026 09:06\nZ2,K1,05-01-2026 09:07\n")
    (folder / "surveys.csv").write_text("id,klant\nS1,K1\n")
    import_workshop(folder)
    key = (folder / ".kpi-key").read_text().strip()
    k1 = "c-" + hashlib.sha256(f"{key}:customer_id:K1".encode()).hexdigest()[:16]
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    found = con.execute("""
        SELECT 'contacts', customer_id FROM contacts WHERE contact_id = 'C1' UNION ALL
        SELECT 'cases', customer_id FROM cases WHERE case_id = 'Z2' UNION ALL
        SELECT 'surveys', customer_id FROM surveys""").fetchall()
    assert found == [("contacts", k1), ("cases", k1), ("surveys", k1)]
    assert con.execute("SELECT count(DISTINCT customer_id) FROM cases").fetchone() == (2,)   # K1 and K2
    con.close()
