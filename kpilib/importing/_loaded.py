"""What reading one export yields (:class:`Loaded`), and the problems every reader reports alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kpilib.data.config import SourceConfig
from kpilib.exceptions import DataProblem


@dataclass
class Loaded:
    """A source as read: the name of its text relation, or the problems that stopped the reading."""

    source: SourceConfig
    name: str
    relation: str | None = None
    #: A CSV file read straight into its mapping (the export or its UTF-8 copy), until its text is
    #: needed (:func:`kpilib.importing._csvread.text_of`); ``relation`` exists from then on.
    straight: Path | None = None
    columns: list[str] = field(default_factory=list)
    fatal: list[DataProblem] = field(default_factory=list)
    malformed: list[DataProblem] = field(default_factory=list)
    malformed_table: str | None = None   # (_row, reason) of CSV lines that could not be split
    skipped_empty: int = 0               # empty Excel rows between data rows


def problem(source: SourceConfig, expected: str, found: str, hint: str = "",
            rows: tuple[int, ...] = (), count: int = 0, file: str | None = None) -> DataProblem:
    return DataProblem(file=file or source.label, column=None, rows=rows, count=count,
                       expected=expected, found=found, hint=hint, table=source.table)


def letters(number: int) -> str:
    """The Excel letters of column ``number`` (1 is A, 27 is AA)."""
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def twice(source: SourceConfig, names: list[str], *, excel: bool) -> list[DataProblem]:
    """A header the mapping reads that occurs more than once: the mapping could read the wrong column."""
    used = {c for spec in source.columns.values() for c in spec.source_columns}
    used |= {column for rule in source.drop for column in rule.condition.columns}
    problems = []
    for column in sorted(used, key=lambda c: names.index(c) if c in names else 0):
        places = [j + 1 for j, n in enumerate(names) if n == column]
        if len(places) > 1:
            shown = [letters(p) if excel else str(p) for p in places]
            problems.append(DataProblem(
                file=source.label, column=column, rows=(), count=0, expected="the header once",
                found=f"it in columns {', '.join(shown[:-1])} and {shown[-1]}",
                hint="Rename or remove one of them in the export, so that the mapping reads the right column.",
                table=source.table))
    return problems


