"""The corpus of bad inputs in tests/corpus/: every case gives its message, without a traceback.

Each folder is a small workshop with one defect, ``expected.txt`` (one message fragment a line, each
of which must appear in the output of both ``check`` and ``import``) and, when the defect only
warrants a warning, ``expected_exit.txt`` holding ``0``. A refused import leaves the previous
store byte for byte as it was, and leaves no scratch files behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from kpilib.cli import cli

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and (p / "expected.txt").is_file())


def previous_store(folder: Path) -> bytes:
    """Put a store from an earlier import in the workshop; return its bytes."""
    with duckdb.connect(str(folder / "store.duckdb")) as con:
        con.execute("CREATE TABLE _meta (key VARCHAR, value VARCHAR); INSERT INTO _meta VALUES ('client', 'earlier')")
    return (folder / "store.duckdb").read_bytes()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def test_the_corpus_has_cases() -> None:
    assert len(CASES) >= 14


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(CORPUS / case, tmp_path / case))
    expected = [line for line in (folder / "expected.txt").read_text(encoding="utf-8").splitlines() if line]
    exit_file = folder / "expected_exit.txt"
    refused = not exit_file.is_file() or exit_file.read_text().strip() != "0"
    before = previous_store(folder)
    for command in ("check", "import"):
        code, output = run(command, str(folder))
        assert "Traceback" not in output
        assert (code != 0) == refused, output
        for fragment in expected:
            assert fragment in output, f"{command}: {fragment!r} not in\n{output}"
        assert ".kpi-import-" not in output and ".kpi-scratch" not in output
    if refused:
        assert (folder / "store.duckdb").read_bytes() == before
    left = {p.name for p in folder.iterdir()} - {p.name for p in (CORPUS / case).iterdir()}
    assert left <= {"store.duckdb", ".kpi-key"}, left


def test_a_3_mb_value_names_its_line(tmp_path: Path) -> None:
    """Generated rather than stored: the line that stops the reading is named, not 'Line: 1'."""
    folder = Path(shutil.copytree(CORPUS / "ids_as_floats", tmp_path / "ws"))
    export = folder / "exports" / "contacten.csv"
    head, *rows = export.read_text(encoding="utf-8").splitlines()
    lines = [head] + [f"{500_000_001 + i}{rows[i % len(rows)][9:]}" for i in range(300)]
    lines[202] = lines[202].replace(";Helpdesk;", ";" + "x" * 3_000_000 + ";")
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = previous_store(folder)
    for command in ("check", "import"):
        code, output = run(command, str(folder))
        assert code == 1
        assert ("exports/contacten.csv, row 203: expected lines of at most 2 MB, found a line of 3.0 MB. "
                "A quote is probably not closed") in output
        assert "Line: 1" not in output
    assert (folder / "store.duckdb").read_bytes() == before


def test_a_link_that_leads_out_of_the_workshop_is_refused(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(CORPUS / "ids_as_floats", tmp_path / "ws"))
    outside = tmp_path / "elsewhere.csv"
    (folder / "exports" / "contacten.csv").rename(outside)
    (folder / "exports" / "contacten.csv").symlink_to(outside)
    before = previous_store(folder)
    code, output = run("import", str(folder))
    assert code == 1
    assert ("exports/contacten.csv: expected a file inside the workshop folder, found a path that leads outside "
            "the workshop folder (through a link).") in output
    assert (folder / "store.duckdb").read_bytes() == before
    config = folder / "workshop.yaml"
    config.write_text(config.read_text().replace("file: exports/contacten.csv",
                                                 "file: exports/contacten.csv\n    allow_outside: true"))
    code, output = run("import", str(folder))
    assert code == 0, output
