"""Read a CSV export into DuckDB: the text of every value, and the editor's line of every row.

DuckDB's reader does the work; around it, a UTF-8 copy of a file in another encoding (or with
mixed line ends, which DuckDB's sniffer refuses), the lines that could not be split into the
header's columns, and the physical line of each record.

A file is first read straight into its mapping, without a table of its text: the mapping
checks that DuckDB read every line as one record (:func:`complete`), and asks for the careful
reading (:func:`read_again`) otherwise. Its text is read only where a message or the quarantine
shows it (:func:`text_of`). A UTF-8 copy of a file read straight stays in the scratch folder
until the import ends; a copy for the careful reading lives only while its file is read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kpilib.data.config import SourceConfig
from kpilib.exceptions import DataProblem
from kpilib.importing import _csvfile
from kpilib.importing._loaded import Loaded, problem as _problem, short as _short, twice as _twice
from kpilib.importing._sql import lit

_MALFORMED = {
    "TOO MANY COLUMNS": "A value probably contains the separator and should be quoted in the export.",
    "MISSING COLUMNS": "The line is cut short, or the file uses another separator.",
}


def read_csv(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> None:
    """Read a CSV export, straight into its mapping where it can be (see the module docstring)."""
    if not _straight(con, loaded, scratch):
        _read_carefully(con, loaded, scratch, header_checked=False)


def read_again(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> None:
    """Read a file that its mapping could not read straight (a line DuckDB cannot split, …) carefully."""
    if loaded.straight is not None and loaded.straight != loaded.source.path:
        loaded.straight.unlink(missing_ok=True)
    loaded.relation = loaded.straight = None
    _read_carefully(con, loaded, scratch, header_checked=True)


def complete(loaded: Loaded, records: int) -> bool:
    """Whether ``records`` read straight from the file are all its lines but the header, one each.

    Blank lines, which DuckDB skips, and values spanning lines need the careful reading, which
    finds the line of each record.
    """
    return _csvfile.count_lines(loaded.straight) == records + 1


def text_of(con: duckdb.DuckDBPyConnection, loaded: Loaded) -> str:
    """The relation of a source's text with ``_row``; a file read straight is read as text now.

    Its mapping found every record on its own line, none rejected, so the line is the record's
    number plus one, as the careful reading would give it.
    """
    if loaded.straight is not None:
        name = loaded.name
        con.execute(f"CREATE TABLE {name}_text AS SELECT * FROM {scan(loaded)}")
        con.execute(f"CREATE VIEW {name} AS SELECT rowid + 2 AS _row, * FROM {name}_text")
        loaded.straight = None
    return loaded.relation


def scan(loaded: Loaded, *, strict: bool = True) -> str:
    """The ``read_csv`` of a file read straight; strict, every line must split into the header's columns."""
    options = _options(loaded.source) + ([] if strict else ["ignore_errors = true"])
    return f"read_csv({', '.join([lit(str(loaded.straight)), *options])})"


def sample_of(loaded: Loaded) -> str:
    """What a sample of a source's values is read from: its text, or the file read straight."""
    return loaded.relation if loaded.straight is None else scan(loaded, strict=False)


def _options(source: SourceConfig) -> list[str]:
    # RFC 4180 quoting, always: a sniffed quote character (an apostrophe in a name) merges records
    options = ["header = true", "all_varchar = true", "quote = '\"'", "escape = '\"'"]
    if source.delimiter:
        options.append(f"delim = {lit(source.delimiter)}")
    return options


def _straight(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path) -> bool:
    """Prepare reading a file straight into its mapping; False where it needs the careful reading."""
    source = loaded.source
    if source.pivot is not None or source.path.stat().st_size == 0:
        return False
    path = source.path
    if source.encoding != "utf-8":
        path = scratch / f"{loaded.name}_utf8.csv"
        if transcode_source(source, path):   # a byte that is not text: the careful reading says where
            path.unlink(missing_ok=True)
            return False
    loaded.straight = path
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan(loaded)}").fetchall()
    except duckdb.Error:
        if path != source.path:
            path.unlink()
        loaded.straight = None
        return False
    loaded.columns = [r[0] for r in described]
    _, written = _csvfile.header(path, source.delimiter, len(loaded.columns))
    loaded.fatal += _twice(source, written, excel=False)
    loaded.relation = loaded.name
    return True


