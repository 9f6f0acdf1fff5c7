"""Chain discovery from a case event log: stays, handoffs, start and end teams, ping-pong,
backward handoffs, variants, and where the time goes.

Every function takes canonical events (or contacts, taken as events of their case), builds its
Ibis expression on the stays of :mod:`kpilib.chains._stays` and returns a tidy pandas frame.
:func:`kpilib.chains.discover` computes them all from one materialised stays table.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.common.exceptions import UnsupportedOperationError
from ibis.expr.types import Table

from kpilib.data import backend
from kpilib.data._aggregate import seconds_between
from kpilib._checks import check_number
from kpilib.chains._lines import Lines
from kpilib.chains._stays import calendar_or_default, event_input, line_rank, stay_table

_HOUR = 3600.0


@dataclass(frozen=True)
class _Stays:
    """The stays of one input, with where to run them."""

    table: Table
    con: ibis.BaseBackend | None
    time_zone: str
    lines: Lines
    cases: int | None = None  # the number of cases, once counted

    def run(self, expr) -> pd.DataFrame:
        return backend.execute(expr, con=self.con, time_zone=self.time_zone)


def _stays(events, lines: Lines | None, calendar, *, working_time: bool = True) -> _Stays:
    if isinstance(events, _Stays):
        return events
    lines = lines or Lines()
    inp = event_input(events)
    table = stay_table(inp, lines=lines, calendar=calendar_or_default(calendar), working_time=working_time)
    return _Stays(table, inp.con, inp.time_zone, lines)


def stays(events, *, lines: Lines | None = None, calendar=None) -> pd.DataFrame:
    """One row per stay: consecutive events of a case at one team.

    Parameters
    ----------
    events : pandas.DataFrame or ibis Table
        Canonical events (or contacts).
    lines : Lines, optional
        The statuses that mean waiting and done (:class:`kpilib.chains.Lines`).
    calendar : WorkingCalendar, optional
        Working days and opening hours for the working time; default the Dutch calendar.

    Returns
    -------
    pandas.DataFrame
        ``case_id``, ``stay`` (0 = first), ``team``, ``started_at``, ``ended_at`` (null while
        open), ``events``, ``waiting_hours`` and ``working_hours`` (working time),
        ``waiting_calendar_hours`` and ``working_calendar_hours``; ordered by case and stay.
    """
    s = _stays(events, lines, calendar)
    t = s.table
    expr = t.select("case_id", "stay", "team", "started_at", "ended_at", "events",
                    waiting_hours=t.waiting_s / _HOUR, working_hours=t.working_s / _HOUR,
                    waiting_calendar_hours=t.waiting_calendar_s / _HOUR,
                    working_calendar_hours=t.working_calendar_s / _HOUR).order_by(["case_id", "stay"])
    out = s.run(expr)
    out["stay"] = out["stay"].astype("int64")
    return out


def handoffs(events, *, lines: Lines | None = None, calendar=None) -> pd.DataFrame:
    """Team-to-team directly-follows counts with the time between the two steps.

    A handoff ``A -> B`` is a stay at A directly followed by a stay at B. The time between the
    steps runs from the start of the stay at A to the start of the stay at B (how long the case
    was at A before A handed it on), in calendar hours and in working hours. ``wait`` is the
    waiting time at B after the handoff, before B picked the case up.

    Returns
    -------
    pandas.DataFrame
        ``from_team``, ``to_team``, ``handoffs``, ``cases`` (cases with at least one such
        handoff), ``share`` (of all handoffs out of ``from_team``), ``backward`` (against the
        line order), ``median_hours``, ``p90_hours`` (calendar), ``median_working_hours``,
        ``p90_working_hours``, ``median_wait_working_hours``; most handoffs first.
    """
    s = _stays(events, lines, calendar)
    t = s.table.filter(s.table._next_team.notnull())
    hours = seconds_between(t.started_at, t.ended_at) / _HOUR
    working = (t._w1 - t._w0) / _HOUR
    wait = t._next_waiting_s / _HOUR
    expr = t.group_by(from_team=t.team, to_team=t._next_team).aggregate(
        handoffs=t.count(), cases=t.case_id.nunique(),
        median_hours=hours.median(), p90_hours=hours.quantile(0.9),
        median_working_hours=working.median(), p90_working_hours=working.quantile(0.9),
        median_wait_working_hours=wait.median())
    out = s.run(expr)
    out["share"] = out["handoffs"] / out.groupby("from_team")["handoffs"].transform("sum")
    out["backward"] = [_backward(s.lines, a, b) for a, b in zip(out["from_team"], out["to_team"])]
    columns = ["from_team", "to_team", "handoffs", "cases", "share", "backward", "median_hours", "p90_hours",
               "median_working_hours", "p90_working_hours", "median_wait_working_hours"]
    out = out[columns].sort_values(["handoffs", "from_team", "to_team"], ascending=[False, True, True])
    return _ints(out.reset_index(drop=True), "handoffs", "cases")


def handoff_matrix(handoff_frame: pd.DataFrame, *, value: str = "handoffs",
                   teams: list[str] | None = None) -> pd.DataFrame:
    """The handoff frame of :func:`handoffs` as a matrix: from-team rows, to-team columns.

    Parameters
    ----------
    handoff_frame : pandas.DataFrame
        The result of :func:`handoffs`.
    value : str
        Which column fills the cells (``handoffs``, ``median_working_hours``, ...).
    teams : list of str, optional
        The order of rows and columns; default the line order, then the other teams by name.
    """
    from kpilib._checks import check_argument

    numeric = [c for c in handoff_frame.columns if c not in ("from_team", "to_team", "backward")]
    check_argument("value", value, numeric)
    seen = sorted(set(handoff_frame["from_team"]) | set(handoff_frame["to_team"]))
    order = [t for t in (teams or []) if t in seen] + [t for t in seen if t not in (teams or [])]
    matrix = handoff_frame.pivot(index="from_team", columns="to_team", values=value)
    matrix = matrix.reindex(index=order, columns=order)
    if value in ("handoffs", "cases"):
        matrix = matrix.fillna(0).astype("int64")
    matrix.index.name, matrix.columns.name = "from_team", "to_team"
    return matrix


def start_end_teams(events, *, lines: Lines | None = None) -> pd.DataFrame:
    """Where cases start and end: per team the cases whose first (last) stay is there.

    Returns
    -------
    pandas.DataFrame
        ``team``, ``starts``, ``start_share``, ``ends``, ``end_share`` (shares of all cases).
    """
    s = _stays(events, lines, None, working_time=False)
    t = s.table
    first = t.filter(t.stay == 0).group_by("team").aggregate(starts=lambda f: f.count())
    last = t.filter(t._next_team.isnull()).group_by("team").aggregate(ends=lambda f: f.count())
    out = pd.merge(s.run(first), s.run(last), on="team", how="outer").fillna({"starts": 0, "ends": 0})
    total = out["starts"].sum()
    out["start_share"] = out["starts"] / total if total else float("nan")
    out["end_share"] = out["ends"] / total if total else float("nan")
    out = _ints(out, "starts", "ends")[["team", "starts", "start_share", "ends", "end_share"]]
    return out.sort_values(["starts", "team"], ascending=[False, True]).reset_index(drop=True)


def first_line_share(events, *, first_line: str | None = None, lines: Lines | None = None) -> pd.DataFrame:
    """Share of cases that stay in the first line: a single stay, at the first line.

    numerator = cases whose only stay is at ``first_line``; denominator = all cases.

    Parameters
    ----------
    first_line : str, optional
        The first-line team; default ``lines.first_line``.

    Returns
    -------
    pandas.DataFrame
        ``first_line``, ``numerator``, ``denominator``, ``value``.
    """
    s = _stays(events, lines, None, working_time=False)
    first_line = first_line or s.lines.first_line
    if first_line is None:
        from kpilib.exceptions import ParameterError

        raise ParameterError("`first_line` is needed: give it, or a line order (`lines:` in workshop.yaml)")
    t = s.table.filter(s.table.stay == 0)
    stayed = (t._stays == 1) & (t.team == first_line)
    out = s.run(t.aggregate(numerator=t.count(where=stayed), denominator=t.count()))
    return _tidy(out.assign(first_line=first_line), ["first_line"])


def ping_pong(events, *, lines: Lines | None = None) -> pd.DataFrame:
    """Cases that go A -> B -> A: per pair of teams, the cases and how often they bounced.

    A bounce is a stay at A directly preceded by a stay at B and, before that, a stay at A.

    Returns
    -------
    pandas.DataFrame
        ``team_a``, ``team_b``, ``pattern`` ("first_line -> second_line -> first_line"),
        ``bounces``, ``cases``, ``share`` (of all cases); most cases first. The total number of
        cases with any bounce is :func:`ping_pong_cases`.
    """
    s = _stays(events, lines, None, working_time=False)
    t = s.table.filter(s.table._prev2_team == s.table.team)
    expr = t.group_by(team_a=t.team, team_b=t._prev_team).aggregate(bounces=t.count(), cases=t.case_id.nunique())
    out = s.run(expr)
    total = _case_count(s)
    out["pattern"] = out["team_a"] + " -> " + out["team_b"] + " -> " + out["team_a"]
    out["share"] = out["cases"] / total if total else float("nan")
    out = _ints(out, "bounces", "cases")[["team_a", "team_b", "pattern", "bounces", "cases", "share"]]
    return out.sort_values(["cases", "pattern"], ascending=[False, True]).reset_index(drop=True)


def ping_pong_cases(events, *, lines: Lines | None = None) -> pd.DataFrame:
    """Share of cases with at least one ping-pong (A -> B -> A): numerator, denominator, value."""
    s = _stays(events, lines, None, working_time=False)
    t = s.table
    bounced = t.filter(t._prev2_team == t.team)
    return _share_of_cases(s, bounced)


def backward_handoffs(events, *, lines: Lines, by_case: bool = False) -> pd.DataFrame:
    """Handoffs against the intended line order: to a line earlier than the one handing over.

    Only handoffs between two teams in ``lines.order`` can be backward; teams outside it
    (billing) never are.

    Parameters
    ----------
    lines : Lines
        The intended order of the support lines.
    by_case : bool
        False: per pair of teams, the backward handoffs and cases. True: one row, the share of
        cases with at least one backward handoff (numerator, denominator, value).
    """
    s = _stays(events, lines, None, working_time=False)
    t = s.table
    back = (line_rank(t._next_team, lines) >= 0) & (line_rank(t._next_team, lines) < line_rank(t.team, lines))
    back = t._next_team.notnull() & back
    b = t.filter(back)
    if by_case:
        return _share_of_cases(s, b)
    out = s.run(b.group_by(from_team=b.team, to_team=b._next_team).aggregate(
        handoffs=b.count(), cases=b.case_id.nunique()))
    total = _case_count(s)
    out["share"] = out["cases"] / total if total else float("nan")
    out = _ints(out, "handoffs", "cases")[["from_team", "to_team", "handoffs", "cases", "share"]]
    return out.sort_values(["handoffs", "from_team"], ascending=[False, True]).reset_index(drop=True)


def variants(events, *, top: int = 10, lines: Lines | None = None) -> pd.DataFrame:
    """The most frequent team paths of the cases, with their share and cumulative coverage.

    A path is the teams of a case's stays in order ("first_line > second_line"); repeated
    visits stay in it (a ping-pong is its own variant).

    Parameters
    ----------
    top : int
        How many variants to return (the most frequent; ties by path).

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = most frequent), ``path``, ``stays``, ``cases``, ``share`` (of all cases),
        ``cumulative_share``.
    """
    check_number("top", top, minimum=1, integer=True)
    s = _stays(events, lines, None, working_time=False)
    t = s.table
    try:
        out = s.run(_top_paths(t, int(top), ordered_aggregation=True))
    except UnsupportedOperationError:  # e.g. PySpark: no ordered string aggregation
        out = s.run(_top_paths(t, int(top), ordered_aggregation=False))
    total = _case_count(s)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["share"] = out["cases"] / total if total else float("nan")
    out["cumulative_share"] = out["share"].cumsum()
    return _ints(out, "stays", "cases")[["rank", "path", "stays", "cases", "share", "cumulative_share"]]


def _top_paths(t: Table, top: int, *, ordered_aggregation: bool) -> Table:
    """The ``top`` most frequent paths: the teams of each case's stays joined in stay order.

    With ``ordered_aggregation``, an ordered string aggregation; without, for backends that lack
    one, the (stay, team) pairs collected, sorted by stay and joined: the same paths.
    """
    if ordered_aggregation:
        path = t.team.group_concat(" > ", order_by=t.stay)
    else:
        path = ibis.struct({"stay": t.stay, "team": t.team}).collect().sort().map(lambda s: s.team).join(" > ")
    paths = t.group_by("case_id").aggregate(path=path, stays=t.count())
    counted = paths.group_by(["path", "stays"]).aggregate(cases=paths.count())
    return counted.order_by([ibis.desc("cases"), "path"]).limit(top)


def time_lost(events, *, lines: Lines | None = None, calendar=None) -> pd.DataFrame:
    """Where time is lost: per team, waiting (handed over, not picked up) versus working time.

    Sums over all stays at the team, in working hours (opening hours) and calendar hours; time
    after a ``done`` status is left out (see :mod:`kpilib.chains._stays`).

    Returns
    -------
    pandas.DataFrame
        ``team``, ``stays``, ``waiting_hours``, ``working_hours``, ``waiting_share`` (of the
        team's time), ``median_waiting_hours``, ``median_working_hours`` (per stay),
        ``waiting_calendar_hours``, ``working_calendar_hours``, ``time_share`` (the team's part
        of all working hours); most time first.
    """
    s = _stays(events, lines, calendar)
    t = s.table
    expr = t.group_by("team").aggregate(
        stays=t.count(), waiting_hours=t.waiting_s.sum() / _HOUR, working_hours=t.working_s.sum() / _HOUR,
        median_waiting_hours=t.waiting_s.median() / _HOUR, median_working_hours=t.working_s.median() / _HOUR,
        waiting_calendar_hours=t.waiting_calendar_s.sum() / _HOUR,
        working_calendar_hours=t.working_calendar_s.sum() / _HOUR)
    out = s.run(expr)
    spent = out["waiting_hours"] + out["working_hours"]
    out["waiting_share"] = (out["waiting_hours"] / spent).where(spent > 0)
    out["time_share"] = spent / spent.sum() if spent.sum() > 0 else float("nan")
    columns = ["team", "stays", "waiting_hours", "working_hours", "waiting_share", "median_waiting_hours",
               "median_working_hours", "waiting_calendar_hours", "working_calendar_hours", "time_share"]
    out = _ints(out, "stays")[columns]
    return out.assign(_spent=spent).sort_values(["_spent", "team"], ascending=[False, True]).drop(
        columns="_spent").reset_index(drop=True)


def default_lines(events) -> Lines:
    """A line order read from the data: teams in the order cases usually reach them.

    Teams are ordered by the mean position of their first stay in a case (0 = where cases start),
    then by name; none is outside the order.
    """
    s = _stays(events, None, None, working_time=False)
    t = s.table
    first = t.group_by(["case_id", "team"]).aggregate(_first=t.stay.min())
    out = s.run(first.group_by("team").aggregate(position=first._first.mean()))
    return Lines(order=tuple(out.sort_values(["position", "team"])["team"].astype(str)))


# -- small helpers -----------------------------------------------------------------------------

def _share_of_cases(s: _Stays, rows: Table) -> pd.DataFrame:
    """numerator = distinct cases among ``rows`` (stays), denominator = all cases."""
    out = s.run(rows.aggregate(numerator=rows.case_id.nunique()))
    return _tidy(out.assign(denominator=_case_count(s)), [])


def _case_count(s: _Stays) -> int:
    if s.cases is not None:
        return s.cases
    t = s.table
    return int(s.run(t.filter(t.stay == 0).aggregate(n=lambda f: f.count()))["n"].iloc[0])


def _backward(lines: Lines, a: str, b: str) -> bool:
    ra, rb = lines.rank(a), lines.rank(b)
    return ra is not None and rb is not None and rb < ra


def _ints(frame: pd.DataFrame, *names: str) -> pd.DataFrame:
    for name in names:
        frame[name] = frame[name].astype("int64")
    return frame


def _tidy(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    from kpilib.data._aggregate import finish

    return finish(frame, by)
