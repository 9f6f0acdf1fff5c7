"""Load an export file into DuckDB as text, with the row numbers the user sees.

CSV files are read by :mod:`kpilib.importing._csvread`; Excel and Parquet files here. A file
outside the workshop folder is refused before it is read.

Each source becomes a relation whose columns are the export's columns, all
VARCHAR, plus ``_row``: the line of a CSV file as an editor shows it (the header is line 1), the row
of an Excel sheet, or the row of a Parquet file (the first row is 1).
"""

from __future__ import annotations

import datetime as dt
import difflib
import zipfile
from pathlib import Path

import duckdb

from kpilib.data.config import SourceConfig
from kpilib.exceptions import DataProblem
from kpilib.importing import _formulas
from kpilib.importing._csvread import read_csv
from kpilib.importing._loaded import Loaded, problem as _problem, twice as _twice
from kpilib.importing._sql import ISO_FORMAT, ident, lit

_BATCH = 20_000
_FORMULAS_SHOWN = 10


def read_source(con: duckdb.DuckDBPyConnection, source: SourceConfig, name: str, scratch: Path,
                folder: Path | None = None) -> Loaded:
    """Read ``source`` into ``con`` as the relation ``name`` (see the module docstring).

    With ``folder``, a file outside it (an absolute path, ``../``, or a link that leads out) is
    refused unless the source has ``allow_outside: true``.
    """
    loaded = Loaded(source, name)
    if folder is not None and not source.allow_outside:
        outside = _outside(source, folder)
        if outside:
            loaded.fatal.append(outside)
            return loaded
    if not source.path.is_file():
        loaded.fatal.append(_missing_file(source))
        return loaded
    reader = {"csv": read_csv, "excel": _read_excel, "parquet": _read_parquet}[source.kind]
    reader(con, loaded, scratch)
    return loaded


def _outside(source: SourceConfig, folder: Path) -> DataProblem | None:
    """A problem when the source's file lies outside the workshop folder (links resolved)."""
    if Path(source.file).is_absolute():
        found = "an absolute path"
    elif not source.path.resolve().is_relative_to(folder.resolve()):
        found = "a path that leads outside the workshop folder" + (
            " (through a link)" if ".." not in Path(source.file).parts else "")
    else:
        return None
    return _problem(source, "a file inside the workshop folder", found,
                    "A workshop folder is handed on with its exports: copy the export into it (for example "
                    "into exports/), or set `allow_outside: true` on this source to read it where it is.",
                    file=source.file)


def _missing_file(source: SourceConfig) -> DataProblem:
    folder = source.path.parent
    written = Path(source.file).parent
    near = difflib.get_close_matches(source.path.name, [p.name for p in folder.iterdir()], n=1) \
        if folder.is_dir() else []
    found = "no such file" if folder.is_dir() else f"no folder `{written.as_posix()}`"
    hint = f"Did you mean `{(written / near[0]).as_posix()}`? " if near else ""
    return _problem(source, "an export file", found, hint + "Check `file:` in workshop.yaml; "
                    "paths are relative to the workshop folder.", file=source.file)


# -- Excel ------------------------------------------------------------------

