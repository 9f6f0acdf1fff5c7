"""Read the ``columns:`` of a source in ``workshop.yaml``: column specs, rule lists and conditions.

:class:`ColumnReader` is the part of the reader in :mod:`kpilib.data._config_yaml`
that turns one column's YAML into a :class:`~kpilib.data._config_types.ColumnSpec`
(and a ``when`` / ``drop`` condition into a :class:`Condition` or :class:`Combined`),
reporting each mistake with its line through the reader's ``error``.
"""

from __future__ import annotations

from typing import Any

from kpilib.data._config_types import COMBINERS, INVALID, OPERATORS, UNITS, ColumnSpec, Combined, Condition, close_matches
from kpilib.data.schema import TABLES

_SPEC_KEYS = ("column", "value", "date", "time", "from", "plus", "minus", "concat", "sep", "map", "other",
              "format", "unit", "not_before", "invalid", "when")
_FORMS = ("column", "value", "date", "from", "concat")
#: Column kinds a ``concat`` may fill: it builds a text.
_TEXT_KINDS = ("id", "text", "category")


def did_you_mean(name: str, options: list[str], n: int = 3) -> str:
    matches = close_matches(name, options)[:n]
    return f" Did you mean {' or '.join(f'`{m}`' for m in matches)}?" if matches else ""


