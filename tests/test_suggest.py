"""`kpi-workshop suggest FILE`: a commented starting `sources:` block from an export's header and first rows."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from kpilib.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str):
    return CliRunner().invoke(cli, ["suggest", *args])


def test_a_dutch_semicolon_export_with_decimal_commas(tmp_path: Path) -> None:
    export = tmp_path / "telefonie.csv"
    export.write_bytes("Gesprek-ID;Klantnummer;Kanaal;Wachtrij;Datum;Starttijd;Wachttijd;Gespreksduur;Opmerking\n"
                       "G1;K1;Telefoon;Helpdesk;05-01-2026;09:00:00;12,5;300;Café\n"
                       "G2;;Telefoon;Verkoop;05-01-2026;09:05:00;3,0;60;\n".encode("cp1252"))
    result = run(str(export), "--table", "contacts")
    assert result.exit_code == 0, result.output
    text = result.output
    for line in ['    delimiter: ";"', '    decimal: ","', "    encoding: cp1252",
                 '    date_format: "%d-%m-%Y"   # read in Datum', "      customer_id: Klantnummer",
                 "      channel: Kanaal", "      team: Wachtrij", "      arrived_at: {date: Datum, time: Starttijd}",
                 "      answered_at: {from: arrived_at, plus: Wachttijd}",
                 "      direction: {value: inbound}   # ? required", "    # not mapped: Opmerking", "      contact_id: \"Gesprek-ID\""]:
        assert line in text
    assert yaml.safe_load(text)["sources"]["contacts"]["file"] == "exports/telefonie.csv"


def test_the_table_is_guessed_and_marked(tmp_path: Path) -> None:
    result = run(str(FIXTURES / "status_log_only" / "exports" / "statuslog.csv"))
    assert "  events:  # ? the table: guessed from the columns" in result.output
    assert "      case_id: Ticketnummer\n      at: Tijdstip\n" in result.output


def test_a_queue_log_gets_the_preset() -> None:
    result = run(str(FIXTURES / "queue_log" / "exports" / "queue_log"))
    assert result.exit_code == 0
    assert "    preset: asterisk_queue_log\n" in result.output
    assert yaml.safe_load(result.output)["sources"]["contacts"]["preset"] == "asterisk_queue_log"


def test_a_missing_file_is_a_message_without_traceback(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nope.csv'}: no such file. Give the path of an export " \
                            "(CSV, Excel or Parquet).\n"
    assert "Traceback" not in result.output


def test_an_unreadable_workbook_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "kapot.xlsx").write_text("not a workbook")
    result = run(str(tmp_path / "kapot.xlsx"))
    assert result.exit_code == 1
    assert "kapot.xlsx: cannot be read as excel" in result.output and "Traceback" not in result.output
