"""Open a workshop's canonical tables: its imported DuckDB store, or the tables its ``backend:`` names."""

from __future__ import annotations

from pathlib import Path

from kpilib.data._backend_config import connect_backend
from kpilib.data.backend import DEFAULT_TIME_ZONE, STORE_FILE, Store, check_time_zone, connect
from kpilib.data.config import CONFIG_NAME, load_config
from kpilib.exceptions import WorkshopError

__all__ = ["open_store"]


def open_store(workshop: str | Path) -> Store:
    """Open the canonical tables of a workshop: its DuckDB store (read-only), or its backend.

    When the folder's workshop.yaml has a ``backend:`` block (a Spark cluster, or DuckDB over
    large Parquet files; see :mod:`kpilib.data._backend_config`), the tables that block names are
    opened there, in the workshop's time zone; otherwise the imported ``store.duckdb``.

    Parameters
    ----------
    workshop
        The workshop folder (holding ``store.duckdb`` or workshop.yaml) or the store file itself.

    Returns
    -------
    Store

    Examples
    --------
    >>> store = open_store("data/sample")  # doctest: +SKIP
    >>> service_level(store.contacts, by="team")  # doctest: +SKIP
    """
    path = Path(workshop)
    if path.is_dir() and (path / CONFIG_NAME).is_file():
        config = load_config(path, require_sources=False)  # a backend needs no exports mapped
        if config.section("backend") is not None:
            con, tables, _ = connect_backend(config)
            return Store(con, config.time_zone, config.path, sources=tables)
    file = path / STORE_FILE if path.is_dir() else path
    if not file.exists():
        raise WorkshopError(
            f"{file}: no store yet. Run `kpi-workshop import {path}` to import the workshop's exports."
        )
    con = connect(file, time_zone=DEFAULT_TIME_ZONE, read_only=True)
    store = Store(con, DEFAULT_TIME_ZONE, file)
    time_zone = store.meta().get("time_zone", DEFAULT_TIME_ZONE)
    if time_zone != DEFAULT_TIME_ZONE:
        con.raw_sql(f"SET TimeZone = '{check_time_zone(time_zone)}'")
        con._kpilib_time_zone = store.time_zone = time_zone
    return store
