"""Fixtures shared across test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_workshop(tmp_path_factory) -> Path:
    """A copy of the sample workshop, imported: exactly what `make report` builds from."""
    import kpilib

    folder = tmp_path_factory.mktemp("sample") / "sample"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("store.duckdb*", "decisions.sqlite*", "quarantine", ".kpi-key"))
    kpilib.import_workshop(folder)
    return folder
