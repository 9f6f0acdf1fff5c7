"""Run the checks of the mapped sources and turn failing rows into :class:`DataProblem` s.

Every check of a source was evaluated when the source was mapped, as one bit of the mapped
table's flag columns; the flags are counted in one pass.  A check that fails yields one
problem with the first five failing rows, the number of failing rows and the first failing
value, read again from the source for the failing rows only.  The same pass counts the rows
with any problem, and the values nulled by ``invalid: null``; for the status
log it lists the teams that ``lines:`` does not name.  Duplicate ids are found over all
sources of a table.  For ``--quarantine`` the same predicates give each
rejected row its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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


def check_source(con: duckdb.DuckDBPyConnection, mapped: Mapped,
                 lines: Any = None) -> tuple[list[DataProblem], list[tuple[str, int]]]:
    """Problems of one mapped source, and the number of repeated-hour reads per column.

    A first pass only counts the set flags of every check; the rows and values of the
    checks that fail are fetched in a second pass over the failing rows of the source.  It also sets
    ``mapped.problem_rows``, ``mapped.nulled_counts`` and (given the plain
    ``lines:`` block of workshop.yaml) ``mapped.unknown_teams``.
    """
    checks = mapped.checks
    counts = [f"count(*) FILTER (WHERE {test})" for test in mapped.failed]
    counts += [f"count(*) FILTER (WHERE {test})" for _, test in mapped.repeats]
    counts += [f"count(*) FILTER (WHERE {test})" for _, test in mapped.nulled]
    counts.append(f"count(*) FILTER (WHERE {mapped.any_failed()})")
    row = con.execute(f"SELECT {', '.join(counts)} FROM {mapped.table}").fetchone()
    n_checks, n_repeats = len(checks), len(mapped.repeats)
    repeats = [(label, n) for (label, _), n in zip(mapped.repeats, row[n_checks:]) if n]
    mapped.nulled_counts = [(name, n) for (name, _), n in zip(mapped.nulled, row[n_checks + n_repeats:]) if n]
    mapped.problem_rows = row[-1]
    mapped.unknown_teams = unknown_teams(con, mapped, lines)
    failing = [(c, n) for c, n in zip(checks, row) if n]
    if not failing:
        return [], repeats
    parts = []
    for c, _ in failing:
        parts += [f"min(_row, {MAX_ROWS_SHOWN}) FILTER (WHERE {c.predicate})",
                  f"arg_min({c.found}, _row) FILTER (WHERE {c.predicate})"]
    failed = " OR ".join(test for test, n in zip(mapped.failed, row) if n)
    rows = mapped.rows_sql(con, f"s._row IN (SELECT _row FROM {mapped.table} WHERE {failed})")
    details = con.execute(f"SELECT {', '.join(parts)} FROM ({rows})").fetchone()
    problems = []
    for i, (c, count) in enumerate(failing):
        rows, found = details[2 * i:2 * i + 2]
        found = "an empty field" if found is None else _shown(found) if c.quoted else str(found)
        hint = c.hint(found) if callable(c.hint) else c.hint
        problems.append(DataProblem(
            file=mapped.source.label, column=c.column, rows=tuple(rows), count=count, expected=c.expected,
            found=f"'{found}'" if c.quoted else found, hint=hint, table=mapped.source.table))
    return problems, repeats


def unknown_teams(con: duckdb.DuckDBPyConnection, mapped: Mapped, lines: Any) -> list[tuple[str, int]]:
    """Teams of a status-log source in neither ``lines.order`` nor ``lines.outside``, with their rows.

    Nothing when the source is not the status log or ``lines:`` names neither list.
    """
    if mapped.source.table != "events" or "team" not in mapped.values or not isinstance(lines, Mapping) \
            or not any(isinstance(lines.get(k), list) for k in ("order", "outside")):
        return []
    known = [str(t) for k in ("order", "outside") if isinstance(lines.get(k), list) for t in lines[k]]
    team = mapped.values["team"]
    outside = f" AND {team} NOT IN ({', '.join(q.lit(t) for t in known)})" if known else ""
    return [(str(t), n) for t, n in con.execute(
        f"SELECT {team}, count(*) AS n FROM {mapped.table} WHERE {team} IS NOT NULL{outside} "
        f"GROUP BY 1 ORDER BY n DESC, 1").fetchall()]


def find_duplicates(con: duckdb.DuckDBPyConnection, table: str,
                    sources: list[Mapped]) -> tuple[list[tuple[int, DataProblem]], Duplicates | None]:
    """Rows whose id repeats an earlier row's (in source order): (source index, problem) pairs and a table.

    The ids are first grouped by their 64-bit hash (8-byte keys instead of the texts); the rows of a
    repeated hash are then compared by their ids, so two ids that share a hash stay apart.
    """
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
        repeated AS (SELECT * FROM u WHERE hash(k) IN (SELECT hash(k) FROM u GROUP BY hash(k) HAVING count(*) > 1))
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
    for src, *_ in summary:  # a repeated id on a row without another problem adds a row with problems
        m = by_index[src]
        m.problem_rows += con.execute(
            f"SELECT count(*) FROM {relation} d JOIN {m.table} t ON t._row = d._row "
            f"WHERE d._src = {src} AND NOT ({m.any_failed()})").fetchone()[0]
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
    reasons = [f"CASE WHEN {test} THEN {q.lit(c.reason)} END" for c, test in zip(mapped.checks, mapped.failed)]
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
