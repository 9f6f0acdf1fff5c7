"""A workshop folder: its configuration, schedule, data and decisions, behind one object.

:func:`open_workshop` reads a folder's ``workshop.yaml`` (the import mapping, and the blocks the
days use: ``start``, ``language``, ``schedule``, ``teams``, ``norms``, ``parameters``, ``decisions``), checks
those blocks and returns a :class:`Workshop`. :func:`new_workshop` scaffolds a new folder.

A decision in force is, in this order: the latest one recorded in the workshop's decisions store
(a facilitator's widgets, ``ws.decide``), the one written in the ``decisions:`` block of
``workshop.yaml`` (batch runs), or the documented default of :data:`kpilib.workshop.decisions.DECISION_KEYS`,
in which case ``ws.defaults_used`` lists it so that a notebook can say so.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any

import pandas as pd

from kpilib.data.calendar import WorkingCalendar
from kpilib.data.config import CONFIG_NAME, WorkshopConfig, load_config
from kpilib.workshop.decisions import (DECISION_KEYS, DECISIONS_FILE, Decision, DecisionStore, validate_decision,
                              write_export)
from kpilib.exceptions import ParameterError, WorkshopError
from kpilib._codes import use_workshop_names
from kpilib._i18n import LANGUAGES, set_language
from kpilib.workshop.schedule import ScheduleDay, build_schedule, skipped_days
from kpilib.workshop import _decision_values as values
from kpilib.workshop import _blocks as blocks
from kpilib.workshop._template import workshop_yaml

__all__ = ["DEFAULT_NORMS", "Workshop", "new_workshop", "open_workshop"]

#: The customer norms a workshop starts from; ``norms:`` in workshop.yaml overrides them.
DEFAULT_NORMS = DECISION_KEYS["customer_norms"].default
_UNSET = object()


def open_workshop(path: str | Path) -> "Workshop":
    """Open a workshop folder.

    Parameters
    ----------
    path
        The folder that holds ``workshop.yaml`` (or the file itself). Empty: the folder in the
        ``WORKSHOP`` environment variable, which ``kpi-workshop lab`` and ``present`` set.

    Returns
    -------
    Workshop
        Its ``language`` is from then on the one kpilib writes its texts, numbers and dates in
        (:func:`kpilib.set_language`), and its team and chain codes read by the names of its
        ``teams:`` and ``chains:`` blocks (:func:`kpilib.reader_name`).

    Raises
    ------
    WorkshopError
        When the folder or its ``workshop.yaml`` is missing, or a block of the file has mistakes
        (all of them are listed, each with its line).

    Examples
    --------
    >>> ws = open_workshop("data/sample")
    >>> str(ws.day(4))
    'Day 4 — Friday 4 December'
    """
    if not str(path or "").strip():
        path = os.environ.get("WORKSHOP", "").strip()
        if not path:
            raise WorkshopError(
                "No workshop chosen. Open the days with `kpi-workshop lab PATH` or `kpi-workshop present PATH` "
                "(PATH the client's workshop folder, for the sample data/sample), or set `workshop` in the "
                "notebook's parameters cell to that folder.")
    from kpilib.chains._config import chain_names

    ws = Workshop(load_config(path, require_sources=False))
    set_language(ws.language)
    use_workshop_names(teams=ws.teams, chains=chain_names(ws.config))
    return ws


class Workshop:
    """One workshop: see :func:`open_workshop`.

    Attributes
    ----------
    path : pathlib.Path
        The workshop folder.
    config : kpilib.data.config.WorkshopConfig
        The checked ``workshop.yaml``.
    client : str or None
    language : str
        ``"en"`` or ``"nl"``: the language of the schedule and the day texts.
    start : datetime.date or None
        The first day of the workshop (``start:``).
    norms : dict
        The customer norms: ``norms:`` of workshop.yaml over :data:`DEFAULT_NORMS`.
    teams : dict
        ``teams:`` of workshop.yaml: team code → its name, a text or language → text.
    parameters : dict
        ``parameters:`` of workshop.yaml, shared by the day notebooks.
    defaults_used : dict
        The decisions that :meth:`decision` answered with a default, with that default.
    sections : list of kpilib.report.sections.Section
        The parts of a day notebook opened with :func:`kpilib.section`, complete or skipped.
    decision_store : kpilib.workshop.decisions.DecisionStore
        The decisions log (``decisions.sqlite``).
    """

    def __init__(self, config: WorkshopConfig) -> None:
        self.config = config
        self.path = config.folder
        self.client = config.client
        problems: list[str] = []
        self.language = blocks.language(config, problems)
        self.start = blocks.start(config, problems)
        self._days, self._skip = blocks.schedule(config, problems)
        self.teams = blocks.teams(config, problems)
        self.norms = DEFAULT_NORMS | blocks.norms(config, problems)
        self.parameters = blocks.parameters(config, problems)
        self._yaml_decisions = blocks.decisions(config, problems)
        if problems:
            problems.sort(key=blocks.line_of)
            n = len(problems)
            raise WorkshopError(f"{config.path.name} has {n} problem{'s' * (n != 1)}:\n"
                                + "\n".join(f"  - {p}" for p in problems))
        self.defaults_used: dict[str, Any] = {}
        #: The parts of the day opened with :func:`kpilib.section`, for the day summary.
        self.sections: list = []
        self.decision_store = DecisionStore(self.path / DECISIONS_FILE)

    def __repr__(self) -> str:
        return f"<Workshop {self.client or self.path.name!r} at {str(self.path)!r}>"

    # -- data and calendar -----------------------------------------------------------------

    @functools.cached_property
    def store(self):
        """The imported canonical tables (:class:`kpilib.Store`); WorkshopError when not imported yet."""
        from kpilib.data.store import open_store

        return open_store(self.path)

    def chain_names(self, ids=None) -> dict[str, str]:
        """Chain id → its name as the ``chains:`` block writes it (without a block: the cases' categories).

        With ``ids``, just those chains, in that order; an id the workshop does not define keeps its id.
        """
        from kpilib.chains import load_chains

        names = {chain.id: chain.name for chain in load_chains(self.config, cases=self.store.get("cases"))}
        return names if ids is None else {i: names.get(i, i) for i in ids}

    @functools.cached_property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar of the ``calendar:`` block."""
        return self.config.working_calendar()

    @functools.cached_property
    def schedule(self) -> list[ScheduleDay]:
        """The workshop days: the first working days from ``start`` (see :mod:`kpilib.workshop.schedule`)."""
        if self.start is None:
            raise WorkshopError(f"{self.config.path}: no start date, so no schedule. Add a line such as "
                                f"`start: 2026-12-01` to {CONFIG_NAME}.")
        return build_schedule(self.calendar, self.start, days=self._days, skip=self._skip, language=self.language)

    def day(self, number: int) -> ScheduleDay:
        """The workshop day ``number`` (1 to 10)."""
        for day in self.schedule:
            if day.number == number:
                return day
        raise ParameterError(f"`day` must be one of {', '.join(str(d.number) for d in self.schedule)}; "
                             f"got {number!r}")

    def skipped(self) -> dict[dt.date, str]:
        """Weekdays within the schedule on which the workshop does not meet, with the reason."""
        return skipped_days(self.calendar, self.schedule, self._skip)

    # -- decisions -------------------------------------------------------------------------

    def decide(self, key: str, value: Any, *, by: str | None = None, note: str | None = None) -> Decision:
        """Record a decision (checked first); it is on disk when this returns.

        Examples
        --------
        >>> ws.decide("tactic", "customer_intimacy", by="workshop group")  # doctest: +SKIP
        """
        decision = self.decision_store.record(key, value, by=by, note=note)
        self.defaults_used.pop(key, None)
        return decision

    def decision(self, key: str, default: Any = _UNSET) -> Any:
        """The decision in force on ``key``: recorded > workshop.yaml ``decisions:`` > default.

        ``default`` replaces the key's documented default (``DECISION_KEYS[key].default``). When
        the default is used, ``key`` and the value are added to :attr:`defaults_used`.
        """
        value, source = self._in_force(key)
        if source == "default":
            if default is not _UNSET:
                value = default if default is None else validate_decision(key, default)
            self.defaults_used[key] = copy.deepcopy(value)
        else:
            self.defaults_used.pop(key, None)
        return copy.deepcopy(value)

    def decision_source(self, key: str) -> str:
        """Where the decision in force on ``key`` comes from: ``recorded``, ``workshop.yaml`` or ``default``."""
        return self._in_force(key)[1]

    def undo(self, key: str, *, by: str | None = None, note: str | None = None) -> Decision:
        """Withdraw the recorded decision in force on ``key`` (a new row in the log; nothing is deleted).

        The decision before it, if any, is in force again; else the workshop.yaml value or the default.
        """
        return self.decision_store.undo(key, by=by, note=note)

    def history(self, key: str | None = None) -> pd.DataFrame:
        """Every recorded decision and undo (of ``key``), oldest first, with whether it is in force.

        Columns: ``id``, ``at`` (in the workshop's time zone), ``key``, ``action``, ``value``,
        ``by``, ``note``, ``undoes``, ``in_force``.
        """
        if key is not None:
            validate_key(key)
        rows = self.decision_store.rows(key)
        in_force = {d.id for d in self.decision_store.in_force().values()} if rows else set()
        value_of = {r.id: r.value for r in rows}
        frame = pd.DataFrame([{
            "id": r.id, "at": pd.Timestamp(r.at).tz_convert(self.config.time_zone), "key": r.key,
            "action": r.action, "value": value_of.get(r.undoes) if r.action == "undo" else r.value,
            "by": r.by, "note": r.note, "undoes": r.undoes, "in_force": r.id in in_force,
        } for r in rows], columns=["id", "at", "key", "action", "value", "by", "note", "undoes", "in_force"])
        return frame.astype({"undoes": "Int64", "in_force": bool})

    def decisions(self) -> pd.DataFrame:
        """Every decision key with its value in force and where it comes from.

        Columns: ``day``, ``key``, ``description``, ``value``, ``source`` (``recorded``,
        ``workshop.yaml`` or ``default``), ``by``, ``at``, ``note``.
        """
        recorded = self.decision_store.in_force()
        rows = []
        for key, spec in DECISION_KEYS.items():
            value, source = self._in_force(key, recorded)
            row = recorded.get(key) if source == "recorded" else None
            rows.append({"day": spec.day, "key": key, "description": spec.description, "value": value,
                         "source": source, "by": row.by if row else None,
                         "at": pd.Timestamp(row.at).tz_convert(self.config.time_zone) if row else None,
                         "note": row.note if row else None})
        return pd.DataFrame(rows)

    def export(self, path: str | Path, *, history: bool = False) -> Path:
        """Write the decisions in force (and, with ``history``, the whole log) to ``.yaml`` or ``.md``."""
        records = []
        for row in self.decisions().to_dict("records"):
            clean = {k: None if isinstance(x, float) and x != x or x is pd.NaT else x for k, x in row.items()}
            if clean["at"] is not None:
                clean["at"] = clean["at"].isoformat(timespec="seconds")
            records.append(clean)
        log = self.decision_store.rows() if history else None
        return write_export(path, records, client=self.client, history=log)

    def _in_force(self, key: str, recorded: dict[str, Decision] | None = None) -> tuple[Any, str]:
        validate_key(key)
        current = (recorded.get(key) if recorded is not None else self.decision_store.current(key))
        if current is not None:
            return current.value, "recorded"
        if key in self._yaml_decisions:
            return self._yaml_decisions[key], "workshop.yaml"
        return DECISION_KEYS[key].default, "default"


def validate_key(key: str) -> None:
    """Raise a :class:`ParameterError` listing the decisions when ``key`` is not one."""
    if key not in DECISION_KEYS:
        validate_decision(key, None)


# -- a new workshop -------------------------------------------------------------------------

def new_workshop(path: str | Path, *, client: str, start: dt.date | str, language: str = "en",
                 country: str = "NL", time_zone: str = "Europe/Amsterdam") -> Workshop:
    """Create a workshop folder: a commented ``workshop.yaml``, ``exports/`` and the decisions store.

    Parameters
    ----------
    path
        The folder; it may exist (holding the exports already) but not hold a workshop.
    client
        The client's name, shown on every report.
    start
        The first day of the workshop.
    language
        ``"en"`` or ``"nl"``.
    country
        The country whose public holidays the calendar skips.
    time_zone
        The IANA time zone the exports' local times are in.

    Returns
    -------
    Workshop

    Raises
    ------
    WorkshopError
        When the folder already holds a workshop (nothing is overwritten).
    """
    path = Path(path)
    taken = [n for n in (CONFIG_NAME, DECISIONS_FILE, "store.duckdb") if (path / n).exists()]
    if taken:
        raise WorkshopError(f"{path}: already holds a workshop ({', '.join(taken)}); nothing was changed. "
                            f"Choose a new folder, or open this one with `kpi-workshop schedule {path}`.")
    if path.exists() and not path.is_dir():
        raise WorkshopError(f"{path}: is a file, not a folder")
    client = values.name(client, "`client`")
    day = blocks.date(start)
    if day is None:
        raise ParameterError(f"`start` must be a date such as 2026-12-01; got {start!r}")
    if language not in LANGUAGES:
        raise ParameterError(f"`language` must be one of {', '.join(map(repr, LANGUAGES))}; got {language!r}")
    calendar = WorkingCalendar(country=country, time_zone=time_zone)  # checks both
    text = workshop_yaml(client=client, start=day, language=language, country=calendar.country,
                         time_zone=time_zone)
    (path / "exports").mkdir(parents=True, exist_ok=True)
    try:
        with open(path / CONFIG_NAME, "x", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    except FileExistsError:
        raise WorkshopError(f"{path}: already holds a workshop ({CONFIG_NAME}); nothing was changed.") from None
    DecisionStore(path / DECISIONS_FILE).create()
    return open_workshop(path)
