"""Where KPI expressions run: an Ibis backend whose session time zone is the workshop's.

KPI functions build Ibis expressions and run them here. Tables from a workshop store
(:func:`open_store`) run on that store's DuckDB connection; pandas frames run on an in-memory
DuckDB connection. Any other Ibis backend (for example PySpark) works the same way, as long as its
session time zone is the workshop's (:func:`connect` sets it for DuckDB).

Time zones matter twice: durations are measured between instants (so a call that waits across the
night summer time starts still waits 15 seconds, not one hour and 15 seconds), while days, weeks and
months are local calendar periods.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import ibis.expr.datatypes as dt
import pandas as pd
from ibis.expr.types import Table

from kpilib.data.schema import TABLES
from kpilib.exceptions import ParameterError, WorkshopError

__all__ = ["DEFAULT_TIME_ZONE", "STORE_FILE", "Store", "connect", "execute"]

#: The time zone used when neither the data nor the workshop names one.
DEFAULT_TIME_ZONE = "Europe/Amsterdam"

STORE_FILE = "store.duckdb"

_local = threading.local()


def check_time_zone(time_zone: str) -> str:
    """Return ``time_zone`` when it is a valid IANA name, else raise a clear error."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ParameterError(
            f"`time_zone` must be an IANA time zone name such as 'Europe/Amsterdam'; got {time_zone!r}"
        ) from None
    return time_zone


def connect(path: str | Path | None = None, *, time_zone: str = DEFAULT_TIME_ZONE,
            read_only: bool = False, memory_limit: str | None = None,
            temp_directory: str | Path | None = None) -> ibis.BaseBackend:
    """Open a DuckDB connection (in memory when ``path`` is None) in the workshop's time zone.

    Parameters
    ----------
    path
        A DuckDB database file, or None for an in-memory database.
    time_zone
        IANA name; local days, weeks and months are computed in this zone.
    read_only
        Open the file read-only, so that several notebooks can read one store at once.
    memory_limit
        DuckDB's ``memory_limit`` (for example ``"4GB"``); beyond it, joins, sorts, windows and
        aggregates spill to ``temp_directory``. None keeps DuckDB's default (80 % of the RAM).
    temp_directory
        Where DuckDB spills; None keeps DuckDB's default (``<database>.tmp``, or
        ``.tmp`` in the working directory for an in-memory database).

    Returns
    -------
    ibis.BaseBackend

    Examples
    --------
    >>> con = connect(time_zone="Europe/Amsterdam", memory_limit="2GB")  # doctest: +SKIP
    >>> service_level(con.read_parquet("contacts.parquet"), by="month")  # doctest: +SKIP
    """
    check_time_zone(time_zone)
    if path is None:
        con = ibis.duckdb.connect()
    else:
        con = ibis.duckdb.connect(str(path), read_only=read_only)
    con.raw_sql(f"SET TimeZone = '{time_zone}'")
    for name, value in (("memory_limit", memory_limit), ("temp_directory", temp_directory)):
        if value is not None:
            text = str(value)
            if "'" in text:
                raise ParameterError(f"`{name}` must not contain a quote; got {text!r}")
            con.raw_sql(f"SET {name} = '{text}'")
    con._kpilib_time_zone = time_zone  # read back by backend_time_zone()
    return con


def default_connection(time_zone: str) -> ibis.BaseBackend:
    """The in-memory connection (one per thread) on which pandas inputs are evaluated."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = connect(time_zone=time_zone)
    elif con._kpilib_time_zone != time_zone:
        check_time_zone(time_zone)
        con.raw_sql(f"SET TimeZone = '{time_zone}'")
        con._kpilib_time_zone = time_zone
    return con


def backend_time_zone(con: ibis.BaseBackend) -> str | None:
    """The session time zone kpilib set on ``con``, if it set one."""
    return getattr(con, "_kpilib_time_zone", None)


def find_backend(table: Table) -> ibis.BaseBackend | None:
    """The backend an Ibis table is bound to, or None for unbound (memtable) expressions."""
    try:
        return table._find_backend(use_default=False)
    except Exception:  # an unbound expression: Ibis raises its own error type per version
        return None


@ibis.udf.scalar.builtin(name="unix_micros")
def unix_micros(stamp: dt.Timestamp()) -> dt.int64:
    """Spark's microseconds since the epoch of an instant (independent of the session time zone)."""


def execute(expr, *, con: ibis.BaseBackend | None, time_zone: str) -> pd.DataFrame:
    """Run ``expr`` on ``con`` (or the default in-memory connection) and return pandas.

    Timestamps come back aware, in ``time_zone``. Spark hands timestamps to pandas as naive
    wall-clock times of its session zone, which cannot tell the two occurrences of the repeated
    autumn hour apart; there they are fetched as microseconds since the epoch instead.
    """
    if con is None:
        con = default_connection(time_zone)
    as_micros = []
    if con.name == "pyspark" and isinstance(expr, Table):
        as_micros = [name for name, kind in expr.schema().items() if kind.is_timestamp()]
        if as_micros:
            expr = expr.mutate(**{name: unix_micros(expr[name]) for name in as_micros})
    result = con.execute(expr)
    if isinstance(result, pd.DataFrame):
        for name in as_micros:
            result[name] = pd.to_datetime(result[name].astype("Int64"), unit="us", utc=True)
        for name in result.columns:
            if isinstance(result[name].dtype, pd.DatetimeTZDtype):
                result[name] = result[name].dt.tz_convert(time_zone)
    return result


