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


@pytest.fixture(scope="session")
def sample_pack(sample_workshop, tmp_path_factory):
    """The sample workshop's full report pack, rendered once per test session (as `make report` does)."""
    from kpilib.report.render import render

    return render(sample_workshop, out=tmp_path_factory.mktemp("pack") / "report", jobs=2, progress=False)


@pytest.fixture(scope="session")
def sample_pack_nl(sample_workshop, tmp_path_factory):
    """The sample workshop's pack with ``language: nl``, rendered once per test session."""
    from kpilib.report.render import render

    folder = tmp_path_factory.mktemp("sample-nl") / "sample"
    shutil.copytree(sample_workshop, folder, ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    config = folder / "workshop.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nlanguage: en", "\nlanguage: nl", 1),
                      encoding="utf-8")
    assert "\nlanguage: nl" in config.read_text(encoding="utf-8")
    try:
        return render(folder, out=tmp_path_factory.mktemp("pack-nl") / "report", jobs=2, progress=False)
    finally:
        import kpilib

        kpilib.set_language("en")


@pytest.fixture(autouse=True)
def no_workshop_names_afterwards():
    """Each test starts without the team and chain names of a workshop an earlier test opened."""
    yield
    from kpilib._codes import use_workshop_names

    use_workshop_names()
