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
#: Top-level blocks of ``workshop.yaml`` beyond the import mapping. They are read as plain YAML
#: (dates become dates) and checked by the module that uses them: ``start``, ``language`` and
#: ``schedule`` (the workshop's own ten days), ``lines`` and ``chains`` (the customer chains),
#: ``norms`` and ``parameters`` (shared by the day notebooks), ``decisions`` (taken in batch
#: runs) and ``backend`` (where the canonical tables live, when not in the DuckDB store).
SECTIONS = ("start", "language", "schedule", "lines", "chains", "norms", "parameters", "decisions",
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


@dataclass(frozen=True)
class DropRule:
    """Rows matching ``condition`` are left out of the import, counted under ``reason``."""

    condition: Condition
    reason: str


@dataclass(frozen=True)
class ColumnSpec:
    """How one canonical column is filled from a source.

    ``kind`` is one of ``"column"`` (a source column, possibly mapped),
    ``"constant"``, ``"datetime"`` (a date and a time column) or ``"offset"``
    (``base`` plus or minus the duration in ``offset``).
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
    when: Condition | None = None
    line: int | None = None

    @property
    def source_columns(self) -> list[str]:
        """The source columns this spec reads, in the order they are named."""
        names = [self.column, self.date, self.time, self.offset,
                 None if self.base_is_canonical else self.base,
                 self.when.column if self.when else None]
        return [n for n in names if n is not None]


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
