"""Every notebook runs top to bottom on the sample workshop, as `make report` runs it."""

from __future__ import annotations

import json

import pytest

from kpilib.render import NOTEBOOKS, render

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def _parameters_cell(path):
    cells = json.loads(path.read_text())["cells"]
    return next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_has_a_documented_parameters_cell(notebook):
    cell = _parameters_cell(notebook)
    assert cell is not None, f"{notebook.name}: no cell tagged `parameters`"
    lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
    undocumented = [line for line in lines if ":" not in line.split("=")[0] or "#" not in line]
    assert not undocumented, f"{notebook.name}: parameters without a type or a help comment: {undocumented}"
    assert any(line.startswith("workshop: str") for line in lines)


def test_every_notebook_renders_on_the_sample_workshop(sample_workshop, tmp_path):
    result = render(sample_workshop, out=tmp_path / "report", jobs=2, progress=False)
    failures = [f"{p.notebook}: {p.error}" for p in result.failed]
    assert not failures, "notebooks failed:\n" + "\n".join(failures)
    assert result.index.exists()
    for page in result.pages:
        text = page.html.read_text()
        assert "Traceback" not in text, f"{page.notebook} shows a traceback"
        assert len(text) > 10_000
