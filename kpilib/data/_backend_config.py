"""The ``backend:`` block of workshop.yaml: canonical tables that live outside the DuckDB store.

Two kinds of connection, both read by :func:`kpilib.open_store`::

    backend:
      kind: pyspark                  # a Spark cluster, or local[N] on one machine
      master: "local[2]"             # spark://host:7077, yarn, k8s://…; omit to use spark-submit's
      conf: {spark.executor.memory: 8g}
      tables:
        contacts: crm.contacts       # a table (or view) in Spark's catalog: [catalog.]database.table
        cases: {path: /data/kpi/cases.parquet}   # or a Parquet file / folder of Parquet files

    backend:
      kind: duckdb                   # DuckDB on big files: spills to disk instead of running out of memory
      memory_limit: 4GB
      temp_directory: /scratch/kpi
      tables:
        contacts: {path: big/contacts/*.parquet}

A table named in ``tables`` must already be in the canonical shape (kpilib.data.schema): the import
writes that shape, and ``kpi-workshop import`` plus DuckDB's ``COPY … TO '….parquet'`` is one way
to make it. Relative paths are relative to the workshop folder. The session time zone is set to the
workshop's ``time_zone``, so days, weeks and months are local on every backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis

from kpilib.data.backend import connect
from kpilib.data.config import WorkshopConfig
from kpilib.exceptions import ParameterError, WorkshopError
from kpilib.data.schema import TABLES

KINDS = ("pyspark", "duckdb")
_KEYS = {
    "pyspark": ("kind", "master", "app_name", "conf", "tables"),
    "duckdb": ("kind", "database", "memory_limit", "temp_directory", "threads", "tables"),
}
_PYSPARK_HINT = "Install it with `pip install 'pyspark>=3.5,<4.1'` (Ibis 12 does not run on 4.1) and Java 17."


def connect_backend(config: WorkshopConfig) -> tuple[ibis.BaseBackend, dict[str, Any], str]:
    """Connect to the backend of ``config``; return the connection, its tables and a label for messages."""
    block = config.section("backend")
    if not isinstance(block, dict):
        raise WorkshopError(f"{config.where('backend')}: expected keys such as `kind: pyspark` and "
                            f"`tables:`, found {block!r}.")
    kind = block.get("kind")
    if kind not in KINDS:
        raise WorkshopError(f"{config.where('backend', 'kind')}: `kind` must be one of "
                            f"{', '.join(repr(k) for k in KINDS)}; found {kind!r}.")
    unknown = [k for k in block if k not in _KEYS[kind]]
    if unknown:
        raise WorkshopError(f"{config.where('backend', unknown[0])}: `{unknown[0]}` is not a setting of a "
                            f"{kind} backend; the settings are {', '.join(_KEYS[kind])}.")
    tables = _table_entries(config, block.get("tables"))
    con = _pyspark(config, block) if kind == "pyspark" else _duckdb(config, block)
    con._kpilib_time_zone = config.time_zone  # read back by kpilib.data.backend.backend_time_zone()
    bound = {name: _bind(con, kind, config, name, entry) for name, entry in tables.items()}
    return con, bound, f"{config.where('backend')} ({kind})"


def _table_entries(config: WorkshopConfig, tables: Any) -> dict[str, str | dict]:
    if not isinstance(tables, dict) or not tables:
        raise WorkshopError(f"{config.where('backend', 'tables')}: expected `tables:` naming where each "
                            "canonical table lives, for example `contacts: crm.contacts` or "
                            "`contacts: {path: contacts.parquet}`.")
    for name, entry in tables.items():
        if name not in TABLES:
            raise WorkshopError(f"{config.where('backend', 'tables', name)}: `{name}` is not a canonical "
                                f"table; the tables are {', '.join(TABLES)}.")
        ok = isinstance(entry, str) and entry.strip() or (
            isinstance(entry, dict) and set(entry) == {"path"} and isinstance(entry["path"], str))
        if not ok:
            raise WorkshopError(f"{config.where('backend', 'tables', name)}: expected a table name such as "
                                f"`crm.{name}` or `{{path: {name}.parquet}}`; found {entry!r}.")
    return tables


def _pyspark(config: WorkshopConfig, block: dict) -> ibis.BaseBackend:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise WorkshopError(f"{config.where('backend', 'kind')}: the pyspark backend needs the `pyspark` "
                            f"package, which is not installed. {_PYSPARK_HINT}") from None
    conf = block.get("conf") or {}
    if not isinstance(conf, dict):
        raise WorkshopError(f"{config.where('backend', 'conf')}: expected Spark settings such as "
                            f"`spark.executor.memory: 8g`; found {conf!r}.")
    builder = SparkSession.builder.appName(str(block.get("app_name") or f"kpi-workshop {config.folder.name}"))
    if block.get("master"):
        builder = builder.master(str(block["master"]))
    for key, value in conf.items():
        builder = builder.config(str(key), str(value).lower() if isinstance(value, bool) else str(value))
    builder = builder.config("spark.sql.session.timeZone", config.time_zone)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: Java missing, or a wrong master
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WorkshopError(f"{config.where('backend')}: could not start Spark ({first}). "
                            "Check `master` and that Java 17 is installed (`java -version`).") from None
    con = ibis.pyspark.connect(session)
    # Ibis sets the session zone to UTC, and getOrCreate hands back a running session unchanged:
    # set the workshop's zone last, so that days, weeks and months are local.
    session.conf.set("spark.sql.session.timeZone", config.time_zone)
    return con


def _duckdb(config: WorkshopConfig, block: dict) -> ibis.BaseBackend:
    database = block.get("database")
    path = _resolve(config, database) if database else None
    if path is not None and not Path(path).exists():
        raise WorkshopError(f"{config.where('backend', 'database')}: no DuckDB file at {path}.")
    temp = block.get("temp_directory")
    try:
        con = connect(path, time_zone=config.time_zone, read_only=path is not None,
                      memory_limit=None if block.get("memory_limit") is None else str(block["memory_limit"]),
                      temp_directory=_resolve(config, str(temp)) if temp else None)
        if block.get("threads") is not None:
            con.raw_sql(f"SET threads = {int(block['threads'])}")
    except (ValueError, duckdb.Error, ParameterError) as exc:
        raise WorkshopError(f"{config.where('backend')}: DuckDB does not accept these settings "
                            f"({str(exc).splitlines()[0]}). Write them as `memory_limit: 4GB`, "
                            "`threads: 2`, `temp_directory: a folder`.") from None
    return con


def _resolve(config: WorkshopConfig, path: str) -> str:
    """A local path relative to the workshop folder; URLs (s3://, hdfs://, …) as written."""
    if "://" in path or Path(path).is_absolute():
        return path
    return str(config.folder / path)


def _bind(con: ibis.BaseBackend, kind: str, config: WorkshopConfig, name: str, entry: str | dict):
    where = config.where("backend", "tables", name)
    if isinstance(entry, dict):
        path = _resolve(config, entry["path"])
        try:
            return con.read_parquet(path, table_name=f"kpilib_{name}")
        except Exception as exc:  # the engines raise their own error types for a missing or bad file
            first = str(exc).strip().splitlines()[0]
            raise WorkshopError(f"{where}: could not read Parquet at {path} ({first}).") from None
    *database, table = entry.strip().split(".")
    try:
        return con.table(table, database=".".join(database) or None)
    except Exception as exc:  # a table the catalog does not know
        first = str(exc).strip().splitlines()[0]
        raise WorkshopError(f"{where}: the {kind} backend has no table `{entry}` ({first}). "
                            "Name a table of its catalog, or give `{path: …}` to a Parquet file.") from None
