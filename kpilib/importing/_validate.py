"""Run the checks of the mapped sources and turn failing rows into :class:`DataProblem` s.

All checks of a source are counted in one pass over its mapped table; a
check yields one problem with the first five failing rows, the number of
failing rows and the first failing value.  Duplicate ids are found over all
sources of a table.  For ``--quarantine`` the same predicates give each
rejected row its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpilib.exceptions import MAX_ROWS_SHOWN, DataProblem
from kpilib.importing import _sql as q
from kpilib.importing._mapping import Mapped
from kpilib.data.schema import TABLES

_MAX_FOUND = 60


@dataclass
class Duplicates:
    """The rows of a table whose id was already seen on an earlier row (table ``dup_<table>``)."""

    table: str
    key: str
    relation: str


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= _MAX_FOUND else text[:_MAX_FOUND - 1] + "…"


def check_source(con: duckdb.DuckDBPyConnection, mapped: Mapped) -> tuple[list[DataProblem], list[tuple[str, int]]]:
    """Problems of one mapped source, and the number of repeated-hour reads per column.

    A first pass only counts the failing rows of every check; the rows and
    values of the checks that fail are fetched in a second pass.
    """
    checks = mapped.checks
    counts = [f"count(*) FILTER (WHERE {c.predicate})" for c in checks]
    counts += [f"count(*) FILTER (WHERE {pred})" for _, pred in mapped.repeats]
    if not counts:
        return [], []
    row = con.execute(f"SELECT {', '.join(counts)} FROM {mapped.table}").fetchone()
    repeats = [(label, n) for (label, _), n in zip(mapped.repeats, row[len(checks):]) if n]
    failing = [(c, n) for c, n in zip(checks, row) if n]
    if not failing:
        return [], repeats
    parts = []
    for c, _ in failing:
        parts += [f"min(_row, {MAX_ROWS_SHOWN}) FILTER (WHERE {c.predicate})",
                  f"arg_min({c.found}, _row) FILTER (WHERE {c.predicate})"]
    details = con.execute(f"SELECT {', '.join(parts)} FROM {mapped.table}").fetchone()
    problems = []
    for i, (c, count) in enumerate(failing):
        rows, found = details[2 * i:2 * i + 2]
        found = "an empty field" if found is None else _shown(found) if c.quoted else str(found)
        hint = c.hint(found) if callable(c.hint) else c.hint
        problems.append(DataProblem(
            file=mapped.source.label, column=c.column, rows=tuple(rows), count=count, expected=c.expected,
            found=f"'{found}'" if c.quoted else found, hint=hint, table=mapped.source.table))
    return problems, repeats


def find_duplicates(con: duckdb.DuckDBPyConnection, table: str,
                    sources: list[Mapped]) -> tuple[list[tuple[int, DataProblem]], Duplicates | None]:
    """Rows whose id repeats an earlier row's (in source order): (source index, problem) pairs and a table."""
    key = TABLES[table].key
    usable = [m for m in sources if key and key in m.values and m.source.columns[key].kind != "constant"]
    if not usable:
        return [], None
    union = " UNION ALL ".join(f"SELECT {m.index} AS _src, _row, {m.values[key]} AS k FROM {m.table} "
                               f"WHERE {m.values[key]} IS NOT NULL" for m in usable)
    relation = f"dup_{table}"
    con.execute(f"""
        CREATE TABLE {relation} AS
        WITH u AS ({union}),
        repeated AS (SELECT * FROM u WHERE k IN (SELECT k FROM u GROUP BY k HAVING count(*) > 1))
        SELECT _src, _row, k, first_src, first_row FROM (
            SELECT *, first_value(_src) OVER w AS first_src, first_value(_row) OVER w AS first_row,
                   row_number() OVER w AS n
            FROM repeated WINDOW w AS (PARTITION BY k ORDER BY _src, _row))
        WHERE n > 1""")
    summary = con.execute(f"""
        SELECT _src, count(*), min(_row, {MAX_ROWS_SHOWN}), arg_min(k, _row), arg_min(first_src, _row),
               arg_min(first_row, _row)
        FROM {relation} GROUP BY _src ORDER BY _src""").fetchall()
    by_index = {m.index: m for m in usable}
    problems = []
    for src, count, rows, k, first_src, first_row in summary:
        mapped = by_index[src]
        where = f"row {first_row}" if first_src == src else f"{by_index[first_src].source.label}, row {first_row}"
        problems.append((src, DataProblem(
            file=mapped.source.label, column=mapped.label_of(key), rows=tuple(rows), count=count,
            expected=f"each `{key}` once", found=f"'{_shown(k)}' again (first on {where})",
            hint="Remove the repeated rows from the export, or check that the id column is the right one.",
            table=table)))
    return problems, Duplicates(table, key, relation)


def rejected_rows(con: duckdb.DuckDBPyConnection, mapped: Mapped, duplicates: Duplicates | None) -> str:
    """Create ``rej<index>`` (_row, reason) with every row of a source that fails a check."""
    reasons = [f"CASE WHEN {c.predicate} THEN {q.lit(c.reason)} END" for c in mapped.checks]
    join = ""
    if duplicates is not None and mapped.values.get(duplicates.key):
        label = mapped.label_of(duplicates.key)
        join = (f"LEFT JOIN (SELECT _row AS _dup_row, first_row AS _dup_first FROM {duplicates.relation} "
                f"WHERE _src = {mapped.index}) d ON d._dup_row = m._row")
        reasons.append(f"CASE WHEN _dup_row IS NOT NULL THEN {q.lit(f'`{label}`: repeats the id of row ')} "
                       f"|| _dup_first END")
    relation = f"rej{mapped.index}"
    reason = f"concat_ws('; ', {', '.join(reasons)})" if reasons else "''"
    con.execute(f"CREATE TABLE {relation} AS SELECT _row, reason FROM "
                f"(SELECT m._row AS _row, {reason} AS reason FROM {mapped.table} m {join}) WHERE reason <> ''")
    return relation
