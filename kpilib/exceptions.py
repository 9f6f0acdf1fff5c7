"""Errors and warnings raised by kpilib.

Every problem a user can cause (a wrong parameter, a malformed export, a missing
column) is a :class:`KpiError`.  Its message says where the problem is, what was
expected, what was found and how to fix it, so that the command line and the
notebooks can show it without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DataError",
    "DataProblem",
    "KpiError",
    "KpiWarning",
    "ParameterError",
    "WorkshopError",
    "format_rows",
]

#: How many row numbers a message lists before it only counts the rest.
MAX_ROWS_SHOWN = 5


def format_rows(rows: Sequence[int], count: int | None = None) -> str:
    """Format row numbers as ``17, 203, 4 411 (+12 more)``.

    ``count`` is the total number of failing rows when ``rows`` holds only the
    first ones.
    """
    total = len(rows) if count is None else count
    shown = [f"{r:,}".replace(",", " ") for r in list(rows)[:MAX_ROWS_SHOWN]]
    text = ", ".join(shown)
    if total > len(shown):
        text += f" (+{total - len(shown):,} more)".replace(",", " ")
    return text


class KpiError(Exception):
    """Base class of every error a user of kpilib can cause."""


class ParameterError(KpiError, ValueError):
    """A function or notebook parameter has a value outside its allowed set."""


class WorkshopError(KpiError):
    """A workshop folder or its ``workshop.yaml`` is missing or inconsistent."""


@dataclass(frozen=True)
class DataProblem:
    """One problem found in an input file.

    ``rows`` holds the first failing row numbers as the user sees them (the
    line in a CSV file, counting the header as line 1; the row in an Excel
    sheet); ``count`` is how many rows fail in total.
    """

    file: str
    column: str | None
    rows: tuple[int, ...]
    count: int
    expected: str
    found: str
    hint: str = ""
    table: str | None = None

    def message(self) -> str:
        where = self.file
        if self.column:
            where += f", column `{self.column}`"
        if self.count:
            noun = "row" if self.count == 1 else "rows"
            where += f", {noun} {format_rows(self.rows, self.count)}"
        text = f"{where}: expected {self.expected}, found {self.found}."
        if self.hint:
            text += f" {self.hint}"
        return text


@dataclass(eq=False)
class DataError(KpiError):
    """Input data failed validation; carries every problem found, not just the first."""

    problems: list[DataProblem] = field(default_factory=list)
    summary: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    @classmethod
    def single(cls, **kwargs) -> "DataError":
        return cls([DataProblem(**kwargs)])

    def __str__(self) -> str:
        head = self.summary or (
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in the input"
        )
        lines = [head + ":"] + [f"  - {p.message()}" for p in self.problems]
        return "\n".join(lines)

    def extend(self, problems: Iterable[DataProblem]) -> None:
        self.problems.extend(problems)


class KpiWarning(UserWarning):
    """Base class of kpilib's warnings (a default used, data that looks odd)."""
