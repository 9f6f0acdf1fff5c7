"""Check a workshop's exports, or import them into the workshop's store.

Both read every source into a scratch DuckDB database (compressed, in memory, or
for exports large against the memory limit in a file in the import's scratch folder,
:mod:`kpilib.importing._scratch`; either spills there), map it onto its canonical table in
SQL and run every check, the keys between the tables included (:mod:`kpilib.importing._keys`),
before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from importlib import metadata
from pathlib import Path

import duckdb

from kpilib.data.config import WorkshopConfig, load_config
from kpilib.exceptions import DataError, DataProblem, ParameterError, WorkshopError
from kpilib.importing import _keys, _scratch, _store
from kpilib.importing._csvread import read_again
from kpilib.importing._derive import derive
from kpilib.importing._eventlog import pivot, read_headerless
from kpilib.importing._keys import KeyMatch
from kpilib.importing._outliers import outlying_dates
from kpilib.importing._scratch import disk_errors as _disk_errors
from kpilib.importing._mapping import Mapped, map_source
from kpilib.importing._readers import Loaded, read_source
from kpilib.importing._report import CheckReport, ImportReport, SourceSummary, profile_table
from kpilib.importing._sql import lit
from kpilib.importing._validate import Duplicates, check_source, find_duplicates, rejected_rows

__all__ = ["check_workshop", "import_workshop"]


def check_workshop(path: str | Path, *, memory_limit: str | None = None) -> CheckReport:
    """Validate a workshop's exports and profile them, without writing the store.

    Parameters
    ----------
    path
        The workshop folder (or its ``workshop.yaml``).
    memory_limit
        The memory limit for the pass (for example ``"4GB"``): DuckDB's buffers get four fifths of
        it, and beyond them the data spill to a scratch folder in the workshop folder. None:
        DuckDB's default, 80 % of the RAM for its buffers.

    Returns
    -------
    CheckReport
        Every problem found (empty when the import would succeed), what each
        source holds, and a profile of the canonical tables: row counts, date
        ranges and the share of empty values per column.

    Raises
    ------
    WorkshopError
        When ``workshop.yaml`` is missing or has mistakes.

    Examples
    --------
    >>> print(check_workshop("data/sample"))  # doctest: +SKIP
    """
    config = _importable(load_config(path))
    with _disk_errors(config), _Session(config, memory_limit) as session:
        session.run()
        report = CheckReport(config.folder, session.all_problems(), session.summaries(), keys=session.keys)
        tables = session.finals(rejected={}, key=None)
        report.profiles = [profile_table(session.con, t, f"final_{t}", config.time_zone,
                                         derived=t == "events" and session.events_derived) for t in tables]
        report.warnings = session.warnings(tables)
        return report


def import_workshop(path: str | Path, *, quarantine: bool = False,
                    memory_limit: str | None = None) -> ImportReport:
    """Validate a workshop's exports and write the canonical tables to ``store.duckdb``.

    Parameters
    ----------
    path
        The workshop folder (or its ``workshop.yaml``).
    quarantine
        Import the rows that pass and write the rows that fail, with their
        reasons, to ``quarantine/<table>.csv``.  Problems that concern a whole
        file or column (a missing file, sheet or column, a wrong encoding)
        still stop the import.
    memory_limit
        The memory limit for the import (for example ``"4GB"``): DuckDB's buffers get four fifths
        of it, the rest is for what DuckDB and Python hold outside them. Beyond it the data spill
        to a scratch folder in the workshop folder, so exports larger than memory import.
        None: DuckDB's default, 80 % of the RAM for its buffers.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        Listing every problem, when the exports do not pass; the previous
        store is left as it was.
    WorkshopError
        When ``workshop.yaml`` is missing or has mistakes.

    Examples
    --------
    >>> print(import_workshop("data/sample"))  # doctest: +SKIP
    """
    config = _importable(load_config(path))
    with _disk_errors(config), _Session(config, memory_limit) as session:
        session.run()
        fatal, problems = session.fatal(), session.all_problems()
        if fatal or (problems and not quarantine):
            n = len(problems)
            reason = (f"{len(fatal)} of them concern a whole file or column and cannot be quarantined; "
                      if quarantine else "")
            raise DataError(problems, summary=f"{n} problem{'s' if n != 1 else ''} in the exports of "
                                              f"{config.folder} ({reason}nothing was imported)")
        return session.write(quarantine=bool(problems))


def _importable(config: WorkshopConfig) -> WorkshopConfig:
    """``config``, unless it has no sources because its tables live in a ``backend:`` block."""
    if not config.sources and config.section("backend") is not None:
        raise WorkshopError(f"{config.where('backend')}: this workshop has no `sources:` to import; its "
                            "tables are read where the `backend:` block says (kpilib.open_store opens them). "
                            "Add `sources:` to import exports into store.duckdb instead.")
    return config


#: Exports larger than this share of the memory limit, or than ``_FILE_FROM_BYTES``, get their working
#: tables in a file.
_FILE_FROM = 0.25
_FILE_FROM_BYTES = 256 * 2 ** 20
#: The share of a given memory limit for DuckDB's buffers; the rest is for what DuckDB and Python hold
#: outside them (0.5 GB above the buffers at 100 M contacts, bench/NOTES.md).
_BUFFER_SHARE = 0.8
_SIZE = re.compile(r"([\d.]+)\s*([KMGT]?)i?B", re.IGNORECASE)


def _limit_bytes(con: duckdb.DuckDBPyConnection) -> float | None:
    """DuckDB's memory limit in bytes; None when it cannot be read."""
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    match = _SIZE.fullmatch(limit.strip())
    return float(match[1]) * 1024 ** " KMGT".index(match[2].upper() or " ") if match else None


