"""Case-level KPIs from contacts or a case event log: contacts, handoffs and escalations per case.

Each case is one unit. It takes the attributes of its *first* row (ordered by timestamp, then
``contact_id`` for contacts or ``seq`` for events): ``by="team"`` groups cases by the team where
they started, ``by="month"`` by the month of their first row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.expr.types import Table

from kpilib.data._aggregate import PERIODS, check_by, counted_rows, indicator, normalise_by, tidy
from kpilib._docstrings import fill
from kpilib.data._inputs import Input, canonical
from kpilib.exceptions import ParameterError
from kpilib.kpis._registry import kpi_function


@dataclass(frozen=True)
class _Rows:
    input: Input
    at: str  # the timestamp column
    order: str  # the tie-breaker column


def _rows(data, *, required: tuple[str, ...]) -> _Rows:
    """Accept contacts or events: events have ``at``, contacts have ``arrived_at``."""
    columns = list(data.columns)
    if "at" in columns and "arrived_at" not in columns:
        return _Rows(canonical(data, "events", required=("case_id", "at", *required)), "at", "seq")
    if "arrived_at" in columns:
        return _Rows(canonical(data, "contacts", required=("case_id", "contact_id", *required)),
                     "arrived_at", "contact_id")
    raise ParameterError(
        "expected contacts (with `arrived_at`) or events (with `at`); got columns "
        + ", ".join(f"`{c}`" for c in columns)
    )


def _per_case(rows: _Rows, names: list[str], counted=None, **aggregates) -> Table:
    """One row per case: the first row's ``by`` columns and anchor, plus ``aggregates``.

    ``counted`` (a function of the table, optional): the rows the aggregates count, when a case
    without such rows counts in no measure; ungrouped, the other rows are then left out first.
    """
    t = rows.input.table.filter(lambda t: t.case_id.notnull())
    check_by(names, t.columns)
    summed = t if counted is None else counted_rows(t, names, counted(t))
    sums = summed.group_by(_case=summed.case_id).aggregate(**{k: f(summed) for k, f in aggregates.items()})
    if not names:  # nothing to group by: the first row of each case is not needed
        return sums.mutate(_anchor=ibis.null().cast(t[rows.at].type()))
    window = ibis.window(group_by=t.case_id, order_by=[t[rows.at], t[rows.order]])
    keep = [n for n in names if n not in PERIODS and n != "case_id"]
    first = (
        t.mutate(_rank=ibis.row_number().over(window))
        .filter(lambda r: r._rank == 0)
        .select("case_id", *keep, _anchor=rows.at)
    )
    return first.join(sums, first.case_id == sums._case).drop("_case")


def _finish(rows: _Rows, per_case: Table, names: list[str], numerator, denominator, **kw) -> pd.DataFrame:
    return tidy(per_case, by=names, anchor=per_case._anchor, numerator=numerator, denominator=denominator,
                con=rows.input.con, time_zone=rows.input.time_zone, **kw)


@kpi_function
@fill
def contacts_per_case(contacts, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mean number of inbound contacts per case, over cases with at least one inbound contact.

    numerator = inbound contacts of those cases, denominator = the number of such cases.
    Contacts without a ``case_id`` are not counted.

    Parameters
    ----------
    {contacts}
    {by}

    Returns
    -------
    {returns}
    """
    names = normalise_by(by)
    rows = _rows(contacts, required=("direction",))
    per_case = _per_case(rows, names, counted=lambda t: t.direction == "inbound",
                         _inbound=lambda t: indicator(t.direction == "inbound").sum())
    has_inbound = per_case._inbound >= 1
    return _finish(rows, per_case, names, (per_case._inbound, has_inbound), has_inbound)


@kpi_function
@fill
def handoffs_per_case(contacts_or_events, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mean number of handoffs per case: consecutive rows of a case whose team differs.

    Rows of a case are ordered by timestamp, then by id (``contact_id``, or ``seq`` for events).
    Consecutive rows at the same team are one stay, so they are not a handoff. A case with one
    row has 0 handoffs and counts in the mean.

    Parameters
    ----------
    contacts_or_events : pandas.DataFrame or ibis Table
        Canonical contacts or events.
    {by}

    Returns
    -------
    {returns}
    """
    names = normalise_by(by)
    rows = _rows(contacts_or_events, required=("team",))
    t = rows.input.table
    window = ibis.window(group_by=t.case_id, order_by=[t[rows.at], t[rows.order]])
    previous = t.team.lag().over(window)
    marked = t.mutate(_handoff=indicator(previous.notnull() & (previous != t.team)))
    rows = _Rows(Input(marked, rows.input.con, rows.input.time_zone), rows.at, rows.order)
    per_case = _per_case(rows, names, _handoffs=lambda t: t._handoff.sum())
    return _finish(rows, per_case, names, (per_case._handoffs, ibis.literal(True)), True)


@kpi_function
@fill
def escalation_rate(contacts_or_events, *, first_line: str | Sequence[str],
                    by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of cases in which any row has a team other than the first line.

    Parameters
    ----------
    contacts_or_events : pandas.DataFrame or ibis Table
        Canonical contacts or events.
    first_line : str or list of str
        The team name(s) of the first line.
    {by}

    Returns
    -------
    {returns}
    """
    teams = [first_line] if isinstance(first_line, str) else list(first_line)
    if not teams or not all(isinstance(x, str) for x in teams):
        raise ParameterError(f"`first_line` must be a team name or a list of team names; got {first_line!r}")
    names = normalise_by(by)
    rows = _rows(contacts_or_events, required=("team",))
    per_case = _per_case(rows, names, _escalated=lambda t: indicator(~t.team.isin(teams)).max())
    return _finish(rows, per_case, names, per_case._escalated == 1, True)
