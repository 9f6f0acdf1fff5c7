"""SQL that fills the canonical columns of one source, with the checks that find bad rows.

A :class:`ColumnBuilder` collects select-list items ``(alias, sql)``; later
items may use earlier aliases (``_mapping`` nests them into one SELECT per
level, so each is computed once).  For a canonical column ``c`` the value is
``__c``; helpers are ``__c_<what>``.
Each :class:`Check` is a predicate over those aliases that is true for a
failing row, with what the message says about it.  A spec with ``invalid: null``
adds no checks: its failing values are nulled, and the predicates that would
have failed them are kept in ``nulled`` to be counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from kpilib.data.config import UNITS, ColumnSpec
from kpilib.exceptions import DataProblem
from kpilib.importing import _csvread, _sql as q
from kpilib.importing._readers import Loaded
from kpilib.importing._zones import local_to_instant
from kpilib.data.schema import Column

#: Canonical category columns whose values are lower-cased before they are checked.
LOWERED = ("channel", "direction", "outcome")
MAX_DURATION_S = 24 * 3600
SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "timestamp": "TIMESTAMPTZ",
             "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN"}


@dataclass
class Check:
    """Rows where ``predicate`` holds fail; the rest says how the message reads."""

    predicate: str
    column: str | None
    expected: str
    found: str                                  # SQL: the text shown for the first failing row
    hint: str | Callable[[str], str] = ""       # a text, or a function of the found text
    quoted: bool = True                         # show the found text in quotes
    canonical: str | None = None                # the canonical column the check belongs to

    @property
    def reason(self) -> str:
        """The short reason written next to a quarantined row."""
        where = f"`{self.column}`: " if self.column else ""
        return f"{where}expected {self.expected}"


def condition_sql(cond) -> str:
    """A ``when`` / ``drop`` condition, combined ones (``all`` / ``any``) included; never NULL."""
    if cond.op in ("all", "any"):
        joiner = " AND " if cond.op == "all" else " OR "
        return "(" + joiner.join(f"({condition_sql(part)})" for part in cond.parts) + ")"
    return q.condition(cond)


def value_label(values: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


class ColumnBuilder:
    """Builds the select list for one source (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, loaded: Loaded, time_zone: str, kept: str) -> None:
        self.con = con
        self.source = loaded.source
        self.relation = _csvread.sample_of(loaded)
        self.time_zone = time_zone
        self.kept = kept                     # SQL condition for the rows not dropped
        self.iso = self.source.kind != "csv"  # Excel and Parquet write real timestamps as ISO text
        self.items: list[tuple[str, str]] = []
        self.checks: list[Check] = []
        self.problems: list[DataProblem] = []
        self.repeats: list[tuple[str, str]] = []   # (column label, predicate) of repeated-hour reads
        self.values: dict[str, str] = {}           # canonical column -> alias of its value
        self.nulled: dict[str, list[str]] = {}     # canonical column -> predicates of nulled values
        self.nullable: dict[str, str] = {}         # canonical column -> rows where `invalid: null` holds
        self.guard: str | None = None              # while a rule of a list is built: the rows it fills
        self.nulling = False                       # while a spec with `invalid: null` is built

    def add(self, alias: str, sql: str) -> str:
        self.items.append((alias, sql))
        return alias

    def check(self, predicate: str, column: str | None, expected: str, found: str, **kw) -> None:
        if self.nulling and kw.get("canonical"):
            self.nulled.setdefault(kw["canonical"], []).append(predicate)
        else:
            self.checks.append(Check(predicate, column, expected, found, **kw))

    def config_problem(self, spec: ColumnSpec, expected: str, found: str, hint: str) -> None:
        self.problems.append(DataProblem(
            file=f"workshop.yaml, sources.{self.source.table}.columns.{spec.name}", column=None,
            rows=(), count=0, expected=expected, found=found, hint=hint, table=self.source.table))

    def null(self, spec: ColumnSpec, column: Column) -> str:
        self.values[spec.name] = self.add(f"__{spec.name}", f"CAST(NULL AS {SQL_TYPES[column.kind]})")
        return self.values[spec.name]

    # -- the forms of a spec ------------------------------------------------
    def column(self, spec: ColumnSpec, column: Column) -> str:
        """Add the items of one canonical column; return the alias of its value.

        With ``invalid: null`` the value is NULL on the rows where one of its checks fails.
        """
        p = f"__{spec.name}"
        if spec.kind == "rules":
            value = self.rules(spec, column, p)
        else:
            self.nulling = spec.invalid == "null"
            value = self.one(spec, column, p)
            self.nulling = False
            if spec.invalid == "null":
                self.nullable[spec.name] = "TRUE"
        preds = self.nulled.get(spec.name)
        if preds:
            failed = " OR ".join(f"({x})" for x in preds)
            value = self.add(f"{p}_valid", f"CASE WHEN coalesce({failed}, false) THEN NULL ELSE {value} END")
        self.values[spec.name] = value
        return value

    def rules(self, spec: ColumnSpec, column: Column, p: str) -> str:
        """A rule list: each rule is built for the rows it fills (its `when`, and no earlier rule's)."""
        conds = [condition_sql(r.when) if r.when else "TRUE" for r in spec.rules]
        values, nullable = [], []
        for k, rule in enumerate(spec.rules):
            earlier = " OR ".join(f"({c})" for c in conds[:k])
            self.guard = f"({conds[k]}) AND NOT ({earlier})" if earlier else conds[k]
            self.nulling = rule.invalid == "null"
            values.append(self.one(rule, column, f"{p}_r{k + 1}"))
            if self.nulling:
                nullable.append(f"({self.guard})")
        self.guard, self.nulling = None, False
        if nullable:
            self.nullable[spec.name] = self.add(f"{p}_nullable", " OR ".join(nullable))
        cases = " ".join(f"WHEN {c} THEN {v}" for c, v in zip(conds, values))
        return self.add(p, f"CASE {cases} END")

    def one(self, spec: ColumnSpec, column: Column, p: str) -> str:
        """The items of one spec (of a rule list or alone), with ``p`` as the alias of its value."""
        if spec.kind == "constant":
            return self.constant(spec, column, p)
        if spec.kind == "datetime":
            return self.datetime(spec, p)
        if spec.kind == "offset":
            return self.offset(spec, p)
        if spec.kind == "concat":
            return self.concat(spec, column, p)
        raw_expr = self.when(spec, q.text(spec.column))
        raw = self.add(f"{p}_raw", raw_expr)
        text, text_expr = raw, raw_expr
        if spec.map is not None:
            text = self.add(f"{p}_text", self.mapped(spec, raw))
            text_expr = self.mapped(spec, f"({raw_expr})")
            if spec.other == "error":
                codes = tuple(k.strip() for k in spec.map if k.strip())
                self.check(f"{raw} NOT IN ({', '.join(q.lit(c) for c in codes)})", spec.column,
                           f"one of the codes in the `map` of `{spec.name}` ({value_label(codes)})", raw,
                           hint="Add the code to the `map`, or set `other:` (a value, `null` or `keep`).",
                           canonical=spec.name)
        return self.typed(spec, column, text, text_expr, spec.column, p)

    def concat(self, spec: ColumnSpec, column: Column, p: str) -> str:
        """The parts joined by ``sep``; NULL when any part is empty (``||`` yields NULL then)."""
        parts = [self.add(f"{p}_part{i + 1}", self.when(spec, q.text(c))) for i, c in enumerate(spec.parts)]
        text = self.add(f"{p}_text", f" || {q.lit(spec.sep)} || ".join(parts) or "NULL")
        return self.typed(spec, column, text, text, "` + `".join(spec.parts), p)

    def constant(self, spec: ColumnSpec, column: Column, p: str) -> str:
        value = spec.value
        if value is not None and spec.name in LOWERED:
            value = value.lower()
        expected = None
        if value is None:
            if column.required:
                expected = f"a value (`{spec.name}` is required)"
        elif column.allowed and value not in column.allowed:
            expected = f"one of {value_label(column.allowed)}"
        elif column.kind == "int" and not (re.fullmatch(r"-?\d+", value) and
                                           (column.lower is None or column.lower <= int(value) <= column.upper)):
            scale = f" from {column.lower:g} to {column.upper:g}" if column.lower is not None else ""
            expected = "a whole number" + scale
        elif column.kind in ("float", "bool"):
            if self.con.execute(f"SELECT {self.parse_scalar(column, q.lit(value))}").fetchone()[0] is None:
                expected = "a number" if column.kind == "float" else "true or false"
        if expected:
            self.config_problem(spec, expected, "an empty value" if value is None else repr(spec.value),
                                "Correct `value:` in the mapping.")
        sql = f"CAST({self.parse_scalar(column, q.lit(value))} AS {SQL_TYPES[column.kind]})"
        return self.add(p, self.when(spec, sql))

    def parse_scalar(self, column: Column, text: str) -> str:
        if column.kind in ("int", "float"):
            return q.number(text, self.source.decimal)
        if column.kind == "bool":
            return q.boolean(text)
        return text

    def when(self, spec: ColumnSpec, expr: str) -> str:
        """``expr`` on the rows the spec fills (its ``when``, or in a rule list its rule's rows); else NULL."""
        cond = self.guard if self.guard is not None else condition_sql(spec.when) if spec.when else None
        return f"CASE WHEN {cond} THEN {expr} END" if cond else expr

    def mapped(self, spec: ColumnSpec, raw: str) -> str:
        empty = spec.map.get("", None)
        cases = " ".join(f"WHEN {raw} = {q.lit(k.strip())} THEN {q.lit(v)}"
                         for k, v in spec.map.items() if k.strip())
        other = {"keep": raw, "value": q.lit(spec.other_value), "error": "NULL"}[spec.other]
        return f"(CASE WHEN {raw} IS NULL THEN {q.lit(empty)} {cases} ELSE {other} END)"

    def typed(self, spec: ColumnSpec, column: Column, text: str, text_expr: str, label: str, p: str) -> str:
        """Turn the text ``text`` into the canonical type of ``column``."""
        kind, name = column.kind, spec.name
        if kind == "timestamp":
            return self.timestamp(spec, text, text_expr, label, p)
        if kind in ("id", "text"):
            return self.add(p, text)
        if kind == "category":
            value = self.add(p, f"lower({text})" if name in LOWERED else text)
            if column.allowed:
                example = f"{{column: {label}, map: {{CODE: {column.allowed[0]}, …}}}}"
                self.check(f"{value} NOT IN ({', '.join(q.lit(a) for a in column.allowed)})", label,
                           f"one of {value_label(column.allowed)} for `{name}`", text,
                           hint=f"Translate the export's codes with a map: {example}.", canonical=name)
            return value
        if kind == "bool":
            value = self.add(p, q.boolean(text))
            self.check(f"{text} IS NOT NULL AND {value} IS NULL", label,
                       "yes/no, ja/nee, j/n, true/false, waar/onwaar or 1/0", text,
                       hint="Translate other answers with a `map`.", canonical=name)
            return value
        number = self.add(f"{p}_num", q.number(text, self.source.decimal))
        hint = self.decimal_hint()
        if kind == "float":
            self.check(f"{text} IS NOT NULL AND {number} IS NULL", label, f"a number like {self.example_number()}",
                       text, hint=hint, canonical=name)
            return self.add(p, number)
        value = self.add(p, f"CASE WHEN {number} = floor({number}) AND abs({number}) < 1e15 "
                            f"THEN CAST({number} AS BIGINT) END")
        self.check(f"{text} IS NOT NULL AND {value} IS NULL", label, "a whole number", text, hint=hint,
                   canonical=name)
        if column.lower is not None and column.upper is not None:
            lo, hi = int(column.lower), int(column.upper)
            self.check(f"{value} NOT BETWEEN {lo} AND {hi}", label, f"a whole number from {lo} to {hi} for `{name}`",
                       text, hint=f"`{name}` is on a {lo}–{hi} scale; translate other scales with a `map`.",
                       canonical=name)
        return value

    def timestamp(self, spec: ColumnSpec, text: str, text_expr: str, label: str, p: str) -> str:
        fmt, hint = self.format(spec, text_expr, q.TIMESTAMP_FORMATS)
        if fmt is None:
            return self.add(p, "CAST(NULL AS TIMESTAMPTZ)")
        if q.has_offset(fmt):
            value = self.add(p, q.strptime(text, fmt, self.iso))
            self.check(f"{text} IS NOT NULL AND {value} IS NULL", label, f"a date like {q.example(fmt)}", text,
                       hint=hint, canonical=spec.name)
            return value
        local = self.add(f"{p}_local", q.strptime(text, fmt, self.iso))
        self.check(f"{text} IS NOT NULL AND {local} IS NULL", label, f"a date like {q.example(fmt)}", text,
                   hint=hint, canonical=spec.name)
        return self.instant(spec, local, text, label, p)

    def instant(self, spec: ColumnSpec, local: str, text: str, label: str, p: str) -> str:
        for alias, sql in local_to_instant(local, p, self.time_zone):
            self.add(alias, sql)
        self.check(f"{p}_dst = 'gap'", label, f"a time that exists in {self.time_zone}",
                   f"{text} || ' (skipped when summer time starts)'", canonical=spec.name,
                   hint="Clocks jump an hour ahead that night; check that the export is in local time "
                        "(`time_zone` in workshop.yaml).")
        self.repeats.append((label, f"{p}_dst = 'repeat'"))
        return p

    def datetime(self, spec: ColumnSpec, p: str) -> str:
        date_expr = self.when(spec, q.text(spec.date))
        date = self.add(f"{p}_date", date_expr)
        time = self.add(f"{p}_time", self.when(spec, q.text(spec.time)))
        label = f"{spec.date}` + `{spec.time}"
        combined = spec.format or self.source.date_format
        candidates = q.DATE_FORMATS
        if combined and "%H" in combined:
            fmt, hint = self.format(spec, "", candidates)
            local_sql = q.strptime(f"concat_ws(' ', {date}, {time})", fmt, self.iso) if fmt else "NULL"
            expected = f"a date and time like {q.example(fmt or '')}"
        else:
            fmt, hint = self.format(spec, date_expr, candidates)
            local_sql = f"{q.date_part(date, fmt, self.iso)} + {q.time_part(time)}" if fmt else "NULL"
            expected = f"a date like {q.example(fmt or '')} and a time like 14:05:00"
        if fmt is None:
            return self.add(p, "CAST(NULL AS TIMESTAMPTZ)")
        local = self.add(f"{p}_local", f"CAST({local_sql} AS TIMESTAMP)")
        if spec.not_before:  # a time before the other timestamp of the row is on the next day
            other = f"timezone({q.lit(self.time_zone)}, {self.values[spec.not_before]})"
            local = self.add(f"{p}_next", f"CASE WHEN {local} < {other} THEN {local} + INTERVAL 1 DAY ELSE {local} END")
        found = f"concat_ws(' ', {date}, {time})"
        self.check(f"({date} IS NOT NULL OR {time} IS NOT NULL) AND {local} IS NULL", label, expected, found,
                   hint=hint, canonical=spec.name)
        return self.instant(spec, local, found, label, p)

    def offset(self, spec: ColumnSpec, p: str) -> str:
        if spec.base_is_canonical:
            base = self.values[spec.base]
        else:
            base_expr = self.when(spec, q.text(spec.base))
            base_text = self.add(f"{p}_base_raw", base_expr)
            base = self.timestamp(spec, base_text, base_expr, spec.base, f"{p}_base")
        raw = self.add(f"{p}_draw", self.when(spec, q.text(spec.offset)))
        factor = UNITS[spec.unit]
        seconds = self.add(f"{p}_dur", q.duration(raw, self.source.decimal, factor))
        unit = "seconds" if factor == 1 else spec.unit
        self.check(f"{raw} IS NOT NULL AND {seconds} IS NULL", spec.offset,
                   f"a duration in {unit}, m:ss or h:mm:ss", raw, hint=self.decimal_hint(), canonical=spec.name)
        self.check(f"{seconds} < 0", spec.offset, "a duration of 0 or more", raw, canonical=spec.name,
                   hint="A negative duration points at a wrong column or a clock problem in the export.")
        self.check(f"{seconds} > {MAX_DURATION_S}", spec.offset, "a duration of at most 24 hours", raw,
                   canonical=spec.name, hint="Check `unit` (seconds, minutes or hours) in the mapping.")
        sign = "+" if spec.sign > 0 else "-"
        return self.add(p, f"make_timestamptz(epoch_us({base}) {sign} CAST(round({seconds} * 1000000) AS BIGINT))")

    # -- formats and hints ------------------------------------------------------
    def format(self, spec: ColumnSpec, values_expr: str, candidates: tuple[str, ...]) -> tuple[str | None, str]:
        """The format of a timestamp (or date) column and the hint for values it cannot read."""
        if spec.format or self.source.date_format:
            key = "format" if spec.format else "date_format"
            fmt = spec.format or self.source.date_format
            error = q.check_format(self.con, fmt)
            if error:
                self.config_problem(spec, "a format DuckDB can read (%d-%m-%Y %H:%M:%S and the like)",
                                    repr(fmt), f"Correct `{key}` in the mapping ({error}).")
                return None, ""
            return fmt, f"Check `{key}` in the mapping."
        values = (f"SELECT v FROM (SELECT {values_expr} AS v FROM {self.relation} s WHERE {self.kept}) "
                  f"WHERE v IS NOT NULL")
        return q.detect_format(self.con, values, candidates, self.iso), "Set `date_format` in the mapping."

    def decimal_hint(self) -> Callable[[str], str]:
        decimal = self.source.decimal

        def hint(found: str) -> str:
            if decimal == "." and "," in found:
                return 'Set `decimal: ","` in the mapping.'
            if decimal == "," and "." in found:
                return 'The mapping sets `decimal: ","`; a value with "." is ambiguous there.'
            return ""
        return hint

    def example_number(self) -> str:
        return "12,5" if self.source.decimal == "," else "12.5"
