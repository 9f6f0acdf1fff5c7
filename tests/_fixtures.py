"""Small frame builders and result checks for the KPI tests.

Rows are written by hand as dicts of canonical column names; timestamps are
given as local wall-clock text (Europe/Amsterdam) or as ``pd.Timestamp``.
The builders turn them into frames in the canonical shape of
``kpilib.data.schema.TABLES``, so every expected value in the tests can be computed
from the rows as written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import pytest

from kpilib.data.schema import TABLES

TZ = "Europe/Amsterdam"

_DTYPES = {
    "id": "string",
    "category": "string",
    "text": "string",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
}


def local(text: str) -> pd.Timestamp:
    """A local wall-clock time in Europe/Amsterdam as a time-zone aware instant."""
    return pd.Timestamp(text, tz=TZ)


def utc(text: str) -> pd.Timestamp:
    """An instant given in UTC, shown in Europe/Amsterdam (for the repeated autumn hour)."""
    return pd.Timestamp(text, tz="UTC").tz_convert(TZ)


def _instant(value: Any) -> pd.Timestamp:
    if value is None:
        return pd.NaT
    if isinstance(value, str):
        return local(value)
    return pd.Timestamp(value).tz_convert(TZ)


def frame(table: str, rows: Sequence[dict], *, naive: bool = False,
          leave_out: Iterable[str] = ()) -> pd.DataFrame:
    """Build a canonical table from hand-written rows.

    Columns a row does not name are null.  ``leave_out`` drops optional
    columns altogether (they are then treated as null by the KPIs).  The
    events column ``seq`` is only present when a row gives it.  ``naive``
    writes timestamps as naive local times.
    """
    spec = TABLES[table]
    unknown = {key for row in rows for key in row} - set(spec.names)
    assert not unknown, f"not a column of {table}: {sorted(unknown)}"
    leave_out = set(leave_out)
    data = {}
    for column in spec.columns:
        if column.name in leave_out:
            continue
        if column.name == "seq" and not any("seq" in row for row in rows):
            continue
        values = [row.get(column.name) for row in rows]
        if column.kind == "timestamp":
            series = pd.Series([_instant(v) for v in values], dtype=f"datetime64[ns, {TZ}]")
            if naive:
                series = series.dt.tz_localize(None)
        else:
            series = pd.Series(values, dtype=_DTYPES[column.kind])
        data[column.name] = series
    return pd.DataFrame(data)


def contact(contact_id: str, arrived: str | pd.Timestamp, *, ivr: float | None = 0,
            wait: float | None = None, talk: float | None = None,
            abandon: float | None = None, channel: str = "phone",
            direction: str = "inbound", team: str = "first", **other: Any) -> dict:
    """One contacts row, written in seconds relative to ``arrived``.

    - ``ivr``: seconds from arrival to entering the queue (``queued_at``);
      None = never queued.
    - ``wait``: seconds from ``queued_at`` (or ``arrived_at`` when never
      queued) to ``answered_at``; None = never answered.
    - ``talk``: seconds from ``answered_at`` to ``ended_at``.
    - ``abandon``: for an unanswered contact, seconds from ``queued_at`` (or
      arrival) to ``ended_at``.
    """
    arrived_at = _instant(arrived)
    queued_at = None if ivr is None else arrived_at + pd.Timedelta(seconds=ivr)
    start = arrived_at if queued_at is None else queued_at
    answered_at = None if wait is None else start + pd.Timedelta(seconds=wait)
    ended_at = None
    if answered_at is not None and talk is not None:
        ended_at = answered_at + pd.Timedelta(seconds=talk)
    elif answered_at is None and abandon is not None:
        ended_at = start + pd.Timedelta(seconds=abandon)
    row = dict(contact_id=contact_id, channel=channel, direction=direction, team=team,
               arrived_at=arrived_at, queued_at=queued_at, answered_at=answered_at,
               ended_at=ended_at)
    row.update(other)
    return row


def contacts(rows: Sequence[dict], **kwargs: Any) -> pd.DataFrame:
    return frame("contacts", rows, **kwargs)


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    return got == expected


def assert_kpi(result: pd.DataFrame, expected: Sequence[tuple], by: Sequence[str] = ()) -> None:
    """Check a KPI result row by row.

    ``expected`` holds one tuple per row: the group values (in ``by`` order),
    then numerator, denominator and value.  A NaN value must be a float NaN;
    period groups must be naive ``pd.Timestamp`` values.
    """
    columns = [*by, "numerator", "denominator", "value"]
    assert list(result.columns) == columns
    got = [tuple(_py(v) for v in row) for row in result.itertuples(index=False, name=None)]
    assert len(got) == len(expected), f"rows differ:\n got      {got}\n expected {list(expected)}"
    for got_row, expected_row in zip(got, expected):
        ok = all(_same(g, e) for g, e in zip(got_row, expected_row))
        assert ok, f"row differs:\n got      {got_row}\n expected {expected_row}\n all rows {got}"


def _py(value: Any) -> Any:
    """Numpy scalars as Python numbers, so that the checks above apply."""
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Two KPI results hold the same rows (dtypes may differ between backends)."""
    assert list(left.columns) == list(right.columns)
    expected = [tuple(_py(v) for v in row) for row in right.itertuples(index=False, name=None)]
    n_groups = len(left.columns) - 3
    assert_kpi(left, expected, by=list(left.columns[:n_groups]))
