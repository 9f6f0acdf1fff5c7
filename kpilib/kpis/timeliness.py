"""Was the customer helped in time? Working days to first contact and to resolution, call-backs on time.

Working days from t1 to t2 are the working dates d with date(t1) <= d < date(t2) in local time
(numpy ``busday_count`` semantics): an order placed on Friday and first contacted on Monday took
1 working day. In SQL this is a join with the calendar: wd = before[date(t2)] − before[date(t1)],
where ``before[d]`` counts the working dates before d.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.expr.types import Table

from kpilib.data import backend
from kpilib.data._aggregate import check_by, normalise_by, tidy
from kpilib._checks import check_number
from kpilib._docstrings import fill
from kpilib.data._inputs import Input, canonical
from kpilib.exceptions import ParameterError
from kpilib.kpis._registry import kpi_function


def _calendar(calendar):
    from kpilib.data.calendar import WorkingCalendar

    if calendar is None:
        return WorkingCalendar()
    if not isinstance(calendar, WorkingCalendar):
        raise ParameterError(f"`calendar` must be a kpilib.WorkingCalendar; got {type(calendar).__name__}")
    return calendar


def _as_of(value, time_zone: str) -> pd.Timestamp | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        raise ParameterError(f"`as_of` must be a timestamp; got {value!r}")
    return stamp.tz_localize(time_zone) if stamp.tz is None else stamp.tz_convert(time_zone)


def working_days_columns(table: Table, start: str, end: str, *, as_of, calendar, con, time_zone: str,
                         stamps: Sequence[str]) -> tuple[Table, int | None]:
    """Add ``_wd`` (working days from ``start`` to ``end``) and ``_elapsed`` (to ``as_of``).

    ``as_of`` defaults to the latest of the ``stamps`` columns. Returns the table and the
    number of working days before ``as_of``'s date (None when the table is empty).
    """
    latest = ibis.greatest(*[table[s] for s in stamps]) if len(stamps) > 1 else table[stamps[0]]
    bounds = table.aggregate(lo=table[start].date().min(), hi=latest.date().max(), last=latest.max())
    lo, hi, last = backend.execute(bounds, con=con, time_zone=time_zone).iloc[0]
    as_of = _as_of(as_of, time_zone) if as_of is not None else (None if pd.isna(last) else pd.Timestamp(last))
    if pd.isna(lo):
        empty = table.mutate(_wd=ibis.null().cast("int64"), _elapsed=ibis.null().cast("int64"))
        return empty, None
    as_of_date = as_of.tz_convert(time_zone).date() if as_of is not None else pd.Timestamp(hi).date()
    first = pd.Timestamp(lo).date()
    last_date = max(pd.Timestamp(hi).date(), as_of_date, first)
    frame = calendar.table(first, last_date)
    days = pd.DataFrame({
        "_d": pd.to_datetime(frame["date"]).dt.date,
        "_before": frame["working_days_before"].astype("int64"),
    })
    before_as_of = int(days.loc[days["_d"] == as_of_date, "_before"].iloc[0]) if as_of_date >= first else 0
    cal = ibis.memtable(days)
    d1 = cal.rename(_d1="_d", _b1="_before")
    d2 = cal.rename(_d2="_d", _b2="_before")
    joined = (
        table.left_join(d1, table[start].date() == d1._d1)
        .left_join(d2, table[end].date() == d2._d2)
    )
    joined = joined.mutate(_wd=joined._b2 - joined._b1, _elapsed=before_as_of - joined._b1)
    return joined.drop("_d1", "_b1", "_d2", "_b2"), before_as_of


@dataclass(frozen=True)
class Span:
    """What a "time to …" KPI measures: from ``start`` to ``end`` of table ``table``."""

    table: str
    start: str
    end: str
    stamps: tuple[str, ...]  # the columns whose latest value is the default ``as_of``


SPANS = {
    "first_contact": Span("orders", "ordered_at", "first_contact_at",
                          ("ordered_at", "first_contact_at", "delivered_at")),
    "resolution": Span("cases", "opened_at", "resolved_at", ("opened_at", "resolved_at", "closed_at")),
}


def span_table(data, span: Span, *, as_of, calendar, by) -> tuple[Table, list[str], Input]:
    """The span's table with ``_wd`` and ``_elapsed`` (see :func:`working_days_columns`), checked ``by``."""
    inp = canonical(data, span.table, required=(span.start,))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    table, _ = working_days_columns(inp.table, span.start, span.end, as_of=as_of, calendar=_calendar(calendar),
                                    con=inp.con, time_zone=inp.time_zone, stamps=span.stamps)
    return table, names, inp


