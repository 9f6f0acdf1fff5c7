"""Map one loaded source onto its canonical table, in SQL.

:func:`map_source` checks that the mapped columns exist, applies the ``drop``
rules (counting them), and materialises a table with ``_row``, the canonical
values (``__<column>``) and, computed in the same pass, one bit per check (set where the row
fails it), per repeated-hour read and per value nulled by ``invalid: null`` (``_flags0``, …).
The helper columns the messages show are not kept: they are computed again, from the
source, for the failing rows only (:meth:`Mapped.rows_sql`).

A CSV file read straight (:mod:`kpilib.importing._csvread`) is mapped as DuckDB reads it, without
a table of its text: every row is kept, with its drop reason, in ``m<index>_read``, and ``m<index>``
is the view of the kept rows, whose line is their record number plus one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import duckdb

from kpilib.data.config import ColumnSpec, close_matches
from kpilib.exceptions import DataProblem
from kpilib.importing import _csvread, _sql as q
from kpilib.importing._columns import Check, ColumnBuilder, condition_sql
from kpilib.importing._readers import Loaded
from kpilib.data.schema import TABLES

#: Pairs (earlier, later) of timestamps whose order a row must respect.
ORDER_RULES = {
    "contacts": (("arrived_at", "queued_at"), ("arrived_at", "answered_at"), ("queued_at", "answered_at"),
                 ("arrived_at", "ended_at"), ("queued_at", "ended_at"), ("answered_at", "ended_at")),
    "cases": (("opened_at", "resolved_at"), ("opened_at", "closed_at")),
    "orders": (("ordered_at", "first_contact_at"), ("ordered_at", "delivered_at")),
    "callbacks": (("requested_at", "promised_by"), ("requested_at", "attempted_at")),
}
EMPTY_ROW = "empty row"
_ALIAS = re.compile(r"\b__[a-z0-9_]+\b")
_MAX_COLUMNS_SHOWN = 15
#: Bits per BIGINT flag column of a mapped table.
_FLAG_BITS = 62


@dataclass
class Mapped:
    """A source mapped onto its canonical table (see the module docstring)."""

    loaded: Loaded
    index: int
    table: str | None = None                              # scratch table with _row and the values
    values: dict[str, str] = field(default_factory=dict)  # canonical column -> alias in `table`
    checks: list[Check] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)   # not fixable by a quarantine
    dropped: list[tuple[str, int]] = field(default_factory=list)
    repeats: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0                                          # rows kept after the drop rules
    nulled: list[tuple[str, str]] = field(default_factory=list)  # (column, predicate) of `invalid: null`
    failed: list[str] = field(default_factory=list)        # per check: SQL over `table`, true where it fails
    whole_floats: dict[str, str] = field(default_factory=dict)  # id column -> SQL over `table`: a whole float
    items: list[tuple[str, str]] = field(default_factory=list)   # the select items of the mapping
    stored: str | None = None                              # the table behind the view `table`, if one
    kept: str = "TRUE"                                     # SQL: the source rows not dropped
    # filled by the checks (kpilib.importing._validate):
    nulled_counts: list[tuple[str, int]] = field(default_factory=list)   # (column, values nulled)
    problem_rows: int = 0                                  # distinct rows with at least one problem
    unknown_teams: list[tuple[str, int]] = field(default_factory=list)   # events: (team, rows)

    def summary_counts(self) -> dict[str, object]:
        """What the checks counted, as keywords of :class:`~kpilib.importing._report.SourceSummary`."""
        return {"nulled": tuple(self.nulled_counts), "problem_rows": self.problem_rows,
                "unknown_teams": tuple(self.unknown_teams)}

    @property
    def source(self):
        return self.loaded.source

    def any_failed(self) -> str:
        """SQL over ``table``: the row fails at least one check (never NULL)."""
        return " OR ".join(self.failed) or "false"

    def rows_sql(self, con: duckdb.DuckDBPyConnection, where: str) -> str:
        """SELECT of every item of the mapping (helpers included) on the kept source rows where ``where`` holds."""
        names = [alias for alias, _ in self.items]
        relation = _csvread.text_of(con, self.loaded)
        return _layered(self.items, relation, f"({self.kept}) AND ({where})", set(names))

    def id_columns(self) -> list[str]:
        """The canonical id columns the source fills from its own columns."""
        return [c.name for c in TABLES[self.source.table].columns
                if c.kind == "id" and c.name in self.values
                and self.source.columns.get(c.name) is not None and self.source.columns[c.name].kind != "constant"]

    def label_of(self, column: str) -> str:
        """How messages name a canonical column: by its source column when it has one."""
        spec = self.source.columns.get(column)
        if spec is not None and spec.kind in ("column", "concat"):
            return _label(spec)
        return column


def map_source(con: duckdb.DuckDBPyConnection, loaded: Loaded, index: int, time_zone: str) -> Mapped | None:
    """Build the mapped table ``m<index>`` of a loaded source.

    None when a CSV file read straight turns out to need the careful reading
    (:func:`kpilib.importing._csvread.read_again`), after which it is mapped again.
    """
    mapped = Mapped(loaded, index)
    source = loaded.source
    schema = TABLES[source.table]
    missing = _missing_columns(loaded, mapped)
    rules = [r for r in source.drop if not set(r.condition.columns) & missing]
    empty = " AND ".join(f"{q.text(c)} IS NULL" for c in loaded.columns) or "FALSE"
    whens = [f"WHEN {condition_sql(r.condition)} THEN {i + 1}" for i, r in enumerate(rules)]
    drop = f"CASE WHEN {empty} THEN 0 {' '.join(whens)} END"   # an empty row counts as empty first
    kept = f"({drop}) IS NULL"

    builder = ColumnBuilder(con, loaded, time_zone, kept)
    broken = set()
    for name, spec in source.columns.items():
        column = schema.column(name)
        uses_missing = any(c in missing for c in spec.source_columns)
        base_broken = any(c in broken for c in spec.canonical_inputs)
        if uses_missing or base_broken:
            broken.add(name)
            mapped.values[name] = builder.null(spec, column)
        else:
            mapped.values[name] = builder.column(spec, column)
    for name in schema.required:
        spec = source.columns.get(name)
        if spec is not None and spec.kind != "constant" and name not in broken:
            builder.checks.append(_required(builder.checks, spec, mapped.values[name], _label(spec)))
    for earlier, later in ORDER_RULES.get(source.table, ()):
        if all(c in mapped.values and c not in broken for c in (earlier, later)):
            _order(builder, mapped, earlier, later, time_zone)
    nulled = [(name, " OR ".join(f"coalesce({x}, false)" for x in preds)) for name, preds in builder.nulled.items()]
    mapped.checks, mapped.items, mapped.kept = builder.checks, builder.items, kept
    mapped.problems.extend(builder.problems)
    mapped.table = f"m{index}"
    ids = mapped.id_columns()   # ids written as whole floats are read as integers (kpilib.importing._keys)
    predicates = ([c.predicate for c in mapped.checks] + [p for _, p in builder.repeats] + [p for _, p in nulled]
                  + [q.whole_float(mapped.values[c]) for c in ids])
    flags, tests = _flags(predicates)
    n_checks, n_repeats, n_nulled = len(mapped.checks), len(builder.repeats), len(nulled)
    mapped.failed = tests[:n_checks]
    mapped.repeats = [(label, t) for (label, _), t in zip(builder.repeats, tests[n_checks:])]
    mapped.nulled = [(name, t) for (name, _), t in zip(nulled, tests[n_checks + n_repeats:])]
    mapped.whole_floats = dict(zip(ids, tests[n_checks + n_repeats + n_nulled:]))
    keep = set(mapped.values.values()) | {alias for alias, _ in flags}
    if loaded.straight is None:
        con.execute(f"CREATE TABLE {mapped.table} AS {_layered(builder.items + flags, loaded.relation, kept, keep)}")
        mapped.rows = con.execute(f"SELECT count(*) FROM {mapped.table}").fetchone()[0]
        read = con.execute(f"SELECT count(*) FROM {loaded.relation}").fetchone()[0]
        counts = {} if read == mapped.rows else dict(con.execute(   # reasons are counted only when rows were left out
            f"SELECT d, count(*) FROM (SELECT {drop} AS d FROM {loaded.relation} s) WHERE d IS NOT NULL GROUP BY d"
        ).fetchall())
    else:
        counts = _map_straight(con, mapped, builder.items + flags + [("_drop", drop)], keep | {"_drop"})
        if counts is None:
            return None
    mapped.dropped = [(r.reason, counts.get(i + 1, 0)) for i, r in enumerate(rules)]
    if counts.get(0, 0) + loaded.skipped_empty:
        mapped.dropped.append((EMPTY_ROW, counts.get(0, 0) + loaded.skipped_empty))
    return mapped


def _map_straight(con: duckdb.DuckDBPyConnection, mapped: Mapped, items: list[tuple[str, str]],
                  keep: set[str]) -> dict[int, int] | None:
    """Map a CSV file as DuckDB reads it (see the module docstring); the rows per drop reason.

    None, with nothing left behind, when DuckDB cannot split a line or read the text as UTF-8, or
    when the records are not the file's lines one by one.
    """
    loaded, stored = mapped.loaded, f"{mapped.table}_read"
    try:
        con.execute(f"CREATE TABLE {stored} AS {_layered(items, _csvread.scan(loaded), 'TRUE', keep, row=False)}")
    except duckdb.InvalidInputException:
        con.execute(f"DROP TABLE IF EXISTS {stored}")
        return None
    counts = dict(con.execute(f"SELECT _drop, count(*) FROM {stored} GROUP BY _drop").fetchall())
    if not _csvread.complete(loaded, sum(counts.values())):
        con.execute(f"DROP TABLE {stored}")
        return None
    con.execute(f"CREATE VIEW {mapped.table} AS SELECT rowid + 2 AS _row, * EXCLUDE (_drop) FROM {stored} "
                "WHERE _drop IS NULL")
    mapped.stored = stored
    mapped.rows = counts.pop(None, 0)
    return counts


def _order(builder: ColumnBuilder, mapped: Mapped, earlier: str, later: str, time_zone: str) -> None:
    """Check that ``earlier`` <= ``later`` on each row, or null the one of them with ``invalid: null``.

    The later column is nulled when both have the option.  On the rows where
    the option does not hold (a rule of a list without it) the order is checked.
    """
    a, b = mapped.values[earlier], mapped.values[later]
    strict = ""
    target = later if later in builder.nullable else earlier if earlier in builder.nullable else None
    if target is not None:
        guard = builder.nullable[target]
        failed = f"{b} < {a}" if guard == "TRUE" else f"{b} < {a} AND ({guard})"
        builder.nulled.setdefault(target, []).append(failed)
        mapped.values[target] = builder.add(f"__{target}_o{len(builder.nulled[target])}",
                                            f"CASE WHEN {failed} THEN NULL ELSE {mapped.values[target]} END")
        if guard == "TRUE":
            return
        strict = f" AND NOT ({guard})"
    own = [f"({c.predicate})" for c in builder.checks if c.canonical in (earlier, later)]
    unless = f" AND NOT coalesce({' OR '.join(own)}, false)" if own else ""
    spec = mapped.source.columns[later]
    hint = "Check the mapping of both columns."
    if spec.kind == "datetime" and not spec.not_before:
        hint = (f"If `{later}` is a time after midnight, read it on the next day: `{later}: {{date: {spec.date}, "
                f"time: {spec.time}, not_before: {earlier}}}`. Otherwise check the mapping of both columns.")
    builder.check(f"{b} < {a}{unless}{strict}", later, f"`{later}` at or after `{earlier}`",
                  f"'{later} ' || {q.local_text(b, time_zone)} || ' and {earlier} ' || "
                  f"{q.local_text(a, time_zone)}", quoted=False, hint=hint)


def _flags(predicates: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Select items ``_flags<j>`` with one bit per predicate, set where it holds; and the SQL testing each bit.

    The checks are evaluated once, in the pass that maps the values; counting and quarantining
    then read one BIGINT column per 62 checks instead of the values and helpers they compare.
    """
    items, tests = [], []
    for j in range(0, len(predicates), _FLAG_BITS):
        alias = f"_flags{j // _FLAG_BITS}"
        part = predicates[j:j + _FLAG_BITS]
        bits = " | ".join(f"(CASE WHEN {p} THEN {1 << k} ELSE 0 END)" for k, p in enumerate(part))
        items.append((alias, f"CAST({bits} AS BIGINT)"))
        tests += [f"({alias} & {1 << k} <> 0)" for k in range(len(part))]
    return items, tests


