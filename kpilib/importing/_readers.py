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
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpilib.data.config import SourceConfig
from kpilib.exceptions import DataProblem
from kpilib.importing._sql import ISO_FORMAT, ident, lit

_BATCH = 20_000
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


def read_source(con: duckdb.DuckDBPyConnection, source: SourceConfig, name: str, scratch: Path) -> Loaded:
    """Read ``source`` into ``con`` as the relation ``name`` (see the module docstring)."""
    loaded = Loaded(source, name)
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
    source, name = loaded.source, loaded.name
    path = source.path
    if source.encoding != "utf-8":
        path = scratch / f"{name}.csv"
        problem = _transcode(source, path)
        if problem:
            loaded.fatal.append(problem)
            return
    if path.stat().st_size == 0:
        loaded.fatal.append(_problem(source, "a header line with the column names", "an empty file"))
        return
    options = ["header = true", "all_varchar = true", "store_rejects = true",
               f"rejects_table = '{name}_rejects'", f"rejects_scan = '{name}_scan'"]
    if source.delimiter:
        options.append(f"delim = {lit(source.delimiter)}")
    try:
        con.execute(f"CREATE TABLE {name}_text AS SELECT * FROM read_csv({lit(str(path))}, {', '.join(options)})")
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0].split(": ", 1)[-1]
        loaded.fatal.append(_problem(source, "a CSV file", repr(first),
                                     "Check `delimiter` and `encoding` in the mapping."))
        return
    loaded.columns = [r[0] for r in con.execute(f"DESCRIBE {name}_text").fetchall()]
    rejects = con.execute(f"""
        SELECT line, min(error_type), min(csv_line), min(error_message) FROM {name}_rejects
        GROUP BY line ORDER BY line""").fetchall()
    con.execute(f"DROP TABLE {name}_rejects; DROP TABLE {name}_scan")
    bad_encoding = [r[0] for r in rejects if "ENCODING" in r[1] or "UNICODE" in r[1]]
    if bad_encoding:
        loaded.fatal.append(_encoding_problem(source, bad_encoding))
        return
    row = "rowid + 2"
    if rejects:
        _malformed(con, loaded, rejects)
        row += f" + (SELECT count(*) FROM {name}_bad b WHERE b.good_before <= t.rowid)"
    con.execute(f"CREATE VIEW {name} AS SELECT {row} AS _row, * FROM {name}_text t")
    loaded.relation = name


def _malformed(con: duckdb.DuckDBPyConnection, loaded: Loaded, rejects: list[tuple]) -> None:
    """Record the lines DuckDB could not split into the header's columns."""
    source, name = loaded.source, loaded.name
    expected_n = len(loaded.columns)
    separated = f"separated by {source.delimiter!r}" if source.delimiter else "as in the header"
    by_type: dict[str, list[tuple]] = {}
    rows = []
    for i, (line, kind, text, message) in enumerate(rejects):
        found = re.search(r"Found: (\d+)", message or "")
        reason = (f"{found.group(1)} values, expected {expected_n}" if found
                  else (message or kind).split(".")[0])
        rows.append((line, line - 2 - i, f"line not read: {reason}"))
        by_type.setdefault(kind, []).append((line, found.group(1) if found else None, text))
    con.execute(f"CREATE TABLE {name}_bad (_row BIGINT, good_before BIGINT, reason VARCHAR)")
    con.executemany(f"INSERT INTO {name}_bad VALUES (?, ?, ?)", rows)
    loaded.malformed_table = f"{name}_bad"
    for kind, items in by_type.items():
        line, n, text = items[0]
        found = f"{n} values in {text!r}" if n else repr(text)
        loaded.malformed.append(_problem(
            source, f"{expected_n} values per line, {separated}", found,
            _MALFORMED.get(kind, "Check the quoting of values in the export."),
            rows=tuple(i[0] for i in items[:5]), count=len(items)))


def _transcode(source: SourceConfig, target: Path) -> DataProblem | None:
    """Rewrite a cp1252 / latin-1 / utf-16 file as UTF-8, a megabyte at a time."""
    codec = {"latin-1": "latin-1"}.get(source.encoding, source.encoding)
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    line = 1
    with open(source.path, "rb") as fin, open(target, "w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(1 << 20):
            try:
                fout.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                at = line + chunk[:exc.start].count(b"\n")
                byte = exc.object[exc.start]
                return _problem(source, f"{source.encoding} text",
                                f"byte 0x{byte:02X} on line {at}, which is not a {source.encoding} character",
                                "Check `encoding` in the mapping: utf-8, cp1252, latin-1 or utf-16.",
                                rows=(at,), count=1)
            line += chunk.count(b"\n")
        fout.write(decoder.decode(b"", final=True))
    return None


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
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None for v in header):
            loaded.fatal.append(_problem(source, "the column names in row 1", "an empty first row"))
            return
        names = _unique([str(v).strip() if v is not None and str(v).strip() else f"column{j + 1}"
                         for j, v in enumerate(header)])
        loaded.columns = names
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
