"""Stays: the consecutive status changes of a case at one team, as Ibis expressions.

A case's rows (events, or contacts taken as events) are ordered by ``at``, then ``seq``.
Consecutive rows at the same team are one *stay*; a change of team between two consecutive
rows is a *handoff*. Every row opens a *segment* that lasts until the case's next row; the
segment belongs to the row's stay, so the time from a team's last status change until the next
team receives the case counts at the team that still had it. A segment is

- *done* when the row's status is one of ``Lines.done`` (time after fulfilment does not count);
- *waiting* when the row's status is one of ``Lines.waiting``, or, when no waiting statuses are
  given, when it is the first row of a stay reached by a handoff (handed over, not yet picked
  up);
- *working* otherwise.

Time is measured twice: in calendar seconds (between instants) and in working seconds (inside
the opening hours of the workshop's working calendar), as ``W(t2) - W(t1)`` with ``W(t)`` from a
join on the local date with :meth:`kpilib.WorkingCalendar.table`.
"""

from __future__ import annotations

import ibis
import pandas as pd
from ibis.expr.types import Table

from kpilib.data import backend
from kpilib.data._aggregate import seconds_between
from kpilib.data._inputs import Input, canonical
from kpilib.chains._lines import Lines
from kpilib.exceptions import ParameterError

#: Columns of the stays table (see :func:`stay_table`).
STAY_COLUMNS = ("case_id", "stay", "team", "started_at", "ended_at", "events", "waiting_s", "working_s",
                "waiting_calendar_s", "working_calendar_s")


def event_input(data) -> Input:
    """Canonical events from events (with ``at``) or contacts (with ``arrived_at``).

    Contacts become events of their case: ``at`` = ``arrived_at``, ``activity`` = ``outcome``,
    ties broken by ``contact_id``; contacts without a ``case_id`` belong to no case and are left
    out.
    """
    columns = list(data.columns)
    if "at" in columns and "arrived_at" not in columns:
        inp = canonical(data, "events", required=("case_id", "at", "team"))
        t = inp.table
        return Input(t.select("case_id", "at", "team", "activity", "seq"), inp.con, inp.time_zone)
    if "arrived_at" in columns:
        inp = canonical(data, "contacts", required=("contact_id", "case_id", "team", "arrived_at"))
        c = inp.table.filter(inp.table.case_id.notnull())
        t = c.select("case_id", at=c.arrived_at, team=c.team, activity=c.outcome, seq=c.contact_id)
        return Input(t, inp.con, inp.time_zone)
    raise ParameterError("expected events (with `at`) or contacts (with `arrived_at`); got columns "
                         + ", ".join(f"`{c}`" for c in columns))


def calendar_or_default(calendar):
    """``calendar``, checked, or the default Dutch working calendar."""
    from kpilib.kpis.timeliness import _calendar

    return _calendar(calendar)


def with_working_clock(inp: Input, column: str, calendar) -> Table:
    """Add ``_w``: working seconds from the first date of the data up to ``column``.

    ``W(t) = working_seconds_before[date(t)] + clip(t - opens_at, 0, open_seconds)`` on the local
    date of ``t``; differences of ``_w`` are working seconds between two instants.
    """
    t = inp.table
    bounds = backend.execute(t.aggregate(lo=t[column].date().min(), hi=t[column].date().max()),
                             con=inp.con, time_zone=inp.time_zone)
    lo, hi = bounds["lo"].iloc[0], bounds["hi"].iloc[0]
    if pd.isna(lo):
        return t.mutate(_w=ibis.literal(0.0))
    days = calendar.table(pd.Timestamp(lo).date(), pd.Timestamp(hi).date())
    frame = pd.DataFrame({
        "_d": pd.to_datetime(days["date"]).dt.date,
        "_opens": days["opens_at"].dt.tz_convert(inp.time_zone),
        "_open_s": days["open_seconds"].astype("float64"),
        "_before_s": days["working_seconds_before"].astype("float64"),
    })
    cal = ibis.memtable(frame)
    joined = t.left_join(cal, t[column].date() == cal._d)
    inside = ibis.least(ibis.greatest(seconds_between(joined._opens, joined[column]), 0), joined._open_s)
    return joined.mutate(_w=joined._before_s + inside).drop("_d", "_opens", "_open_s", "_before_s")


