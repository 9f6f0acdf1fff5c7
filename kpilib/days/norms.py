"""Day 7: norms and targets. How long customers wait, against whose norm, and which target is fair.

A *norm* says what counts as good for one case ("resolved within 3 working days"); a *target* says
how often the norm must be met ("80 % of cases"). Customers and departments often hold different
norms for the same thing: the customer expects a call within a week of the order, the planners
think four weeks is fine. These functions show the distribution of working days against both, and
derive candidate targets from the history of the KPI itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpilib.data import backend
from kpilib.data._aggregate import PERIODS, finish, normalise_by, period_columns
from kpilib._checks import check_argument, check_number
from kpilib.data.calendar import WorkingCalendar
from kpilib.exceptions import ParameterError
from kpilib.kpis.catalogue import compute_kpi, load_catalogue, missing_inputs
from kpilib.kpis.timeliness import SPANS, span_table, time_to_first_contact, time_to_resolution

__all__ = [
    "POLARITIES",
    "calendar_months",
    "kpi_histories",
    "kpis_under_norms",
    "NormsExplorer",
    "norm_comparison",
    "target_attainment",
    "target_candidates",
    "suggested_targets",
    "target_overview",
    "working_days_to",
]

#: Whether a higher or a lower value of a KPI is better.
POLARITIES = ("higher", "lower")
_KPIS = {"first_contact": time_to_first_contact, "resolution": time_to_resolution}


def working_days_to(data, *, kind: str, as_of=None, calendar: WorkingCalendar | None = None,
                    by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Working days each order waited for its first contact, or each case for its resolution.

    Parameters
    ----------
    data : pandas.DataFrame or ibis Table
        Canonical orders (``kind="first_contact"``) or cases (``kind="resolution"``).
    kind : {'first_contact', 'resolution'}
    as_of : timestamp, optional
        The moment of measurement for items still open; default the latest timestamp in the data.
    calendar : WorkingCalendar, optional
        Default: the Netherlands' public holidays, Monday to Friday.
    by : None, str or list of str
        Columns of ``data``, or ``day`` / ``week`` / ``month`` of the start.

    Returns
    -------
    pandas.DataFrame
        One row per item (no identifiers): the ``by`` columns, ``working_days`` (to the first
        contact or resolution; for an open item, up to ``as_of``) and ``status`` (``"done"`` or
        ``"open"``), exactly as :func:`kpilib.time_to_first_contact` counts them.
    """
    check_argument("kind", kind, SPANS)
    span = SPANS[kind]
    table, names, inp = span_table(data, span, as_of=as_of, calendar=calendar, by=by)
    done = table[span.end].notnull()
    periods = period_columns(table[span.start], names)
    groups = {n: periods[n] if n in periods else table[n] for n in names}
    expr = table.select(**groups, working_days=done.ifelse(table._wd, table._elapsed), _done=done)
    frame = backend.execute(expr, con=inp.con, time_zone=inp.time_zone)
    for name in periods:
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    frame["status"] = np.where(frame["_done"].astype(bool), "done", "open")
    frame["working_days"] = frame["working_days"].astype("Int64")
    return frame[[*names, "working_days", "status"]]