def _layered(items: list[tuple[str, str]], relation: str, kept: str, keep: set[str], *, row: bool = True) -> str:
    """One SELECT per level of dependency, so that each item is computed once per row.

    An item's level is one more than the highest level of the items it uses;
    items of one level share a SELECT over the previous level (aliased ``s``,
    so source columns stay reachable as ``s."name"``).  DuckDB would copy an
    item into every later item that names it, were they all in one SELECT.
    Only the items in ``keep`` are kept in the result, with ``_row`` unless ``row`` is false.
    """
    names = {alias for alias, _ in items}
    level: dict[str, int] = {}
    for alias, sql in items:
        used = set(_ALIAS.findall(sql)) & names
        level[alias] = 1 + max((level[u] for u in used), default=0)
    query = f"SELECT * FROM {relation} s WHERE {kept}"
    for n in range(1, max(level.values(), default=0) + 1):
        layer = ", ".join(f"{sql} AS {q.ident(alias)}" for alias, sql in items if level[alias] == n)
        query = f"SELECT s.*, {layer} FROM ({query}) s"
    columns = [q.ident(alias) for alias, _ in items if alias in keep]
    return f"SELECT {', '.join(['_row'] * row + columns)} FROM ({query}) s"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _label(spec: ColumnSpec) -> str:
    if spec.kind == "column":
        return spec.column
    if spec.kind == "datetime":
        return f"{spec.date}` + `{spec.time}"
    if spec.kind == "concat":
        return "` + `".join(spec.parts)
    return spec.name


