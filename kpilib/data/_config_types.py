"""The typed model of ``workshop.yaml``: sources, column specs, rules and the workshop's blocks.

Read by :mod:`kpilib.data._config_yaml`; use :func:`kpilib.data.config.load_config` to get one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpilib.data.schema import TABLES


#: The name of the file that describes a workshop folder.
CONFIG_NAME = "workshop.yaml"
DEFAULT_TIME_ZONE = "Europe/Amsterdam"

FILE_KINDS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel",
              ".xlsm": "excel", ".parquet": "parquet", ".pq": "parquet"}
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "|": "|"}
ENCODINGS = ("utf-8", "cp1252", "latin-1", "utf-16")
UNITS = {"seconds": 1, "minutes": 60, "hours": 3600}
#: The share of a source's foreign-key values that must match the table they point to (``min_key_match``).
MIN_KEY_MATCH = 0.5
OPERATORS = ("equals", "not_equals", "in", "not_in", "not_null", "is_null")
#: Conditions combined: every part holds (``all``) or at least one does (``any``).
COMBINERS = ("all", "any")
#: What a column does with a value that fails one of its checks (``invalid:``).
INVALID = ("error", "null")
#: Top-level blocks of ``workshop.yaml`` beyond the import mapping. They are read as plain YAML
#: (dates become dates) and checked by the module that uses them: ``start``, ``language`` and
#: ``schedule`` (the workshop's own ten days), ``lines`` and ``chains`` (the customer chains), ``teams``
#: (the names of the teams' codes),
#: ``norms`` and ``parameters`` (shared by the day notebooks), ``decisions`` (taken in batch
#: runs) and ``backend`` (where the canonical tables live, when not in the DuckDB store).
SECTIONS = ("start", "language", "schedule", "lines", "chains", "teams", "norms", "parameters", "decisions",
            "backend")



@dataclass(frozen=True)
class Condition:
    """A test on one source column: ``column`` ``op`` ``values`` (texts as written)."""

    column: str
    op: str
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        shown = ", ".join(repr(v) for v in self.values)
        return {"equals": f"{self.column} = {shown}", "not_equals": f"{self.column} != {shown}",
                "in": f"{self.column} in ({shown})", "not_in": f"{self.column} not in ({shown})",
                "not_null": f"{self.column} is filled", "is_null": f"{self.column} is empty"}[self.op]

    @property
    def columns(self) -> tuple[str, ...]:
        """The source columns the condition reads."""
        return (self.column,)


@dataclass(frozen=True)
class Combined:
    """Conditions combined: ``op`` is ``"all"`` (every part holds) or ``"any"`` (one part does)."""

    op: str
    parts: tuple[Condition | Combined, ...]

    def describe(self) -> str:
        joiner = " and " if self.op == "all" else " or "
        return "(" + joiner.join(p.describe() for p in self.parts) + ")"

    @property
    def columns(self) -> tuple[str, ...]:
        """The source columns the parts read, each once, in the order they are named."""
        return tuple(dict.fromkeys(c for p in self.parts for c in p.columns))


@dataclass(frozen=True)
class DropRule:
    """Rows matching ``condition`` are left out of the import, counted under ``reason``."""

    condition: Condition
    reason: str


@dataclass(frozen=True)
class ColumnSpec:
    """How one canonical column is filled from a source.

    ``kind`` is one of ``"column"`` (a source column, possibly mapped),
    ``"constant"``, ``"datetime"`` (a date and a time column, read on the next
    day when it falls before the canonical column ``not_before``), ``"offset"``
    (``base`` plus or minus the duration in ``offset``), ``"concat"`` (the
    source columns ``parts`` joined by ``sep``; null when a part is empty) or
    ``"rules"`` (the first of ``rules`` whose ``when`` holds gives the value).
    ``invalid`` is ``"null"`` when a value that fails a check is nulled and
    counted instead of failing its row.
    """

    name: str
    kind: str
    column: str | None = None
    value: str | None = None
    date: str | None = None
    time: str | None = None
    base: str | None = None
    base_is_canonical: bool = False
    offset: str | None = None
    sign: int = 1
    map: dict[str, str | None] | None = None
    other: str = "error"            # "error", "keep" or "value"
    other_value: str | None = None
    format: str | None = None
    unit: str = "seconds"
    when: Condition | Combined | None = None
    parts: tuple[str, ...] = ()
    sep: str = ""
    not_before: str | None = None
    rules: tuple[ColumnSpec, ...] = ()
    invalid: str = "error"
    line: int | None = None

    @property
    def source_columns(self) -> list[str]:
        """The source columns this spec reads, in the order they are named."""
        names = [self.column, self.date, self.time, self.offset, *self.parts,
                 None if self.base_is_canonical else self.base,
                 *(self.when.columns if self.when else ())]
        names += [c for rule in self.rules for c in rule.source_columns]
        return list(dict.fromkeys(n for n in names if n is not None))

    @property
    def canonical_inputs(self) -> list[str]:
        """The canonical columns of the same table this spec reads (``from``, ``not_before``)."""
        names = [self.base if self.base_is_canonical else None, self.not_before]
        names += [c for rule in self.rules for c in rule.canonical_inputs]
        return list(dict.fromkeys(n for n in names if n is not None))


@dataclass(frozen=True)
class PivotField:
    """A column of a pivoted event log: ``column`` of the first (or last) row whose event is in ``events``.

    ``columns`` holds the column per event when it differs between events (``{CONNECT: data1,
    ABANDON: data3}``); ``epoch`` reads the value as seconds since 1970-01-01 UTC.
    """

    name: str
    events: tuple[str, ...]
    columns: tuple[str, ...]        # one per event, in the order of ``events``
    take: str = "first"             # "first" or "last"
    epoch: bool = False


@dataclass(frozen=True)
class PivotConfig:
    """An event log (one row per event) turned into one row per ``key`` (and per ``start`` event)."""

    key: str
    event: str
    fields: tuple[PivotField, ...]
    start: tuple[str, ...] = ()

    @property
    def events(self) -> tuple[str, ...]:
        """Every event a field or ``start`` reads, in order of first mention."""
        return tuple(dict.fromkeys([*self.start, *(e for f in self.fields for e in f.events)]))

    @property
    def source_columns(self) -> list[str]:
        return list(dict.fromkeys([self.key, self.event, *(c for f in self.fields for c in f.columns)]))


#: Aggregates a derived column may use (``first`` / ``last`` in the origin's event order).
AGGREGATES = ("first", "last", "min", "max")


@dataclass(frozen=True)
class DerivedColumn:
    """One column of a derived table: ``how`` (an aggregate, or ``value``) over ``column`` of the origin.

    ``canonical`` is true when ``column`` is a canonical column of the origin table; otherwise it is
    a column of the origin's export. The internal ``how`` values ``key``, ``first_done`` and
    ``last_if_done`` are the defaults of cases derived from events.
    """

    name: str
    how: str
    column: str | None = None
    canonical: bool = True
    value: str | None = None
    map: dict[str, str | None] | None = None
    other: str = "error"            # "error", "keep" or "value"
    other_value: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class DerivedTable:
    """A canonical table built at import from the rows of ``origin``, one row per ``key``."""

    table: str
    origin: str
    key: str
    columns: dict[str, DerivedColumn]
    done: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One export file (or Excel sheet) and its mapping onto a canonical table."""

    table: str
    file: str
    path: Path
    kind: str                       # "csv", "excel" or "parquet"
    columns: dict[str, ColumnSpec]
    sheet: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    encoding: str = "utf-8"
    date_format: str | None = None
    drop: tuple[DropRule, ...] = ()
    line: int | None = None
    header: tuple[str, ...] | None = None   # the column names of a file without a header line
    pivot: PivotConfig | None = None        # one row per event, pivoted into one row per key
    preset: str | None = None               # the preset the source was expanded from
    allow_outside: bool = False     # a `file:` outside the workshop folder is allowed
    min_key_match: float = MIN_KEY_MATCH

    @property
    def label(self) -> str:
        """How messages name this source: the file, and the sheet if one is set."""
        return f"{self.file}, sheet `{self.sheet}`" if self.sheet else self.file


