"""Derived tables: a canonical table built from the rows of another, one row per key, in SQL.

``sources: cases: {from: events}`` makes ``final_cases`` from ``final_events`` (the status log):
opened at the first event, resolved at the first event with a done status, closed at the last event
when that is a done status, opened by the team of the first event. Other columns come from a column
of the origin (canonical, or of its export) on its first or last row (docs/mapping.md, "Derived
tables").
"""

from __future__ import annotations

import duckdb

from kpilib.data._config_types import DerivedColumn, DerivedTable
from kpilib.data.schema import PSEUDONYMISED, TABLES
from kpilib.exceptions import MAX_ROWS_SHOWN, DataProblem
from kpilib.importing._columns import LOWERED, SQL_TYPES, value_label
from kpilib.importing._csvread import text_of
from kpilib.importing._readers import Loaded
from kpilib.importing._sql import ident, lit, text
from kpilib.importing._store import pseudonym

__all__ = ["derive"]

#: The order of an origin's rows: ``first`` and ``last`` follow it; ties go by source order.
ORDER = {"events": ("at", "seq"), "contacts": ("arrived_at",), "cases": ("opened_at",),
         "orders": ("ordered_at",), "surveys": ("answered_at",), "callbacks": ("requested_at",)}


def derive(con: duckdb.DuckDBPyConnection, derived: DerivedTable, sources: list[Loaded],
           indexes: list[int], key: str | None) -> list[DataProblem]:
    """Create the view ``final_<table>`` from ``final_<origin>``; return the problems found.

    ``sources`` are the loaded exports of the origin (with their source ``indexes``), read for
    columns of the export; ``key`` pseudonymises ids taken from an export column.
    """
    table, origin = derived.table, derived.origin
    problems: list[DataProblem] = []
    raw_columns = list(dict.fromkeys(c.column for c in derived.columns.values()
                                     if c.column is not None and not c.canonical))
    join = ""
    if raw_columns:
        parts = []
        for loaded, index in zip(sources, indexes):
            missing = [c for c in raw_columns if c not in loaded.columns]
            for column in missing:
                problems.append(DataProblem(
                    file=loaded.source.label, column=column, rows=(), count=0,
                    expected=f"a column of that name (for `{table}` derived from `{origin}`)",
                    found="the columns " + ", ".join(f"`{c}`" for c in loaded.columns[:15]),
                    hint="Names must match the header exactly, including case.", table=table))
            values = ", ".join(f"{'NULL' if c in missing else text(c)} AS {ident('raw:' + c)}" for c in raw_columns)
            parts.append(f"SELECT {index} AS _src, _row, {values} FROM {text_of(con, loaded)} s")
        if problems:
            return problems
        join = f"LEFT JOIN ({' UNION ALL '.join(parts)}) r USING (_src, _row)"
    order = ", ".join([*(f"o.{ident(c)}" for c in ORDER.get(origin, ())), "o._src", "o._row"])
    done = ", ".join(lit(s) for s in derived.done)
    is_done = f"o.activity IN ({done})" if done else "false"
    items = [f"first(o._src ORDER BY {order}) AS _src", f"first(o._row ORDER BY {order}) AS _row"]
    for c in derived.columns.values():
        items += _aggregate(c, order, is_done, derived.key)
    work = f"drv_{table}"
    con.execute(f"CREATE OR REPLACE TABLE {work} AS SELECT {', '.join(items)} FROM final_{origin} o {join} "
                f"WHERE o.{ident(derived.key)} IS NOT NULL GROUP BY o.{ident(derived.key)}")
    labels = {index: loaded.source.label for loaded, index in zip(sources, indexes)}
    schema = TABLES[table]
    outer = []
    for column in schema.columns:
        spec = derived.columns.get(column.name)
        value = _value(spec, work) if spec else "NULL"
        if spec is not None and spec.how in ("first", "last") and not spec.canonical:
            if column.name in LOWERED:
                value = f"lower({value})"
            if key and column.name in PSEUDONYMISED:
                value = pseudonym(f"({value})", column.name, key)
            problems += _checks(con, work, spec, value, column, labels, table)
        outer.append(f"CAST({value} AS {SQL_TYPES[column.kind]}) AS {ident(column.name)}")
    for name in schema.required:
        spec = derived.columns.get(name)
        if spec is not None:
            problems += _failing(con, work, f"__{name}_row", f"{_value(spec, work)} IS NULL", labels, table,
                                 spec.column or name, f"a value (`{name}` is required)", "'an empty field'",
                                 f"Every `{derived.key}` of `{origin}` needs one; check the mapping of "
                                 f"`{spec.column}`.")
    con.execute(f"CREATE OR REPLACE VIEW final_{table} AS SELECT _src, _row, {', '.join(outer)} FROM {work}")
    return problems


