"""What an exercise is: its parts, the value kpilib computes for each, and the usual mistakes.

An exercise asks for one or more *parts* (a service level, a mean in days, a number of agents).
Each part knows how kpilib computes the right value on the workshop's data, and a list of
:class:`Mistake`: a mistaken variant of the same computation (abandoned calls left out, the
arrival clock, calendar days) with the message a trainee who made that mistake needs to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd


class Data:
    """The workshop's tables for the checks: the store's Ibis tables and pandas copies, read once.

    Parameters
    ----------
    workshop : str or Path
        The workshop folder with an imported store.
    """

    def __init__(self, workshop: str | Path) -> None:
        from kpilib.data.store import open_store

        self.workshop = Path(workshop)
        self.store = open_store(self.workshop)
        self._frames: dict[str, pd.DataFrame] = {}
        self._values: dict[Callable, Any] = {}

    def value(self, compute: Callable[["Data"], Any]) -> Any:
        """``compute(self)``, computed once: the data do not change while an exercise is open."""
        if compute not in self._values:
            self._values[compute] = compute(self)
        return self._values[compute]

    def frame(self, name: str) -> pd.DataFrame:
        """The canonical table ``name`` as pandas, timestamps in the workshop's time zone."""
        if name not in self._frames:
            from kpilib.data import backend

            self._frames[name] = backend.execute(self.store.table(name), con=self.store.con,
                                                 time_zone=self.store.time_zone)
        return self._frames[name]

    @property
    def contacts(self) -> pd.DataFrame:
        return self.frame("contacts")

    @property
    def cases(self) -> pd.DataFrame:
        return self.frame("cases")

    @property
    def events(self) -> pd.DataFrame:
        return self.frame("events")

    @property
    def orders(self) -> pd.DataFrame:
        return self.frame("orders")

    @property
    def surveys(self) -> pd.DataFrame:
        return self.frame("surveys")

    @cached_property
    def calendar(self):
        """The workshop's working calendar, from the ``calendar:`` block of workshop.yaml.

        Read from the configuration alone: the exercises need the calendar, not the decisions.
        """
        from kpilib.data.config import load_config

        return load_config(self.workshop, require_sources=False).working_calendar()


Compute = Callable[[Data], Any]


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: ``compute`` gives the value a trainee who makes it finds."""

    message: str
    compute: Compute


@dataclass(frozen=True)
class Part:
    """One value an exercise asks for.

    ``name`` is the key of the part in a dict answer (None for an exercise with one part);
    ``kind`` sets the comparison: ``fraction`` (a share between 0 and 1, within 0.0005, so a
    value rounded to three decimals passes), ``number`` (within 0.005 or 0.01 %, so two decimals pass), ``count`` (exactly),
    ``choice`` (one of ``choices``), ``card`` (checked by its own ``compute``).
    """

    expected: Compute
    kind: str = "fraction"
    name: str | None = None
    label: str = "the answer"
    mistakes: tuple[Mistake, ...] = ()


@dataclass(frozen=True)
class Spec:
    """An exercise: its number, title, workshop day, notebook, parts, hints and given figures.

    ``given`` holds the figures the task states (the calls in a half hour), which the notebook
    reads as ``q.given`` so that the task and the check use the same numbers.
    """

    number: int
    slug: str
    title: str
    day: int
    parts: tuple[Part, ...]
    hints: tuple[str, ...] = field(default=())
    given: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"ex{self.number:02d}"

    @property
    def notebook(self) -> str:
        """The notebook's file stem, e.g. ``ex01_service_level``."""
        return f"{self.id}_{self.slug}"


def kpi_value(frame: pd.DataFrame, **where) -> float:
    """The ``value`` of a tidy KPI frame (of its row where the group columns equal ``where``)."""
    row = frame
    for column, wanted in where.items():
        row = row[row[column] == wanted]
    return float(row["value"].iloc[0])


def ratio(frame: pd.DataFrame, numerator: str, denominator: str) -> float:
    """``numerator`` over ``denominator`` summed over a tidy frame's rows."""
    return float(frame[numerator].sum() / frame[denominator].sum())
