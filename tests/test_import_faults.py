"""Faults during an import: killed at any moment, or out of disk space.

The previous store stays intact and usable, no scratch copy of an export is left behind once the
next import has started, and a full disk gives a message that says so, with the space needed.
"""

from __future__ import annotations

import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

CORPUS = Path(__file__).parent / "corpus"
COMMAND = [sys.executable, "-c", "from kpilib.cli import main; main()"]


def workshop(tmp_path: Path, contacts: int, encoding: str = "utf-8") -> Path:
    """The corpus's valid workshop with ``contacts`` contacts (ids 500000001, …), the export in ``encoding``."""
    folder = Path(shutil.copytree(CORPUS / "ids_as_floats", tmp_path / "ws"))
    export = folder / "exports" / "contacten.csv"
    head, *rows = export.read_text(encoding="utf-8").splitlines()
    lines = [head] + [f"{500_000_001 + i}{rows[i % len(rows)][9:]}" for i in range(contacts)]
    export.write_text("\n".join(lines) + "\n", encoding=encoding)
    if encoding != "utf-8":
        config = folder / "workshop.yaml"
        config.write_text(config.read_text().replace('decimal: ","\n', f'decimal: ","\n    encoding: {encoding}\n', 1))
    return folder


def run_import(folder: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, "import", str(folder)], capture_output=True, text=True, **kwargs)


def store_rows(folder: Path) -> int:
    with duckdb.connect(str(folder / "store.duckdb"), read_only=True) as con:
        return con.execute("SELECT count(*) FROM contacts").fetchone()[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith((".kpi-import-", ".kpi-scratch")) or ".tmp" in p.name)


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_the_store_usable(tmp_path: Path) -> None:
    folder = workshop(tmp_path, 60_000)
    durations = []
    for _ in range(2):  # the faster of two: a run slowed by other work on the machine would put the kills too late
        start = time.perf_counter()
        assert run_import(folder).returncode == 0
        durations.append(time.perf_counter() - start)
    took = min(durations)
    before = (folder / "store.duckdb").read_bytes()
    rng = random.Random(17)
    killed = 0
    for _ in range(6):
        process = subprocess.Popen([*COMMAND, "import", str(folder)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0) * took)
        killed += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        # the old store, or a complete new one when the kill came after the move into place
        assert store_rows(folder) == 60_000
    assert killed >= 3, "the kills came too late to test anything"
    done = run_import(folder)
    assert done.returncode == 0, done.stderr
    assert store_rows(folder) == 60_000
    assert leftovers(folder) == []
    assert (folder / "store.duckdb").read_bytes() != before   # a new import was written


@pytest.mark.parametrize("limit_kb, encoding", [(40, "cp1252"), (1_000, "utf-8")])
def test_a_full_disk_gives_a_message_and_keeps_the_store(tmp_path: Path, limit_kb: int, encoding: str) -> None:
    folder = workshop(tmp_path, 3_000, encoding)
    assert run_import(folder).returncode == 0
    before = (folder / "store.duckdb").read_bytes()
    export = folder / "exports" / "contacten.csv"

    def small_disk() -> None:   # every file this process writes stops at limit_kb
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kb * 1024, limit_kb * 1024))

    # grow the export so that what the import writes passes the limit
    head, *rows = export.read_text(encoding=encoding).splitlines()
    export.write_text("\n".join([head] + [f"{500_000_001 + i}{rows[i % len(rows)][9:]}" for i in range(60_000)])
                      + "\n", encoding=encoding)
    done = run_import(folder, preexec_fn=small_disk, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "the disk is full" in done.stderr and "It needs about" in done.stderr, done.stderr
    assert "the previous store was left as it was" in done.stderr
    assert (folder / "store.duckdb").read_bytes() == before
    assert leftovers(folder) == []
