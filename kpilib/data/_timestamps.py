"""Dates and timestamps in and out of the calendar's vectorised counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from kpilib.exceptions import ParameterError

def to_date(value: Any, name: str, time_zone: str | None = None) -> dt.date:
    """One date from a date, a timestamp or ISO text."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ParameterError(f"`{name}` must be a date like '2026-12-24'; got {value!r}") from err
    if pd.isna(stamp):
        raise ParameterError(f"`{name}` must be a date like '2026-12-24'; got {value!r}")
    if stamp.tzinfo is not None and time_zone is not None:
        stamp = stamp.tz_convert(time_zone)
    return stamp.date()


def span(start: Any, end: Any, time_zone: str) -> tuple[dt.date, dt.date]:
    first, last = to_date(start, "start", time_zone), to_date(end, "end", time_zone)
    if last < first:
        raise ParameterError(f"`end` must not be before `start` ({first}); got {last}")
    return first, last


def timestamps(values: Any, name: str) -> tuple[pd.Series, tuple]:
    """``values`` as a one-dimensional datetime Series, plus how to shape a result like it."""
    if isinstance(values, pd.Series):
        series, shape = values, ("series", values.index)
    elif isinstance(values, pd.Index):
        series, shape = pd.Series(values), ("array", (len(values),))
    elif np.ndim(values) == 0:
        series, shape = pd.Series([values]), ("scalar",)
    else:
        array = np.asarray(values)
        series, shape = pd.Series(array.ravel()), ("array", array.shape)
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        return series, shape
    if series.isna().all():
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]"), shape
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ParameterError(
            f"`{name}` must hold timestamps (datetime, pandas Timestamp, numpy datetime64 or "
            f"ISO text); found numbers of type {series.dtype}"
        )
    try:
        try:
            return pd.to_datetime(series), shape
        except ValueError as err:
            if "Mixed timezones" not in str(err):
                raise
            return pd.to_datetime(series, utc=True), shape
    except (ValueError, TypeError) as err:
        raise ParameterError(
            f"`{name}` must hold timestamps (datetime, pandas Timestamp, numpy datetime64 or "
            f"ISO text); {err}"
        ) from err


def pair(t1: Any, t2: Any) -> tuple[tuple[pd.Series, pd.Series], tuple]:
    """Both sides as Series of one length, and the shape of the result."""
    (v1, s1), (v2, s2) = timestamps(t1, "t1"), timestamps(t2, "t2")
    if s1[0] == s2[0] == "series" and not s1[1].equals(s2[1]):
        raise ParameterError("`t1` and `t2` must share their index when both are Series")
    if s1[0] == "scalar":
        v1 = v1.repeat(len(v2))
    elif s2[0] == "scalar":
        v2 = v2.repeat(len(v1))
    elif len(v1) != len(v2) or (s1[0] == s2[0] == "array" and s1[1] != s2[1]):
        raise ParameterError(
            f"`t1` and `t2` must have the same length; got {len(v1)} and {len(v2)}")
    shape = next((s for s in (s1, s2) if s[0] == "series"), None)
    return (v1.reset_index(drop=True), v2.reset_index(drop=True)), shape or (
        s1 if s1[0] == "array" else s2)


def wall_days(values: pd.Series, time_zone: str) -> np.ndarray:
    """Local dates (``datetime64[D]``, NaT where missing)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(time_zone).dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[us]").astype("datetime64[D]")


def aware(values: pd.Series, time_zone: str) -> pd.Series:
    """Instants in ``time_zone``; naive local times in the repeated autumn hour are
    read as summer time, times in the skipped spring hour move forward."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(time_zone)
    return values.dt.tz_localize(time_zone, ambiguous=np.ones(len(values), dtype=bool),
                                 nonexistent="shift_forward")


def micros(aware: pd.Series) -> np.ndarray:
    """Instants as microseconds since the epoch (UTC)."""
    utc = aware.dt.tz_convert("UTC").dt.tz_localize(None)
    return utc.to_numpy(dtype="datetime64[us]").view(np.int64)


def filled(*days: np.ndarray) -> tuple[Any, np.ndarray]:
    """Replace NaT by a fixed date so numpy can count; return the mask of missing rows."""
    missing = np.zeros(len(days[0]), dtype=bool)
    for d in days:
        missing |= np.isnat(d)
    filler = np.datetime64("2000-01-03", "D")
    filled = tuple(np.where(missing, filler, d) for d in days)
    return (filled if len(days) > 1 else filled[0]), missing


def shaped(result: np.ndarray, shape: tuple, whole: bool = False) -> Any:
    """Give ``result`` the form of the input: a scalar, an array of its shape, a Series."""
    if shape[0] == "scalar":
        value = result[0]
        return int(value) if whole and not np.isnan(value) else (
            bool(value) if result.dtype == bool else float(value))
    if shape[0] == "series":
        return pd.Series(result, index=shape[1])
    return result.reshape(shape[1])
