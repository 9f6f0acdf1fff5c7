"""The second line's own KPI: stays at a team that ended within the team's norm."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpilib.data._aggregate import PERIODS, normalise_by, tidy
from kpilib._checks import check_number
from kpilib._docstrings import fill
from kpilib.chains._lines import Lines
from kpilib.chains._stays import calendar_or_default, event_input, stay_table
from kpilib.exceptions import ParameterError
from kpilib.kpis.timeliness import working_days_columns
from kpilib.kpis._registry import kpi_function


def _names(name: str, value) -> list[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(v, str) for v in items):
        raise ParameterError(f"`{name}` must be None, a name or a list of names; got {value!r}")
    return items


@kpi_function
@fill
def stays_within_norm(events, *, norm_days: float, team: str | Sequence[str] | None = None,
                      calendar=None, by: str | Sequence[str] | None = None,
                      done: str | Sequence[str] | None = None, as_of=None) -> pd.DataFrame:
    """Share of stays at a team that ended within ``norm_days`` working days.

    A stay is a run of consecutive events of a case at one team (ordered by ``at``, then
    ``seq``). It starts at its first event and ends when the next team receives the case; the
    case's last stay ends at its first event with a ``done`` status (without ``done``: at its
    last event). numerator = ended stays with at most ``norm_days`` working days from start to
    end (working dates d with date(start) <= d < date(end)); denominator = ended stays, plus open
    stays whose working days up to ``as_of`` already exceed the norm: they are breaches, not left
    out. This is how a team measures itself per stay, whatever the customer waited before.

    Parameters
    ----------
    events : pandas.DataFrame or ibis Table
        Canonical events (or contacts, taken as events of their case).
    norm_days : float
        The team's own norm in working days (for example 5).
    team : str or list of str, optional
        Only stays at this team (these teams); None for every team.
    {calendar}
    by : None, str or list of str
        ``team``, or ``day`` / ``week`` / ``month`` of the stay's start.
    done : str or list of str, optional
        Statuses (``activity``) at which a case's need is fulfilled.
    {as_of}

    Returns
    -------
    {returns}
    """
    check_number("norm_days", norm_days, minimum=0)
    names = normalise_by(by)
    for name in names:
        if name != "team" and name not in PERIODS:
            raise ParameterError(f"`by` must name columns among 'team', 'day', 'week', 'month'; got {name!r}")
    teams, statuses = _names("team", team), _names("done", done)
    inp = event_input(events)
    calendar = calendar_or_default(calendar)
    stays = stay_table(inp, lines=Lines(done=tuple(statuses) if statuses else None), calendar=calendar,
                       working_time=False)
    if teams is not None:
        stays = stays.filter(stays.team.isin(teams))
    stays = stays.select("team", "started_at", "ended_at")
    table, _ = working_days_columns(stays, "started_at", "ended_at", as_of=as_of, calendar=calendar,
                                    con=inp.con, time_zone=inp.time_zone, stamps=("started_at", "ended_at"))
    ended = table.ended_at.notnull()
    return tidy(table, by=names, anchor=table.started_at, numerator=ended & (table._wd <= norm_days),
                denominator=ended | (~ended & (table._elapsed > norm_days)), con=inp.con,
                time_zone=inp.time_zone)