@dataclass
class Store:
    """The canonical tables of one workshop, as Ibis tables on one backend.

    Usually the workshop's DuckDB store; with a ``backend:`` block in workshop.yaml, the tables
    that block names on Spark or DuckDB (see :mod:`kpilib.data._backend_config`).

    Attributes
    ----------
    con
        The Ibis connection (read-only for the DuckDB store).
    time_zone
        The workshop's time zone, set as the session time zone.
    path
        The store file, or the workshop.yaml that names the backend.
    sources
        For a ``backend:`` block: canonical table name -> Ibis table; None for the DuckDB store.
    """

    con: ibis.BaseBackend
    time_zone: str
    path: Path
    sources: dict[str, Table] | None = None
    _filled: dict[str, dict[str, int]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _names: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _opened: dict[str, Table] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def tables(self) -> list[str]:
        """The names of the canonical tables; read once and kept for the life of the store, like :meth:`filled`."""
        if self.sources is not None:
            return list(self.sources)
        if self._names is None:
            # Ibis registers in-memory frames on the same connection (ibis_pandas_memtable_…): not tables of the store
            self._names = [t for t in self.con.list_tables() if not t.startswith(("_", "ibis_"))]
        return list(self._names)

    def table(self, name: str) -> Table:
        """The canonical table ``name`` (``contacts``, ``cases``, …)."""
        if name not in self.tables:
            have = ", ".join(self.tables) or "none"
            if self.sources is not None:
                raise WorkshopError(
                    f"{self.path}: the `backend:` block names no table `{name}` (it names: {have}). "
                    f"Add `{name}:` under `backend: tables:` in workshop.yaml."
                )
            raise WorkshopError(
                f"{self.path}: the store has no table `{name}` (it has: {have}). "
                f"Map a source to `{name}` in workshop.yaml and run `kpi-workshop import` again."
            )
        if self.sources is not None:
            return self.sources[name]
        if name not in self._opened:  # Ibis asks the database for the table's schema each time
            self._opened[name] = self.con.table(name)
        return self._opened[name]

    def filled(self, table: str) -> dict[str, int]:
        """Rows of ``table`` (key ``""``) and, per column, the rows where it is not empty.

        One query per table, kept for the life of the store; an absent table gives ``{"": 0}``.
        """
        if table not in self._filled:
            if table not in self.tables:
                self._filled[table] = {"": 0}
            else:
                t = self.table(table)
                counts = {"": t.count()} | {name: t[name].count() for name in t.columns}
                frame = execute(t.aggregate(**{f"c{i}": c for i, c in enumerate(counts.values())}),
                                con=self.con, time_zone=self.time_zone)
                self._filled[table] = {name: int(frame.iloc[0, i]) for i, name in enumerate(counts)}
        return self._filled[table]

    def available(self, need: str) -> bool:
        """Whether a table (``"surveys"``) has rows, or a column (``"contacts.case_id"``) any value.

        ``"cases|orders"`` is available when either is.
        """
        if "|" in need:
            return any(self.available(one) for one in need.split("|"))
        table, _, column = need.partition(".")
        return self.filled(table).get(column, 0) > 0

    def get(self, name: str) -> Table | None:
        """The canonical table ``name`` when the store holds rows of it, else None.

        For KPIs whose inputs are optional (``cases=store.get("cases")``): a table that was not
        mapped, or was imported empty, is left out rather than read.
        """
        return self.table(name) if self.available(name) else None

    def missing(self, needs: Sequence[str]) -> list[str]:
        """The ``needs`` (tables or ``table.column``) the store lacks or holds only empty: see :meth:`available`."""
        return [need for need in needs if not self.available(need)]

    def __getattr__(self, name: str) -> Table:
        if name.startswith("_") or name in {"con", "time_zone", "path", "sources"}:
            raise AttributeError(name)
        return self.table(name)

    def meta(self) -> dict[str, str]:
        """The import metadata (time zone, sources and their checksums, row counts, …)."""
        if self.sources is not None:
            return {"time_zone": self.time_zone, "backend": self.con.name}
        if "_meta" not in self.con.list_tables():
            return {}
        frame = self.con.table("_meta").execute()
        return dict(zip(frame["key"], frame["value"]))

    def summary(self) -> pd.DataFrame:
        """Rows and time span of every canonical table in the store."""
        rows = []
        for name in self.tables:
            t = self.table(name)
            stamp = next((c.name for c in TABLES[name].columns if c.kind == "timestamp"), None) \
                if name in TABLES else None
            aggs = {"rows": t.count()}
            if stamp:
                aggs |= {"first": t[stamp].min(), "last": t[stamp].max()}
            frame = execute(t.aggregate(**aggs), con=self.con, time_zone=self.time_zone)
            rows.append({"table": name, "timestamp": stamp, **frame.iloc[0].to_dict()})
        return pd.DataFrame(rows, columns=["table", "rows", "timestamp", "first", "last"])

    def close(self) -> None:
        self.con.disconnect()
