"""Render workshop notebooks to a client-ready HTML pack with papermill and nbconvert.

Each notebook runs with the workshop path injected as the ``workshop`` parameter; the executed
notebook is kept next to its HTML page (code cells hidden). A notebook that fails is still converted,
with its error visible, and reported; the others still render.
"""

from __future__ import annotations

import html
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NOTEBOOKS", "RenderResult", "render"]

#: The notebooks shipped with the project.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass
class Page:
    notebook: str
    html: Path
    executed: Path
    error: str | None = None


@dataclass
class RenderResult:
    out: Path
    index: Path
    pages: list[Page] = field(default_factory=list)

    @property
    def failed(self) -> list[Page]:
        return [p for p in self.pages if p.error]


def _render_one(notebook: Path, out: Path, parameters: dict, progress: bool) -> Page:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    executed = out / notebook.name
    page = out / (notebook.stem + ".html")
    error = None
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name="python3",
            cwd=str(notebook.parent), progress_bar=progress, report_mode=False,
        )
    except papermill.PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    page.write_text(body, encoding="utf-8")
    return Page(notebook.name, page, executed, error)


def render(workshop: str | Path, *, out: str | Path = "report", notebooks: list[Path] | None = None,
           parameters: dict | None = None, jobs: int = 1, progress: bool = True) -> RenderResult:
    """Execute the workshop notebooks and write HTML pages plus an ``index.html`` into ``out``.

    Parameters
    ----------
    workshop
        The workshop folder (with an imported store).
    out
        The folder for the pack; created when missing.
    notebooks
        The notebooks to render; default every ``*.ipynb`` directly in ``notebooks/``.
    parameters
        Extra notebook parameters, injected after ``workshop``.
    jobs
        Notebooks rendered in parallel processes.
    progress
        Show papermill's progress bar per notebook.

    Returns
    -------
    RenderResult
    """
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(notebooks or NOTEBOOKS.glob("*.ipynb"))
    params = {"workshop": str(Path(workshop).resolve()), **(parameters or {})}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_render_one, nb, out, params, progress) for nb in notebooks]
        pages = [f.result() for f in futures]
    index = out / "index.html"
    index.write_text(_index(Path(workshop), pages), encoding="utf-8")
    return RenderResult(out, index, pages)


def _index(workshop: Path, pages: list[Page]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(p.html.name)}">{html.escape(p.notebook)}</a>'
        + (f' <strong class="failed">failed: {html.escape(p.error)}</strong>' if p.error else "")
        + "</li>"
        for p in pages
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KPI workshop — {html.escape(workshop.name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;color:#222}}
.failed{{color:#b00020}}</style></head>
<body><h1>KPI workshop — {html.escape(workshop.name)}</h1><ul>
{items}
</ul></body></html>
"""
