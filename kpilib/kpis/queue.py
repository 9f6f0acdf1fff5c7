"""Queue KPIs of contacts: service level, abandonment, speed of answer, handle time.

Definitions (all on inbound contacts of one channel, the *offered* set):

- offered: inbound contacts of the channel that reached the queue (``queued_at`` not null), minus
  short abandons when ``short_abandon_s`` is positive (by default none are removed); an abandon in the
  IVR, before the queue, is not offered;
- answered (A): ``answered_at`` not null; abandoned (Ab): queued and never answered;
- wait: (``answered_at`` if answered else ``ended_at``) minus the start, where the start is
  ``queued_at`` (``clock="queue"``) or ``arrived_at`` (``clock="arrival"``, includes IVR time);
- within: wait <= ``threshold_s``. A wait that cannot be measured (an abandon without
  ``ended_at``) is never within.
"""

from __future__ import annotations

from collections.abc import Sequence
import pandas as pd
from ibis.expr.types import Table

from kpilib.data._aggregate import (KpiMeasures, check_by, check_interval, counted_rows, interval_anchor,
                                    normalise_by, seconds_between, tidy, tidy_kpi, tidy_many)
from kpilib._checks import check_argument, check_number
from kpilib._docstrings import fill
from kpilib.data._inputs import canonical
from kpilib.exceptions import ParameterError
from kpilib.kpis._registry import kpi_function
from kpilib.kpis.entries import first_interactions

CLOCKS = ("queue", "arrival")
ABANDON_RULES = ("exclude", "fail", "fail_after_threshold", "pass_within_threshold")


def offered_population(contacts: Table, *, channel: str | None) -> Table:
    """The inbound contacts of ``channel`` (every channel when None): the rows a queue KPI groups."""
    population = contacts.direction == "inbound"
    if channel is not None:
        population = population & (contacts.channel == channel)
    return contacts.filter(population)


def wait_seconds(c: Table, clock: str, *, answered_only: bool = False):
    """Seconds from the clock's start to the answer (or, for an abandon, to ``ended_at``).

    ``answered_only=True``: to the answer, null for an abandon (so ``ended_at`` is not read).
    """
    start = c.queued_at if clock == "queue" else c.arrived_at
    return seconds_between(start, c.answered_at if answered_only else c.answered_at.coalesce(c.ended_at))


def _queue(contacts: Table, *, clock: str, short_abandon_s: float | None, channel: str | None,
           by: Sequence[str] = (), short_abandon_clock: str | None = None) -> Table:
    """The population (inbound contacts of ``channel``) with ``_wait``, ``_answered`` and ``_abandoned``.

    Short abandons (only with a positive ``short_abandon_s``: abandons whose wait on
    ``short_abandon_clock``, default ``clock``, is at most that) are neither answered nor abandoned,
    so they drop out of every count, as do contacts that never queued (left out of the population
    when nothing is grouped, see :func:`~kpilib.data._aggregate.counted_rows`).
    """
    c = offered_population(contacts, channel=channel)
    c = counted_rows(c, list(by), c.queued_at.notnull())
    c = c.mutate(_wait=wait_seconds(c, clock))
    abandoned = c.queued_at.notnull() & c.answered_at.isnull()
    if short_abandon_s:
        short_wait = c._wait if (short_abandon_clock or clock) == clock else wait_seconds(c, short_abandon_clock)
        abandoned = abandoned & ~(short_wait <= short_abandon_s).fill_null(False)
    return c.mutate(_answered=c.queued_at.notnull() & c.answered_at.notnull(), _abandoned=abandoned)


def check_common(by, columns, *, clock=None, channel=None, short_abandon_s=None,
                 short_abandon_clock=None) -> list[str]:
    """Check the parameters the contact KPIs share; return ``by`` as a list."""
    names = normalise_by(by)
    check_by(names, columns)
    if clock is not None:
        check_argument("clock", clock, CLOCKS)
    if channel is not None and not isinstance(channel, str):
        raise ParameterError(f"`channel` must be a channel name such as 'phone' or None; got {channel!r}")
    if short_abandon_s is not None:
        check_number("short_abandon_s", short_abandon_s, minimum=0)
    if short_abandon_clock is not None:
        check_argument("short_abandon_clock", short_abandon_clock, CLOCKS)
    return names


