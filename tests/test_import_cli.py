"""`kpi-workshop import` and `kpi-workshop check`: output, profile and exit codes."""

from __future__ import annotations

import re
import shutil
import sys
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpilib.cli import cli, main
from kpilib.importing import check_workshop

CORPUS = Path(__file__).parent / "fixtures" / "exports"
GOOD = """\
id;klant;start;wachtrij;richting;antwoord;einde;code
C1;K1;05-01-2026 09:00:00;Noord;IN;05-01-2026 09:00:20;05-01-2026 09:03:00;OK
C2;K2;05-01-2026 09:01:00;Noord;IN;;05-01-2026 09:04:00;
C3;;06-01-2026 17:30:00;Zuid;UIT;06-01-2026 17:30:05;06-01-2026 17:32:50;DOORV
"""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(CORPUS / "bad_date", tmp_path / "ws"))
    (folder / "contacts.csv").write_text(GOOD)
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpi-workshop")


def test_help_documents_the_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "  Exit codes:\n    0  success\n    1  a problem in the workshop or its exports" in result.output
    assert re.search(r"\n  import +Validate the exports and write the store\.\n", result.output)


def test_import_prints_what_it_wrote(good: Path) -> None:
    result = run("import", str(good))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Imported 2 tables into {good / 'store.duckdb'}:\n"
                                    f"  contacts  {'3 rows':>15}\n"
                                    f"  events    {'0 rows':>15}  (derived from contacts)\n")


def test_a_data_problem_is_a_message_and_exit_code_1(tmp_path: Path) -> None:
    folder = shutil.copytree(CORPUS / "bad_date", tmp_path / "ws")
    result = run("import", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: 1 problem in the exports of {folder} (nothing was imported):\n"
                             "  - contacts.csv, column `start`, row 3: expected a date like 31-12-2026 14:05:00, "
                             "found '2026/31/12 09:01'. Set `date_format` in the mapping.\n")
    assert "Traceback" not in result.output


def test_a_missing_workshop_is_exit_code_1(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'nowhere'}: no such workshop folder. "
                             "Give the folder that holds workshop.yaml.\n")


@pytest.mark.parametrize("args", [("import",), ("import", "x", "--quarantaine"), ("transform", "x")])
def test_usage_errors_are_exit_code_2(args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_check_writes_nothing_and_exits_1_on_problems(tmp_path: Path) -> None:
    folder = shutil.copytree(CORPUS / "bad_date", tmp_path / "ws")
    result = run("check", str(folder))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"Checked {folder}: 1 problem:\n  - contacts.csv, column `start`, row 3")
    assert sorted(p.name for p in Path(folder).iterdir()) == ["contacts.csv", "workshop.yaml"]


def test_check_profiles_the_tables(good: Path) -> None:
    result = run("check", str(good))
    assert result.exit_code == 0
    report = check_workshop(good)
    contacts = report.profiles[0]
    assert (contacts.table, contacts.rows) == ("contacts", 3)
    shares = {c.name: c.null_share for c in contacts.columns}
    assert shares["answered_at"] == pytest.approx(1 / 3)     # C2 was not answered
    assert shares["outcome"] == pytest.approx(1 / 3)         # C2 has no code
    assert shares["customer_id"] == pytest.approx(1 / 3)     # C3 has no customer
    assert shares["reason"] == 1.0                           # not mapped
    arrived = next(c for c in contacts.columns if c.name == "arrived_at")
    assert (arrived.first, arrived.last) == ("05-01-2026 09:00:00", "06-01-2026 17:30:00")
    assert "    arrived_at     0.0% empty   05-01-2026 09:00:00 … 06-01-2026 17:30:00" in result.stdout
    assert "  contacts.csv → contacts: 3 rows read" in result.stdout
    assert not (good / "store.duckdb").exists() and not (good / ".kpi-key").exists()


def test_main_is_the_script_entry_point(good: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["kpi-workshop", "check", str(good)])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith(f"Checked {good}: no problems found.")
