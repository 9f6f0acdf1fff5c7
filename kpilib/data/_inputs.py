"""Turn what a user passes to a KPI function (a pandas frame or an Ibis table) into a canonical Ibis table."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd
from ibis.expr.types import Table

from kpilib.data import backend
from kpilib.exceptions import DataError, DataProblem
from kpilib.data.schema import TABLES, Column

_IBIS_TYPES = {
    "id": dt.string,
    "text": dt.string,
    "category": dt.string,
    "int": dt.int64,
    "float": dt.float64,
    "bool": dt.boolean,
}
_PANDAS_TYPES = {
    "id": "string",
    "text": "string",
    "category": "string",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
}


@dataclass(frozen=True)
class Input:
    """A canonical table ready for a KPI expression, with where and in which zone to run it."""

    table: Table
    con: ibis.BaseBackend | None
    time_zone: str


def ibis_type(column: Column, time_zone: str) -> dt.DataType:
    if column.kind == "timestamp":
        return dt.Timestamp(timezone=time_zone)
    return _IBIS_TYPES[column.kind]


def _frame_time_zone(frame: pd.DataFrame) -> str | None:
    for name in frame.columns:
        tz = getattr(frame[name].dtype, "tz", None)
        if tz is not None and str(tz) != "UTC":
            return str(tz)
    return None


def _missing_required(name: str, have: list[str], required: list[str], label: str) -> None:
    missing = [c for c in required if c not in have]
    if missing:
        raise DataError(
            [
                DataProblem(
                    file=label,
                    column=c,
                    rows=(),
                    count=0,
                    expected=f"a column `{c}` (required for this KPI)",
                    found="columns " + ", ".join(f"`{h}`" for h in have),
                    hint=f"Rename the column, or map it in workshop.yaml (the canonical {name} columns are "
                    + ", ".join(TABLES[name].names)
                    + ").",
                )
                for c in missing
            ],
            summary=f"{label} is not a canonical `{name}` table",
        )


def _canonical_frame(frame: pd.DataFrame, name: str, time_zone: str) -> pd.DataFrame:
    spec = TABLES[name]
    out = {}
    for column in spec.columns:
        if column.name not in frame.columns:
            if column.name == "seq":
                out["seq"] = pd.array(np.arange(len(frame)), dtype="Int64")
                continue
            values = pd.Series(pd.NA, index=frame.index, dtype="object")
        else:
            values = frame[column.name]
        if column.kind == "timestamp":
            stamps = pd.to_datetime(values)
            if stamps.dt.tz is None:
                # Naive times are local; in the repeated autumn hour the first (summer-time) one is meant.
                stamps = stamps.dt.tz_localize(
                    time_zone, ambiguous=np.ones(len(stamps), dtype=bool), nonexistent="raise"
                )
            out[column.name] = stamps.dt.tz_convert(time_zone)
        else:
            out[column.name] = values.astype(_PANDAS_TYPES[column.kind])
    extra = {c: frame[c] for c in frame.columns if c not in out}
    result = pd.DataFrame({**out, **extra}, index=frame.index)
    return result.reset_index(drop=True)


def _canonical_table(table: Table, name: str, time_zone: str) -> Table:
    spec = TABLES[name]
    have = set(table.columns)
    additions = {
        c.name: ibis.null().cast(ibis_type(c, time_zone))
        for c in spec.columns
        if c.name not in have and c.name != "seq"
    }
    if name == "events" and "seq" not in have:
        additions["seq"] = ibis.row_number().cast("int64")
    return table.mutate(**additions) if additions else table


def canonical(data, name: str, *, required: tuple[str, ...] = (), label: str | None = None) -> Input:
    """Return ``data`` as a canonical Ibis table of kind ``name`` (contacts, cases, …).

    Optional canonical columns that are missing become nulls; a missing ``required`` column is a
    :class:`~kpilib.exceptions.DataError` that names it and lists the columns that are there.
    """
    label = label or f"the {name} table"
    if isinstance(data, pd.DataFrame):
        _missing_required(name, list(map(str, data.columns)), list(required), label)
        time_zone = _frame_time_zone(data) or backend.DEFAULT_TIME_ZONE
        frame = _canonical_frame(data, name, time_zone)
        return Input(ibis.memtable(frame), None, time_zone)
    if isinstance(data, Table):
        _missing_required(name, list(data.columns), list(required), label)
        con = backend.find_backend(data)
        time_zone = (backend.backend_time_zone(con) if con is not None else None) or _table_time_zone(data)
        return Input(_canonical_table(data, name, time_zone), con, time_zone)
    raise TypeError(
        f"{label} must be a pandas DataFrame or an Ibis table; got {type(data).__name__}"
    )


def _table_time_zone(table: Table) -> str:
    for dtype in table.schema().types:
        if dtype.is_timestamp() and dtype.timezone not in (None, "UTC"):
            return dtype.timezone
    return backend.DEFAULT_TIME_ZONE


def same_backend(*inputs: Input) -> tuple[ibis.BaseBackend | None, str]:
    """The connection and time zone on which several inputs can be joined."""
    bound = [i for i in inputs if i.con is not None]
    if len({id(i.con) for i in bound}) > 1:
        raise TypeError("the tables of one KPI must come from the same connection (or be pandas frames)")
    first = bound[0] if bound else inputs[0]
    return first.con, first.time_zone