def _read_excel(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> None:
    import openpyxl
    import pyarrow as pa
    from openpyxl.utils.exceptions import InvalidFileException

    source, name = loaded.source, loaded.name
    try:
        book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        loaded.fatal.append(_problem(source, "an Excel workbook (.xlsx)", repr(str(exc)),
                                     "Save the export again from Excel as .xlsx.", file=source.file))
        return
    try:
        if source.sheet is None:
            sheet = book.worksheets[0]
        elif source.sheet in book.sheetnames:
            sheet = book[source.sheet]
        else:
            near = difflib.get_close_matches(source.sheet, book.sheetnames, n=1)
            loaded.fatal.append(_problem(
                source, f"a sheet named `{source.sheet}`",
                "the sheets " + ", ".join(f"`{s}`" for s in book.sheetnames),
                (f"Did you mean `{near[0]}`? " if near else "") + "Set `sheet:` to one of them.",
                file=source.file))
            return
        formulas = _formulas.uncached_formulas(source.path, sheet.title)
        if formulas:
            shown = ", ".join(formulas[:_FORMULAS_SHOWN])
            if len(formulas) > _FORMULAS_SHOWN:
                shown += f" (+{len(formulas) - _FORMULAS_SHOWN} more)"
            loaded.fatal.append(_problem(
                source, "cells with values", f"formulas without a saved result in sheet `{sheet.title}`, "
                f"cells {shown}", "The file was written by a program that does not calculate formulas; open "
                "it in Excel and save it, or export the values instead of the formulas.", file=source.file))
            return
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None for v in header):
            loaded.fatal.append(_problem(source, "the column names in row 1", "an empty first row"))
            return
        names = _unique([str(v).strip() if v is not None and str(v).strip() else f"column{j + 1}"
                         for j, v in enumerate(header)])
        loaded.columns = names
        loaded.fatal += _twice(source, [str(v).strip() if v is not None else "" for v in header], excel=True)
        con.execute(f"CREATE TABLE {name} (_row BIGINT, "
                    + ", ".join(f"{ident(n)} VARCHAR" for n in names) + ")")
        width, empty, batch = len(names), 0, []

        def flush() -> None:
            columns = list(zip(*batch))
            table = pa.table([pa.array(c, pa.int64() if j == 0 else pa.string()) for j, c in enumerate(columns)],
                             names=["_row"] + [f"c{j}" for j in range(width)])
            con.register(f"{name}_batch", table)
            con.execute(f"INSERT INTO {name} SELECT * FROM {name}_batch")
            con.unregister(f"{name}_batch")
            batch.clear()

        for number, values in enumerate(rows, start=2):
            texts = [_cell(v, source.decimal) for v in values[:width]]
            texts += [None] * (width - len(texts))
            if all(t is None or not t.strip() for t in texts):
                empty += 1
                continue
            loaded.skipped_empty += empty
            empty = 0
            batch.append([number] + texts)
            if len(batch) >= _BATCH:
                flush()
        if batch:
            flush()
    finally:
        book.close()
    loaded.relation = name


def _unique(names: list[str]) -> list[str]:
    """Make repeated column names unique as DuckDB does for CSV headers: X, X_1, X_2."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        seen.setdefault(n, 0)
        out.append(n)
    return out


def _cell(value: object, decimal: str) -> str | None:
    """The text of an Excel cell; real dates become ISO timestamps, numbers use ``decimal``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0).strftime(ISO_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).replace(".", decimal) if isinstance(value, float) else str(value)


# -- Parquet ----------------------------------------------------------------

def _read_parquet(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> None:
    source, name = loaded.source, loaded.name
    path = lit(str(source.path))
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
    except duckdb.Error as exc:
        loaded.fatal.append(_problem(source, "a Parquet file", repr(str(exc).splitlines()[0].split(": ", 1)[-1]),
                                     "Export the table again as Parquet."))
        return
    loaded.columns = [r[0] for r in described]
    texts = ", ".join(f"{_parquet_text(ident(c), t, source.decimal)} AS {ident(c)}" for c, t, *_ in described)
    # a view: the file is read again where the mapping reads it, never copied as text
    con.execute(f"CREATE VIEW {name} AS SELECT file_row_number + 1 AS _row, {texts} "
                f"FROM read_parquet({path}, file_row_number = true)")
    loaded.relation = name


def _parquet_text(column: str, kind: str, decimal: str) -> str:
    """A typed Parquet column as the text the mapping reads."""
    if kind.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S') || '+00:00'"
    if kind.startswith("TIMESTAMP"):
        return f"strftime({column}, {lit(ISO_FORMAT)})"
    if kind == "DATE":
        return f"strftime({column}, '%Y-%m-%d 00:00:00')"
    if kind == "INTERVAL":
        return f"CAST(epoch({column}) AS VARCHAR)"
    if kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL"):
        text = f"CAST({column} AS VARCHAR)"
        return f"replace({text}, '.', ',')" if decimal == "," else text
    if kind == "BOOLEAN":
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    return f"CAST({column} AS VARCHAR)"
