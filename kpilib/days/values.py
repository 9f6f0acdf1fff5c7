"""What customers value (klantwaarden) and expect: the drivers of satisfaction, and norms compared.

:func:`satisfaction_drivers` asks, for each candidate driver, how many customers were satisfied when
it was met and how many when it was not: a large gap means the driver matters to customers. The
drivers are read from the survey answers (resolution, friendliness, effort) and from the case
(speed: resolved within the customer's norm in working days). It is a comparison of shares, not a
causal model: a driver that goes together with resolution also shows a gap.

:func:`norms_compared` measures the client's work against what customers expect and against the
organisation's own, usually looser, norm for the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import numpy as np
import pandas as pd

from kpilib.data._aggregate import tidy
from kpilib._checks import check_argument, check_number
from kpilib.data._inputs import canonical, same_backend
from kpilib.kpis.timeliness import _calendar, time_to_first_contact, time_to_resolution, working_days_columns

__all__ = ["DRIVERS", "NORM_KPIS", "driver_gaps", "norms_compared", "satisfaction_drivers", "survey_comments"]

#: The candidate drivers and what "met" means for each.
DRIVERS = {
    "resolution": "the customer says the problem was resolved",
    "friendliness": "the customer rates the agent's friendliness at least min_friendliness (1-5)",
    "effort": "the customer rates the effort at least min_ces (1-7, higher is easier)",
    "speed": "the case was resolved within resolution_days working days of opening",
}

#: Customer norms (decision ``customer_norms``) that a KPI measures in working days.
NORM_KPIS = {
    "resolution_days": ("time_to_resolution", "cases resolved within the norm"),
    "order_first_contact_days": ("time_to_first_contact", "orders first contacted within the norm"),
}


def satisfaction_drivers(surveys, cases=None, *, min_csat: int = 4, min_friendliness: int = 4,
                         min_ces: int = 5, resolution_days: float = 3, calendar=None) -> pd.DataFrame:
    """The share of satisfied customers when each driver was met, and when it was not.

    A survey is satisfied when ``csat`` >= ``min_csat``. For each driver (:data:`DRIVERS`) the
    population is the surveys with a csat and with that driver known: ``resolved`` not null for
    resolution, ``friendliness`` for friendliness, ``ces`` for effort, and for speed a linked case
    (``case_id``) that is resolved. Speed counts working days from ``opened_at`` to ``resolved_at``
    as :func:`kpilib.time_to_resolution` does. Without ``cases`` speed is left out; without
    friendliness scores (an optional column) friendliness has no rows.

    Parameters
    ----------
    surveys : pandas.DataFrame or ibis Table
        Canonical surveys.
    cases : pandas.DataFrame or ibis Table, optional
        Canonical cases, for speed.
    min_csat : int
        The lowest csat (1-5) that counts as satisfied.
    min_friendliness : int
        The lowest friendliness score (1-5) that counts as friendly.
    min_ces : int
        The lowest customer-effort score (1-7, higher is easier) that counts as easy.
    resolution_days : float
        The customer's norm for resolving a case, in working days.
    calendar : WorkingCalendar, optional
        Working days and holidays; default the Netherlands'.

    Returns
    -------
    pandas.DataFrame
        ``driver``, ``met`` (bool), ``numerator`` (satisfied), ``denominator`` (surveys),
        ``value`` (share satisfied); rows in the order of :data:`DRIVERS`, met before not met.
    """
    check_number("min_csat", min_csat, minimum=1, maximum=5, integer=True)
    check_number("min_friendliness", min_friendliness, minimum=1, maximum=5, integer=True)
    check_number("min_ces", min_ces, minimum=1, maximum=7, integer=True)
    check_number("resolution_days", resolution_days, minimum=0)
    su = canonical(surveys, "surveys", required=("csat",))
    s = su.table.filter(lambda t: t.csat.notnull())
    parts = [
        _driver(s, "resolution", s.resolved, s.resolved == True, min_csat),  # noqa: E712
        _driver(s, "friendliness", s.friendliness, s.friendliness >= min_friendliness, min_csat),
        _driver(s, "effort", s.ces, s.ces >= min_ces, min_csat),
    ]
    con, time_zone = su.con, su.time_zone
    if cases is not None:
        ca = canonical(cases, "cases", required=("case_id", "opened_at", "resolved_at"))
        con, time_zone = same_backend(su, ca)
        resolved = ca.table.filter(lambda k: k.resolved_at.notnull())
        timed, _ = working_days_columns(resolved, "opened_at", "resolved_at", as_of=None,
                                        calendar=_calendar(calendar), con=con, time_zone=time_zone,
                                        stamps=("opened_at", "resolved_at"))
        days = timed.select(_case="case_id", _wd="_wd")
        joined = s.inner_join(days, s.case_id == days._case)
        parts.append(_driver(joined, "speed", joined._wd, joined._wd <= resolution_days, min_csat))
    union = ibis.union(*parts)
    result = tidy(union, by=["driver", "met"], anchor=union.answered_at, numerator=union.satisfied,
                  denominator=True, con=con, time_zone=time_zone)
    order = {name: i for i, name in enumerate(DRIVERS)}
    result = result.sort_values(["driver", "met"], key=lambda col: col.map(order) if col.name == "driver"
                                else ~col.astype(bool), kind="stable")
    return result.reset_index(drop=True)


def _driver(table, name: str, known, met, min_csat: int):
    """The driver's population (``known`` not null) as rows of driver, met, satisfied."""
    return table.filter(known.notnull()).select(driver=ibis.literal(name), met=met,
                                                satisfied=table.csat >= min_csat, answered_at=table.answered_at)