@dataclass(frozen=True)
class WorkshopConfig:
    """A checked ``workshop.yaml``."""

    folder: Path
    client: str | None
    time_zone: str
    calendar: dict[str, Any]
    pseudonymise: bool
    sources: tuple[SourceConfig, ...]
    path: Path = field(default=Path(CONFIG_NAME))
    sections: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    derived: tuple[DerivedTable, ...] = ()

    def section(self, name: str, default: Any = None) -> Any:
        """The plain-YAML value of the top-level block ``name`` (one of :data:`SECTIONS`)."""
        if name not in SECTIONS:
            raise KeyError(name)
        value = self.sections.get(name)
        return default if value is None else value

    def where(self, *keys: str | int) -> str:
        """``workshop.yaml, line 12 (chains.faults.norm_days)``: where a key stands, for messages."""
        path = ".".join(str(k) for k in keys)
        probe = list(keys)
        while probe and ".".join(map(str, probe)) not in self.lines:
            probe.pop()
        line = self.lines.get(".".join(map(str, probe)))
        at = f"{self.path.name}, line {line}" if line else self.path.name
        return f"{at} ({path})" if path else at

    @property
    def store_path(self) -> Path:
        """Where the import writes the canonical tables."""
        return self.folder / "store.duckdb"

    @property
    def tables(self) -> list[str]:
        """The canonical tables with at least one source, in schema order."""
        present = {s.table for s in self.sources}
        return [t for t in TABLES if t in present]

    def sources_for(self, table: str) -> list[SourceConfig]:
        """The sources that fill ``table``, in the order of the file."""
        return [s for s in self.sources if s.table == table]

    def working_calendar(self):
        """The workshop's :class:`kpilib.data.calendar.WorkingCalendar` (from the ``calendar`` block)."""
        from kpilib.data.calendar import WorkingCalendar

        return WorkingCalendar.from_config({"calendar": self.calendar, "time_zone": self.time_zone})


def close_matches(name: str, options: list[str]) -> list[str]:
    """Options that look like ``name``: same letters in another case first, then similar ones."""
    same = [o for o in options if o.casefold() == name.casefold() and o != name]
    lowered = {o.casefold(): o for o in options}
    similar = [lowered[m] for m in difflib.get_close_matches(name.casefold(), list(lowered), n=3, cutoff=0.7)]
    return list(dict.fromkeys(same + [s for s in similar if s != name]))[:3]
