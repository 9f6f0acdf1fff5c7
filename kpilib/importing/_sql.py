"""SQL expressions that parse the text of an export: numbers, durations, booleans, timestamps.

Every expression takes the name of a column (or select-list alias) that holds
trimmed text, with NULL for an empty field, and yields NULL where the text
cannot be read; the validation finds those rows by comparing text and value.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from kpilib.data.config import Condition

#: Formats tried, in this order, for a timestamp column without a format (docs/mapping.md).
#: The last five are extensions: fractional seconds, and ISO times with a UTC offset.
TIMESTAMP_FORMATS = (
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z",
)
#: Formats tried for the date column of a ``{date: D, time: T}`` pair.
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y")
#: How Excel date cells and Parquet timestamps are written into the text tables.
ISO_FORMAT = "%Y-%m-%d %H:%M:%S"

TRUE_WORDS = ("ja", "j", "yes", "y", "true", "1", "waar")
FALSE_WORDS = ("nee", "n", "no", "false", "0", "onwaar")

#: How many non-empty values the format detection looks at.
DETECT_SAMPLE = 20_000
_EXAMPLE = dt.datetime(2026, 12, 31, 14, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
_DURATION = r"-?(\d+:[0-5]?\d|\d+):[0-5]?\d([.,]\d+)?"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A SQL string literal (or NULL)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def text(column: str) -> str:
    """The trimmed text of a source column, NULL when empty."""
    return f"nullif(trim(s.{ident(column)}), '')"


def condition(cond: Condition) -> str:
    """A ``when`` / ``drop`` condition; texts compare trimmed and exactly, an empty field as ''."""
    value = f"coalesce({text(cond.column)}, '')"
    values = ", ".join(lit((v or "").strip()) for v in cond.values)
    return {
        "equals": f"{value} = {values}", "not_equals": f"{value} <> {values}",
        "in": f"{value} IN ({values})", "not_in": f"{value} NOT IN ({values})",
        "not_null": f"{value} <> ''", "is_null": f"{value} = ''",
    }[cond.op]


def number(alias: str, decimal: str) -> str:
    """A DOUBLE from text with ``decimal`` as separator.

    The other separator is never accepted (no thousands groups): with
    ``decimal=","`` a value such as ``1.250`` could mean 1.25 or 1250, so it
    yields NULL and is reported rather than guessed.
    """
    value = f"replace({alias}, ',', '.')" if decimal == "," else alias
    return (f"(CASE WHEN regexp_full_match({alias}, '[-+]?[0-9]*[{re.escape(decimal)}]?[0-9]+') "
            f"THEN try_cast({value} AS DOUBLE) END)")


def duration(alias: str, decimal: str, factor: int) -> str:
    """Seconds (DOUBLE) from ``h:mm:ss``, ``m:ss`` or a number of ``factor`` seconds.

    A clock value has two or three parts (the pattern allows no other), read as ``m * 60 + s``
    or ``(h * 60 + m) * 60 + s``; without lambdas, which cost twice as much per value.
    """
    parts = f"string_split(ltrim({alias}, '-'), ':')"
    part = lambda i: f"try_cast(replace({parts}[{i}], ',', '.') AS DOUBLE)"  # noqa: E731
    clock = (f"(CASE WHEN starts_with({alias}, '-') THEN -1 ELSE 1 END) * (CASE len({parts}) "
             f"WHEN 2 THEN {part(1)} * 60 + {part(2)} ELSE ({part(1)} * 60 + {part(2)}) * 60 + {part(3)} END)")
    return (f"(CASE WHEN NOT contains({alias}, ':') THEN {number(alias, decimal)} * {factor} "
            f"WHEN regexp_full_match({alias}, '{_DURATION}') THEN {clock} END)")


def whole_float(alias: str) -> str:
    """True where the text is a whole number written as a float (``500000052.0``), as Excel writes ids."""
    return f"(contains({alias}, '.') OR contains({alias}, ',')) AND regexp_full_match({alias}, '-?[0-9]+[.,]0+')"


def boolean(alias: str) -> str:
    """A BOOLEAN from ja/nee, yes/no, true/false, 1/0 and the like, in any case."""
    words = lambda ws: ", ".join(lit(w) for w in ws)  # noqa: E731
    return (f"(CASE WHEN lower({alias}) IN ({words(TRUE_WORDS)}) THEN true "
            f"WHEN lower({alias}) IN ({words(FALSE_WORDS)}) THEN false END)")


def has_offset(fmt: str) -> bool:
    """Whether a format reads a UTC offset (and so yields an instant, not a local time)."""
    return "%z" in fmt or "%Z" in fmt


def strptime(alias: str, fmt: str, iso_fallback: bool) -> str:
    """Parse with ``fmt``; a year outside 1900-2199 counts as unparsable.

    ``iso_fallback`` also accepts :data:`ISO_FORMAT` (real date cells of Excel,
    Parquet timestamps).  A format with ``%z`` yields TIMESTAMPTZ (``Z`` is
    read as +00:00), any other a local TIMESTAMP.
    """
    value = f"replace({alias}, 'Z', '+00:00')" if has_offset(fmt) else alias
    parsed = f"try_strptime({value}, {lit(fmt)})"
    if iso_fallback and not has_offset(fmt):
        parsed = f"coalesce({parsed}, try_strptime({alias}, {lit(ISO_FORMAT)}))"
    return f"(CASE WHEN year({parsed}) BETWEEN 1900 AND 2199 THEN {parsed} END)"


def date_part(alias: str, fmt: str, iso_fallback: bool) -> str:
    """A DATE from the date column of a date/time pair."""
    return f"CAST({strptime(alias, fmt, iso_fallback)} AS DATE)"


def time_part(alias: str) -> str:
    """A TIME from ``14:05``, ``14:05:00`` or ``9:05``."""
    return f"try_cast({alias} AS TIME)"


def example(fmt: str) -> str:
    """What a value in ``fmt`` looks like: 31-12-2026 14:05:00."""
    try:
        return _EXAMPLE.strftime(fmt)
    except ValueError:
        return fmt


def check_format(con: duckdb.DuckDBPyConnection, fmt: str) -> str | None:
    """The error DuckDB gives for a format it cannot use, or None when it is fine."""
    try:
        con.execute(f"SELECT try_strptime('2026-12-31', {lit(fmt)})")
    except duckdb.Error as exc:
        return str(exc).splitlines()[0]
    return None


def detect_format(con: duckdb.DuckDBPyConnection, values_sql: str, candidates: tuple[str, ...],
                  iso_fallback: bool) -> str:
    """The first candidate that parses every value of a sample; else the one that parses most.

    ``values_sql`` selects one column ``v`` of trimmed, non-null texts.  The
    candidates exclude one another (a value fits at most one of them), so a
    sample decides as well as the whole column would; values the chosen format
    cannot parse are reported by the validation.
    """
    counts = ", ".join(f"count(*) FILTER (WHERE {strptime('v', f, iso_fallback)} IS NULL)"
                       for f in candidates)
    failed = con.execute(f"SELECT {counts} FROM ({values_sql} LIMIT {DETECT_SAMPLE})").fetchone()
    best = min(range(len(candidates)), key=lambda i: (failed[i], i))
    return candidates[best]


def local_text(instant: str, time_zone: str) -> str:
    """An instant as local text, 31-12-2026 14:05:00, for messages."""
    return f"strftime(timezone({lit(time_zone)}, {instant}), '%d-%m-%Y %H:%M:%S')"
