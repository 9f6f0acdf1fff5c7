"""Load an export file into DuckDB as text, with the row numbers the user sees.

Each source becomes a relation whose columns are the export's columns, all
VARCHAR, plus ``_row``: the line of a CSV file (the header is line 1), the row
of an Excel sheet, or the row of a Parquet file (the first row is 1).
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kpilib.data.config import SourceConfig
from kpilib.exceptions import DataProblem
from kpilib.importing import _csvfile, _formulas
from kpilib.importing._sql import ISO_FORMAT, ident, lit

_BATCH = 20_000
_FORMULAS_SHOWN = 10
_MALFORMED = {
    "TOO MANY COLUMNS": "A value probably contains the separator and should be quoted in the export.",
    "MISSING COLUMNS": "The line is cut short, or the file uses another separator.",
}


@dataclass
class Loaded:
    """A source as read: the name of its text relation, or the problems that stopped the reading."""

    source: SourceConfig
    name: str
    relation: str | None = None
    columns: list[str] = field(default_factory=list)
    fatal: list[DataProblem] = field(default_factory=list)
    malformed: list[DataProblem] = field(default_factory=list)
    malformed_table: str | None = None   # (_row, reason) of CSV lines that could not be split
    skipped_empty: int = 0               # empty Excel rows between data rows


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
    reader = {"csv": _read_csv, "excel": _read_excel, "parquet": _read_parquet}[source.kind]
    reader(con, loaded, scratch)
    return loaded


def _problem(source: SourceConfig, expected: str, found: str, hint: str = "",
             rows: tuple[int, ...] = (), count: int = 0, file: str | None = None) -> DataProblem:
    return DataProblem(file=file or source.label, column=None, rows=rows, count=count,
                       expected=expected, found=found, hint=hint, table=source.table)


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


# -- CSV --------------------------------------------------------------------

def _read_csv(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> None:
    """Read a CSV export; a UTF-8 copy (or one with uniform line ends) lives only while it is read."""
    source = loaded.source
    copy = scratch / f"{loaded.name}.csv"
    try:
        _read_csv_file(con, loaded, copy)
    finally:
        copy.unlink(missing_ok=True)


def _read_csv_file(con: duckdb.DuckDBPyConnection, loaded: Loaded, copy: Path) -> None:
    source, name = loaded.source, loaded.name
    path = source.path
    if source.encoding != "utf-8":
        codec = {"latin-1": "latin-1"}.get(source.encoding, source.encoding)
        try:
            _csvfile.transcode(source.path, copy, codec)
        except _csvfile.BadText as exc:
            loaded.fatal.append(_problem(
                source, f"{source.encoding} text",
                f"byte 0x{exc.byte:02X} on line {exc.line}, which is not a {source.encoding} character",
                "Check `encoding` in the mapping: utf-8, cp1252, latin-1 or utf-16.", rows=(exc.line,), count=1))
            return
        path = copy
    if path.stat().st_size == 0:
        loaded.fatal.append(_problem(source, "a header line with the column names", "an empty file"))
        return
    options = ["header = true", "all_varchar = true", "store_rejects = true",
               f"rejects_table = '{name}_rejects'", f"rejects_scan = '{name}_scan'"]
    if source.delimiter:
        options.append(f"delim = {lit(source.delimiter)}")
    read = f"CREATE TABLE {name}_text AS SELECT * FROM read_csv(%s, {', '.join(options)})"
    try:
        try:
            con.execute(read % lit(str(path)))
        except duckdb.InvalidInputException as exc:
            crlf, lf = _csvfile.newline_kinds(path)
            if "sniffing" not in str(exc) or not (crlf and lf) or path == copy:
                raise
            _csvfile.uniform_newlines(path, copy)   # mixed line ends: valid CSV that DuckDB's sniffer refuses
            path = copy
            con.execute(read % lit(str(path)))
    except duckdb.Error as exc:
        loaded.fatal.append(_csv_error(source, path, exc))
        return
    loaded.columns = [r[0] for r in con.execute(f"DESCRIBE {name}_text").fetchall()]
    delimiter, written = _csvfile.header(path, source.delimiter, len(loaded.columns))
    loaded.fatal += _twice(source, written, excel=False)
    rejects = con.execute(f"""
        SELECT line, min(error_type), min(error_message) FROM {name}_rejects
        GROUP BY line ORDER BY line""").fetchall()
    bad_encoding = [r[0] for r in rejects if "ENCODING" in r[1] or "UNICODE" in r[1]]
    if bad_encoding:
        con.execute(f"DROP TABLE {name}_rejects; DROP TABLE {name}_scan")
        loaded.fatal.append(_encoding_problem(source, bad_encoding))
        return
    good = con.execute(f"SELECT count(*) FROM {name}_text").fetchone()[0]
    lines = _physical_lines(path, delimiter, len(loaded.columns), good, [r[0] for r in rejects])
    if rejects:
        _malformed(con, loaded, rejects, lines)
    con.execute(f"DROP TABLE {name}_rejects; DROP TABLE {name}_scan")
    if lines is None:
        con.execute(f"CREATE VIEW {name} AS SELECT rowid + 2 AS _row, * FROM {name}_text")
    else:
        con.register(f"{name}_arrow", pa.table({"_row": pa.array(lines[0], pa.int64())}))
        con.execute(f"CREATE TABLE {name}_lines AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
        con.execute(f"CREATE VIEW {name} AS SELECT l._row, t.* FROM {name}_text t POSITIONAL JOIN {name}_lines l")
    loaded.relation = name


def _physical_lines(path: Path, delimiter: str, width: int, good: int,
                    rejected: list[int]) -> tuple[Sequence[int], Sequence[int]] | None:
    """The editor's line of each good record and of each rejected one; None when they are 2, 3, …

    DuckDB numbers records (blank lines included, a value spanning lines counted once). When the
    file has exactly one line per record, that is the line; otherwise Python's csv module finds
    where each record starts.
    """
    records = good + len(rejected)
    if _csvfile.count_lines(path) != records + 1:
        found = _csvfile.record_lines(path, delimiter, width)
        if found is not None and len(found[0]) == good and len(found[1]) == len(rejected):
            return found
        # the two readings disagree: DuckDB's record numbers, right up to the first blank line
    if not rejected:
        return None
    lines = np.arange(2, records + 2, dtype=np.int64)
    return lines[~np.isin(lines, np.asarray(rejected, dtype=np.int64))], rejected


def _letters(number: int) -> str:
    """The Excel letters of column ``number`` (1 is A, 27 is AA)."""
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _csv_error(source: SourceConfig, path: Path, exc: duckdb.Error) -> DataProblem:
    """A file DuckDB could not read at all, named as the user knows it (never a scratch path)."""
    text = str(exc)
    if "Maximum line size" in text:
        found = _csvfile.long_line(path)
        if found:
            line, size = found
            return _problem(source, f"lines of at most {_csvfile.MAX_LINE / 1e6:.0f} MB",
                            f"a line of {size / 1e6:.1f} MB", "A quote is probably not closed, or a value "
                            "holds a whole document; shorten or remove it in the export.", rows=(line,), count=1)
    if "sniffing" in text:
        return _problem(source, "a CSV file", "text whose separator and quoting could not be recognised",
                        "Check `delimiter` and `encoding` in the mapping; a value holding the separator or "
                        "a line break must be in double quotes.")
    first = text.splitlines()[0].split(": ", 1)[-1]
    for written in {str(path), str(source.path)}:
        first = first.replace(written, source.file)
    return _problem(source, "a CSV file", repr(_short(first)), "Check `delimiter` and `encoding` in the mapping.")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _twice(source: SourceConfig, names: list[str], *, excel: bool) -> list[DataProblem]:
    """A header the mapping reads that occurs more than once: the mapping could read the wrong column."""
    used = {c for spec in source.columns.values() for c in spec.source_columns}
    used |= {rule.condition.column for rule in source.drop}
    problems = []
    for column in sorted(used, key=lambda c: names.index(c) if c in names else 0):
        places = [j + 1 for j, n in enumerate(names) if n == column]
        if len(places) > 1:
            shown = [_letters(p) if excel else str(p) for p in places]
            problems.append(DataProblem(
                file=source.label, column=column, rows=(), count=0, expected="the header once",
                found=f"it in columns {', '.join(shown[:-1])} and {shown[-1]}",
                hint="Rename or remove one of them in the export, so that the mapping reads the right column.",
                table=source.table))
    return problems


def _malformed(con: duckdb.DuckDBPyConnection, loaded: Loaded, rejects: list[tuple],
               lines: tuple[Sequence[int], Sequence[int]] | None) -> None:
    """Record the lines DuckDB could not split into the header's columns (one problem per kind)."""
    source, name = loaded.source, loaded.name
    expected_n = len(loaded.columns)
    separated = f"separated by {source.delimiter!r}" if source.delimiter else "as in the header"
    at = lines[1] if lines is not None else [r[0] for r in rejects]
    by_type: dict[str, list[tuple[int, int, str | None]]] = {}
    reasons = []
    for i, (line, kind, message) in enumerate(rejects):
        found = re.search(r"Found: (\d+)", message or "")
        reason = (f"{found.group(1)} values, expected {expected_n}" if found
                  else (message or kind).split(".")[0])
        reasons.append(f"line not read: {reason}")
        by_type.setdefault(kind, []).append((int(at[i]), line, found.group(1) if found else None))
    con.register(f"{name}_bad_arrow", pa.table({"_row": pa.array(at, pa.int64()),
                                                "reason": pa.array(reasons, pa.string())}))
    con.execute(f"CREATE TABLE {name}_bad AS SELECT * FROM {name}_bad_arrow")
    con.unregister(f"{name}_bad_arrow")
    loaded.malformed_table = f"{name}_bad"
    for kind, items in by_type.items():
        shown, record, n = items[0]
        text = con.execute(f"SELECT min(csv_line) FROM {name}_rejects WHERE line = ?", [record]).fetchone()[0]
        text = _short((text or "").strip("\r\n"), 200)
        found = f"{n} values in {text!r}" if n else repr(text)
        loaded.malformed.append(_problem(
            source, f"{expected_n} values per line, {separated}", found,
            _MALFORMED.get(kind, "Check the quoting of values in the export."),
            rows=tuple(i[0] for i in items[:5]), count=len(items)))


def _encoding_problem(source: SourceConfig, lines: list[int]) -> DataProblem:
    """Invalid UTF-8: show the first bad byte and what it would be in Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    found = "bytes that are not UTF-8"
    with open(source.path, "rb") as fin:
        while chunk := fin.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                byte = exc.object[exc.start:exc.start + 1]
                found = (f"byte 0x{byte[0]:02X}, which reads as "
                         f"{byte.decode('cp1252', errors='replace')!r} in Windows-1252")
                break
    return _problem(source, "UTF-8 text", found, "Set `encoding: cp1252` in the mapping.",
                    rows=tuple(lines[:5]), count=len(lines))


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