def driver_gaps(drivers: pd.DataFrame) -> pd.DataFrame:
    """One row per driver: satisfied when met, when not met, and the gap, largest gap first.

    Parameters
    ----------
    drivers : pandas.DataFrame
        The result of :func:`satisfaction_drivers`.

    Returns
    -------
    pandas.DataFrame
        ``driver``, ``surveys``, ``share_met`` (of the surveys, the share where the driver was
        met), ``satisfied_if_met``, ``satisfied_if_not``, ``gap`` (= satisfied_if_met −
        satisfied_if_not, in shares: 0.30 is 30 percentage points).
    """
    rows = []
    for driver, group in drivers.groupby("driver", sort=False):
        met = group[group["met"]]
        unmet = group[~group["met"]]
        n_met = int(met["denominator"].sum())
        n_unmet = int(unmet["denominator"].sum())
        if_met = met["value"].iloc[0] if n_met else np.nan
        if_not = unmet["value"].iloc[0] if n_unmet else np.nan
        rows.append({"driver": driver, "surveys": n_met + n_unmet,
                     "share_met": n_met / (n_met + n_unmet) if n_met + n_unmet else np.nan,
                     "satisfied_if_met": if_met, "satisfied_if_not": if_not, "gap": if_met - if_not})
    frame = pd.DataFrame(rows, columns=["driver", "surveys", "share_met", "satisfied_if_met",
                                        "satisfied_if_not", "gap"])
    return frame.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def norms_compared(tables, *, customer_norms: Mapping[str, float], internal_norms: Mapping[str, float],
                   calendar=None) -> pd.DataFrame:
    """Each working-day norm measured twice: at what customers expect and at the organisation's norm.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables; ``cases`` for ``resolution_days``, ``orders`` for
        ``order_first_contact_days`` (:data:`NORM_KPIS`).
    customer_norms : mapping
        The decision ``customer_norms``; only the keys of :data:`NORM_KPIS` are measured.
    internal_norms : mapping
        The organisation's own norm for the same keys, in working days; a key without one gets NaN.
    calendar : WorkingCalendar, optional

    Returns
    -------
    pandas.DataFrame
        ``norm``, ``kpi``, ``customer_days``, ``customer_numerator``, ``customer_denominator``,
        ``customer_value``, ``internal_days``, ``internal_value`` (shares within the norm).
    """
    from kpilib.kpis.kpiset import _tables

    have = _tables(tables)
    for key in internal_norms:
        check_argument("internal_norms", key, list(NORM_KPIS))
    functions = {"time_to_resolution": lambda days: time_to_resolution(have["cases"], norm_days=days,
                                                                        calendar=calendar),
                 "time_to_first_contact": lambda days: time_to_first_contact(have["orders"], norm_days=days,
                                                                             calendar=calendar)}
    needs = {"time_to_resolution": "cases", "time_to_first_contact": "orders"}
    rows = []
    for key, (kpi, _) in NORM_KPIS.items():
        if key not in customer_norms or needs[kpi] not in have:
            continue
        customer = functions[kpi](customer_norms[key]).iloc[0]
        internal_days = internal_norms.get(key, np.nan)
        internal = functions[kpi](internal_days).iloc[0]["value"] if pd.notna(internal_days) else np.nan
        rows.append({"norm": key, "kpi": kpi, "customer_days": customer_norms[key],
                     "customer_numerator": int(customer["numerator"]),
                     "customer_denominator": int(customer["denominator"]), "customer_value": customer["value"],
                     "internal_days": internal_days, "internal_value": internal})
    return pd.DataFrame(rows, columns=["norm", "kpi", "customer_days", "customer_numerator",
                                       "customer_denominator", "customer_value", "internal_days",
                                       "internal_value"])


def survey_comments(surveys, *, max_csat: int | None = None, limit: int | None = None) -> pd.DataFrame:
    """The surveys with a comment, newest first: date, scores and the comment as written.

    Parameters
    ----------
    surveys : pandas.DataFrame or ibis Table
        Canonical surveys.
    max_csat : int, optional
        Only surveys with csat at most this (for example 2: the dissatisfied).
    limit : int, optional
        At most this many rows.

    Returns
    -------
    pandas.DataFrame
        ``answered`` (local date), ``csat``, ``ces``, ``friendliness``, ``resolved``, ``comment``;
        ties in time by ``survey_id``. The comment is the customer's own text: show it escaped
        (:func:`kpilib.show_table` does).
    """
    from kpilib.data import backend

    if max_csat is not None:
        check_number("max_csat", max_csat, minimum=1, maximum=5, integer=True)
    if limit is not None:
        check_number("limit", limit, minimum=1, integer=True)
    su = canonical(surveys, "surveys", required=("comment",))
    s = su.table.filter(lambda t: t.comment.notnull() & (t.comment.strip() != ""))
    if max_csat is not None:
        s = s.filter(s.csat <= max_csat)
    s = s.order_by([s.answered_at.desc(nulls_first=False), s.survey_id])
    if limit is not None:
        s = s.limit(int(limit))
    expr = s.select(answered=s.answered_at.date(), csat=s.csat, ces=s.ces, friendliness=s.friendliness,
                    resolved=s.resolved, comment=s.comment)
    return backend.execute(expr, con=su.con, time_zone=su.time_zone)
