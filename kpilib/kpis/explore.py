"""Precomputed KPIs for sliders: compute once, then answer any threshold or window in milliseconds.

A slider that recomputes :func:`kpilib.service_level` on a million contacts waits for a database
query at every step. The explorers here run the query once: per group they keep the sorted waits of
the answered and of the abandoned offered contacts (for both clocks), or the sorted gaps to the next
contact, or the sorted working days of each order or case. A threshold's counts are then binary searches (:func:`numpy.searchsorted`), and the result
is exactly the frame the KPI function returns for the same arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from kpilib.data import backend
from kpilib.data._aggregate import check_by, finish, normalise_by, period_columns, ratio
from kpilib._checks import check_argument, check_number
from kpilib.data._inputs import canonical
from kpilib.exceptions import ParameterError
from kpilib.kpis.queue import (ABANDON_RULES, CLOCKS, QUEUE_COLUMNS, check_common, offered_population,
                               wait_seconds)
from kpilib.kpis.resolution import MATCHES, NOT_RESOLVED_OUTCOMES, WINDOW_UNITS, follow_up_gaps

__all__ = ["RepeatExplorer", "ServiceLevelExplorer", "TimelinessExplorer"]

_SAME = object()  # "the explorer's own channel"


@dataclass(frozen=True)
class _Sorted:
    """Sorted values of one group; a missing value (NaN) sorts last and is never "within"."""

    values: np.ndarray

    def at_most(self, limit: float) -> int:
        return int(np.searchsorted(self.values, limit, side="right"))


def _grouped(frame: pd.DataFrame, names: list[str], columns: Sequence[str]):
    """The group keys in the KPI functions' order and types, and per group (same order) the rows."""
    if names:
        codes = frame.groupby(names, dropna=False, sort=False).ngroup().to_numpy()
        keys = frame.drop_duplicates(names)[names].reset_index(drop=True)
    else:
        codes = np.zeros(len(frame), dtype="int64")
        keys = pd.DataFrame(index=[0])
    # finish() orders and types the groups as every KPI does; the numerator carries the group number
    ordered = finish(keys.assign(numerator=np.arange(len(keys)), denominator=0), names)
    position = ordered["numerator"].to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    parts = {c: frame[c].to_numpy(dtype="float64")[order] for c in columns}
    groups = [{c: parts[c][bounds[g]:bounds[g + 1]] for c in columns} for g in position]
    return ordered[names], groups


def _result(keys: pd.DataFrame, numerator: np.ndarray, denominator: np.ndarray) -> pd.DataFrame:
    """The tidy KPI frame (as :func:`kpilib.data._aggregate.finish` builds it) from ordered keys and counts."""
    numerator = np.asarray(numerator, dtype="int64")
    denominator = np.asarray(denominator, dtype="int64")
    columns = {name: keys[name] for name in keys.columns}
    return pd.DataFrame({**columns, "numerator": numerator, "denominator": denominator,
                         "value": ratio(numerator, denominator)}, index=keys.index)


def _fetch(table, names: list[str], anchor, columns: dict, *, con, time_zone: str) -> pd.DataFrame:
    periods = period_columns(anchor, names) if names else {}
    groups = {name: periods[name] if name in periods else table[name] for name in names}
    expr = table.select(**groups, **columns)
    return backend.execute(expr, con=con, time_zone=time_zone)