def _required(checks: list[Check], spec: ColumnSpec, value: str, label: str) -> Check:
    """Rows where a required column is empty, unless another check already names the row."""
    own = [f"({c.predicate})" for c in checks if c.canonical == spec.name]
    predicate = f"{value} IS NULL"
    if own:
        predicate += f" AND NOT coalesce({' OR '.join(own)}, false)"
    found, hint = "'an empty field'", "Fill it in the export, or leave these rows out with a `drop:` rule."
    if spec.kind == "concat":  # say which parts are empty: 'L1' + an empty `call_id`
        parts = [f"coalesce('''' || __{spec.name}_part{i + 1} || '''', 'an empty `{c}`')"
                 for i, c in enumerate(spec.parts)]
        found = f" || {q.lit(' + ')} || ".join(parts)
        hint = "A composite value is empty when one of its parts is. " + hint
    return Check(predicate, label, f"a value (`{spec.name}` is required)", found, quoted=False,
                 hint=hint, canonical=spec.name)


def _missing_columns(loaded: Loaded, mapped: Mapped) -> set[str]:
    """Record a problem for each column the mapping names that the export does not have."""
    source = loaded.source
    uses: dict[str, list[str]] = {}
    for name, spec in source.columns.items():
        for column in spec.source_columns:
            uses.setdefault(column, []).append(f"`{name}`")
    for rule in source.drop:
        for column in rule.condition.columns:
            uses.setdefault(column, []).append("a `drop` rule")
    existing = loaded.columns
    shown = ", ".join(f"`{c}`" for c in existing[:_MAX_COLUMNS_SHOWN])
    if len(existing) > _MAX_COLUMNS_SHOWN:
        shown += f" (+{len(existing) - _MAX_COLUMNS_SHOWN} more)"
    missing = {c for c in uses if c not in existing}
    other = [d for d in ";,\t|" if len(existing) == 1 and d in existing[0] and d != source.delimiter]
    if missing and other:
        mapped.problems.append(DataProblem(
            file=source.label, column=None, rows=(), count=0,
            expected=f"columns separated by {source.delimiter!r}" if source.delimiter else "several columns",
            found=f"a single column `{_short(existing[0])}`",
            hint=f"Set `delimiter: {json.dumps(other[0])}` in the mapping.", table=source.table))
        return missing
    for column in sorted(missing, key=list(uses).index):
        near = close_matches(column, existing)
        hint = f"Did you mean {' or '.join(f'`{m}`' for m in near)}? " if near else ""
        hint += "Names must match the header exactly, including case."
        users = ", ".join(dict.fromkeys(uses[column]))
        mapped.problems.append(DataProblem(
            file=source.label, column=column, rows=(), count=0,
            expected=f"a column of that name (for {users})", found=f"the columns {shown}",
            hint=hint, table=source.table))
    return missing
