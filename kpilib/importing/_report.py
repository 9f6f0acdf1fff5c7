"""What an import or a check found: :class:`ImportReport`, :class:`CheckReport` and the profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpilib.exceptions import DataProblem
from kpilib.importing._keys import KeyMatch
from kpilib.importing._sql import ident, local_text
from kpilib.data.schema import TABLES

__all__ = ["CheckReport", "ColumnProfile", "ImportReport", "SourceSummary", "TableProfile"]


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _rows(value: int) -> str:
    return f"{_n(value)} row{'' if value == 1 else 's'}"


@dataclass(frozen=True)
class SourceSummary:
    """One source: rows read, rows left out by rule, times read in the repeated DST hour, and what the checks counted.

    ``problem_rows`` counts the distinct rows with at least one problem; ``nulled`` the values nulled per
    canonical column (``invalid: null``); ``unknown_teams`` the status log's teams that ``lines:`` does not
    name, with their rows.
    """

    label: str
    table: str
    rows_read: int
    dropped: tuple[tuple[str, int], ...] = ()
    repeated_hour: tuple[tuple[str, int], ...] = ()
    nulled: tuple[tuple[str, int], ...] = ()
    problem_rows: int = 0
    unknown_teams: tuple[tuple[str, int], ...] = ()
    normalised: tuple[tuple[str, int], ...] = ()    # (id column, values written as 500000052.0)

    def to_text(self) -> str:
        text = f"{self.label} → {self.table}: {_rows(self.rows_read)} read"
        dropped = [(r, n) for r, n in self.dropped if n]
        if dropped:
            text += f"; {_n(sum(n for _, n in dropped))} left out (" + \
                    ", ".join(f"{r}: {_n(n)}" for r, n in dropped) + ")"
        for column, n in self.repeated_hour:
            verb = "was" if n == 1 else "were"
            text += (f"; {_n(n)} time{'s' if n != 1 else ''} in `{column}` in the hour that repeats when "
                     f"summer time ends {verb} read as summer time")
        if self.problem_rows:
            text += f"; {_rows(self.problem_rows)} with problems"
        for column, n in self.normalised:
            text += (f"; {_n(n)} id{'s' if n != 1 else ''} in `{column}` written as whole floats "
                     "(500000052.0) read as whole numbers (500000052)")
        return text

    def warnings(self) -> list[str]:
        """The warnings of this source: values nulled by `invalid: null`, teams `lines:` does not name."""
        out = []
        for column, n in self.nulled:
            out.append(f"{self.label}: {_n(n)} value{'s' if n != 1 else ''} of `{column}` failed a check and "
                       f"{'were' if n != 1 else 'was'} nulled (`invalid: null`); the rows were kept.")
        for team, n in self.unknown_teams:
            out.append(f"{self.label}: team `{team}` ({_rows(n)}) is in neither `lines.order` nor "
                       "`lines.outside` of workshop.yaml. Add it to one of them, or map it onto a team that is.")
        return out


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    null_share: float
    first: str | None = None   # earliest timestamp, local time
    last: str | None = None


@dataclass(frozen=True)
class TableProfile:
    """Row count, and per column the share of empty values and (timestamps) the range."""

    table: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    derived: bool = False

    def to_text(self) -> str:
        note = " (derived from contacts)" if self.derived else ""
        lines = [f"{self.table}{note}: {_rows(self.rows)}"]
        if not self.rows:
            return lines[0]
        width = max(len(c.name) for c in self.columns)
        for c in self.columns:
            line = f"    {c.name:<{width}}  {c.null_share:6.1%} empty"
            if c.first is not None:
                line += f"   {c.first} … {c.last}"
            lines.append(line)
        return "\n".join(lines)


def profile_table(con: duckdb.DuckDBPyConnection, table: str, relation: str, time_zone: str,
                  derived: bool = False) -> TableProfile:
    """Profile a final relation in one pass."""
    schema = TABLES[table]
    parts = ["count(*)"]
    for c in schema.columns:
        parts.append(f"count({ident(c.name)})")
        if c.kind == "timestamp":
            parts += [local_text(f"min({ident(c.name)})", time_zone), local_text(f"max({ident(c.name)})", time_zone)]
    row = list(con.execute(f"SELECT {', '.join(parts)} FROM {relation}").fetchone())
    rows = row.pop(0)
    columns = []
    for c in schema.columns:
        filled = row.pop(0)
        first = last = None
        if c.kind == "timestamp":
            first, last = row.pop(0), row.pop(0)
        columns.append(ColumnProfile(c.name, 1 - filled / rows if rows else 0.0, first, last))
    return TableProfile(table, rows, tuple(columns), derived)


def _problems_text(problems: list[DataProblem]) -> list[str]:
    return [f"  - {p.message()}" for p in problems]


def _key_text(k: KeyMatch) -> str:
    return (f"{k.label}: {k.table}.{k.column} → {k.target}: {_n(k.matched)} of {_n(k.filled)} "
            f"match ({k.share:.1%})")


def _warnings_text(sources: list[SourceSummary], warnings: list[str]) -> list[str]:
    """The warnings of the sources (values nulled, unknown teams) and of the import as a whole."""
    warnings = [w for s in sources for w in s.warnings()] + list(warnings)
    return ["", "Warnings:"] + [f"  - {w}" for w in warnings] if warnings else []


@dataclass
class CheckReport:
    """The validation problems and the profile of a workshop's exports; nothing is written.

    ``problems`` is empty when the exports would import cleanly.
    """

    folder: Path
    problems: list[DataProblem] = field(default_factory=list)
    sources: list[SourceSummary] = field(default_factory=list)
    profiles: list[TableProfile] = field(default_factory=list)
    keys: list[KeyMatch] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_with_problems(self) -> int:
        """The distinct rows of the exports with at least one problem (a row with several counts once)."""
        return sum(s.problem_rows for s in self.sources)

    def to_text(self) -> str:
        n = len(self.problems)
        lines = [f"Checked {self.folder}: " + ("no problems found." if self.ok else
                                               f"{n} problem{'s' if n != 1 else ''}:")]
        lines += _problems_text(self.problems)
        if self.rows_with_problems:
            rows = self.rows_with_problems
            lines.append(f"{_rows(rows)} of the exports {'has' if rows == 1 else 'have'} a problem.")
        lines += ["", "Sources:"] + [f"  {s.to_text()}" for s in self.sources]
        if self.profiles:
            lines += ["", "Profile (rows with problems included; unreadable values count as empty):"]
            lines += [f"  {p.to_text()}" for p in self.profiles]
        if self.keys:
            lines += ["", "Keys (filled values that match the table they point to):"]
            lines += [f"  {_key_text(k)}" for k in self.keys]
        lines += _warnings_text(self.sources, self.warnings)
        return "\n".join(lines)

    __str__ = to_text


@dataclass
class ImportReport:
    """What an import wrote: the store, its tables and rows, and every row it left out."""

    folder: Path
    store: Path
    tables: dict[str, int] = field(default_factory=dict)
    sources: list[SourceSummary] = field(default_factory=list)
    quarantined: dict[str, int] = field(default_factory=dict)
    quarantine_files: list[Path] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)
    events_derived: bool = False
    pseudonymised: bool = True
    warnings: list[str] = field(default_factory=list)

    def to_text(self) -> str:
        lines = [f"Imported {len(self.tables)} table{'s' if len(self.tables) != 1 else ''} into {self.store}:"]
        width = max((len(t) for t in self.tables), default=0)
        for table, rows in self.tables.items():
            line = f"  {table:<{width}}  {_rows(rows):>15}"
            if table == "events" and self.events_derived:
                line += "  (derived from contacts)"
            if self.quarantined.get(table):
                line += f"  ({_n(self.quarantined[table])} quarantined)"
            lines.append(line)
        lines += self._without_text()
        lines += ["", "Sources:"] + [f"  {s.to_text()}" for s in self.sources]
        if self.quarantine_files:
            total = sum(self.quarantined.values())
            lines += ["", f"{_rows(total)} with problems {'was' if total == 1 else 'were'} quarantined, "
                          "with their reasons, in:"]
            lines += [f"  {p}" for p in self.quarantine_files]
            lines += ["The problems found:"] + _problems_text(self.problems)
        lines += _warnings_text(self.sources, self.warnings)
        lines.append("")
        lines.append("customer_id and agent_id are pseudonymised (key: .kpi-key)." if self.pseudonymised
                     else "customer_id and agent_id are NOT pseudonymised (`pseudonymise: false`).")
        return "\n".join(lines)

    def _without_text(self) -> list[str]:
        """The canonical tables the store has no rows of, and what that means for the days."""
        without = [name for name in TABLES if not self.tables.get(name)]
        if not without:
            return []
        return ["", f"No rows of: {', '.join(without)}. The days leave out the parts that read them and say so "
                    "on their pages; to add one, map its export under `sources:` in workshop.yaml (docs/mapping.md, "
                    "\"What each day needs\") and import again."]

    __str__ = to_text