def stay_table(inp: Input, *, lines: Lines, calendar, working_time: bool = True) -> Table:
    """One row per stay of every case, with its handoff neighbours and its time split.

    Columns: ``case_id``, ``stay`` (0 = the first), ``team``, ``started_at`` (its first row),
    ``ended_at`` (the next stay's start; for the last stay the first ``done`` status in it, or,
    without done statuses, its last row; null while open), ``events``, ``waiting_s``,
    ``working_s`` (working seconds), ``waiting_calendar_s``, ``working_calendar_s``, and the
    helper columns ``_w0`` / ``_w1`` (working clock at start and end), ``_prev_team``,
    ``_prev2_team``, ``_next_team``, ``_next_waiting_s``, ``_stays`` (stays of the case).
    With ``working_time=False`` the working-second columns are 0 (and no calendar join is made).
    """
    if working_time:
        t = with_working_clock(inp, "at", calendar)
    else:
        t = inp.table.mutate(_w=ibis.literal(0.0))
    order = [t.at, t.seq]
    w = ibis.window(group_by=t.case_id, order_by=order)
    previous = t.team.lag().over(w)
    new_stay = previous.isnull() | (previous != t.team)
    t = t.mutate(_new=ibis.ifelse(new_stay, 1, 0), _handed=previous.notnull() & new_stay,
                 _next_at=t.at.lead().over(w), _next_w=t._w.lead().over(w))
    running = ibis.window(group_by=t.case_id, order_by=[t.at, t.seq], rows=(None, 0))
    t = t.mutate(stay=t._new.sum().over(running) - 1)
    activity = t.activity.fill_null("")
    done = activity.isin(list(lines.done)) if lines.done else ibis.literal(False)
    if lines.waiting is None:
        waiting = ~done & t._handed
    elif lines.waiting:
        waiting = ~done & activity.isin(list(lines.waiting))
    else:
        waiting = ibis.literal(False)
    working = ~done & ~waiting
    seg_w = (t._next_w - t._w).fill_null(0)
    seg_cal = seconds_between(t.at, t._next_at).fill_null(0)
    stays = t.group_by(["case_id", "stay"]).aggregate(
        team=t.team.arbitrary(),
        started_at=t.at.min(),
        _last_at=t.at.max(),
        _done_at=t.at.min(where=done),
        _w0=t._w.min(),
        _last_w=t._w.max(),
        _done_w=t._w.min(where=done),
        events=t.count(),
        waiting_s=seg_w.sum(where=waiting).fill_null(0),
        working_s=seg_w.sum(where=working).fill_null(0),
        waiting_calendar_s=seg_cal.sum(where=waiting).fill_null(0),
        working_calendar_s=seg_cal.sum(where=working).fill_null(0),
    )
    s = ibis.window(group_by=stays.case_id, order_by=stays.stay)
    whole = ibis.window(group_by=stays.case_id)
    next_start = stays.started_at.lead().over(s)
    next_w = stays._w0.lead().over(s)
    last_end = (stays._done_at, stays._done_w) if lines.done else (stays._last_at, stays._last_w)
    return stays.mutate(
        ended_at=next_start.coalesce(last_end[0]),
        _w1=next_w.coalesce(last_end[1]),
        _prev_team=stays.team.lag().over(s),
        _prev2_team=stays.team.lag(2).over(s),
        _next_team=stays.team.lead().over(s),
        _next_waiting_s=stays.waiting_s.lead().over(s),
        _stays=stays.stay.max().over(whole) + 1,
    ).drop("_last_at", "_done_at", "_last_w", "_done_w")


def line_rank(team, lines: Lines):
    """Position of ``team`` in the line order as an Ibis value; -1 outside it."""
    if not lines.order:
        return ibis.literal(-1)
    return team.cases(*[(name, i) for i, name in enumerate(lines.order)], else_=-1)
