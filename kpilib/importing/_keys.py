"""The identifiers that join the canonical tables: written alike, and matching.

:func:`normalise_ids` reads ids that Excel wrote as whole floats (``500000052.0``) as the
integers they are, counted per column; :func:`check_keys` measures, for every foreign key
between canonical tables, the share of filled values that match the table they point to, and
gives a problem below the source's ``min_key_match``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpilib.exceptions import MAX_ROWS_SHOWN, DataProblem
from kpilib.importing._mapping import Mapped
from kpilib.importing._sql import whole_float
from kpilib.data.schema import TABLES

#: (table, column, table it points to): the column holds the key of the other table.
FOREIGN_KEYS = (
    ("contacts", "case_id", "cases"),
    ("events", "case_id", "cases"),
    ("surveys", "contact_id", "contacts"),
    ("surveys", "case_id", "cases"),
    ("callbacks", "case_id", "cases"),
)
_WHOLE = "'-?[0-9]+'"


@dataclass(frozen=True)
class KeyMatch:
    """How many filled values of ``table.column`` (in one source) match a key of ``target``."""

    label: str
    table: str
    column: str
    target: str
    filled: int
    matched: int

    @property
    def share(self) -> float:
        return self.matched / self.filled if self.filled else 1.0


def normalise_ids(con: duckdb.DuckDBPyConnection, mapped: list[Mapped]) -> dict[int, list[tuple[str, int]]]:
    """Read whole floats in an all-numeric id column as integers; (column label, count) per source.

    Only a column whose every filled value is a whole number, some written with ``.0``, is
    changed: there ``500000052.0`` can only be Excel's way of writing ``500000052``.
    """
    changed: dict[int, list[tuple[str, int]]] = {}
    for m in mapped:
        columns = m.id_columns()
        if not columns:
            continue
        # the whole floats were flagged in the pass that mapped the source: counted in one pass over the flags ...
        floats = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {m.whole_floats[c]})" for c in columns)
                             + f" FROM {m.table}").fetchone()
        for column, n in zip(columns, floats):
            if not n:
                continue
            # ... and only a column that has them is read again, to see that all its other values are whole
            v = m.values[column]
            filled, whole = con.execute(f"SELECT count({v}), count(*) FILTER (WHERE regexp_full_match({v}, {_WHOLE})) "
                                        f"FROM {m.table}").fetchone()
            if whole + n == filled:
                con.execute(f"UPDATE {m.stored or m.table} SET {v} = regexp_replace({v}, '[.,]0+$', '') WHERE {whole_float(v)}")
                changed.setdefault(m.index, []).append((m.label_of(column), n))
    return changed


def check_keys(con: duckdb.DuckDBPyConnection, mapped: list[Mapped],
               derived_events: bool) -> tuple[list[KeyMatch], list[tuple[int, DataProblem]]]:
    """The match of every foreign key present, and (source index, problem) where it is too low."""
    matches, problems = [], []
    for table, column, target in FOREIGN_KEYS:
        if table == "events" and derived_events:
            continue   # the same ids as contacts.case_id, checked there
        key = TABLES[target].key
        targets = [m for m in mapped if m.source.table == target and key in m.id_columns()]
        if not targets or any(m.problems for m in targets):
            continue   # a target that cannot be read whole is reported already; its keys would all fail
        referring = [m for m in mapped if m.source.table == table and column in m.id_columns() and not m.problems]
        if not referring:
            continue   # nothing points at the target's keys: no need to collect them
        union = " UNION ALL ".join(f"SELECT {m.values[key]} AS k FROM {m.table}" for m in targets)
        con.execute(f"CREATE OR REPLACE TEMP TABLE keys_{target} AS SELECT DISTINCT k FROM ({union}) "
                    "WHERE k IS NOT NULL")
        example = con.execute(f"SELECT min(k) FROM keys_{target}").fetchone()[0]
        for m in referring:
            v = m.values[column]
            filled, matched, rows, found = con.execute(f"""
                SELECT count(*), count(t.k), min(r._row, {MAX_ROWS_SHOWN}) FILTER (WHERE t.k IS NULL),
                       arg_min(r.v, r._row) FILTER (WHERE t.k IS NULL)
                FROM (SELECT _row, {v} AS v FROM {m.table} WHERE {v} IS NOT NULL) r
                LEFT JOIN keys_{target} t ON r.v = t.k""").fetchone()
            match = KeyMatch(m.source.label, table, column, target, filled, matched)
            matches.append(match)
            if filled and match.share < m.source.min_key_match:
                problems.append((m.index, _problem(m, match, rows, found, example, targets)))
        con.execute(f"DROP TABLE keys_{target}")
    return matches, problems


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _problem(m: Mapped, match: KeyMatch, rows: list[int], found: str, example: str | None,
             targets: list[Mapped]) -> DataProblem:
    there = " and ".join(dict.fromkeys(t.source.label for t in targets))
    looks = f"; ids look like '{found}' here and '{example}' in {there}" if example is not None else \
        f"; {there} has no `{TABLES[match.target].key}` at all"
    return DataProblem(
        file=m.source.label, column=m.label_of(match.column), rows=tuple(rows), count=match.filled - match.matched,
        expected=f"`{match.column}` values that match a `{TABLES[match.target].key}` of {match.target} "
                 f"(at least {m.source.min_key_match:.0%})",
        found=f"{_n(match.matched)} of {_n(match.filled)} {match.table} that match{looks}",
        hint="Check that the exports use the same ids (and cover the same period); where they legitimately "
             "overlap less, lower `min_key_match` on this source.",
        table=match.table)
