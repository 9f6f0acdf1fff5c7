"""Dates far outside the others: a contact in 1900, a survey in 2099.

Such a date reads well and imports, yet it is almost always a default value or a typing error, and
it stretches every period-based KPI. Per timestamp column, the quartiles give the range where
half the dates lie; a date more than three times that range's width (and at least a year) before
or after it is named in a warning, by file, column and rows. Quartiles, unlike the extremes, are
not moved by the few dates they are to find.

The quartiles are DuckDB's ``quantile_disc``, found in bounded memory: that aggregate keeps every
value outside DuckDB's memory limit (800 MB per quartile and column at 100 M contacts), so the
dates are counted per day, and only the day that holds a quartile is sorted.
"""

from __future__ import annotations

import bisect
import itertools
import math

import duckdb

from kpilib.exceptions import MAX_ROWS_SHOWN, DataProblem
from kpilib.importing._mapping import Mapped
from kpilib.importing._sql import local_text
from kpilib.data.schema import TABLES

#: The least distance, in days, from the range of the dates for a date to count as far outside.
MIN_MARGIN_DAYS = 365


def outlying_dates(con: duckdb.DuckDBPyConnection, tables: list[str], mapped: list[Mapped],
                   time_zone: str) -> list[str]:
    """Warnings for the dates far outside the others in the mapped sources of ``tables``.

    Read from the mapped tables (materialised, one pass per column), not from the final views.
    """
    warnings = []
    for table in tables:
        sources = [m for m in mapped if m.source.table == table]
        for column in (c.name for c in TABLES[table].columns if c.kind == "timestamp"):
            having = [m for m in sources if column in m.values]
            if not having:
                continue
            union = " UNION ALL ".join(f"SELECT {m.index} AS _src, _row, CAST({m.values[column]} AS TIMESTAMPTZ) AS v "
                                       f"FROM {m.table}" for m in having)
            quartiles = _quartiles(con, union)
            if quartiles is None:
                continue
            found = con.execute(f"""
                WITH u AS ({union}),
                r AS (SELECT make_timestamptz({quartiles[0]}) AS lo, make_timestamptz({quartiles[1]}) AS hi),
                b AS (SELECT lo, hi, greatest(3 * (hi - lo), INTERVAL {MIN_MARGIN_DAYS} DAY) AS margin FROM r)
                SELECT _src, count(*), min(_row, {MAX_ROWS_SHOWN}), arg_min({local_text("v", time_zone)}, _row),
                       any_value({local_text("lo", time_zone)}), any_value({local_text("hi", time_zone)})
                FROM u, b WHERE v < lo - margin OR v > hi + margin
                GROUP BY _src ORDER BY _src""").fetchall()
            by_index = {m.index: m for m in having}
            for src, count, rows, value, first, last in found:
                m = by_index[src]
                warnings.append(DataProblem(
                    file=m.source.label, column=m.label_of(column), rows=tuple(rows), count=count,
                    expected=f"dates near the others (half of `{column}` lie from {first} to {last})",
                    found=f"'{value}'", hint="Check these rows in the export: a default or mistyped date "
                    "stretches every KPI of its period.", table=table).message())
    return warnings


def _quartiles(con: duckdb.DuckDBPyConnection, union: str) -> tuple[int, int] | None:
    """``quantile_disc(v, 0.25)`` and ``(v, 0.75)`` of ``union``, in microseconds; None without dates.

    ``quantile_disc(v, q)`` is the value at 0-based position ceil(q * n) - 1 of the n sorted
    values. The days before a quartile's day are counted; the day itself is sorted.
    """
    day = "epoch_us(v) // 86400000000"
    days = con.execute(f"SELECT {day} AS d, count(*) FROM ({union}) WHERE v IS NOT NULL "
                       "GROUP BY d ORDER BY d").fetchall()
    n = sum(count for _, count in days)
    if n == 0:
        return None
    ends = list(itertools.accumulate(count for _, count in days))   # rows up to each day's end
    found = []
    for q in (0.25, 0.75):
        position = max(math.ceil(q * n) - 1, 0)
        i = bisect.bisect_right(ends, position)
        d, before = days[i][0], ends[i] - days[i][1]
        found.append(con.execute(f"SELECT epoch_us(v) FROM ({union}) WHERE v IS NOT NULL AND {day} = {d} "
                                 f"ORDER BY v LIMIT 1 OFFSET {position - before}").fetchone()[0])
    return found[0], found[1]