QUEUE_COLUMNS = ("direction", "channel", "arrived_at", "queued_at", "answered_at")


@kpi_function
@fill
def service_level(contacts, *, threshold_s: float = 20, clock: str = "queue", abandoned: str = "fail",
                  short_abandon_s: float | None = 0, short_abandon_clock: str | None = None,
                  channel: str | None = "phone", count: str = "interactions", by: str | Sequence[str] | None = None,
                  interval_minutes: int = 30, interval_of: str = "arrival") -> pd.DataFrame:
    """Share of offered contacts answered within ``threshold_s`` seconds.

    {offered}

    With A answered, Ab abandoned and "within" meaning wait <= threshold_s:

    - ``abandoned="exclude"``: A_within / A
    - ``abandoned="fail"``: A_within / (A + Ab)
    - ``abandoned="fail_after_threshold"``: A_within / (A + Ab_over), abandons within the threshold left out
    - ``abandoned="pass_within_threshold"``: (A_within + Ab_within) / (A + Ab)

    Parameters
    ----------
    {contacts}
    threshold_s : float
        The service-level threshold in seconds.
    {clock}
    abandoned : {{'exclude', 'fail', 'fail_after_threshold', 'pass_within_threshold'}}
        How abandoned contacts count (see above).
    {short_abandon_s}
    {short_abandon_clock}
    {channel}
    {count}
    {by}
    {interval}

    Returns
    -------
    {returns}

    Examples
    --------
    >>> import kpilib
    >>> store = kpilib.open_store("data/sample")  # doctest: +SKIP
    >>> kpilib.service_level(store.contacts, threshold_s=20, abandoned="exclude", by="team")  # doctest: +SKIP
    """
    inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS)
    names = check_common(by, inp.table.columns, clock=clock, channel=channel,
                          short_abandon_s=short_abandon_s, short_abandon_clock=short_abandon_clock)
    check_number("threshold_s", threshold_s, minimum=0)
    check_argument("abandoned", abandoned, ABANDON_RULES)
    check_interval(interval_minutes, interval_of)
    q = _queue(first_interactions(inp.table, count), clock=clock, short_abandon_s=short_abandon_s, channel=channel,
               by=names, short_abandon_clock=short_abandon_clock)
    return tidy_kpi(q, _service_level(q, threshold_s, abandoned), by=names, anchor=interval_anchor(q, interval_of),
                    con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


def _service_level(q: Table, threshold_s: float, abandoned: str) -> KpiMeasures:
    within = (q._wait <= threshold_s).fill_null(False)
    numerator = q._answered & within
    if abandoned == "exclude":
        denominator = q._answered
    elif abandoned == "fail":
        denominator = q._answered | q._abandoned
    elif abandoned == "fail_after_threshold":
        denominator = q._answered | (q._abandoned & ~within)
    else:
        numerator = numerator | (q._abandoned & within)
        denominator = q._answered | q._abandoned
    return KpiMeasures(numerator, denominator)


def _abandonment(q: Table) -> KpiMeasures:
    return KpiMeasures(q._abandoned, q._answered | q._abandoned)


def _speed_of_answer(q: Table, clock: str) -> KpiMeasures:
    return KpiMeasures((wait_seconds(q, clock, answered_only=True), q._answered), q._answered,
                       integer_numerator=False)


def queue_kpis(contacts, *, threshold_s: float = 20, by: str | Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """Service level, abandonment rate and ASA with their default definitions, in one query.

    The same numbers as :func:`service_level` (``threshold_s``), :func:`abandonment_rate` and
    :func:`average_speed_of_answer` with their other parameters at their defaults (queue clock,
    abandons fail, no short abandons, phone), which share one population. Returns KPI name -> frame.
    """
    inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS)
    names = check_common(by, inp.table.columns)
    check_number("threshold_s", threshold_s, minimum=0)
    q = _queue(inp.table, clock="queue", short_abandon_s=0, channel="phone", by=names)
    kpis = {"service_level": _service_level(q, threshold_s, "fail"), "abandonment_rate": _abandonment(q),
            "average_speed_of_answer": _speed_of_answer(q, "queue")}
    return tidy_many(q, by=names, anchor=q.arrived_at, kpis=kpis, con=inp.con, time_zone=inp.time_zone)


@kpi_function
@fill
def abandonment_rate(contacts, *, short_abandon_s: float | None = 0, short_abandon_clock: str | None = None,
                     channel: str | None = "phone", count: str = "interactions", by: str | Sequence[str] | None = None,
                     interval_minutes: int = 30, interval_of: str = "arrival") -> pd.DataFrame:
    """Share of offered contacts that were abandoned: Ab / (A + Ab).

    {offered}

    Parameters
    ----------
    {contacts}
    {short_abandon_s}
    {short_abandon_clock}
    {channel}
    {count}
    {by}
    {interval}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS)
    names = check_common(by, inp.table.columns, channel=channel, short_abandon_s=short_abandon_s,
                         short_abandon_clock=short_abandon_clock)
    check_interval(interval_minutes, interval_of)
    q = _queue(first_interactions(inp.table, count), clock="queue", short_abandon_s=short_abandon_s, channel=channel,
               by=names, short_abandon_clock=short_abandon_clock)
    return tidy_kpi(q, _abandonment(q), by=names, anchor=interval_anchor(q, interval_of),
                    con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


@kpi_function
@fill
def average_speed_of_answer(contacts, *, clock: str = "queue", channel: str | None = "phone",
                            count: str = "interactions", by: str | Sequence[str] | None = None,
                            interval_minutes: int = 30,
                            interval_of: str = "arrival") -> pd.DataFrame:
    """Mean wait in seconds of the answered offered contacts.

    {offered}

    numerator = the sum of their waits, denominator = their number.

    Parameters
    ----------
    {contacts}
    {clock}
    {channel}
    {count}
    {by}
    {interval}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS)
    names = check_common(by, inp.table.columns, clock=clock, channel=channel)
    check_interval(interval_minutes, interval_of)
    q = _queue(first_interactions(inp.table, count), clock=clock, short_abandon_s=0, channel=channel, by=names)
    q = counted_rows(q, names, q.answered_at.notnull())
    return tidy_kpi(q, _speed_of_answer(q, clock), by=names, anchor=interval_anchor(q, interval_of),
                    con=inp.con, time_zone=inp.time_zone, interval_minutes=interval_minutes)


@kpi_function
@fill
def average_handle_time(contacts, *, channel: str | None = None, by: str | Sequence[str] | None = None,
                        interval_minutes: int = 30, interval_of: str = "arrival") -> pd.DataFrame:
    """Mean handle time in seconds: ``ended_at`` − ``answered_at`` of answered contacts.

    Contacts answered but without ``ended_at`` are left out of both sums. Both directions count.

    Parameters
    ----------
    {contacts}
    channel : str or None
        Only contacts of this channel; None (default) for every channel.
    {by}
    {interval}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=("channel", "arrived_at", "answered_at", "ended_at"))
    names = check_common(by, inp.table.columns, channel=channel)
    c = inp.table if channel is None else inp.table.filter(inp.table.channel == channel)
    check_interval(interval_minutes, interval_of)
    c = counted_rows(c, names, c.answered_at.notnull() & c.ended_at.notnull())
    handled = c.answered_at.notnull() & c.ended_at.notnull()
    return tidy(c, by=names, anchor=interval_anchor(c, interval_of),
                numerator=(seconds_between(c.answered_at, c.ended_at), handled), denominator=handled, con=inp.con,
                time_zone=inp.time_zone, integer_numerator=False, interval_minutes=interval_minutes)