def _attach_scratch(config: WorkshopConfig, scratch: Path, limit: float | None) -> str:
    """SQL attaching the database ``scratch`` of the working tables: in memory, or a file.

    ``limit`` is DuckDB's memory limit in bytes, as it was given.

    A file in the scratch folder keeps the tables compressed as they are written and lets DuckDB
    write them out where they no longer fit. DuckDB compresses an in-memory table only at a
    checkpoint. For 10 M contacts from CSV (1.26 GB) the file costs 15 % more time and keeps the
    peak at 1.4 GB instead of 3.0 GB; for 1 M (125 MB) it costs as much for 60 MB less, hence the
    size from which it is used (bench/NOTES.md). Spilling then needs less than half the scratch
    disk that spilling in-memory tables needs (10 M contacts under a 600 MB limit: 2.1 GB against
    4.8 GB).
    """
    exports = sum(s.path.stat().st_size for s in config.sources if s.path.is_file())
    if exports > _FILE_FROM_BYTES or (limit is not None and exports > _FILE_FROM * limit):
        return f"ATTACH {lit(str(scratch / 'import.duckdb'))} AS scratch"
    return "ATTACH ':memory:' AS scratch (COMPRESS)"


class _Session:
    """One pass over a workshop's sources in a scratch DuckDB database."""

    def __init__(self, config: WorkshopConfig, memory_limit: str | None = None) -> None:
        self.config = config
        self.scratch = _scratch.create(config.folder)
        settings = {"temp_directory": str(self.scratch / "spill")}
        if memory_limit is not None:
            settings["memory_limit"] = str(memory_limit)
        try:
            self.con = duckdb.connect(":memory:", config=settings)
        except duckdb.Error as exc:
            _scratch.remove(self.scratch)
            raise ParameterError(f"`memory_limit` must be a size such as '4GB'; got {memory_limit!r} "
                                 f"({str(exc).splitlines()[0]})") from None
        limit = _limit_bytes(self.con)
        try:
            self.con.execute(f"{_attach_scratch(config, self.scratch, limit)}; USE scratch")
        except duckdb.Error as exc:  # no room or no right to write the scratch database
            self.con.close()
            _scratch.remove(self.scratch)
            reason = str(exc).splitlines()[0].replace(str(self.scratch), "the scratch folder")
            raise WorkshopError(f"{config.folder}: cannot create the import's scratch database "
                                f"({reason}). Free disk space there, or give a larger `memory_limit`.") from None
        if memory_limit is not None and limit is not None:   # the whole import stays within a given limit
            self.con.execute(f"SET memory_limit = '{int(limit * _BUFFER_SHARE) // 2 ** 20}MiB'")
        # the store keeps the source order; an IN list of more than a few values (the codes of a
        # `map`, checked where the values are mapped) would become a join, which does not keep it
        self.con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false; "
                         "SET preserve_insertion_order = true; SET disabled_optimizers = 'in_clause'")
        self.loaded: list[Loaded] = []
        self.mapped: list[Mapped] = []
        self.problems: dict[int, list[DataProblem]] = {}
        self.repeats: dict[int, list[tuple[str, int]]] = {}
        self.duplicates: dict[str, Duplicates] = {}
        self.normalised: dict[int, list[tuple[str, int]]] = {}
        self.keys: list[KeyMatch] = []
        self.key_problems: list[DataProblem] = []
        self.tables = config.tables
        self.events_derived = "events" not in self.tables and "contacts" in self.tables
        if self.events_derived:
            self.tables = self.tables + ["events"]
        self.tables += [d.table for d in config.derived]
        self.pivots = {}                               # source index -> what its pivot made
        self.derived_problems: list[DataProblem] = []

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc) -> None:
        self.con.close()
        _scratch.remove(self.scratch)

    def run(self) -> None:
        """Read, map and check every source; collect the problems per source."""
        for i, source in enumerate(self.config.sources):
            reader = read_headerless if source.header else read_source
            loaded = reader(self.con, source, f"src{i}", self.scratch, folder=self.config.folder)
            if source.pivot is not None and loaded.relation is not None:
                self.pivots[i] = pivot(self.con, loaded)
                if self.pivots[i] is None:
                    loaded.relation = None
            self.loaded.append(loaded)
            self.problems[i] = loaded.fatal + loaded.malformed
            if loaded.relation is None:
                continue
            mapped = map_source(self.con, loaded, i, self.config.time_zone)
            if mapped is None:   # read straight, the file needs the careful reading after all
                read_again(self.con, loaded, self.scratch)
                self.problems[i] = loaded.fatal + loaded.malformed
                if loaded.relation is None:
                    continue
                mapped = map_source(self.con, loaded, i, self.config.time_zone)
            self.mapped.append(mapped)
            found, self.repeats[i] = check_source(self.con, mapped, lines=self.config.section("lines"))
            self.problems[i] += mapped.problems + found
        self.normalised = _keys.normalise_ids(self.con, self.mapped)
        for table in self.config.tables:
            found, duplicates = find_duplicates(self.con, table, self.sources_of(table))
            if duplicates:
                self.duplicates[table] = duplicates
            for index, problem in found:
                self.problems[index].append(problem)
        self.keys, found = _keys.check_keys(self.con, self.mapped, self.events_derived)
        for index, problem in found:
            self.problems[index].append(problem)
            self.key_problems.append(problem)
        if self.config.derived:   # derived tables are checked on the canonical rows they come from
            for table in reversed(self.finals(rejected={}, key=None)):
                self.con.execute(f"DROP VIEW final_{table}")

    def sources_of(self, table: str) -> list[Mapped]:
        return [m for m in self.mapped if m.source.table == table]

    def all_problems(self) -> list[DataProblem]:
        return [p for i in sorted(self.problems) for p in self.problems[i]] + self.derived_problems

    def fatal(self) -> list[DataProblem]:
        """Problems no quarantine can fix: the file, sheet or a column is unusable."""
        return ([p for loaded in self.loaded for p in loaded.fatal] + [p for m in self.mapped for p in m.problems]
                + self.derived_problems + self.key_problems)

    def warnings(self, tables: list[str]) -> list[str]:
        """What imports but looks wrong: a source without rows, dates far from the others."""
        out = [f"{m.source.label} → {m.source.table}: no rows to import ("
               + ("the file holds only its header" if not any(n for _, n in m.dropped) else
                  "every row was left out") + f"); `{m.source.table}` will be empty."
               for m in self.mapped if m.rows == 0]
        return out + outlying_dates(self.con, tables, self.mapped, self.config.time_zone)

    def summaries(self) -> list[SourceSummary]:
        out = []
        for m in self.mapped:
            read = m.rows + sum(n for _, n in m.dropped)
            label = m.source.label + (f" ({self.pivots[m.index].note()})" if m.index in self.pivots else "")
            out.append(SourceSummary(label, m.source.table, read, tuple(m.dropped),
                                     tuple(self.repeats.get(m.index, ())), **m.summary_counts(),
                                     normalised=tuple(self.normalised.get(m.index, ()))))
        return out

    def finals(self, rejected: dict[int, str], key: str | None) -> list[str]:
        """Create ``final_<table>`` for each table with a readable source; return those tables."""
        done = []
        for table in self.config.tables:
            if self.sources_of(table):
                _store.final_relation(self.con, table, self.sources_of(table), rejected, key)
                done.append(table)
        if self.events_derived and "contacts" in done:
            _store.derived_events(self.con)
            done.append("events")
        self.derived_problems = []
        for derived in self.config.derived:
            if derived.origin in done:
                origin = "contacts" if derived.origin == "events" and self.events_derived else derived.origin
                loaded = [m.loaded for m in self.sources_of(origin)]
                self.derived_problems += derive(self.con, derived, loaded, [m.index for m in self.sources_of(origin)],
                                                key)
                done.append(derived.table)
        return done

    def write(self, quarantine: bool) -> ImportReport:
        """Write the store (and the quarantine files); called when nothing fatal was found."""
        config = self.config
        rejected = {m.index: rejected_rows(self.con, m, self.duplicates.get(m.source.table))
                    for m in self.mapped} if quarantine else {}
        key = _store.workshop_key(config.folder) if config.pseudonymise else None
        self.finals(rejected, key)
        report = ImportReport(config.folder, config.store_path, sources=self.summaries(),
                              problems=self.all_problems() if quarantine else [],
                              events_derived=self.events_derived, pseudonymised=config.pseudonymise)
        staged: list[tuple[Path, Path]] = []
        for table in config.tables:
            count = _store.write_quarantine(self.con, self.scratch / f"{table}.csv", self.sources_of(table),
                                            rejected) if quarantine else 0
            if count:
                report.quarantined[table] = count
                target = config.folder / _store.QUARANTINE_DIR / f"{table}.csv"
                staged.append((self.scratch / f"{table}.csv", target))
        for table in self.tables:
            report.tables[table] = self.con.execute(f"SELECT count(*) FROM final_{table}").fetchone()[0]
        report.warnings = self.warnings(self.tables)
        tmp = config.store_path.with_name(config.store_path.name + ".tmp")
        try:
            in_order = {t for t in config.tables if _store.in_source_order(t, self.sources_of(t), rejected)}
            _store.write_store(self.con, tmp, self.tables, self.meta(report), in_order,
                               events_derived=self.events_derived)
            os.replace(tmp, config.store_path)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
        for table in self.tables:
            (config.folder / _store.QUARANTINE_DIR / f"{table}.csv").unlink(missing_ok=True)
        for source, target in staged:
            target.parent.mkdir(exist_ok=True)
            shutil.move(source, target)
            report.quarantine_files.append(target)
        return report

    def meta(self, report: ImportReport) -> dict[str, str]:
        config = self.config
        try:
            version = metadata.version("kpi-workshop")
        except metadata.PackageNotFoundError:
            version = "unknown"
        meta = {"client": config.client or "", "time_zone": config.time_zone,
                "imported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "kpilib_version": version, "pseudonymised": str(config.pseudonymise).lower(),
                "events_derived": str(self.events_derived).lower()}
        for derived in config.derived:
            meta[f"derived:{derived.table}"] = derived.origin
        for source in config.sources:
            if f"sha256:{source.file}" not in meta:
                meta[f"sha256:{source.file}"] = _store.file_sha256(source.path)
        for table, rows in report.tables.items():
            meta[f"rows:{table}"] = str(rows)
        for summary in report.sources:
            dropped = sum(n for _, n in summary.dropped)
            key = f"dropped:{summary.table}"
            meta[key] = str(int(meta.get(key, "0")) + dropped)
        for table, n in report.quarantined.items():
            meta[f"quarantined:{table}"] = str(n)
        return meta
