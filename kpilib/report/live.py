"""The live room: the day notebooks of one workshop, opened in JupyterLab (``lab``) or as an app (``present``).

Both start from the same copies: the day notebooks with this workshop's parameters injected as
``render`` injects them (the folder, the ``parameters:`` block of workshop.yaml, facilitator mode
on), written to ``WORKSHOP/live/``. A facilitator never edits a parameters cell, and a recorded
decision always lands in the workshop that was opened.

A copy someone changed (a cell edited in JupyterLab) is not overwritten: it is moved to
``live/edited/`` with the time, and the message says where.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpilib._i18n import in_language
from kpilib.exceptions import ParameterError, WorkshopError
from kpilib.report._files import write_whole as _write
from kpilib.report.render import NOTEBOOKS, day_notebooks, day_parameters

__all__ = ["LIVE_FOLDER", "LiveServer", "day_bar", "lab_server", "prepare_live", "present_server", "run_server"]

#: The folder in a workshop that holds its live copies of the day notebooks.
LIVE_FOLDER = "live"
_BAR_TAG = "kpi-live-bar"
_PORTS = {"lab": 8888, "present": 8866}
#: Voilà's settings for the room (voila.py) and its page template (voila/templates/kpi-room): a Jupyter data folder.
_VOILA = Path(__file__).with_name("voila")
#: Signals that stop ``run_server`` as Ctrl-C does: a service manager's stop, the terminal closing.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@dataclass
class LiveServer:
    """A server to start: its command line, environment, address and what it shows."""

    argv: list[str]
    env: dict[str, str]
    url: str
    port: int
    folder: Path
    moved: list[Path]
    what: str


def prepare_live(workshop: str | Path, *, notebooks: str | Path | None = None,
                 interactive: bool = True) -> tuple[Any, Path, list[Path]]:
    """Write the live copies of the day notebooks for ``workshop``; the workshop, the folder and moved copies.

    Raises
    ------
    WorkshopError
        When the workshop cannot be opened, has not been imported, or has no day notebooks.
    ParameterError
        When the ``parameters:`` block of workshop.yaml does not fit the notebooks.
    """
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from kpilib.workshop.folder import open_workshop

    ws = open_workshop(workshop)
    ws.store  # noqa: B018 - fails here, with the import command to run, when nothing was imported
    source = Path(notebooks) if notebooks is not None else NOTEBOOKS
    if not source.is_dir():
        raise WorkshopError(f"{source}: no notebooks folder. Give the folder with --notebooks.")
    available = day_notebooks(source)
    if not available:
        raise WorkshopError(f"{source}: no day notebooks (dayNN_*.ipynb) in this folder.")
    injected = day_parameters(ws, available, interactive=interactive)
    folder = Path(ws.path).resolve() / LIVE_FOLDER
    folder.mkdir(exist_ok=True)
    moved = []
    for day, path in sorted(available.items()):
        nb = parameterize_notebook(in_language(load_notebook_node(str(path)), ws.language), injected[day])
        bar = nbformat.v4.new_code_cell(f"from kpilib.report.live import day_bar\n"
                                        f"day_bar({str(Path(ws.path).resolve())!r}, {day})",
                                        metadata={"tags": [_BAR_TAG]})
        bar["id"] = _BAR_TAG
        nb.cells.insert(0, bar)  # on top of the page: the day picker and the day's date
        nb.metadata["kpi_workshop"] = {"day": day, "live": True, "sources": _sources_hash(nb)}
        target = folder / path.name
        kept = _keep_if_edited(target)
        if kept:
            moved.append(kept)
        _write(target, nbformat.writes(nb))  # whole or not at all, as render writes its pages
    return ws, folder, moved


def _sources_hash(nb) -> str:
    sources = [cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"]) for cell in nb["cells"]]
    return hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()


def _keep_if_edited(target: Path) -> Path | None:
    """Move a live copy whose cells were changed since it was written to ``edited/``; its new path."""
    if not target.exists():
        return None
    try:
        nb = json.loads(target.read_text(encoding="utf-8"))
        written = nb.get("metadata", {}).get("kpi_workshop", {}).get("sources")
        unchanged = written == _sources_hash(nb)
    except (ValueError, KeyError, TypeError, AttributeError):
        unchanged = False
    if unchanged:
        return None  # only outputs differ: running the notebook makes them again
    kept = target.parent / "edited" / f"{target.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}{target.suffix}"
    kept.parent.mkdir(exist_ok=True)
    target.replace(kept)
    return kept


def day_bar(workshop: str | Path, day: int) -> None:
    """Show the day's heading with its date in the schedule and a link to each day: the day picker."""
    from IPython.display import HTML, display

    from kpilib.workshop.folder import open_workshop

    ws = open_workshop(workshop)
    links = []
    for number in range(1, 11):
        item = ws.day(number)
        label = html.escape(f"{number}")
        title = html.escape(f"{item.heading}: {item.theme}")
        if number == day:
            links.append(f'<span class="kpi-day kpi-day-now" title="{title}">{label}</span>')
        else:
            links.append(f'<a class="kpi-day" href="{html.escape(item.notebook)}.ipynb" title="{title}">{label}</a>')
    today = ws.day(day)
    client = html.escape(ws.client or ws.path.name)
    display(HTML(f"""<nav class="kpi-live-bar" aria-label="days" style="display:flex;gap:.4em;align-items:center;
 flex-wrap:wrap;font:15px/1.4 system-ui,sans-serif;padding:.4em 0;border-bottom:1px solid #ccd">
<strong style="margin-right:.6em">{client} · {html.escape(today.heading)}</strong>{''.join(links)}</nav>
<style>.kpi-day{{display:inline-block;min-width:1.8em;text-align:center;padding:.1em .3em;border-radius:4px;
 border:1px solid #99a;text-decoration:none;color:#223}} .kpi-day-now{{background:#234;color:#fff;border-color:#234}}</style>"""))
    # the page's language is the workshop's, for the browser (hyphenation, spelling) and screen readers
    display({"application/javascript": f"document.documentElement.lang = {json.dumps(ws.language)};"}, raw=True)


