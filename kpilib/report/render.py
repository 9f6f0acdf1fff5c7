"""Render a workshop's report pack: run the day notebooks with papermill, write HTML pages and an index.

Each day notebook (``notebooks/dayNN_<theme>.ipynb``) runs with the workshop folder, batch mode
(``interactive=False``) and the parameters injected: the ``parameters:`` block of workshop.yaml,
overridden by the values passed to :func:`render`. Every value is checked against the notebooks'
typed parameters cells before any notebook runs (see :mod:`kpilib.report._parameters`).

For every day the pack holds the executed notebook and an HTML page without code; ``index.html``
shows the client, the schedule, one card per day (its key results and decisions, read from the
summary that :func:`kpilib.day_summary` attached) and links to every page. A day that fails is still
written, with its error visible; the other days still render. Pages are deterministic: the same
input gives the same HTML, apart from the time of rendering on the index.

Every file of the pack is written whole or not at all (a hidden file, then :func:`os.replace`). When
a render starts it writes an index that says the pack is not finished and marks the days it is
about to render; the final index replaces it. A render that is killed thus leaves complete pages
and an index that says it did not finish; the next render removes its hidden leftovers.

By default each parallel job keeps one kernel for all the days it runs, emptied and reset before
every notebook (:mod:`kpilib.report._kernel`), so that the imports and the kernel start are paid once per
job rather than once per day; ``kernel="per-day"`` starts a new kernel for every notebook.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import os  # noqa: F401 - the atomic write in _files goes through os.replace; tests patch it here
import re
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpilib._checks import check_argument
from kpilib._i18n import in_language, set_language
from kpilib.report._files import write_whole as _write
from kpilib.report._jobs import Jobs
from kpilib.report._kernel import SharedKernel
from kpilib.report._pages import Card, IndexData, day_page, index_page, notebook_body, read_summary
from kpilib.report._parameters import check_parameters, notebook_parameters
from kpilib.exceptions import ParameterError, WorkshopError

__all__ = ["KERNELS", "NOTEBOOKS", "DayPage", "RenderResult", "day_notebooks", "day_parameters", "parse_days", "render"]

#: The day notebooks shipped with the project.
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

#: How the days get their kernels: one kept per parallel job, or a new one for every day.
KERNELS = ("shared", "per-day")
#: Who reads the pack: the client (the default), or the facilitator (with the notes and the notebooks).
AUDIENCES = ("client", "facilitator")
#: Markdown cells for the facilitator only carry this tag; the client pack leaves them out.
FACILITATOR_TAG = "facilitator"
#: A sentence for the facilitator inside a Markdown cell of every audience.
_FACILITATOR_SENTENCE = re.compile(r'<span class="kpi-facilitator">.*?</span>[ \t]*', re.S)
#: A note for the facilitator in an output: an element of that class, with no element of its kind inside.
_FACILITATOR_NOTE = re.compile(r'<(p|div|span) class="kpi-facilitator"[^>]*>.*?</\1>', re.S)
#: The PDF of the pack, next to its index.
PDF_NAME = "pack.pdf"
_DAY_FILE = re.compile(r"^day(\d{2})_\w+\.ipynb$")
_SETUP_TAG = "kpi-render-setup"
#: Run before the notebook's own cells: figures as PNG without the metadata that varies by machine.
_SETUP_SOURCE = """\
%config InlineBackend.figure_formats = ["png"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "dpi": 120, "metadata": {"Software": None}}
import matplotlib
matplotlib.rcParams["svg.hashsalt"] = "kpi-workshop"
import matplotlib.pyplot
matplotlib.pyplot.close(matplotlib.pyplot.figure())  # loads the inline backend, which registers its PNG printer
# after each cell pyplot draws every figure, then the inline backend draws it again as the PNG: once is enough
matplotlib.pyplot.uninstall_repl_displayhook()
from kpilib.report._alt import show_figures_with_alt
show_figures_with_alt(get_ipython())
del show_figures_with_alt
"""


@dataclass
class DayPage:
    """One rendered day: its files, its error (None when it ran through) and its summary."""

    day: int
    notebook: Path
    html: Path
    executed: Path
    error: str | None = None
    summary: dict[str, Any] | None = None
    seconds: float = 0.0


@dataclass
class RenderResult:
    """What :func:`render` wrote."""

    out: Path
    index: Path
    pages: list[DayPage] = field(default_factory=list)

    @property
    def failed(self) -> list[DayPage]:
        return [p for p in self.pages if p.error]


def day_notebooks(folder: str | Path = NOTEBOOKS) -> dict[int, Path]:
    """The day notebooks in ``folder``: day number -> ``dayNN_<theme>.ipynb``."""
    found: dict[int, Path] = {}
    for path in sorted(Path(folder).glob("day*.ipynb")):
        match = _DAY_FILE.match(path.name)
        if match:
            day = int(match[1])
            if day in found:
                raise WorkshopError(f"{folder}: two notebooks for day {day}: {found[day].name} and {path.name}")
            found[day] = path
    return found


def parse_days(text: str) -> list[int]:
    """Day numbers from ``"1-10"``, ``"3"`` or ``"1,3,5-7"``.

    >>> parse_days("1,3,5-7")
    [1, 3, 5, 6, 7]
    """
    days: set[int] = set()
    for part in str(text).replace(" ", "").split(","):
        match = re.fullmatch(r"(\d{1,2})(?:-(\d{1,2}))?", part)
        if not match or not 1 <= int(match[1]) <= int(match[2] or match[1]) <= 10:
            raise ParameterError(f"`days` must be day numbers 1-10 such as '1-10', '3' or '1,3,5-7'; got {text!r}")
        days.update(range(int(match[1]), int(match[2] or match[1]) + 1))
    return sorted(days)


def render(workshop: str | Path, *, days: str | Iterable[int] | None = None,
           parameters: Mapping[str, Any] | None = None, out: str | Path = "report", jobs: int = 1,
           notebooks: str | Path = NOTEBOOKS, progress: bool = True, kernel: str = "shared",
           audience: str = "client", pdf: bool = False) -> RenderResult:
    """Run the day notebooks on a workshop and write the report pack into ``out``.

    Parameters
    ----------
    workshop
        The workshop folder, imported (``kpi-workshop import``).
    days
        The days to render (``"1-3,5"`` or a list of numbers); default every day notebook.
    parameters
        Notebook parameters, over the ``parameters:`` block of workshop.yaml. A text value of a
        number or flag parameter is read as YAML (``"20"`` -> 20), as the command line passes it.
        Both are checked against the parameters of every day notebook, whichever days run; each
        day receives the ones it declares.
    out
        The folder of the pack; created when missing.
    jobs
        Notebooks run at once, each in its own kernel and writing only its own files.
    notebooks
        The folder holding the ``dayNN_<theme>.ipynb`` notebooks.
    progress
        Show a progress bar per notebook, counting its cells.
    kernel
        ``"shared"``: each job runs its days in one kernel, emptied and reset before every notebook
        (the namespace, figures, matplotlib settings and unit converters, pandas options, warning
        filters and shown warnings), and replaced after a day that failed. ``"per-day"``: a new kernel for every notebook, as
        papermill does on its own; slower, for notebooks that change other process-wide state.
    audience
        ``"client"``: the pack the client reads, without the notes for the facilitator (cells tagged
        ``facilitator``) and without links to the executed notebooks; ``"facilitator"``: with both.
    pdf
        Also write the pack as one PDF, ``<out>/pack.pdf`` (A4: the index, then each day), with WeasyPrint.

    Returns
    -------
    RenderResult

    Raises
    ------
    ParameterError
        For unknown days or bad parameters, before any notebook runs.
    WorkshopError
        When the workshop folder or its store is missing.
    """
    from kpilib.workshop.folder import open_workshop

    check_argument("kernel", kernel, KERNELS)
    check_argument("audience", audience, AUDIENCES)
    ws = open_workshop(workshop)
    store = ws.store  # fails here, before any notebook runs, when the workshop was not imported
    available = day_notebooks(notebooks)
    selected = _select(days, available, notebooks)
    with Jobs(min(jobs, len(selected)), Path(notebooks).resolve(), shared=kernel == "shared") as running:
        injected = day_parameters(ws, available, parameters, interactive=False)
        data = IndexData(client=ws.client, schedule=[_card(ws, n) for n in range(1, 11)],
                         tables=store.summary(), audience=audience)

        out = Path(out).resolve()
        out.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out)
        index = out / "index.html"
        started = [dataclasses.replace(_card(ws, day), running=True) for day in selected]
        _write(index, index_page(data, started, rendered_at=dt.datetime.now().astimezone(), in_progress=True))
        tasks = []
        for slot, day in enumerate(selected):
            tasks.append(_Task(day, available[day], out, injected[day], _card(ws, day), ws.client,
                               slot % max(1, jobs) if progress else None, ws.language, audience))
        pages = running.run(functools.partial(_run_day, stopping=running.stopping), tasks)
    cards = [_page_card(task, page) for task, page in zip(tasks, pages)]
    cards += _earlier_cards(ws, out, {day: path for day, path in available.items() if day not in selected})
    _write(index, index_page(data, cards, rendered_at=dt.datetime.now().astimezone()))
    if pdf:
        from kpilib.report._pdf import write_pdf

        write_pdf(out / PDF_NAME, [index, *(out / card.page for card in sorted(cards, key=lambda c: c.day)
                                            if card.page and (out / card.page).exists())])
    return RenderResult(out, index, pages)


def day_parameters(ws, available: Mapping[int, Path], parameters: Mapping[str, Any] | None = None, *,
                   interactive: bool) -> dict[int, dict[str, Any]]:
    """The parameters injected into each day notebook (day → name → value), checked before any runs.

    The workshop folder, the mode, the ``parameters:`` block of workshop.yaml and then
    ``parameters``; each notebook gets the ones its parameters cell declares. Render, ``lab`` and
    ``present`` inject the same values, so a day shows the same numbers in each.

    Raises
    ------
    ParameterError
        For an unknown parameter or a value of the wrong type or range, in workshop.yaml or in
        ``parameters``.
    """
    # one set of parameters for workshop.yaml and -p: those of every day notebook, whichever days run
    # (the project's own days too, when another folder of notebooks is used)
    declared = notebook_parameters(available)
    folders = {Path(path).resolve().parent for path in available.values()}
    known = declared if folders <= {NOTEBOOKS} else notebook_parameters(day_notebooks(NOTEBOOKS)) | declared
    try:
        shared = check_parameters(dict(ws.parameters or {}), known)
    except ParameterError as exc:
        raise ParameterError(f"{ws.path / 'workshop.yaml'}, block `parameters:`: {exc}") from None
    values = {"workshop": str(Path(ws.path).resolve()), "interactive": interactive, **shared,
              **check_parameters(dict(parameters or {}), known)}
    return {day: {name: value for name, value in values.items() if name in declared and day in declared[name].days}
            for day in available}


def _select(days, available: dict[int, Path], folder) -> list[int]:
    if not available:
        raise WorkshopError(f"{folder}: no day notebooks (dayNN_<theme>.ipynb) to render")
    if days is None:
        return sorted(available)
    wanted = parse_days(days) if isinstance(days, str) else sorted({int(d) for d in days})
    missing = [d for d in wanted if d not in available]
    if missing:
        have = ", ".join(f"{d} ({p.name})" for d, p in sorted(available.items()))
        raise ParameterError(f"no notebook for day {', '.join(map(str, missing))} in {folder}; "
                             f"the days available are: {have}")
    return wanted


def _card(ws, day: int) -> Card:
    try:
        scheduled = ws.day(day)
    except (KeyError, IndexError, WorkshopError, ParameterError):
        return Card(day, f"Day {day}", None, rendered=False)
    return Card(day, scheduled.theme, scheduled.date, rendered=False)


def _earlier_cards(ws, out: Path, days: Mapping[int, Path]) -> list[Card]:
    """Cards of days rendered into ``out`` before and not again now, so that the index shows what is there."""
    import nbformat

    cards = []
    for day, notebook in sorted(days.items()):
        executed, page = out / notebook.name, out / f"{notebook.stem}.html"
        if not (executed.exists() and page.exists()):
            continue
        try:
            nb = nbformat.read(executed, as_version=4)
        except (OSError, ValueError):  # a damaged executed notebook: the day shows as not rendered
            continue
        base = _card(ws, day)
        cards.append(Card(day, base.title, base.date, page=page.name, notebook=executed.name,
                          error=nb.metadata.get("kpi_workshop", {}).get("error"), summary=read_summary(nb)))
    return cards


def _page_card(task: "_Task", page: DayPage) -> Card:
    return Card(task.day, task.card.title, task.card.date, page=page.html.name, notebook=page.executed.name,
                error=page.error, summary=page.summary)


@dataclass(frozen=True)
class _Task:
    day: int
    notebook: Path
    out: Path
    parameters: dict[str, Any]
    card: Card
    client: str
    position: int | None
    language: str = "en"
    audience: str = "client"


def _run_day(task: _Task, kernel: SharedKernel, *, stopping: threading.Event | None = None) -> DayPage | None:
    """Execute one notebook in ``kernel``, after its reset, and write its executed copy and its page.

    Only files of this day are written; days run in parallel threads (:mod:`kpilib.report._jobs`).
    When the render is being stopped (``stopping`` set) by the time the notebook ends, nothing is
    written: the pages of an earlier render stay as they were.
    """
    import nbformat
    import papermill

    from kpilib.report._engine import ENGINE

    set_language(task.language)  # the page is written in the workshop's language
    source = for_audience(in_language(nbformat.read(task.notebook, as_version=4), task.language), task.audience)
    prepared = _with_setup_cell(source)
    executed = task.out / task.notebook.name
    page = task.out / f"{task.notebook.stem}.html"
    partial = task.out / f".{task.notebook.stem}.running.ipynb"
    # a bar per day in a terminal; in a log (stderr not a terminal), one line per day when it ends
    terminal = task.position is not None and sys.stderr.isatty()
    bar = {"desc": f"day {task.day:02d}", "position": task.position, "leave": True} if terminal else None
    start, error, result = time.perf_counter(), None, None
    try:
        # the kernel runs in the notebooks' folder; papermill's cwd= would change the whole process's
        result = papermill.execute_notebook(prepared, str(partial), parameters=task.parameters,
                                            kernel_name="python3", engine_name=ENGINE, progress_bar=bar or False,
                                            log_output=False, km=kernel.manager())
    except papermill.PapermillExecutionError as exc:
        error = f"{_cell_label(source, exc.source)}: {exc.ename}: {_first_line(exc.evalue)}"
    except Exception as exc:  # a dead kernel or an unreadable notebook: this day fails, the others go on
        died_in = _last_started_cell(partial) if type(exc).__name__ == "DeadKernelError" else None
        where = "the start of the notebook" if died_in is None else _cell_label(source, died_in)
        error = f"{where}: {type(exc).__name__}: {_first_line(str(exc))}"
    finally:
        kernel.done(ok=error is None)
    seconds = time.perf_counter() - start
    if stopping is not None and stopping.is_set():
        partial.unlink(missing_ok=True)
        return None
    if task.position is not None and not terminal:
        print(f"day {task.day:02d}: {'failed: ' + error if error else 'done'} ({seconds:.1f} s)", file=sys.stderr,
              flush=True)
    if error is not None:  # what papermill wrote; when it stopped before writing, the prepared notebook
        result = nbformat.read(partial, as_version=4) if partial.exists() else prepared
    # the error is kept with the executed notebook, so that a later render of other days can show it
    result.metadata["kpi_workshop"] = {"day": task.day, "error": error}
    _write(executed, nbformat.writes(result))
    partial.unlink(missing_ok=True)
    summary = read_summary(result)
    card = Card(task.day, task.card.title, task.card.date, page=page.name, notebook=executed.name, error=error)
    shown = result if task.audience == "facilitator" else without_facilitator_notes(result)
    _write(page, day_page(card, client=task.client, body=notebook_body(shown), audience=task.audience))
    return DayPage(task.day, task.notebook, page, executed, error, summary, seconds)


def for_audience(nb, audience: str):
    """``nb`` for one audience: for the client without the cells tagged ``facilitator`` and the sentences
    marked ``<span class="kpi-facilitator">…</span>`` in other Markdown cells (a copy)."""
    if audience == "facilitator":
        return nb
    kept = copy.copy(nb)
    kept["cells"] = []
    for cell in nb["cells"]:
        if FACILITATOR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "markdown" and _FACILITATOR_SENTENCE.search(_text(cell["source"])):
            cell = copy.copy(cell)
            cell["source"] = _FACILITATOR_SENTENCE.sub("", _text(cell["source"]))
        kept["cells"].append(cell)
    return kept


def without_facilitator_notes(nb):
    """``nb`` with the notes for the facilitator taken out of its outputs (a copy): the elements of class
    ``kpi-facilitator`` in HTML outputs, such as how to map a missing table in a part's box
    (:meth:`kpilib.report.sections.Section.box_html`)."""
    kept = copy.deepcopy(nb)
    for cell in kept.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = _FACILITATOR_NOTE.sub("", _text(data["text/html"]))
    return kept


def _text(source) -> str:
    return source if isinstance(source, str) else "".join(source)


def _with_setup_cell(nb):
    import nbformat

    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(_SETUP_SOURCE, metadata={"tags": [_SETUP_TAG]})
    cell["id"] = _SETUP_TAG
    nb.cells.insert(0, cell)
    return nb


def _last_started_cell(partial: Path) -> str | None:
    """The source of the last cell papermill started (when the kernel died, the one it died in)."""
    import nbformat

    if not partial.exists():
        return None
    started = [cell.source for cell in nbformat.read(partial, as_version=4).cells
               if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _cell_label(source_nb, failed_source: str) -> str:
    """``cell 7 (kpilib.satisfaction_drivers(…))``: the failed cell's place in the source notebook."""
    for number, cell in enumerate(source_nb.cells, start=1):
        if cell.cell_type == "code" and cell.source == failed_source:
            return f"cell {number} ({_first_line(cell.source, 60)})"
    return f"the cell {_first_line(failed_source, 60)!r}"


def _first_line(text: str, limit: int = 200) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    line = lines[0].strip() if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"



#: Files a render writes before moving them into place; one left over is from a render that was stopped.
_LEFTOVERS = (".*.partial", ".*.running.ipynb")


def _remove_leftovers(out: Path) -> None:
    for pattern in _LEFTOVERS:
        for path in out.glob(pattern):
            path.unlink(missing_ok=True)
