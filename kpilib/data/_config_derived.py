"""Read the parts of ``workshop.yaml`` that reshape rows: derived tables, header-less files and pivots.

A mixin of :class:`kpilib.data._config_yaml._Reader` (which gives ``error``, ``unknown_keys`` and
``lines``). The formats are described in docs/mapping.md, "Derived tables" and "Telephone event logs".
"""

from __future__ import annotations

from typing import Any

from kpilib.data._config_types import (AGGREGATES, DerivedColumn, DerivedTable, PivotConfig, PivotField,
                                       SourceConfig)
from kpilib.data.schema import TABLES

_DERIVED_KEYS = ("from", "key", "done", "columns")
_DERIVED_SPEC_KEYS = (*AGGREGATES, "value", "map", "other")
_PIVOT_KEYS = ("key", "event", "start", "fields")
_FIELD_KEYS = ("event", "column", "take", "epoch")


def _texts(value: Any) -> list[str] | None:
    """A list of plain values as texts, or None when it is not one."""
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
        return None
    return [str(v) if not isinstance(v, bool) else str(v).lower() for v in value]


def _cases_from_events(key: str) -> dict[str, DerivedColumn]:
    """The defaults of ``cases: {from: events}``: first event, first done status, last event if done."""
    return {"case_id": DerivedColumn("case_id", "key", key),
            "opened_at": DerivedColumn("opened_at", "min", "at"),
            "resolved_at": DerivedColumn("resolved_at", "first_done", "at"),
            "closed_at": DerivedColumn("closed_at", "last_if_done", "at"),
            "team_opened": DerivedColumn("team_opened", "first", "team")}