def _free_port(port: int | None, what: str) -> int:
    """``port``, or the default of ``what``; a clear error when another program listens on it."""
    chosen = port or _PORTS[what]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", chosen))
        except OSError:
            raise WorkshopError(
                f"port {chosen} is in use, probably by another `kpi-workshop {what}` or Jupyter. "
                f"Stop that one, or choose another port with --port.") from None
    return chosen


def lab_server(workshop: str | Path, *, notebooks: str | Path | None = None, port: int | None = None,
               browser: bool = True, extra: Sequence[str] = ()) -> LiveServer:
    """JupyterLab on the live copies of ``workshop``'s day notebooks (facilitator mode on)."""
    ws, folder, moved = prepare_live(workshop, notebooks=notebooks)
    chosen = _free_port(port, "lab")
    argv = [sys.executable, "-m", "jupyter", "lab", str(folder), f"--port={chosen}",
            "--ServerApp.port_retries=0", *([] if browser else ["--no-browser"]), *extra]
    return LiveServer(argv, _environment(ws), f"http://localhost:{chosen}/lab", chosen, folder, moved, "lab")


def present_server(workshop: str | Path, *, day: int | None = None, notebooks: str | Path | None = None,
                   port: int | None = None, extra: Sequence[str] = ()) -> LiveServer:
    """The day notebooks of ``workshop`` as an app (Voilà): no code, widgets live, a day picker."""
    ws, folder, moved = prepare_live(workshop, notebooks=notebooks)
    if day is not None:
        ws.day(day)  # a clear error for a day outside 1-10
    chosen = _free_port(port, "present")
    names = {int(p.name[3:5]): p.name for p in folder.glob("day[0-9][0-9]_*.ipynb")}
    if day is not None and day not in names:
        raise ParameterError(f"--day {day}: no notebook for that day in {folder}")
    first = names[day] if day is not None else names[min(names)]
    argv = [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={chosen}",
            "--Voila.port_retries=0", "--Voila.ip=127.0.0.1", "--show_tracebacks=False", "--strip_sources=True",
            "--theme=light", "--template=kpi-room", "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|svg|css)']",
            *_voila_config_paths(), *extra]
    env = _environment(ws)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in [str(_VOILA), env.get("JUPYTER_PATH", "")] if p)
    return LiveServer(argv, env, f"http://localhost:{chosen}/voila/render/{first}", chosen, folder, moved, "present")


def _voila_config_paths() -> list[str]:
    """Where Voilà looks for voila.py: its own places first (they win), then the room's settings."""
    from jupyter_core.paths import jupyter_config_path

    return [f"--Voila.config_file_paths={p}" for p in [os.getcwd(), *jupyter_config_path(), str(_VOILA)]]


def _environment(ws) -> dict[str, str]:
    """This installation's kpilib in the kernel, the workshop in ``WORKSHOP``, and a quiet kernel."""
    project = str(NOTEBOOKS.parent)
    path = os.pathsep.join(p for p in [project, os.environ.get("PYTHONPATH", "")] if p)
    return {**os.environ, "WORKSHOP": str(Path(ws.path).resolve()), "PYTHONPATH": path,
            "PYTHONWARNINGS": os.environ.get("PYTHONWARNINGS", "ignore::DeprecationWarning")}


def run_server(server: LiveServer, *, open_browser: bool, echo=print) -> int:
    """Start ``server``, open the browser when it answers, and stop it (and its kernels) on Ctrl-C.

    SIGTERM and SIGHUP (a service manager stopping it, the terminal closing) stop it the same way. The
    server runs in its own session, out of reach of the terminal's signals: only this process stops it.
    """
    process = subprocess.Popen(server.argv, env=server.env, start_new_session=True)
    previous = {number: signal.signal(number, signal.default_int_handler) for number in _STOP_SIGNALS}
    try:
        if _wait_for(server.port, process, timeout=120):
            echo(f"Open {server.url}  (Ctrl-C stops the server)")
            if open_browser and server.what == "present":
                webbrowser.open(server.url)
        while True:
            # short waits, not one long one: Ctrl-C may reach one of DuckDB's threads rather than this
            # one, and then only returns here between two waits (a blocked wait would never end)
            with contextlib.suppress(subprocess.TimeoutExpired):
                return process.wait(timeout=0.5)
    except KeyboardInterrupt:
        echo("Stopping the server …")
        return _stop(process)
    finally:
        if process.poll() is None:
            _stop(process)
        for number, handler in previous.items():
            signal.signal(number, handler)


def _wait_for(port: int, process: subprocess.Popen, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen) -> int:
    """Stop the server and every process it started (its kernels): SIGTERM, then SIGKILL after 10 s."""
    import psutil

    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return process.wait()
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _, alive = psutil.wait_procs(family, timeout=10)
    for member in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    return process.wait()
