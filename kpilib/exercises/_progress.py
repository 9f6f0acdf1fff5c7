"""Which exercises a trainee has done: the latest check of each, kept in a small JSON file.

The file is ``notebooks/exercises/.progress.json`` (ignored by git), or the path in the
environment variable ``KPI_EXERCISES_PROGRESS``. Every :meth:`Exercise.check` writes the status
of its latest answer; an exercise is done when its latest check was correct in every part.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd

from kpilib.exercises._notebooks import EXERCISES_DIR

#: The environment variable that moves the progress file.
PROGRESS_ENV = "KPI_EXERCISES_PROGRESS"


def progress_file() -> Path:
    """Where progress is kept: ``$KPI_EXERCISES_PROGRESS`` or ``notebooks/exercises/.progress.json``."""
    return Path(os.environ.get(PROGRESS_ENV) or EXERCISES_DIR / ".progress.json")


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}  # a damaged progress file only loses the record of checks; answers live in the notebooks
    return content if isinstance(content, dict) else {}


def record(exercise: str, parts: dict[str, str]) -> None:
    """Store the statuses of the latest check of ``exercise`` (part name -> status)."""
    path = progress_file()
    content = _read(path)
    content[exercise] = {"parts": parts, "checked_at": dt.datetime.now().isoformat(timespec="seconds")}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(content, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def progress() -> pd.DataFrame:
    """One row per exercise: ``exercise``, ``day``, ``title``, ``done``, ``parts_correct``, ``last_checked``.

    Returns
    -------
    pandas.DataFrame
        ``done`` is True when the latest check was correct in every part; ``parts_correct`` says
        how many parts were (``"1/3"``); ``last_checked`` is empty for an exercise never checked.
    """
    from kpilib.exercises._catalogue import SPECS

    content = _read(progress_file())
    rows = []
    for spec in SPECS:
        entry = content.get(spec.id, {})
        statuses = entry.get("parts", {})
        correct = sum(1 for s in statuses.values() if s == "correct")
        rows.append({
            "exercise": spec.id,
            "day": spec.day,
            "title": spec.title,
            "done": bool(statuses) and correct == len(spec.parts) == len(statuses),
            "parts_correct": f"{correct}/{len(spec.parts)}",
            "last_checked": entry.get("checked_at", ""),
        })
    return pd.DataFrame(rows)