def scalar_text(value: Any) -> str | None:
    """A YAML scalar under ``sources`` as the text it stands for (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ColumnReader:
    """Column specs and conditions; mixed into the reader, which gives ``error``, ``unknown_keys``, ``lines``."""

    lines: dict[tuple, int]

    def error(self, where: tuple, message: str) -> None:  # pragma: no cover - the reader's
        raise NotImplementedError

    def unknown_keys(self, where: tuple, data: dict, allowed: tuple[str, ...]) -> None:  # pragma: no cover
        raise NotImplementedError

    def columns(self, table: str, data: Any, where: tuple) -> dict[str, ColumnSpec]:
        schema = TABLES[table]
        if not isinstance(data, dict):
            self.error(where, f"expected `columns:` mapping the columns of `{table}` "
                       f"({', '.join(schema.names)}) to the export's columns.")
            return {}
        specs: dict[str, ColumnSpec] = {}
        for name, raw in data.items():
            if name not in schema.names:
                self.error(where + (name,), f"`{name}` is not a column of `{table}`."
                           f"{did_you_mean(name, schema.names)} Columns: {', '.join(schema.names)}.")
                continue
            spec = self.spec(table, name, raw, where + (name,), mapped=list(specs))
            if spec is not None:
                specs[name] = spec
        for name in schema.required:
            if name not in data:
                self.error(where, f"`{table}` needs `{name}`: map it to a column of the export, "
                           f"or give a constant such as `{name}: {{value: ...}}`.")
        return specs

    def spec(self, table: str, name: str, raw: Any, where: tuple, mapped: list[str]) -> ColumnSpec | None:
        if isinstance(raw, list):
            return self.rules(table, name, raw, where, mapped)
        return self.one_spec(table, name, raw, where, mapped)

    def rules(self, table: str, name: str, raw: list, where: tuple, mapped: list[str]) -> ColumnSpec | None:
        """A list of specs: the first whose ``when`` holds gives the value; a last one without is the else."""
        if not raw:
            self.error(where, "expected at least one spec in the list, such as "
                       "- {column: X, when: {column: C, equals: V}}.")
            return None
        rules = []
        for i, item in enumerate(raw):
            if isinstance(item, list):
                self.error(where + (i,), "expected one spec; a rule list does not nest (combine the "
                           "conditions with `all:` or `any:` instead).")
                continue
            if i < len(raw) - 1 and not (isinstance(item, dict) and "when" in item):
                self.error(where + (i,), f"only the last spec of `{name}` may go without `when` (it is the "
                           "else); the specs after this one would never apply. Give it a `when:`, or move it "
                           "to the end.")
            rule = self.one_spec(table, name, item, where + (i,), mapped)
            if rule is not None:
                rules.append(rule)
        return ColumnSpec(name, "rules", rules=tuple(rules), line=self.lines.get(where))

    def one_spec(self, table: str, name: str, raw: Any, where: tuple, mapped: list[str]) -> ColumnSpec | None:
        column_type = TABLES[table].column(name)
        is_timestamp = column_type.kind == "timestamp"
        line = self.lines.get(where)
        if isinstance(raw, str):
            return ColumnSpec(name, "column", column=raw.strip(), line=line)
        if not isinstance(raw, dict):
            self.error(where, "expected a column name or a mapping such as {column: X} or {value: V}.")
            return None
        self.unknown_keys(where, raw, _SPEC_KEYS)
        forms = [k for k in _FORMS if k in raw]
        if len(forms) != 1:
            found = ", ".join(f"`{f}`" for f in forms) or "none"
            self.error(where, "expected exactly one of `column`, `value`, `date` (with `time`) or `from` "
                       f"(with `plus` or `minus`); found {found}." + ("" if forms else
                       " A value built from several columns is {concat: [A, B], sep: \"-\"}."))
            return None
        form, fields = forms[0], {"line": line}
        canonical = False
        if form == "column":
            fields.update(kind="column", column=self.text(raw, "column", where))
        elif form == "value":
            value = raw["value"]
            if isinstance(value, (dict, list)):
                self.error(where + ("value",), "expected a single value.")
            fields.update(kind="constant", value=scalar_text(value))
        elif form == "date":
            if "time" not in raw:
                self.error(where, "`date` needs `time`: {date: Datum, time: Tijd}. For one column use `column`.")
            fields.update(kind="datetime", date=self.text(raw, "date", where),
                          time=self.text(raw, "time", where) if "time" in raw else None)
        elif form == "concat":
            fields.update(self.concat(raw, where, name, column_type.kind))
        else:
            offsets = [k for k in ("plus", "minus") if k in raw]
            if len(offsets) != 1:
                self.error(where, "`from` needs exactly one of `plus` or `minus`: {from: queued_at, plus: Wachttijd}.")
                return None
            base = self.text(raw, "from", where)
            canonical = base in TABLES[table].names
            if canonical and base not in mapped:
                self.error(where + ("from",), f"`{base}` is used before it is mapped: map `{base}` above `{name}`.")
            fields.update(kind="offset", base=base, base_is_canonical=canonical,
                          offset=self.text(raw, offsets[0], where), sign=1 if offsets[0] == "plus" else -1)
        if "time" in raw and form != "date":
            self.error(where + ("time",), "`time` goes with `date`: {date: Datum, time: Tijd}.")
        if "sep" in raw and form != "concat":
            self.error(where + ("sep",), "`sep` goes with `concat`: {concat: [vru_line, call_id], sep: \"-\"}.")
        if is_timestamp and form == "value":
            self.error(where, f"`{name}` is a timestamp; it must come from a column of the export.")
        if not is_timestamp and form in ("date", "from"):
            self.error(where, f"`{form}` builds a timestamp, but `{name}` is not a timestamp column.")
        if "format" in raw:
            fmt = raw["format"]
            if not is_timestamp or form not in ("column", "date", "from") or (form == "from" and canonical):
                self.error(where + ("format",), "`format` applies to timestamps read from a column.")
            elif not isinstance(fmt, str) or "%" not in fmt:
                self.error(where + ("format",), f"expected a format such as '%d-%m-%Y %H:%M'; found {fmt!r}.")
            fields["format"] = fmt if isinstance(fmt, str) else None
        if "unit" in raw:
            if raw["unit"] not in UNITS:
                self.error(where + ("unit",), f"expected one of {', '.join(UNITS)}; found {raw['unit']!r}.")
            elif form != "from":
                self.error(where + ("unit",), "`unit` applies to the duration in `plus` or `minus`.")
            else:
                fields["unit"] = raw["unit"]
        if "not_before" in raw:
            fields["not_before"] = self.not_before(table, name, raw, where, form, mapped)
        if "invalid" in raw:
            fields["invalid"] = self.invalid(raw["invalid"], where, form, name, column_type.required)
        if "map" in raw:
            fields.update(self.value_map(raw, where, form))
        elif "other" in raw:
            self.error(where + ("other",), "`other` goes with `map`.")
        if "when" in raw:
            fields["when"] = self.condition(raw["when"], where + ("when",))
        return ColumnSpec(name, **fields)

    def concat(self, raw: dict, where: tuple, name: str, kind: str) -> dict[str, Any]:
        parts = raw["concat"]
        if not isinstance(parts, list) or len(parts) < 2 or \
                any(not isinstance(p, str) or not p.strip() for p in parts):
            self.error(where + ("concat",), "`concat` expects a list of two or more column names, such as "
                       f"[vru_line, call_id]; found {parts!r}.")
            parts = []
        sep = raw.get("sep", "")
        if not isinstance(sep, str):
            self.error(where + ("sep",), f"expected a text such as \"-\" (in quotes); found {sep!r}.")
            sep = ""
        if kind not in _TEXT_KINDS:
            use = " Use {date: D, time: T} for a date and a time." if kind == "timestamp" else ""
            self.error(where + ("concat",), f"`concat` builds a text, but `{name}` is a {kind} column.{use}")
        return {"kind": "concat", "parts": tuple(p.strip() for p in parts), "sep": sep}

    def not_before(self, table: str, name: str, raw: dict, where: tuple, form: str,
                   mapped: list[str]) -> str | None:
        other = raw["not_before"]
        schema = TABLES[table]
        stamps = [c.name for c in schema.columns if c.kind == "timestamp" and c.name != name]
        at = where + ("not_before",)
        if form != "date":
            self.error(at, "`not_before` goes with `date` and `time`: "
                       "{date: Datum, time: Eindtijd, not_before: answered_at}.")
        elif not isinstance(other, str) or other.strip() not in stamps:
            self.error(at, f"`not_before` names {other!r}, which is not another timestamp of `{table}`."
                       f"{did_you_mean(str(other), stamps)} It takes a canonical column mapped above "
                       f"`{name}`: {', '.join(stamps)}.")
        elif other.strip() not in mapped:
            self.error(at, f"`{other.strip()}` is used before it is mapped: map `{other.strip()}` above `{name}`.")
        else:
            return other.strip()
        return None

    def invalid(self, value: Any, where: tuple, form: str, name: str, required: bool) -> str:
        at = where + ("invalid",)
        choice = "null" if value is None else value
        if choice not in INVALID:
            self.error(at, "expected `invalid: null` (a value that fails a check is nulled and counted) or "
                       f"`invalid: error` (the default: its row fails); found {value!r}.")
            return "error"
        if choice == "null" and form == "value":
            self.error(at, "`invalid` applies to values read from the export; a constant is checked once.")
        elif choice == "null" and required:
            self.error(at, f"`{name}` is required, so a value that fails its checks cannot be nulled. "
                       "Remove `invalid: null`, or leave such rows out with a `drop:` rule.")
        return choice

    def value_map(self, raw: dict, where: tuple, form: str) -> dict[str, Any]:
        if form != "column":
            self.error(where + ("map",), "`map` applies to a source column: {column: X, map: {...}}.")
            return {}
        codes = raw["map"]
        if not isinstance(codes, dict) or any(isinstance(v, (dict, list)) for v in codes.values()):
            self.error(where + ("map",), "expected `code: value` pairs, such as {AGENT: resolved, HANG: null}.")
            return {}
        fields: dict[str, Any] = {"map": {k: scalar_text(v) for k, v in codes.items()}}
        if "other" in raw:
            other = raw["other"]
            if isinstance(other, (dict, list)):
                self.error(where + ("other",), "expected `keep`, `null` or a single value.")
            elif other == "keep":
                fields["other"] = "keep"
            else:
                fields.update(other="value", other_value=scalar_text(other))
        return fields

    def condition(self, data: Any, where: tuple, extra: tuple[str, ...] = ()) -> Condition | Combined | None:
        if isinstance(data, dict) and any(k in data for k in COMBINERS):
            return self.combined(data, where, extra)
        if isinstance(data, dict):
            self.unknown_keys(where, data, ("column",) + OPERATORS + extra)
        if not isinstance(data, dict) or not isinstance(data.get("column"), str):
            self.error(where, "expected {column: C, equals: V} (or in, not_equals, not_in, not_null, is_null).")
            return None
        ops = [k for k in OPERATORS if k in data]
        if len(ops) != 1:
            self.error(where, f"expected exactly one of {', '.join(OPERATORS)}; found {len(ops)}.")
            return None
        op, value = ops[0], data[ops[0]]
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value or any(isinstance(v, (dict, list)) for v in value):
                self.error(where + (op,), f"`{op}` expects a list of values, such as [Intern, Oefen].")
                return None
            values = tuple(scalar_text(v) for v in value)
        elif op in ("equals", "not_equals"):
            if isinstance(value, (dict, list)):
                self.error(where + (op,), f"`{op}` expects a single value; use `in` for a list.")
                return None
            values = (scalar_text(value),)
        else:
            if value is not True:
                self.error(where + (op,), f"write `{op}: true`.")
            values = ()
        return Condition(data["column"].strip(), op, values)

    def combined(self, data: dict, where: tuple, extra: tuple[str, ...]) -> Combined | None:
        """``{all: [...]}`` or ``{any: [...]}``: conditions (or combinations) that must all / may one hold."""
        self.unknown_keys(where, data, COMBINERS + extra)
        ops = [k for k in COMBINERS if k in data]
        if len(ops) != 1:
            self.error(where, "expected one of `all` or `any`, not both; nest them instead: "
                       "{all: [{column: A, equals: X}, {any: [...]}]}.")
            return None
        op, items = ops[0], data[ops[0]]
        if not isinstance(items, list) or not items:
            self.error(where + (op,), f"`{op}` expects a list of conditions, such as "
                       "[{column: Type, equals: IN}, {column: Wachtrij, not_null: true}].")
            return None
        parts = [self.condition(item, where + (op, i)) for i, item in enumerate(items)]
        if any(p is None for p in parts):
            return None
        return Combined(op, tuple(parts))

    def text(self, data: dict, key: str, where: tuple) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error(where + (key,), f"`{key}` expects a column name; found {value!r}.")
            return "?"
        return value.strip()
