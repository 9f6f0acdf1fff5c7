"""The full KPI set on one workshop's tables, as one tidy frame."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd

from kpilib.kpis.cases import contacts_per_case, escalation_rate, handoffs_per_case
from kpilib.kpis.queue import average_handle_time, queue_kpis
from kpilib.kpis.resolution import follow_up_kpis, transfer_rate
from kpilib.kpis.satisfaction import ces, complaints_resolved_to_satisfaction, csat, nps
from kpilib.kpis.timeliness import callback_timeliness, time_to_first_contact, time_to_resolution

__all__ = ["kpi_set", "start_team"]


def kpi_set(tables, *, first_line: str | Sequence[str] | None = None, threshold_s: float = 20, window_days: float = 7,
            order_norm_days: float = 5, resolution_norm_days: float = 3, calendar=None,
            by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Compute every KPI that the workshop's tables allow, with the default definitions.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables; KPIs whose tables are missing are left out.
    first_line : str or list of str, optional
        The first-line team(s), for the escalation rate; default the team where most cases start.
    threshold_s, window_days, order_norm_days, resolution_norm_days
        The definition parameters of service level, repeat contacts / FCR, time to first contact
        and time to resolution.
    calendar : WorkingCalendar, optional
    by : None, str or list of str
        A grouping that every KPI's table has (for example ``"month"``).

    Returns
    -------
    pandas.DataFrame
        One row per KPI (and group): ``kpi``, the ``by`` columns, ``numerator``, ``denominator``,
        ``value``.
    """
    have = _tables(tables)
    c, k, s = have.get("contacts"), have.get("cases"), have.get("surveys")
    o, cb, e = have.get("orders"), have.get("callbacks"), have.get("events")
    plan = []
    if c is not None:
        # KPIs of one population come out of one query (queue_kpis, follow_up_kpis): the same
        # numbers as their own functions, with the population read once.
        queue = functools.cache(lambda: queue_kpis(c, threshold_s=threshold_s, by=by))
        follow_up = functools.cache(lambda: follow_up_kpis(c, window_days=window_days, by=by))
        plan += [
            ("service_level", lambda: queue()["service_level"]),
            ("abandonment_rate", lambda: queue()["abandonment_rate"]),
            ("average_speed_of_answer", lambda: queue()["average_speed_of_answer"]),
            ("average_handle_time", lambda: average_handle_time(c, by=by)),
            ("repeat_contact_rate", lambda: follow_up()["repeat_contact_rate"]),
            ("first_contact_resolution", lambda: follow_up()["first_contact_resolution"]),
            ("transfer_rate", lambda: transfer_rate(c, by=by)),
            ("contacts_per_case", lambda: contacts_per_case(c, by=by)),
        ]
    chain = e if e is not None else c
    if chain is not None:
        first_line = first_line if first_line is not None else start_team(chain)
        plan += [
            ("handoffs_per_case", lambda: handoffs_per_case(chain, by=by)),
            ("escalation_rate", lambda: escalation_rate(chain, first_line=first_line, by=by)),
        ]
    if o is not None:
        plan.append(("time_to_first_contact",
                     lambda: time_to_first_contact(o, norm_days=order_norm_days, calendar=calendar, by=by)))
    if k is not None:
        plan.append(("time_to_resolution",
                     lambda: time_to_resolution(k, norm_days=resolution_norm_days, calendar=calendar, by=by)))
        if s is not None:
            plan.append(("complaints_resolved_to_satisfaction",
                         lambda: complaints_resolved_to_satisfaction(k, s, by=by)))
    if cb is not None:
        plan.append(("callback_timeliness", lambda: callback_timeliness(cb, by=by)))
    if s is not None:
        plan += [("csat", lambda: csat(s, by=by)), ("nps", lambda: nps(s, by=by)), ("ces", lambda: ces(s, by=by))]
    frames = [run().assign(kpi=name) for name, run in plan]
    if not frames:
        return pd.DataFrame(columns=["kpi", "numerator", "denominator", "value"])
    result = pd.concat(frames, ignore_index=True)
    result["numerator"] = result["numerator"].astype("float64")
    return result[["kpi", *[col for col in result.columns if col != "kpi"]]]


def start_team(contacts_or_events) -> str | None:
    """The team where most cases start (their first contact or event)."""
    starts = handoffs_per_case(contacts_or_events, by="team")
    if starts.empty:
        return None
    return str(starts.sort_values(["denominator", "team"], ascending=[False, True])["team"].iloc[0])


def _tables(tables) -> dict:
    from kpilib.data.backend import Store

    if isinstance(tables, Store):  # a table imported empty counts as not there
        return {name: tables.table(name) for name in tables.tables if tables.available(name)}
    return {name: table for name, table in dict(tables).items() if table is not None}
