"""Chain discovery in one go: the stays are built and materialised once, then every view is computed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ibis.expr.types import Table

from kpilib.chains._lines import Lines
from kpilib.chains._discovery import (_case_count, _stays, _Stays, backward_handoffs, default_lines,
                                      first_line_share, handoff_matrix, handoffs, ping_pong, ping_pong_cases,
                                      start_end_teams, time_lost, variants)


@dataclass(frozen=True)
class Discovery:
    """Everything chain discovery finds in one event log (see :func:`discover`)."""

    handoffs: pd.DataFrame
    start_end: pd.DataFrame
    first_line: pd.DataFrame | None
    ping_pong: pd.DataFrame
    ping_pong_cases: pd.DataFrame
    backward: pd.DataFrame
    backward_cases: pd.DataFrame
    variants: pd.DataFrame
    time_lost: pd.DataFrame
    cases: int
    lines: Lines

    def matrix(self, value: str = "handoffs") -> pd.DataFrame:
        """The handoff matrix (from-team rows, to-team columns) of ``value``."""
        return handoff_matrix(self.handoffs, value=value, teams=list(self.lines.teams))


def discover(events, *, lines: Lines | None = None, calendar=None, top: int = 10,
             cache: bool = True) -> Discovery:
    """Chain discovery in one go: the stays are built once, then every view is computed.

    Parameters
    ----------
    events : pandas.DataFrame or ibis Table
        Canonical events (or contacts), for example one chain's (:func:`chain_events`).
    lines : Lines, optional
        Line order and statuses; default the order read from the data (:func:`default_lines`).
    calendar : WorkingCalendar, optional
        For the working hours; default the Dutch calendar.
    top : int
        The number of variants.
    cache : bool
        Materialise the stays once (``Table.cache()``) on backends that can.

    Returns
    -------
    Discovery
    """
    lines = lines if lines is not None else default_lines(events)
    s = _stays(events, lines, calendar)
    if cache:
        s = _Stays(_cached(s.table, s.con), s.con, s.time_zone, lines)
    s = _Stays(s.table, s.con, s.time_zone, lines, _case_count(s))
    return Discovery(
        handoffs=handoffs(s), start_end=start_end_teams(s),
        first_line=first_line_share(s) if lines.first_line else None,
        ping_pong=ping_pong(s), ping_pong_cases=ping_pong_cases(s),
        backward=backward_handoffs(s, lines=lines), backward_cases=backward_handoffs(s, lines=lines, by_case=True),
        variants=variants(s, top=top), time_lost=time_lost(s), cases=s.cases, lines=lines)


def _cached(table: Table, con) -> Table:
    """The table materialised once on its backend; unbound (pandas) input stays as it is."""
    if con is None:
        return table
    # Ibis' PySpark cache() compiles the query without registering its in-memory tables (the
    # working calendar the stays join); register them first, as an execute would.
    con._run_pre_execute_hooks(table)
    return table.cache()