class DerivedReader:
    """Reads ``sources.<table>: {from: ...}``, ``header:`` and ``pivot:`` (see the module docstring)."""

    # -- derived tables ----------------------------------------------------------
    @staticmethod
    def is_derived(entry: Any) -> bool:
        return isinstance(entry, dict) and "from" in entry and "file" not in entry

    def derived(self, table: str, data: dict, where: tuple, top: dict) -> DerivedTable | None:
        self.unknown_keys(where, data, _DERIVED_KEYS)
        target = TABLES[table]
        origin = data.get("from")
        if target.key is None:
            self.error(where, f"`{table}` is a log of events, one row per event; it cannot be derived by "
                       "aggregation. Map its export under `file:` and `columns:`.")
            return None
        if origin not in TABLES or origin == table:
            others = ", ".join(t for t in TABLES if t != table)
            self.error(where + ("from",), f"expected the canonical table `{table}` is derived from ({others}); "
                       f"found {origin!r}.")
            return None
        names = TABLES[origin].names
        key = data.get("key", target.key if target.key in names else None)
        if key not in names:
            self.error(where + ("key",), f"expected the column of `{origin}` that identifies a row of "
                       f"`{table}` (one of {', '.join(names)}); found {key!r}.")
            return None
        columns = _cases_from_events(key) if (table, origin) == ("cases", "events") else \
            {target.key: DerivedColumn(target.key, "key", key)}
        done: tuple[str, ...] = ()
        if (table, origin) == ("cases", "events"):
            done_raw = data.get("done")
            if done_raw is None:
                lines = top.get("lines")
                done_raw = lines.get("done") if isinstance(lines, dict) else None
            found = _texts(done_raw)
            if found is None:
                self.error(where, "`cases` from `events` needs the statuses that mean the case is done "
                           "(resolved_at: the first of them; closed_at: the last event when it is one): "
                           "set `done: [Opgelost, Gesloten]` here or `lines: done:` in workshop.yaml "
                           "(`done: []` for none).")
            done = tuple(found or ())
        elif "done" in data:
            self.error(where + ("done",), "`done` applies to `cases` derived from `events`.")
        raw = data.get("columns") or {}
        if not isinstance(raw, dict):
            self.error(where + ("columns",), "expected `column: {first: X}` entries.")
            raw = {}
        for name, spec in raw.items():
            if name not in target.names:
                self.error(where + ("columns", name), f"`{name}` is not a column of `{table}`. "
                           f"Columns: {', '.join(target.names)}.")
                continue
            column = self.derived_column(table, origin, name, spec, where + ("columns", name))
            if column is not None:
                columns[name] = column
        missing = [c for c in target.required if c not in columns]
        if missing:
            self.error(where, f"`{table}` derived from `{origin}` needs {', '.join(f'`{c}`' for c in missing)}: "
                       "give each under `columns:`, such as `opened_at: {min: at}`.")
        return DerivedTable(table, origin, key, columns, done, self.lines.get(where))

    def derived_column(self, table: str, origin: str, name: str, spec: Any, where: tuple) -> DerivedColumn | None:
        line = self.lines.get(where)
        if isinstance(spec, str):
            spec = {"first": spec}
        if not isinstance(spec, dict):
            self.error(where, "expected {first: X}, {last: X}, {min: X}, {max: X} or {value: V}.")
            return None
        self.unknown_keys(where, spec, _DERIVED_SPEC_KEYS)
        forms = [k for k in (*AGGREGATES, "value") if k in spec]
        if len(forms) != 1:
            self.error(where, f"expected exactly one of {', '.join(AGGREGATES)} or value; found "
                       f"{', '.join(forms) or 'none'}.")
            return None
        how = forms[0]
        kind = TABLES[table].column(name).kind
        if how == "value":
            if kind == "timestamp":
                self.error(where, f"`{name}` is a timestamp; take it from a column of `{origin}`.")
            return DerivedColumn(name, "value", value=None if spec["value"] is None else str(spec["value"]),
                                 line=line)
        column = spec[how]
        if not isinstance(column, str) or not column.strip():
            self.error(where + (how,), f"`{how}` expects a column name; found {column!r}.")
            return None
        column = column.strip()
        canonical = column in TABLES[origin].names
        if not canonical and (kind not in ("id", "category", "text") or how in ("min", "max")):
            self.error(where + (how,), f"`{column}` is not a column of `{origin}`: a column of its export "
                       f"can fill a text column with `first` or `last`, not `{name}` with `{how}`. Use one "
                       f"of {', '.join(TABLES[origin].names)}.")
            return None
        fields: dict[str, Any] = {}
        if "map" in spec:
            codes = spec["map"]
            if how not in ("first", "last") or not isinstance(codes, dict) or \
                    any(isinstance(v, (dict, list)) for v in codes.values()):
                self.error(where + ("map",), "expected `code: value` pairs, with `first` or `last`.")
            else:
                fields["map"] = {str(k): None if v is None else str(v) for k, v in codes.items()}
                if "other" in spec:
                    other = spec["other"]
                    fields.update({"other": "keep"} if other == "keep" else
                                  {"other": "value", "other_value": None if other is None else str(other)})
        elif "other" in spec:
            self.error(where + ("other",), "`other` goes with `map`.")
        return DerivedColumn(name, how, column, canonical, line=line, **fields)

    def check_derived(self, derived: list[DerivedTable], sources: list[SourceConfig]) -> list[DerivedTable]:
        """Each derived table once, not also mapped from a file, from a table that will be there."""
        present = {s.table for s in sources}
        if "events" not in present and "contacts" in present:
            present.add("events")   # derived from contacts (docs/mapping.md)
        for d in derived:
            where = ("sources", d.table)
            if d.table in present:
                self.error(where, f"`{d.table}` has a `file:` source and is derived `from: {d.origin}` as well; "
                           "keep one.")
            elif d.origin not in present:
                self.error(where + ("from",), f"`{d.table}` is derived from `{d.origin}`, which has no source: "
                           f"map `{d.origin}` under `sources:` (above or below).")
            present.add(d.table)
        return derived

    # -- header-less files and pivots ----------------------------------------------
    def header(self, value: Any, where: tuple, kind: str | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        names = _texts(value)
        if not names or any(not n.strip() for n in names) or len(set(names)) != len(names):
            self.error(where, "expected the column names of a file without a header line, each once: "
                       "[epoch, callid, queue, ...].")
            return None
        if kind != "csv":
            self.error(where, "`header` applies to text files (CSV, or logs such as queue_log).")
        return tuple(n.strip() for n in names)

    def pivot(self, data: Any, where: tuple, header: tuple[str, ...] | None) -> PivotConfig | None:
        if not isinstance(data, dict):
            self.error(where, "expected `key:`, `event:` and `fields:` (docs/mapping.md, Telephone event logs).")
            return None
        self.unknown_keys(where, data, _PIVOT_KEYS)
        key, event = data.get("key"), data.get("event")
        for name, value in (("key", key), ("event", event)):
            if not isinstance(value, str) or not value.strip():
                self.error(where + (name,), f"`{name}` expects a column name; found {value!r}.")
        start = _texts(data.get("start", []))
        if start is None:
            self.error(where + ("start",), "expected a list of events, such as [ENTERQUEUE].")
            start = []
        raw = data.get("fields")
        if not isinstance(raw, dict) or not raw:
            self.error(where + ("fields",), "expected one entry per new column, such as "
                       "`answered: {event: CONNECT, column: epoch}`.")
            raw = {}
        fields = []
        for name, spec in raw.items():
            field = self.pivot_field(name, spec, where + ("fields", name))
            if field is not None:
                if name == key:
                    self.error(where + ("fields", name), f"`{name}` is the key column; name the field otherwise.")
                fields.append(field)
        if not isinstance(key, str) or not isinstance(event, str):
            return None
        return PivotConfig(key.strip(), event.strip(), tuple(fields), tuple(start))

    def pivot_field(self, name: str, spec: Any, where: tuple) -> PivotField | None:
        if not isinstance(spec, dict):
            self.error(where, "expected {event: E, column: C} (or `column: {E1: C1, E2: C2}`).")
            return None
        self.unknown_keys(where, spec, _FIELD_KEYS)
        column = spec.get("column")
        if isinstance(column, dict):
            if "event" in spec:
                self.error(where + ("event",), "the events are the keys of `column:`; leave `event` out.")
            if not column or any(not isinstance(v, str) for v in column.values()):
                self.error(where + ("column",), "expected `EVENT: column` pairs.")
                return None
            events, columns = tuple(str(k) for k in column), tuple(v.strip() for v in column.values())
        else:
            raw_events = spec.get("event")
            events_list = [raw_events] if isinstance(raw_events, str) else _texts(raw_events)
            if not events_list:
                self.error(where + ("event",), "expected the event (or a list of events) that gives the value.")
                return None
            if not isinstance(column, str) or not column.strip():
                self.error(where + ("column",), f"`column` expects a column name; found {column!r}.")
                return None
            events, columns = tuple(events_list), (column.strip(),) * len(events_list)
        take = spec.get("take", "first")
        if take not in ("first", "last"):
            self.error(where + ("take",), f"expected first or last; found {take!r}.")
            take = "first"
        epoch = spec.get("epoch", False)
        if not isinstance(epoch, bool):
            self.error(where + ("epoch",), f"expected true or false; found {epoch!r}.")
            epoch = False
        return PivotField(name, events, columns, take, epoch)
