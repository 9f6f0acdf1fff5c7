"""Every day notebook runs top to bottom on the sample workshop, in batch mode (as `make report` runs it)
and in facilitator mode (widgets), and documents its parameters."""

from __future__ import annotations

import json

import papermill
import pytest

from kpilib.report.render import NOTEBOOKS, day_notebooks
from kpilib.report.narration import SUMMARY_MIME

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def _parameters_cell(path):
    cells = json.loads(path.read_text())["cells"]
    return next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)


def test_notebooks_folder_holds_only_the_days():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(p.name for p in day_notebooks().values())


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_has_a_documented_parameters_cell(notebook):
    cell = _parameters_cell(notebook)
    assert cell is not None, f"{notebook.name}: no cell tagged `parameters`"
    lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
    undocumented = [line for line in lines if ":" not in line.split("=")[0] or "#" not in line]
    assert not undocumented, f"{notebook.name}: parameters without a type or a help comment: {undocumented}"
    assert lines[0].startswith("workshop: str")
    assert lines[1].startswith("interactive: bool = False  # facilitator mode")


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    assert not [c for c in cells if c.get("outputs") or c.get("execution_count")], notebook.name


def test_every_notebook_renders_on_the_sample_workshop(sample_pack):
    failures = [f"{p.notebook.name}: {p.error}" for p in sample_pack.failed]
    assert not failures, "notebooks failed:\n" + "\n".join(failures)
    for page in sample_pack.pages:
        text = page.html.read_text()
        assert "Traceback" not in text, f"{page.notebook.name} shows a traceback"
        assert page.summary is not None, f"{page.notebook.name} has no day summary"
        assert 'class="kpi-summary"' in text


def _summary(nb):
    return next(o["data"][SUMMARY_MIME] for c in nb.cells for o in c.get("outputs", [])
                if SUMMARY_MIME in o.get("data", {}))


@pytest.mark.parametrize("day", sorted(day_notebooks()))
def test_facilitator_mode_runs_and_shows_the_same_numbers(day, sample_workshop, sample_pack, tmp_path):
    notebook = day_notebooks()[day]
    executed = papermill.execute_notebook(str(notebook), str(tmp_path / notebook.name), kernel_name="python3",
                                          parameters={"workshop": str(sample_workshop), "interactive": True},
                                          cwd=str(notebook.parent), progress_bar=False)
    widgets = [o for c in executed.cells for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, f"{notebook.name} shows no widget in facilitator mode"
    batch = next(p for p in sample_pack.pages if p.day == day).summary
    assert _summary(executed)["results"] == batch["results"]
