"""How ``kpi-workshop lab`` starts JupyterLab for a workshop."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kpilib.exceptions import WorkshopError

__all__ = ["NOTEBOOKS", "lab_command"]

#: The project's notebooks folder.
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def lab_command(workshop: str | Path, *, notebooks: str | Path | None = None, port: int | None = None,
                browser: bool = True) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start JupyterLab on ``notebooks`` for ``workshop``.

    JupyterLab runs with this installation's Python, whose default kernel is the same Python,
    so the notebooks import this kpilib; ``WORKSHOP`` holds the workshop folder's absolute path.

    Raises
    ------
    WorkshopError
        When the workshop cannot be opened or the notebooks folder does not exist.
    """
    from kpilib.workshop.folder import open_workshop

    ws = open_workshop(workshop)
    folder = Path(notebooks) if notebooks is not None else NOTEBOOKS
    if not folder.is_dir():
        raise WorkshopError(f"{folder}: no notebooks folder. Give the folder with --notebooks.")
    argv = [sys.executable, "-m", "jupyter", "lab", str(folder.resolve())]
    if port is not None:
        argv.append(f"--port={port}")
    if not browser:
        argv.append("--no-browser")
    env = {**os.environ, "WORKSHOP": str(ws.path)}
    return argv, env
