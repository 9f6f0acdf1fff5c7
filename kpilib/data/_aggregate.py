"""The shape every KPI shares: group, sum a numerator and a denominator, divide.

A KPI is described by per-row Ibis expressions over its *population* (the rows it looks at):
``numerator`` and ``denominator`` are summed per group. Groups come from ``by``: canonical columns,
or ``day`` / ``week`` / ``month`` of the KPI's anchor timestamp in local time. A group that has
population rows but no denominator rows keeps its place with denominator 0 and value NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd
from ibis.expr.types import BooleanValue, NumericValue, Table, TimestampValue

from kpilib._checks import check_argument
from kpilib.data import backend
from kpilib.exceptions import ParameterError

PERIODS = ("day", "week", "month", "interval")
#: The lengths of an ``interval`` a KPI can be grouped by, in minutes, as contact centres report them.
INTERVAL_MINUTES = (15, 30, 60)
#: Which moment puts a contact in an interval: its arrival, or its answer (an abandon: when it hung up).
INTERVAL_OF = ("arrival", "answer")


def normalise_by(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of names (None → [])."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    names = list(by)
    if not all(isinstance(b, str) for b in names):
        raise ParameterError(f"`by` must be None, a column name or a list of names; got {by!r}")
    if len(set(names)) != len(names):
        raise ParameterError(f"`by` names a column twice: {by!r}")
    return names


def check_by(by: list[str], allowed: Sequence[str]) -> None:
    allowed = list(allowed) + [p for p in PERIODS if p not in allowed]
    for name in by:
        if name not in allowed:
            options = ", ".join(repr(a) for a in allowed)
            raise ParameterError(f"`by` must name columns among {options}; got {name!r}")


def period_columns(anchor: TimestampValue, by: list[str], *, interval_minutes: int = 30) -> dict[str, ibis.Value]:
    """The ``day`` / ``week`` / ``month`` / ``interval`` columns named in ``by``, from the anchor's local time.

    ``interval`` is the local start of the ``interval_minutes`` block the anchor falls in (09:00, 09:15 …),
    as a naive local time like the other periods: a contact at 09:14:59 counts in 09:00, one at 09:15:00
    in 09:15; in the night the clocks go back, the two 02:00–03:00 hours share their intervals.
    """
    date = anchor.date()
    makers = {
        "day": lambda: date,
        "week": lambda: date.truncate("W"),
        "month": lambda: date.truncate("M"),
        # the local wall clock: the local date plus the local minutes of the day, floored to the interval
        "interval": lambda: date.cast("timestamp") + (((anchor.hour() * 60 + anchor.minute()) // interval_minutes)
                                                      * interval_minutes).as_interval("m"),
    }
    return {name: makers[name]() for name in by if name in PERIODS}


def check_interval(interval_minutes: int, interval_of: str) -> None:
    """Check the interval options of a contact KPI."""
    check_argument("interval_minutes", interval_minutes, INTERVAL_MINUTES)
    check_argument("interval_of", interval_of, INTERVAL_OF)


def interval_anchor(table: Table, interval_of: str) -> TimestampValue:
    """The moment that puts a contact in its interval: ``arrived_at``, or the answer (else the hang-up, else arrival)."""
    if interval_of == "arrival":
        return table.arrived_at
    return table.answered_at.coalesce(table.ended_at).coalesce(table.arrived_at)


@ibis.udf.scalar.builtin(name="epoch_ms")
def _epoch_ms(stamp: dt.Timestamp(timezone="UTC")) -> dt.int64:
    """DuckDB's milliseconds since the epoch of an instant (no wall-clock conversion)."""


def seconds_between(start: TimestampValue, end: TimestampValue) -> NumericValue:
    """Elapsed seconds from ``start`` to ``end``, measured between instants (DST-correct).

    Ibis' ``epoch_seconds`` reads the wall clock in the session time zone, which is an hour off
    across a DST change. On DuckDB the instants' ``epoch_ms`` are subtracted (five times faster
    than ``DATE_DIFF`` on time-zone-aware timestamps), on Spark their ``unix_micros`` (Ibis'
    ``delta`` does not compile there); other backends get Ibis' portable millisecond ``delta``.
    """
    con = backend.find_backend(start)
    if con is None or con.name == "duckdb":
        return (_epoch_ms(end) - _epoch_ms(start)) / 1000.0
    if con.name == "pyspark":
        return (backend.unix_micros(end) - backend.unix_micros(start)) / 1e6
    return end.delta(start, unit="millisecond") / 1000.0


def indicator(condition: BooleanValue) -> NumericValue:
    """1 where ``condition`` holds, 0 where it does not or is null."""
    return ibis.ifelse(condition.fill_null(False), 1, 0)


#: What a numerator or denominator sums: rows where a condition holds (a count), or a value
#: over the rows where a condition holds (a sum).
Measure = BooleanValue | tuple[NumericValue, BooleanValue]