def _read_carefully(con: duckdb.DuckDBPyConnection, loaded: Loaded, scratch: Path, *, header_checked: bool) -> None:
    copy = scratch / f"{loaded.name}.csv"
    try:
        _read_csv_file(con, loaded, copy, header_checked)
    finally:
        copy.unlink(missing_ok=True)


def transcode_source(source: SourceConfig, target: Path) -> DataProblem | None:
    """Rewrite a cp1252 / latin-1 / utf-16 export as UTF-8 in ``target``; the problem when a byte is not text."""
    codec = {"latin-1": "latin-1"}.get(source.encoding, source.encoding)
    try:
        _csvfile.transcode(source.path, target, codec)
    except _csvfile.BadText as exc:
        return _problem(source, f"{source.encoding} text",
                        f"byte 0x{exc.byte:02X} on line {exc.line}, which is not a {source.encoding} character",
                        "Check `encoding` in the mapping: utf-8, cp1252, latin-1 or utf-16.", rows=(exc.line,),
                        count=1)
    return None


def _read_csv_file(con: duckdb.DuckDBPyConnection, loaded: Loaded, copy: Path, header_checked: bool) -> None:
    source, name = loaded.source, loaded.name
    path = source.path
    if source.encoding != "utf-8":
        problem = transcode_source(source, copy)
        if problem:
            loaded.fatal.append(problem)
            return
        path = copy
    if path.stat().st_size == 0:
        loaded.fatal.append(_problem(source, "a header line with the column names", "an empty file"))
        return
    options = _options(source) + ["store_rejects = true", f"rejects_table = '{name}_rejects'",
                                  f"rejects_scan = '{name}_scan'"]
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
    if con.execute(f"SELECT count(*) FROM {name}_rejects").fetchone()[0]:
        # DuckDB 1.5's parallel reader loses good records near a rejected one (a third of them in a
        # file with one bad line in five); read such a file again on one thread
        con.execute(f"DROP TABLE {name}_text; DROP TABLE {name}_rejects; DROP TABLE {name}_scan")
        con.execute(read.replace("store_rejects = true", "store_rejects = true, parallel = false") % lit(str(path)))
    loaded.columns = [r[0] for r in con.execute(f"DESCRIBE {name}_text").fetchall()]
    delimiter, written = _csvfile.header(path, source.delimiter, len(loaded.columns))
    if not header_checked:
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
    try:
        lines = _physical_lines(path, delimiter, len(loaded.columns), good, [r[0] for r in rejects])
    except _RecordsLost as lost:
        con.execute(f"DROP TABLE {name}_rejects; DROP TABLE {name}_scan")
        loaded.fatal.append(_problem(
            source, f"all {lost.in_file:,} records of the file read", f"only {lost.read:,} of them read",
            "Save the export again (a single separator, one record per line) and import it again."))
        return
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


class _RecordsLost(Exception):
    """The file holds more records than DuckDB read: importing it would drop rows unnoticed."""

    def __init__(self, in_file: int, read: int):
        super().__init__(in_file, read)
        self.in_file, self.read = in_file, read


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
        if found is not None and len(found[0]) + len(found[1]) > records:
            raise _RecordsLost(len(found[0]) + len(found[1]), records)
        # the two readings disagree: DuckDB's record numbers, right up to the first blank line
    if not rejected:
        return None
    lines = np.arange(2, records + 2, dtype=np.int64)
    return lines[~np.isin(lines, np.asarray(rejected, dtype=np.int64))], rejected


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