class ServiceLevelExplorer:
    """The service level for any threshold, abandon rule, clock and short-abandon setting, fast.

    Parameters
    ----------
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts.
    by : None, str or list of str
        As in :func:`kpilib.service_level`.
    channel : str or None
        As in :func:`kpilib.service_level`.

    Examples
    --------
    >>> explorer = ServiceLevelExplorer(store.contacts, by="team")  # doctest: +SKIP
    >>> explorer.service_level(threshold_s=30, abandoned="exclude")  # doctest: +SKIP
    """

    def __init__(self, contacts, *, by: str | Sequence[str] | None = "team",
                 channel: str | None = "phone") -> None:
        inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS)
        self.by = check_common(by, inp.table.columns, channel=channel)
        self.channel = channel
        c = offered_population(inp.table, channel=channel)
        queued = c.queued_at.notnull()
        answered = queued & c.answered_at.notnull()
        abandoned = queued & c.answered_at.isnull()
        columns = {
            "_answered": answered.fill_null(False),
            "_abandoned": abandoned.fill_null(False),
            **{f"_wait_{clock}": wait_seconds(c, clock) for clock in CLOCKS},
        }
        frame = _fetch(c, self.by, c.arrived_at, columns, con=inp.con, time_zone=inp.time_zone)
        keys, groups = _grouped(frame, self.by, list(columns))
        self._keys = keys
        self._sorted = {clock: [_Sorted(np.sort(g[f"_wait_{clock}"][g["_answered"] > 0])) for g in groups]
                        for clock in CLOCKS}
        # the abandons' waits on both clocks, row by row: a short abandon may be judged on the other clock
        self._abandons = [{clock: g[f"_wait_{clock}"][g["_abandoned"] > 0].astype("float64") for clock in CLOCKS}
                          for g in groups]

    def counts(self, *, threshold_s: float, clock: str = "queue", short_abandon_s: float | None = 0,
               short_abandon_clock: str | None = None) -> dict[str, np.ndarray]:
        """Per group (in the result's order): answered ``A``, ``A_within``, abandoned ``Ab``, ``Ab_within``.

        Short abandons (a positive ``short_abandon_s``, judged on ``short_abandon_clock``, default
        ``clock``) are left out of ``Ab`` and ``Ab_within``; a wait that cannot be measured is never short.
        """
        rows = []
        for answered, waits in zip(self._sorted[clock], self._abandons):
            kept = np.ones(len(waits[clock]), dtype=bool)
            if short_abandon_s:
                with np.errstate(invalid="ignore"):
                    kept = ~(waits[short_abandon_clock or clock] <= short_abandon_s)
            with np.errstate(invalid="ignore"):
                within = waits[clock] <= threshold_s
            rows.append((len(answered.values), answered.at_most(threshold_s), int(kept.sum()),
                         int((kept & within).sum())))
        counts = np.array(rows, dtype="int64").reshape(len(rows), 4)
        return dict(zip(("A", "A_within", "Ab", "Ab_within"), counts.T))

    def service_level(self, *, threshold_s: float = 20, clock: str = "queue", abandoned: str = "fail",
                      short_abandon_s: float | None = 0, short_abandon_clock: str | None = None,
                      channel: str | None | object = _SAME) -> pd.DataFrame:
        """Exactly :func:`kpilib.service_level` with these arguments (and the explorer's ``by``, ``channel``).

        ``channel`` may be given (a recorded definition names it) but must be the explorer's own.
        """
        if channel is not _SAME and channel != self.channel:
            raise ParameterError(f"this explorer holds the {self.channel!r} contacts; build one with "
                                 f"ServiceLevelExplorer(contacts, channel={channel!r}) for that definition")
        check_number("threshold_s", threshold_s, minimum=0)
        check_argument("clock", clock, CLOCKS)
        check_argument("abandoned", abandoned, ABANDON_RULES)
        if short_abandon_s is not None:
            check_number("short_abandon_s", short_abandon_s, minimum=0)
        if short_abandon_clock is not None:
            check_argument("short_abandon_clock", short_abandon_clock, CLOCKS)
        n = self.counts(threshold_s=threshold_s, clock=clock, short_abandon_s=short_abandon_s,
                        short_abandon_clock=short_abandon_clock)
        numerator = n["A_within"]
        if abandoned == "exclude":
            denominator = n["A"]
        elif abandoned == "fail":
            denominator = n["A"] + n["Ab"]
        elif abandoned == "fail_after_threshold":
            denominator = n["A"] + n["Ab"] - n["Ab_within"]
        else:
            numerator = numerator + n["Ab_within"]
            denominator = n["A"] + n["Ab"]
        return _result(self._keys, numerator, denominator)