def counted_rows(table: Table, by: list[str], condition: BooleanValue) -> Table:
    """``table`` narrowed to the rows meeting ``condition`` when nothing is grouped.

    For a KPI whose every measure counts only rows meeting ``condition``. Ungrouped, the other
    rows add nothing, and leaving them out in a filter lets the engine skip them while reading;
    grouped, they stay, so that a group without counted rows keeps its row (denominator 0).
    """
    return table if by else table.filter(condition)


def _measure(table: Table, measure: Measure):
    if isinstance(measure, tuple):
        value, condition = measure
        return value.sum(where=condition.fill_null(False)).fill_null(0)
    if measure is True:
        return table.count()
    # Spark compiles a filtered count to SUM(CAST(… AS BIGINT)), which is NULL over no rows.
    return table.count(where=measure.fill_null(False)).fill_null(0)


def tidy(
    table: Table,
    *,
    by: list[str],
    anchor: TimestampValue | None,
    numerator: Measure,
    denominator: Measure,
    con: ibis.BaseBackend | None,
    time_zone: str,
    integer_numerator: bool = True,
    interval_minutes: int = 30,
) -> pd.DataFrame:
    """Count or sum ``numerator`` and ``denominator`` per group of ``by``; return the tidy KPI frame.

    ``table`` is the KPI's population, already filtered, holding the columns named in ``by``
    (the periods are derived from ``anchor``). A measure is a condition (rows counted) or a
    ``(value, condition)`` pair (value summed over those rows).
    """
    return tidy_kpi(table, KpiMeasures(numerator, denominator, integer_numerator), by=by, anchor=anchor,
                    con=con, time_zone=time_zone, interval_minutes=interval_minutes)


@dataclass(frozen=True)
class KpiMeasures:
    """One KPI's numerator and denominator over a population (see :func:`tidy`)."""

    numerator: Measure
    denominator: Measure
    integer_numerator: bool = True


def tidy_kpi(table: Table, kpi: KpiMeasures, *, by: list[str], anchor: TimestampValue | None,
             con: ibis.BaseBackend | None, time_zone: str, interval_minutes: int = 30) -> pd.DataFrame:
    """:func:`tidy` of one KPI's :class:`KpiMeasures`."""
    return tidy_many(table, by=by, anchor=anchor, kpis={"kpi": kpi}, con=con, time_zone=time_zone,
                     interval_minutes=interval_minutes)["kpi"]


def tidy_many(
    table: Table,
    *,
    by: list[str],
    anchor: TimestampValue | None,
    kpis: Mapping[str, KpiMeasures],
    con: ibis.BaseBackend | None,
    time_zone: str,
    interval_minutes: int = 30,
) -> dict[str, pd.DataFrame]:
    """:func:`tidy` for several KPIs over one population, in one query: name -> tidy frame."""
    if any(b in PERIODS for b in by) and anchor is None:
        raise ParameterError("this KPI has no timestamp to derive `day`, `week`, `month` or `interval` from")
    periods = period_columns(anchor, by, interval_minutes=interval_minutes) if by else {}
    aggregates = {}
    for i, kpi in enumerate(kpis.values()):
        aggregates[f"_n{i}"] = _measure(table, kpi.numerator)
        aggregates[f"_d{i}"] = _measure(table, kpi.denominator)
    if by:
        groups = [(periods[name] if name in periods else table[name]).name(name) for name in by]
        expr = table.group_by(groups).aggregate(**aggregates)
    else:
        expr = table.aggregate(**aggregates)
    result = backend.execute(expr, con=con, time_zone=time_zone)
    frames = {}
    for i, (name, kpi) in enumerate(kpis.items()):
        own = result[[*by, f"_n{i}", f"_d{i}"]].rename(columns={f"_n{i}": "numerator", f"_d{i}": "denominator"})
        frames[name] = finish(own, by, integer_numerator=kpi.integer_numerator)
    return frames


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as floats, NaN where the denominator is 0."""
    den = np.asarray(denominator, dtype="float64")
    num = np.asarray(numerator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def finish(result: pd.DataFrame, by: list[str], *, integer_numerator: bool = True) -> pd.DataFrame:
    """Order columns and rows, fix types, and compute ``value`` = numerator / denominator."""
    if not by and result.empty:
        result = pd.DataFrame({"numerator": [0], "denominator": [0]})
    result = result[[*by, "numerator", "denominator"]].copy()
    for name in by:
        if name in PERIODS:
            result[name] = pd.to_datetime(result[name]).astype("datetime64[ns]")
    result["denominator"] = result["denominator"].astype("int64")
    result["numerator"] = result["numerator"].astype("int64" if integer_numerator else "float64")
    result["value"] = ratio(result["numerator"].to_numpy(), result["denominator"].to_numpy())
    if by:
        result = result.sort_values(by, na_position="last", kind="stable")
    return result.reset_index(drop=True)