def _aggregate(c: DerivedColumn, order: str, is_done: str, key: str) -> list[str]:
    """The select items of one derived column: its value ``__<name>`` and the row it comes from."""
    alias, row = ident(f"__{c.name}"), ident(f"__{c.name}_row")
    value = f"o.{ident(c.column)}" if c.canonical and c.column else (
        f"r.{ident('raw:' + c.column)}" if c.column else "NULL")
    first_row = f"first(o._row ORDER BY {order})"
    if c.how == "key":
        return [f"o.{ident(key)} AS {alias}", f"{first_row} AS {row}"]
    if c.how == "value":
        return [f"{lit(c.value)} AS {alias}", f"{first_row} AS {row}"]
    if c.how in ("min", "max"):
        return [f"{c.how}({value}) AS {alias}", f"{first_row} AS {row}"]
    if c.how == "first_done":
        return [f"min({value}) FILTER (WHERE {is_done}) AS {alias}", f"{first_row} AS {row}"]
    if c.how == "last_if_done":
        last_done = f"last(CASE WHEN {is_done} THEN 1 ELSE 0 END ORDER BY {order})"
        return [f"CASE WHEN {last_done} = 1 THEN last({value} ORDER BY {order}) END AS {alias}",
                f"{first_row} AS {row}"]
    direction = "" if c.how == "first" else " DESC"
    by = ", ".join(f"{part}{direction}" for part in order.split(", "))
    return [f"first({value} ORDER BY {by}) AS {alias}", f"first(o._row ORDER BY {by}) AS {row}",
            f"first(o._src ORDER BY {by}) AS {ident(f'__{c.name}_src')}"]


def _value(c: DerivedColumn, work: str) -> str:
    """The SQL of a derived column over the work table, its ``map`` applied."""
    raw = ident(f"__{c.name}")
    if c.map is None:
        return raw
    cases = " ".join(f"WHEN {raw} = {lit(k.strip())} THEN {lit(v)}" for k, v in c.map.items() if k.strip())
    other = {"keep": raw, "value": lit(c.other_value), "error": "NULL"}[c.other]
    return f"(CASE WHEN {raw} IS NULL THEN {lit(c.map.get(''))} {cases} ELSE {other} END)"


def _checks(con, work: str, c: DerivedColumn, value: str, column, labels: dict[int, str],
            table: str) -> list[DataProblem]:
    """Codes without a ``map`` entry, and values outside a column's allowed set."""
    raw = ident(f"__{c.name}")
    problems = []
    if c.map is not None and c.other == "error":
        codes = tuple(k.strip() for k in c.map if k.strip())
        problems += _failing(con, work, f"__{c.name}_row", f"{raw} NOT IN ({', '.join(lit(k) for k in codes)})",
                             labels, table, c.column, f"one of the codes in the `map` of `{c.name}` "
                             f"({value_label(codes)})", raw,
                             "Add the code to the `map`, or set `other:` (a value, `null` or `keep`).",
                             src=f"__{c.name}_src")
    if column.allowed:
        allowed = ", ".join(lit(a) for a in column.allowed)
        problems += _failing(con, work, f"__{c.name}_row", f"{value} NOT IN ({allowed})", labels, table,
                             c.column, f"one of {value_label(column.allowed)} for `{c.name}`", raw,
                             "Translate the export's codes with a `map`.", src=f"__{c.name}_src")
    return problems


def _failing(con, work: str, row: str, predicate: str, labels: dict[int, str], table: str, column: str | None,
             expected: str, found: str, hint: str, src: str = "_src") -> list[DataProblem]:
    """One problem per origin source with rows where ``predicate`` holds (rows of the rows it comes from)."""
    result = con.execute(f"""
        SELECT {ident(src)}, count(*), min({ident(row)}, {MAX_ROWS_SHOWN}), arg_min({found}, {ident(row)})
        FROM {work} WHERE {predicate} GROUP BY {ident(src)} ORDER BY {ident(src)}""").fetchall()
    problems = []
    for index, count, rows, value in result:
        shown = "an empty field" if value is None else repr(str(value))
        problems.append(DataProblem(file=labels.get(index, table), column=column, rows=tuple(sorted(rows)),
                                    count=count, expected=expected, found=shown, hint=hint, table=table))
    return problems