def _dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970 (NaN for none) as numpy dates (NaT for none)."""
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnan(days)
    out[known] = days[known].astype("int64").astype("datetime64[D]")
    return out


class RepeatExplorer:
    """The repeat-contact rate and first-contact resolution for any window, fast.

    Per group it keeps the sorted gaps from each base contact to its follow-up in the three window
    units (seconds, calendar days, working days), for every base contact and for those whose outcome
    does not rule out resolution; a window's counts are then binary searches, no query.

    Parameters
    ----------
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts.
    match : {'customer', 'case'}
        As in :func:`kpilib.repeat_contact_rate` (first-contact resolution needs ``"customer"``).
    by : None, str or list of str
        As in :func:`kpilib.repeat_contact_rate`.
    calendar : WorkingCalendar, optional
        For windows in working days; default the Dutch calendar.
    """

    def __init__(self, contacts, *, match: str = "customer", by: str | Sequence[str] | None = "team",
                 calendar=None) -> None:
        from kpilib.kpis.timeliness import _calendar

        inp = canonical(contacts, "contacts", required=("direction", "arrived_at", "answered_at"))
        self.by = normalise_by(by)
        check_by(self.by, inp.table.columns)
        check_argument("match", match, MATCHES)
        self.match = match
        self._calendar = _calendar(calendar)
        table, base, gap = follow_up_gaps(inp.table, match=match)
        resolved = table.outcome.isnull() | ~table.outcome.isin(NOT_RESOLVED_OUTCOMES)
        columns = {"_base": base.fill_null(False), "_ok": resolved, "_gap_24h": gap,
                   "_gap_calendar_day": table._next_at.date().delta(table.arrived_at.date(), unit="day"),
                   # the local dates as days since 1970, for counting working days between them
                   "_day": table.arrived_at.date().delta(ibis.date(1970, 1, 1), unit="day"),
                   "_next_day": table._next_at.date().delta(ibis.date(1970, 1, 1), unit="day")}
        frame = _fetch(table, self.by, table.arrived_at, columns, con=inp.con, time_zone=inp.time_zone)
        keys, groups = _grouped(frame, self.by, list(columns))
        self._keys = keys
        # per group the base contacts only: whether resolved, and the instants working days are counted from
        self._rows = [{"ok": g["_ok"][g["_base"] > 0] > 0, "day": _dates(g["_day"][g["_base"] > 0]),
                       "next_day": _dates(g["_next_day"][g["_base"] > 0]),
                       **{unit: g[f"_gap_{unit}"][g["_base"] > 0].astype("float64") for unit in ("24h", "calendar_day")}}
                      for g in groups]
        self._base = [len(rows["ok"]) for rows in self._rows]
        self._resolved = [int(np.count_nonzero(rows["ok"])) for rows in self._rows]
        self._gaps: dict[str, list[_Sorted]] = {}
        self._resolved_gaps: dict[str, list[_Sorted]] = {}

    def _sorted(self, unit: str) -> tuple[list[_Sorted], list[_Sorted]]:
        """The sorted gaps in ``unit`` of every base contact and of the resolved ones, per group; working
        days are counted (with the calendar, as the KPI functions count them) the first time they are asked for."""
        if unit not in self._gaps:
            gaps = [rows[unit] if unit in rows else
                    np.asarray(self._calendar.working_days(rows["day"], rows["next_day"]), dtype=float)
                    for rows in self._rows]
            self._gaps[unit] = [_Sorted(np.sort(g)) for g in gaps]
            self._resolved_gaps[unit] = [_Sorted(np.sort(g[rows["ok"]])) for g, rows in zip(gaps, self._rows)]
        return self._gaps[unit], self._resolved_gaps[unit]

    @staticmethod
    def _limit(window_days: float, window_unit: str) -> float:
        check_number("window_days", window_days, minimum=0, strict_minimum=True)
        check_argument("window_unit", window_unit, WINDOW_UNITS)
        return window_days * 86400 if window_unit == "24h" else window_days

    def repeat_contact_rate(self, *, window_days: float = 7, window_unit: str = "24h") -> pd.DataFrame:
        """Exactly :func:`kpilib.repeat_contact_rate` with this window (and the explorer's ``match``, ``by``)."""
        limit = self._limit(window_days, window_unit)
        return _result(self._keys, [g.at_most(limit) for g in self._sorted(window_unit)[0]], self._base)

    def first_contact_resolution(self, *, window_days: float = 7, window_unit: str = "24h") -> pd.DataFrame:
        """Exactly :func:`kpilib.first_contact_resolution` by ``method="repeat_window"`` with this window."""
        if self.match != "customer":
            raise ParameterError("first-contact resolution matches contacts by customer; build the explorer "
                                 "with match='customer'")
        limit = self._limit(window_days, window_unit)
        numerator = [n - g.at_most(limit) for n, g in zip(self._resolved, self._sorted(window_unit)[1])]
        return _result(self._keys, numerator, self._base)


class TimelinessExplorer:
    """The share of orders (cases) first contacted (resolved) within any norm, fast.

    Per group it keeps the sorted working days of the spans that ended and the sorted working days
    elapsed of those still open, so a norm's counts are two binary searches.

    Parameters
    ----------
    data : pandas.DataFrame or ibis Table
        Canonical orders (``span="first_contact"``) or cases (``span="resolution"``).
    span : {'first_contact', 'resolution'}
        Which of :func:`kpilib.time_to_first_contact` and :func:`kpilib.time_to_resolution` it answers.
    as_of, calendar, by
        As in those functions.
    """

    def __init__(self, data, *, span: str = "resolution", as_of=None, calendar=None,
                 by: str | Sequence[str] | None = None) -> None:
        from kpilib.kpis.timeliness import SPANS, span_table

        check_argument("span", span, tuple(SPANS))
        spec = SPANS[span]
        table, self.by, inp = span_table(data, spec, as_of=as_of, calendar=calendar, by=by)
        columns = {"_done": table[spec.end].notnull(), "_wd": table._wd, "_elapsed": table._elapsed}
        frame = _fetch(table, self.by, table[spec.start], columns, con=inp.con, time_zone=inp.time_zone)
        keys, groups = _grouped(frame, self.by, list(columns))
        self._keys = keys
        self._done = [_Sorted(np.sort(g["_wd"][g["_done"] > 0])) for g in groups]
        self._open = [_Sorted(np.sort(g["_elapsed"][g["_done"] == 0])) for g in groups]
        self._open_known = [int(np.count_nonzero(~np.isnan(o.values))) for o in self._open]

    def share_within(self, *, norm_days: float) -> pd.DataFrame:
        """Exactly the KPI function with this norm (and the explorer's ``as_of``, ``calendar``, ``by``).

        numerator: ended within ``norm_days`` working days; denominator: ended, plus still open and
        already past the norm (an open span without a known age is neither).
        """
        check_number("norm_days", norm_days, minimum=0)
        numerator = [d.at_most(norm_days) for d in self._done]
        denominator = [len(d.values) + known - o.at_most(norm_days)
                       for d, o, known in zip(self._done, self._open, self._open_known)]
        return _result(self._keys, numerator, denominator)
