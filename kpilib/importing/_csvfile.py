"""Byte-level work on a CSV export before and after DuckDB reads it.

Transcoding to UTF-8, making mixed line endings uniform, the header as written (to find a
name that occurs twice), the first over-long line, and the physical line on which each
record starts (the line a user finds in an editor, which differs from the record number once
a file has blank lines or values that span lines).
"""

from __future__ import annotations

import codecs
import csv
import io
from array import array
from pathlib import Path

_CHUNK = 1 << 20
#: DuckDB's default ``max_line_size``: a longer line stops the reading.
MAX_LINE = 2_000_000


class BadText(Exception):
    """A byte that is not in the file's encoding, on ``line``."""

    def __init__(self, byte: int, line: int) -> None:
        super().__init__(byte, line)
        self.byte, self.line = byte, line


def transcode(source: Path, target: Path, codec: str) -> None:
    """Rewrite ``source`` in ``codec`` as UTF-8 with ``\\n`` line ends, a megabyte at a time."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    line, carry = 1, ""
    with open(source, "rb") as fin, open(target, "w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(_CHUNK):
            try:
                text = carry + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise BadText(exc.object[exc.start], line + chunk[:exc.start].count(b"\n")) from None
            carry = "\r" if text.endswith("\r") else ""
            fout.write(text[:len(text) - len(carry)].replace("\r\n", "\n"))
            line += chunk.count(b"\n")
        fout.write((carry + decoder.decode(b"", final=True)).replace("\r\n", "\n"))


def newline_kinds(path: Path) -> tuple[int, int]:
    """(lines ending in ``\\r\\n``, lines ending in a bare ``\\n``)."""
    crlf = lf = 0
    last = b""
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            lf += chunk.count(b"\n")
            crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    return crlf, lf - crlf


def uniform_newlines(source: Path, target: Path) -> None:
    """Copy ``source`` with every ``\\r\\n`` written as ``\\n`` (the line numbers stay the same)."""
    carry = b""
    with open(source, "rb") as fin, open(target, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            data = carry + chunk
            carry = b"\r" if data.endswith(b"\r") else b""
            fout.write(data[:len(data) - len(carry)].replace(b"\r\n", b"\n"))
        fout.write(carry)


def count_lines(path: Path) -> int:
    """Physical lines, a last line without a line end included."""
    n, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def long_line(path: Path, limit: int = MAX_LINE) -> tuple[int, int] | None:
    """(line, length in bytes) of the first line longer than ``limit``."""
    line, length = 1, 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                length += end - start
                if length > limit:
                    return line, length
                line, length, start = line + 1, 0, end + 1
            length += len(chunk) - start
            if length > limit:
                while (rest := f.read(_CHUNK)) and (end := rest.find(b"\n")) == -1:
                    length += len(rest)
                return line, length + (end if rest else 0)
    return None


def header(path: Path, delimiter: str | None, width: int) -> tuple[str, list[str]]:
    """The delimiter and the header names as written (trimmed).

    Without ``delimiter`` it is the one that splits the first line into ``width`` names.
    """
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        text = f.read(_CHUNK)
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = next((d for d in ";,\t|" if len(first.split(d)) == width), ",")
    row = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return delimiter, [name.strip() for name in row]


def record_lines(path: Path, delimiter: str, width: int) -> tuple[array, array] | None:
    """The physical start lines of the records with ``width`` values and of the others.

    Blank lines are skipped as DuckDB skips them; a quoted value may span lines.  None when
    Python's reading of the file cannot be matched to DuckDB's (the caller counts records then).
    """
    good, bad = array("q"), array("q")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=False)
        start = 1
        try:
            next(reader)
            start = reader.line_num + 1
            for row in reader:
                if row:
                    (good if len(row) == width else bad).append(start)
                start = reader.line_num + 1
        except (csv.Error, StopIteration):
            return None
    return good, bad
