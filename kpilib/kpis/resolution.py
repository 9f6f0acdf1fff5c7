"""Did the customer have to come back? Repeat contacts, first-contact resolution, transfers."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd
from ibis.expr.types import BooleanValue, NumericValue, Table

from kpilib.data._aggregate import (KpiMeasures, check_by, check_interval, counted_rows, interval_anchor,
                                    normalise_by, seconds_between, tidy, tidy_kpi, tidy_many)
from kpilib._checks import check_argument, check_number
from kpilib._docstrings import fill
from kpilib.data._inputs import canonical, same_backend
from kpilib.exceptions import ParameterError
from kpilib.kpis._registry import kpi_function
from kpilib.kpis.entries import first_interactions

MATCHES = ("customer", "case")
DIRECTIONS = ("inbound", "outbound", "any")
FCR_METHODS = ("repeat_window", "case", "survey")
WINDOW_UNITS = ("24h", "calendar_day", "working_day")
#: Outcomes that say the contact did not resolve the question by itself.
NOT_RESOLVED_OUTCOMES = ("transferred", "escalated", "callback_promised")

_REQUIRED = ("direction", "arrived_at", "answered_at")


def follow_up_gaps(contacts: Table, *, match: str,
                   base_only: bool = False) -> tuple[Table, BooleanValue, NumericValue]:
    """The inbound contacts, the base condition, and each base contact's seconds to its follow-up.

    Base: answered inbound contacts with a non-null key (customer_id or case_id). The follow-up is
    the next base contact of the same key whose ``arrived_at`` is strictly later; the gap is
    measured between instants and is null when there is none.

    The returned table holds every inbound contact, so that a group of ``by`` without base
    contacts keeps its row (with denominator 0); ``base_only=True`` keeps only the base contacts,
    which is all an ungrouped KPI needs and spares the join the other rows.
    """
    key = "customer_id" if match == "customer" else "case_id"

    def is_base(t: Table) -> BooleanValue:  # of the inbound contacts
        return t.answered_at.notnull() & t[key].notnull()

    c = contacts.filter(contacts.direction == "inbound")
    if base_only:
        c = c.filter(is_base(c)).select(key, "arrived_at", "outcome")
    # Both sides of the join read ``c`` through a self-reference, which compiles to one common
    # table expression: the contacts are scanned once. The next *distinct* arrival time per
    # key: ties at the same moment are not "later".
    a = c.view()
    arrivals = (a if base_only else a.filter(is_base(a))).select(_key=a[key], _at=a.arrived_at).distinct()
    window = ibis.window(group_by=arrivals._key, order_by=arrivals._at)
    following = arrivals.mutate(_next_at=arrivals._at.lead().over(window))
    joined = c.left_join(following, [c[key] == following._key, c.arrived_at == following._at])
    joined = joined.drop("_key", "_at")
    base = True if base_only else is_base(joined)  # True: every row is a base contact; tidy counts rows
    return joined, base, seconds_between(joined.arrived_at, joined._next_at)


def _with_follow_up(contacts: Table, *, window_days: float, match: str, window_unit: str = "24h",
                    base_only: bool = False, calendar=None, con=None,
                    time_zone: str | None = None) -> tuple[Table, BooleanValue, BooleanValue]:
    """Mark each base contact followed by another base contact of the same key within the window.

    A follow-up (:func:`follow_up_gaps`) makes a repeat when it is at most ``window_days`` × 24 h
    later (``window_unit="24h"``), when its local date is at most ``window_days`` dates after the
    contact's local date (``"calendar_day"``), or at most ``window_days`` working days of
    ``calendar`` after it (``"working_day"``: a contact on Friday and one on Monday are 1 working day
    apart, one on Saturday and one on Monday 0). Returns the table with a ``_next_at`` column, the
    base condition and the repeat condition.
    """
    joined, base, gap = follow_up_gaps(contacts, match=match, base_only=base_only)
    if window_unit == "24h":
        within = gap <= window_days * 86400
    elif window_unit == "calendar_day":
        within = joined._next_at.date().delta(joined.arrived_at.date(), unit="day") <= window_days
    else:
        from kpilib.kpis.timeliness import _calendar, working_days_columns

        if base is not True:  # the working days join builds a new table: carry the base condition into it
            joined = joined.mutate(_is_base=base)
        joined, _ = working_days_columns(joined, "arrived_at", "_next_at", as_of=None, calendar=_calendar(calendar),
                                         con=con, time_zone=time_zone, stamps=("arrived_at",))
        base = True if base is True else joined._is_base
        within = joined._wd <= window_days
    return joined, base, base & within.fill_null(False)


def _check_window(window_days: float, window_unit: str = "24h") -> None:
    check_number("window_days", window_days, minimum=0, strict_minimum=True)
    check_argument("window_unit", window_unit, WINDOW_UNITS)


@kpi_function
@fill
def repeat_contact_rate(contacts, *, window_days: float = 7, match: str = "customer",
                        window_unit: str = "24h", count: str = "interactions", calendar=None,
                        by: str | Sequence[str] | None = None, interval_minutes: int = 30,
                        interval_of: str = "arrival") -> pd.DataFrame:
    """Share of answered inbound contacts followed by another one within ``window_days`` × 24 h.

    Base: answered inbound contacts with a non-null ``customer_id`` (``case_id`` for
    ``match="case"``). Numerator: those followed by another answered inbound contact of the same
    customer (case) that arrived strictly later and at most ``window_days`` × 24 hours later
    (with ``window_unit="calendar_day"``: on a local date at most ``window_days`` dates later, so
    a contact on Monday 23:00 and one on the next Monday 08:00 are 7 calendar days apart; with
    ``"working_day"``: at most ``window_days`` working days of ``calendar`` later).

    Parameters
    ----------
    {contacts}
    window_days : float
        The repeat window in days of 24 hours (7 means 168 hours, also across a DST change).
    match : {{'customer', 'case'}}
        Whether a repeat is another contact of the same customer or of the same case.
    window_unit : {{'24h', 'calendar_day', 'working_day'}}
        Whether the window counts days of 24 hours from the arrival, local calendar dates or working days.
    {count}
        With ``"entries"`` the interaction a transfer added is no repeat of the one it came from.
    {calendar}
        Used by ``window_unit="working_day"``.
    {by}
    {interval}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=_REQUIRED)
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    _check_window(window_days, window_unit)
    check_argument("match", match, MATCHES)
    check_interval(interval_minutes, interval_of)
    table, base, repeat = _with_follow_up(first_interactions(inp.table, count), window_days=window_days, match=match,
                                          window_unit=window_unit, base_only=not names, calendar=calendar,
                                          con=inp.con, time_zone=inp.time_zone)
    return tidy(table, by=names, anchor=interval_anchor(table, interval_of), numerator=repeat, denominator=base,
                con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


@kpi_function
@fill
def first_contact_resolution(contacts=None, *, method: str = "repeat_window", window_days: float = 7,
                             window_unit: str = "24h", count: str = "interactions", cases=None, surveys=None,
                             calendar=None,
                             by: str | Sequence[str] | None = None, interval_minutes: int = 30,
                             interval_of: str = "arrival") -> pd.DataFrame:
    """First-contact resolution, measured one of three ways.

    - ``"repeat_window"``: base as in :func:`repeat_contact_rate` (customer match); numerator =
      base contacts with no follow-up within the window and an outcome that is not transferred,
      escalated or callback_promised (a missing outcome counts as not excluded).
    - ``"case"``: base = cases with at least one inbound contact; numerator = resolved cases
      (``resolved_at`` not null) with exactly one inbound contact. ``by`` takes case columns;
      anchor ``opened_at``.
    - ``"survey"``: base = surveys with ``resolved`` not null; numerator = ``resolved`` true.
      ``by`` takes survey columns; anchor ``answered_at``.

    Parameters
    ----------
    {contacts}
        Not used by ``method="survey"``.
    method : {{'repeat_window', 'case', 'survey'}}
    window_days : float
        The repeat window of ``"repeat_window"``, in days of 24 hours (see ``window_unit``).
    window_unit : {{'24h', 'calendar_day', 'working_day'}}
        How ``"repeat_window"`` counts the window, as in :func:`repeat_contact_rate`.
    {count}
        Used by ``"repeat_window"``; a transferred call then counts once, with the outcome of its first
        interaction.
    cases : pandas.DataFrame or ibis Table
        Canonical cases; required by ``method="case"``.
    surveys : pandas.DataFrame or ibis Table
        Canonical surveys; required by ``method="survey"``.
    {calendar}
        Used by ``window_unit="working_day"``.
    {by}
    {interval}
        (Used by ``"repeat_window"``; by case or survey an interval is of the case's opening or the answer.)

    Returns
    -------
    {returns}
    """
    check_argument("method", method, FCR_METHODS)
    names = normalise_by(by)
    if method == "survey":
        if surveys is None:
            raise ParameterError("`surveys` is required for method='survey'")
        inp = canonical(surveys, "surveys", required=("resolved",))
        check_by(names, inp.table.columns)
        s = inp.table
        return tidy(s, by=names, anchor=s.answered_at, numerator=s.resolved == True,  # noqa: E712
                    denominator=s.resolved.notnull(), con=inp.con, time_zone=inp.time_zone)
    if contacts is None:
        raise ParameterError(f"`contacts` is required for method={method!r}")
    if method == "case":
        if cases is None:
            raise ParameterError("`cases` is required for method='case'")
        return _fcr_case(contacts, cases, names)
    inp = canonical(contacts, "contacts", required=_REQUIRED)
    check_by(names, inp.table.columns)
    _check_window(window_days, window_unit)
    check_interval(interval_minutes, interval_of)
    table, base, repeat = _with_follow_up(first_interactions(inp.table, count), window_days=window_days, match="customer",
                                          window_unit=window_unit, base_only=not names, calendar=calendar,
                                          con=inp.con, time_zone=inp.time_zone)
    return tidy_kpi(table, _fcr_window(table, base, repeat), by=names, anchor=interval_anchor(table, interval_of),
                    con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


def _fcr_window(table: Table, base, repeat) -> KpiMeasures:
    resolved_outcome = table.outcome.isnull() | ~table.outcome.isin(NOT_RESOLVED_OUTCOMES)
    return KpiMeasures(base & ~repeat & resolved_outcome, base)


def follow_up_kpis(contacts, *, window_days: float = 7,
                   by: str | Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """Repeat-contact rate and first-contact resolution over one follow-up window, in one query.

    The same numbers as :func:`repeat_contact_rate` and :func:`first_contact_resolution` with
    ``window_days`` and their other parameters at their defaults (customer match, days of 24 h,
    ``method="repeat_window"``), which share the follow-up join. Returns KPI name -> frame.
    """
    inp = canonical(contacts, "contacts", required=_REQUIRED)
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    _check_window(window_days)
    table, base, repeat = _with_follow_up(inp.table, window_days=window_days, match="customer",
                                          base_only=not names)
    kpis = {"repeat_contact_rate": KpiMeasures(repeat, base),
            "first_contact_resolution": _fcr_window(table, base, repeat)}
    return tidy_many(table, by=names, anchor=table.arrived_at, kpis=kpis, con=inp.con, time_zone=inp.time_zone)


def _fcr_case(contacts, cases, names: list[str]) -> pd.DataFrame:
    ci = canonical(contacts, "contacts", required=("case_id", "direction"))
    ca = canonical(cases, "cases", required=("case_id", "opened_at"))
    con, time_zone = same_backend(ci, ca)
    check_by(names, ca.table.columns)
    c = ci.table
    inbound = (
        c.filter((c.direction == "inbound") & c.case_id.notnull())
        .group_by(_case=c.case_id)
        .aggregate(_inbound=c.contact_id.count())
    )
    k = ca.table
    joined = k.left_join(inbound, k.case_id == inbound._case).drop("_case")
    n = joined._inbound.fill_null(0)
    return tidy(joined, by=names, anchor=joined.opened_at,
                numerator=(n == 1) & joined.resolved_at.notnull(), denominator=n >= 1,
                con=con, time_zone=time_zone)


@kpi_function
@fill
def transfer_rate(contacts, *, by: str | Sequence[str] | None = None, interval_minutes: int = 30,
                  interval_of: str = "arrival") -> pd.DataFrame:
    """Share of answered contacts whose outcome is ``transferred``.

    Parameters
    ----------
    {contacts}
    {by}
    {interval}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=("arrived_at", "answered_at"))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    check_interval(interval_minutes, interval_of)
    c = counted_rows(inp.table, names, inp.table.answered_at.notnull())
    answered = c.answered_at.notnull()
    return tidy(c, by=names, anchor=interval_anchor(c, interval_of), numerator=answered & (c.outcome == "transferred"),
                denominator=answered, con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


@kpi_function
@fill
def agent_resolved_rate(contacts, *, channel: str | None = None, direction: str = "inbound",
                        by: str | Sequence[str] | None = None, interval_minutes: int = 30,
                        interval_of: str = "arrival") -> pd.DataFrame:
    """Share of answered contacts that the agent ticked ``resolved``: the team's own view of resolution.

    numerator = answered contacts (``answered_at`` not null) whose ``outcome`` is ``resolved``;
    denominator = answered contacts. A contact with no outcome counts as not resolved. This is
    what the agent records at the end of the contact, not whether the customer had to come back
    (compare :func:`first_contact_resolution`).

    Parameters
    ----------
    {contacts}
    channel : str or None
        Only contacts of this channel; None for every channel.
    direction : {{'inbound', 'outbound', 'any'}}
        Which contacts count: inbound (default), outbound (call-backs), or both.
    {by}
    {interval}

    Returns
    -------
    {returns}

    Examples
    --------
    >>> import kpilib
    >>> store = kpilib.open_store("data/sample")  # doctest: +SKIP
    >>> kpilib.agent_resolved_rate(store.contacts, by="team")  # doctest: +SKIP
    """
    inp = canonical(contacts, "contacts", required=("direction", "arrived_at", "answered_at", "outcome"))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    check_argument("direction", direction, DIRECTIONS)
    check_interval(interval_minutes, interval_of)
    if channel is not None and not isinstance(channel, str):
        raise ParameterError(f"`channel` must be a channel name such as 'phone' or None; got {channel!r}")
    c = inp.table
    if direction != "any":
        c = c.filter(c.direction == direction)
    if channel is not None:
        c = c.filter(c.channel == channel)
    answered = c.answered_at.notnull()
    return tidy(c, by=names, anchor=interval_anchor(c, interval_of), numerator=answered & (c.outcome == "resolved"),
                denominator=answered, con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)