def _time_to(data, span: Span, *, norm_days, as_of, calendar, by) -> pd.DataFrame:
    check_number("norm_days", norm_days, minimum=0)
    table, names, inp = span_table(data, span, as_of=as_of, calendar=calendar, by=by)
    start, end = span.start, span.end
    done = table[end].notnull()
    within = done & (table._wd <= norm_days)
    overdue = ~done & (table._elapsed > norm_days)
    return tidy(table, by=names, anchor=table[start], numerator=within, denominator=done | overdue,
                con=inp.con, time_zone=inp.time_zone)


@kpi_function
@fill
def time_to_first_contact(orders, *, norm_days: float, as_of=None, calendar=None,
                          by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of orders first contacted within ``norm_days`` working days of the order.

    numerator = orders contacted within the norm (working days from ``ordered_at`` to
    ``first_contact_at`` <= norm_days); denominator = orders contacted, plus orders not contacted
    whose working days from ``ordered_at`` up to ``as_of`` already exceed the norm: they are
    breaches, not left out. Orders not contacted and still within the norm are not counted yet.

    Parameters
    ----------
    orders : pandas.DataFrame or ibis Table
        Canonical orders.
    norm_days : float
        The norm in working days (for example 5 for the customer's "within a week").
    {as_of}
    {calendar}
    {by}

    Returns
    -------
    {returns}
    """
    return _time_to(orders, SPANS["first_contact"], norm_days=norm_days, as_of=as_of, calendar=calendar, by=by)


@kpi_function
@fill
def time_to_resolution(cases, *, norm_days: float, as_of=None, calendar=None,
                       by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of cases resolved within ``norm_days`` working days of opening.

    As :func:`time_to_first_contact`, from ``opened_at`` to ``resolved_at``: unresolved cases
    already older than the norm at ``as_of`` count as breaches.

    Parameters
    ----------
    cases : pandas.DataFrame or ibis Table
        Canonical cases.
    norm_days : float
        The norm in working days.
    {as_of}
    {calendar}
    {by}

    Returns
    -------
    {returns}
    """
    return _time_to(cases, SPANS["resolution"], norm_days=norm_days, as_of=as_of, calendar=calendar, by=by)


@kpi_function
@fill
def callback_timeliness(callbacks, *, as_of=None, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of due call-backs that were attempted on time.

    Due: ``promised_by`` not null and at or before ``as_of``. On time: ``attempted_at`` not null
    and at or before ``promised_by``. Anchor: ``promised_by``.

    Parameters
    ----------
    callbacks : pandas.DataFrame or ibis Table
        Canonical call-back requests.
    {as_of}
    {by}

    Returns
    -------
    {returns}
    """
    inp = canonical(callbacks, "callbacks", required=("requested_at", "promised_by"))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    t = inp.table
    if as_of is None:
        latest = ibis.greatest(t.requested_at, t.promised_by, t.attempted_at)
        last = backend.execute(t.aggregate(last=latest.max()), con=inp.con, time_zone=inp.time_zone)["last"].iloc[0]
        stamp = None if pd.isna(last) else pd.Timestamp(last)
    else:
        stamp = _as_of(as_of, inp.time_zone)
    if stamp is None:
        due = ibis.literal(False)
    else:
        due = t.promised_by.notnull() & (t.promised_by <= ibis.literal(stamp.to_pydatetime()))
    on_time = due & t.attempted_at.notnull() & (t.attempted_at <= t.promised_by)
    return tidy(t, by=names, anchor=t.promised_by, numerator=on_time, denominator=due,
                con=inp.con, time_zone=inp.time_zone)