def norm_comparison(data, *, kind: str, norms: Mapping[str, float], as_of=None,
                    calendar: WorkingCalendar | None = None,
                    by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The share within each norm, side by side (for example the customer's 5 vs the internal 20 days).

    Parameters
    ----------
    data, kind, as_of, calendar, by
        As in :func:`working_days_to`.
    norms : mapping
        Label → norm in working days, for example ``{"customer": 5, "internal": 20}``.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``norm`` (the label), ``norm_days``, then ``numerator``,
        ``denominator`` and ``value`` of :func:`kpilib.time_to_first_contact` (or
        :func:`kpilib.time_to_resolution`) under that norm.
    """
    check_argument("kind", kind, SPANS)
    if not norms:
        raise ParameterError("`norms` must name at least one norm, for example {'customer': 5}")
    kpi = _KPIS[kind]
    frames = [kpi(data, norm_days=days, as_of=as_of, calendar=calendar, by=by).assign(norm=label, norm_days=days)
              for label, days in norms.items()]
    names = normalise_by(by)
    result = pd.concat(frames, ignore_index=True)
    return result[[*names, "norm", "norm_days", "numerator", "denominator", "value"]]


def calendar_months(calendar: WorkingCalendar, start, end) -> pd.DataFrame:
    """Working days per month from ``start`` to ``end`` and the holidays that fall on weekdays.

    Returns
    -------
    pandas.DataFrame
        ``month`` (the 1st), ``days`` (calendar days in the period), ``working_days``,
        ``holidays`` (weekday holidays and closed days) and ``holiday_names``.
    """
    days = calendar.table(start, end)
    weekday = ~days["date"].dt.day_of_week.isin(list(calendar.weekend))
    off = weekday & ~days["is_working_day"]
    days = days.assign(month=days["date"].dt.to_period("M").dt.to_timestamp(), weekday_off=off,
                       label=[f"{name} ({d:%d-%m})" for d, name in zip(days["date"], days["holiday"])])
    grouped = days.groupby("month", sort=True)
    names = days[off].groupby("month")["label"].agg(", ".join)
    return pd.DataFrame({
        "days": grouped.size(),
        "working_days": grouped["is_working_day"].sum().astype("int64"),
        "holidays": grouped["weekday_off"].sum().astype("int64"),
        "holiday_names": names,
    }).fillna({"holiday_names": ""}).reset_index()


def _measured(history: pd.DataFrame, names: list[str], min_denominator: int) -> pd.DataFrame:
    missing = [c for c in [*names, "value", "denominator"] if c not in history.columns]
    if missing:
        raise ParameterError(f"`history` must be a tidy KPI frame (by a period); it lacks columns {missing}")
    check_number("min_denominator", min_denominator, minimum=1, integer=True)
    return history[history["denominator"] >= min_denominator]


def target_candidates(history: pd.DataFrame, *, polarity: str = "higher", min_denominator: int = 1,
                      by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Candidate targets from a KPI's own history: the median and the best-quartile period value.

    Parameters
    ----------
    history : pandas.DataFrame
        The KPI per period (``by="month"`` or ``"week"``), a tidy KPI frame; periods with an empty
        denominator are left out.
    polarity : {'higher', 'lower'}
        Whether higher values are better (service level, FCR) or lower (repeat rate, AHT).
    min_denominator : int
        Periods whose denominator is smaller are left out (a partial first or last week).
    by : None, str or list of str
        Groups within which the periods are summarised (for example ``"team"``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``periods``, ``median``, ``best_quartile`` (the 75th percentile when
        higher is better, the 25th when lower; numpy's linear interpolation), ``best`` and ``worst``.
    """
    check_argument("polarity", polarity, POLARITIES)
    names = normalise_by(by)
    measured = _measured(history, names, min_denominator)
    rows = []
    groups = measured.groupby(names, dropna=False, sort=True) if names else [((), measured)]
    for key, part in groups:
        values = part["value"].to_numpy(dtype="float64")
        if not len(values):
            continue
        key = key if isinstance(key, tuple) else (key,)
        higher = polarity == "higher"
        rows.append({**dict(zip(names, key)), "periods": len(values), "median": float(np.median(values)),
                     "best_quartile": float(np.quantile(values, 0.75 if higher else 0.25)),
                     "best": float(values.max() if higher else values.min()),
                     "worst": float(values.min() if higher else values.max())})
    return pd.DataFrame(rows, columns=[*names, "periods", "median", "best_quartile", "best", "worst"])


def target_attainment(history: pd.DataFrame, *, target: float, polarity: str = "higher",
                      min_denominator: int = 1, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """How many periods of the history met a candidate target.

    Periods whose denominator is below ``min_denominator`` are left out, as in
    :func:`target_candidates`.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``numerator`` = periods whose value met the target (>= for
        ``polarity="higher"``, <= for ``"lower"``), ``denominator`` = periods measured, ``value``.
    """
    check_argument("polarity", polarity, POLARITIES)
    check_number("target", target)
    names = normalise_by(by)
    if any(n in PERIODS for n in names):
        raise ParameterError("`by` groups the periods; it cannot name a period itself")
    measured = _measured(history, names, min_denominator)
    met = measured["value"] >= target if polarity == "higher" else measured["value"] <= target
    frame = measured.assign(_met=met.astype("int64"), _one=1)
    if names:
        counts = frame.groupby(names, dropna=False, sort=True)[["_met", "_one"]].sum().reset_index()
    else:
        counts = pd.DataFrame({"_met": [int(frame["_met"].sum())], "_one": [len(frame)]})
    return finish(counts.rename(columns={"_met": "numerator", "_one": "denominator"}), names)


def _computed(tables, kpi: str, *, definitions, norms, calendar, by) -> pd.DataFrame | None:
    """``kpi`` under its chosen definition with its norm (if given) set, via the catalogue.

    None when the tables lack what the KPI needs (:func:`kpilib.kpis.catalogue.missing_inputs`).
    """
    entry = load_catalogue().entry(kpi)
    chosen = dict(definitions.get(kpi, {}))
    if kpi in norms:
        if entry.norm is None:
            with_norm = ", ".join(e.id for e in load_catalogue() if e.norm)
            raise ParameterError(f"`{kpi}` has no norm; the KPIs with a norm are {with_norm}")
        chosen[entry.norm] = norms[kpi]
    if missing_inputs(kpi, tables):
        return None
    takes_calendar = "calendar" in inspect.signature(entry.function).parameters
    extra = {"calendar": calendar} if calendar is not None and takes_calendar else {}
    return compute_kpi(kpi, tables, **chosen, **extra, by=by)


def kpis_under_norms(tables, norms: Mapping[str, float], *, definitions: Mapping[str, Mapping] | None = None,
                     calendar: WorkingCalendar | None = None,
                     by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Each KPI computed with its norm set to the value given (the rest of its definition as chosen).

    Parameters
    ----------
    tables : Store or mapping
        The canonical tables (``ws.store``).
    norms : mapping
        KPI id → norm, in the unit of the KPI's norm parameter (the shape of the ``norms`` decision):
        working days for ``time_to_resolution``, seconds for ``service_level``, …
    definitions : mapping, optional
        KPI id → definition parameters (the ``definitions`` decision); the norm overrides its own.
    calendar : WorkingCalendar, optional
        Passed to the KPIs that count working days.
    by : None, str or list of str
        Passed to every KPI (use a period, which all tables have).

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``norm_parameter``, ``norm``, the ``by`` columns, ``numerator``, ``denominator``,
        ``value``. A KPI whose tables the workshop lacks is left out
        (:func:`kpilib.kpis.catalogue.missing_inputs` says which).
    """
    catalogue = load_catalogue()
    computed = {kpi: _computed(tables, kpi, definitions=definitions or {}, norms=norms, calendar=calendar, by=by)
                for kpi in norms}
    frames = [frame.assign(kpi=kpi, norm_parameter=catalogue.entry(kpi).norm, norm=norms[kpi])
              for kpi, frame in computed.items() if frame is not None]
    names = normalise_by(by)
    columns = ["kpi", "norm_parameter", "norm", *names, "numerator", "denominator", "value"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)



#: The definition parameters each explorer answers for; a definition with any other is computed in full.
_EXPLORED = {"service_level": {"threshold_s", "clock", "abandoned", "short_abandon_s", "short_abandon_clock",
                               "channel", "count"},
             "repeat_contact_rate": {"window_days", "match", "window_unit", "count"},
             "time_to_resolution": {"norm_days"}, "time_to_first_contact": {"norm_days"}}
_SPANS = {"time_to_resolution": "resolution", "time_to_first_contact": "first_contact"}


class NormsExplorer:
    """:func:`kpis_under_norms` for a norm field that the room changes one KPI at a time, fast.

    The service level, the repeat rate and the two timeliness KPIs come from their explorers (one
    query, then any norm in well under a millisecond); every other KPI (or one whose definition an
    explorer does not cover) is computed once per norm value and remembered, so
    changing one field recomputes only that KPI, and only for a value not seen before. Each answer
    is exactly what :func:`kpis_under_norms` returns for the same norms.

    Parameters
    ----------
    tables, definitions, calendar, by
        As in :func:`kpis_under_norms`.
    """

    def __init__(self, tables, *, definitions: Mapping[str, Mapping] | None = None,
                 calendar: WorkingCalendar | None = None, by: str | Sequence[str] | None = None) -> None:
        self.tables, self.definitions, self.calendar, self.by = tables, dict(definitions or {}), calendar, by
        self._explorers: dict[str, object] = {}         # KPI id -> its explorer, or None: computed in full
        self._known: dict[tuple[str, float], pd.DataFrame] = {}

    def __call__(self, norms: Mapping[str, float]) -> pd.DataFrame:
        """The KPIs under ``norms``, as :func:`kpis_under_norms` returns them."""
        frames = [self._one(kpi, norm) for kpi, norm in norms.items()]
        columns = ["kpi", "norm_parameter", "norm", *normalise_by(self.by), "numerator", "denominator", "value"]
        frames = [f for f in frames if f is not None]
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def _one(self, kpi: str, norm: float) -> pd.DataFrame | None:
        if (kpi, norm) in self._known:
            return self._known[kpi, norm]
        explorer = self._explorer(kpi)
        if explorer is None:
            frame = kpis_under_norms(self.tables, {kpi: norm}, definitions=self.definitions,
                                     calendar=self.calendar, by=self.by)
            frame = None if missing_inputs(kpi, self.tables) else frame
            self._known[kpi, norm] = frame
            return frame
        if kpi == "service_level":
            chosen = {k: v for k, v in self._definition(kpi).items() if k != "count"}  # interactions: the explorer's own
            result = explorer.service_level(**{**chosen, "threshold_s": norm})
        elif kpi == "repeat_contact_rate":
            result = explorer.repeat_contact_rate(window_days=norm)
        else:
            result = explorer.share_within(norm_days=norm)
        result = result.reset_index(drop=True)
        return result.assign(kpi=kpi, norm_parameter=load_catalogue().entry(kpi).norm, norm=norm)

    def _definition(self, kpi: str) -> dict:
        """The KPI's whole definition: the catalogue's defaults with the chosen parameters over them."""
        entry = load_catalogue().entry(kpi)
        return entry.defaults() | entry.check_definition(dict(self.definitions.get(kpi, {})))

    def _explorer(self, kpi: str):
        """The KPI's explorer when its definition is one it answers for and the tables have what it needs."""
        if kpi not in self._explorers:
            self._explorers[kpi] = self._build_explorer(kpi)
        return self._explorers[kpi]

    def _build_explorer(self, kpi: str):
        if kpi not in _EXPLORED or missing_inputs(kpi, self.tables):
            return None
        chosen = self._definition(kpi)
        if (set(chosen) - _EXPLORED[kpi] or chosen.get("window_unit", "24h") != "24h"
                or chosen.get("count", "interactions") != "interactions"):
            return None  # the explorers count interactions with 24-hour windows
        from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer, TimelinessExplorer
        from kpilib.kpis.kpiset import _tables

        tables = _tables(self.tables)
        if kpi == "service_level":
            return ServiceLevelExplorer(tables["contacts"], by=self.by, channel=chosen["channel"])
        if kpi == "repeat_contact_rate":
            return RepeatExplorer(tables["contacts"], match=chosen["match"], by=self.by)
        span = _SPANS[kpi]
        return TimelinessExplorer(tables["cases" if span == "resolution" else "orders"], span=span,
                                  calendar=self.calendar, by=self.by)

def kpi_histories(tables, kpis: Sequence[str], *, period: str = "week",
                  definitions: Mapping[str, Mapping] | None = None, norms: Mapping[str, float] | None = None,
                  calendar: WorkingCalendar | None = None, first=None, last=None) -> dict[str, pd.DataFrame]:
    """Each KPI per period under its chosen definition and norm: the history targets are set against.

    Parameters
    ----------
    tables : Store or mapping
        The canonical tables.
    kpis : sequence of str
        Catalogue KPI ids.
    period : {'week', 'month'}
    definitions, norms : mapping, optional
        The ``definitions`` and ``norms`` decisions.
    calendar : WorkingCalendar, optional
        Passed to the KPIs that count working days.
    first, last : date or timestamp, optional
        The first and last day the data covers; a period that starts before ``first`` or ends
        after ``last`` is only partly in the data and is left out.

    Returns
    -------
    dict
        KPI id → its tidy frame ``by=period``; a KPI whose tables the workshop lacks is left out.
    """
    check_argument("period", period, ("week", "month"))
    computed = {kpi: _computed(tables, kpi, definitions=definitions or {}, norms=norms or {}, calendar=calendar,
                               by=period)
                for kpi in kpis}
    histories = {kpi: frame for kpi, frame in computed.items() if frame is not None}
    if first is None and last is None:
        return histories
    step = pd.DateOffset(weeks=1) if period == "week" else pd.DateOffset(months=1)
    lo = pd.Timestamp(_day(first)) if first is not None else pd.Timestamp.min
    hi = pd.Timestamp(_day(last)) if last is not None else pd.Timestamp.max
    return {kpi: frame[(frame[period] >= lo) & (frame[period] + step - pd.Timedelta(days=1) <= hi)]
            .reset_index(drop=True)
            for kpi, frame in histories.items()}


def _day(value):
    """The local calendar date of a date or timestamp (aware timestamps keep their own zone's date)."""
    stamp = pd.Timestamp(value)
    return stamp.date()


def target_overview(histories: Mapping[str, pd.DataFrame], targets: Mapping[str, float], *,
                    polarities: Mapping[str, str] | None = None, min_denominator: int = 1) -> pd.DataFrame:
    """Per KPI: the candidate target, the history's median and best quartile, and how often it was met.

    Parameters
    ----------
    histories : mapping
        KPI id → the KPI per period (a tidy frame ``by="week"`` or ``"month"``).
    targets : mapping
        KPI id → the candidate target (the shape of the ``targets`` decision).
    polarities : mapping, optional
        KPI id → ``"higher"`` or ``"lower"``; default the catalogue's polarity.
    min_denominator : int
        Periods with a smaller denominator are left out (see :func:`target_candidates`).

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``polarity``, ``target``, ``periods``, ``median``, ``best_quartile``, then
        ``numerator`` (periods that met the target), ``denominator`` (periods measured), ``value``.
    """
    catalogue = load_catalogue()
    rows = []
    for kpi, target in targets.items():
        if kpi not in histories:
            raise ParameterError(f"`histories` has no history of `{kpi}`; it has {', '.join(histories) or 'none'}")
        polarity = (polarities or {}).get(kpi) or catalogue.entry(kpi).polarity
        history = histories[kpi]
        candidates = target_candidates(history, polarity=polarity, min_denominator=min_denominator)
        met = target_attainment(history, target=target, polarity=polarity, min_denominator=min_denominator).iloc[0]
        summary = candidates.iloc[0] if len(candidates) else pd.Series({"periods": 0, "median": np.nan,
                                                                         "best_quartile": np.nan})
        rows.append({"kpi": kpi, "polarity": polarity, "target": target, "periods": int(summary["periods"]),
                     "median": summary["median"], "best_quartile": summary["best_quartile"],
                     "numerator": int(met["numerator"]), "denominator": int(met["denominator"]),
                     "value": met["value"]})
    columns = ["kpi", "polarity", "target", "periods", "median", "best_quartile", "numerator", "denominator",
               "value"]
    return pd.DataFrame(rows, columns=columns)


def suggested_targets(histories: Mapping[str, pd.DataFrame], *, targets: Mapping[str, float] | None = None,
                      polarities: Mapping[str, str] | None = None, min_denominator: int = 1) -> dict[str, float]:
    """A target per KPI to start from: the one decided, else the history's best quartile (2 decimals).

    A KPI without a measured period and without a decided target is left out.
    """
    catalogue = load_catalogue()
    out = {}
    for kpi, history in histories.items():
        if targets and kpi in targets:
            out[kpi] = targets[kpi]
            continue
        polarity = (polarities or {}).get(kpi) or catalogue.entry(kpi).polarity
        candidates = target_candidates(history, polarity=polarity, min_denominator=min_denominator)
        if len(candidates):
            out[kpi] = round(float(candidates["best_quartile"].iloc[0]), 2)
    return out
