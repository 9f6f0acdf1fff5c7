"""Compare a trainee's answer with kpilib's value and with the usual mistakes; never raise.

Every outcome is a :class:`Feedback` with a status:

- ``correct``: equal to kpilib's value on the same data;
- ``mistake``: equal to one of the exercise's mistaken variants, with its specific message;
- ``wrong``: neither;
- ``not done``: the placeholder ``...`` is still there;
- ``invalid``: not the kind of value asked for (a text where a number is asked, a frame).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from kpilib.exercises._spec import Data, Part

STATUSES = ("correct", "mistake", "wrong", "not done", "invalid")
_ICONS = {"correct": "✅", "mistake": "❌", "wrong": "❌", "not done": "⏳", "invalid": "⚠️"}

PERCENTAGE = ("This looks like a percentage: give the share as a fraction between 0 and 1 "
              "(0.8, not 80), as kpilib's `value` column does.")


@dataclass(frozen=True)
class PartFeedback:
    """The verdict on one part of an answer."""

    part: str | None
    status: str
    message: str


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: an overall status and one :class:`PartFeedback` per part."""

    exercise: str
    parts: tuple[PartFeedback, ...] = field(default=())

    @property
    def status(self) -> str:
        """The worst status of the parts: ``correct`` only when every part is."""
        return max((p.status for p in self.parts), key=_severity, default="not done")

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def message(self) -> str:
        return "\n".join(_line(p) for p in self.parts)

    def __repr__(self) -> str:
        return f"{self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li>{_ICONS[p.status]} {html.escape(_line(p))}</li>" for p in self.parts
        )
        return f"<div><strong>{html.escape(self.exercise)}</strong><ul>{items}</ul></div>"


def _severity(status: str) -> int:
    return {"correct": 0, "not done": 3, "mistake": 2, "wrong": 2, "invalid": 4}[status]


def _line(part: PartFeedback) -> str:
    head = {"correct": "Correct", "mistake": "Not quite", "wrong": "Not yet",
            "not done": "Not done yet", "invalid": "Not the kind of answer expected"}[part.status]
    name = f"`{part.part}`: " if part.part else ""
    return f"{name}{head}. {part.message}".rstrip()


def judge(answer, parts: tuple[Part, ...], data: Data) -> list[PartFeedback]:
    """Feedback on every part of ``answer`` (a single value, or a dict keyed by part name)."""
    if answer is Ellipsis:
        return [PartFeedback(p.name, "not done", "Replace the `...` with your computation.") for p in parts]
    if len(parts) == 1 and parts[0].name is None:
        return [judge_part(answer, parts[0], data)]
    names = [p.name for p in parts]
    if not isinstance(answer, Mapping):
        keys = ", ".join(repr(n) for n in names)
        return [PartFeedback(None, "invalid",
                             f"Expected a dict with the keys {keys}; got {_describe(answer)}.")]
    unknown = [k for k in answer if k not in names]
    result = [judge_part(answer[p.name], p, data) if p.name in answer
              else PartFeedback(p.name, "not done", "This key is missing from the answer.") for p in parts]
    if unknown:
        result.append(PartFeedback(None, "invalid", "Unknown keys " + ", ".join(map(repr, unknown))
                                   + "; expected " + ", ".join(map(repr, names)) + "."))
    return result


def judge_part(value, part: Part, data: Data) -> PartFeedback:
    if value is Ellipsis:
        return PartFeedback(part.name, "not done", "Replace the `...` with your computation.")
    if part.kind == "card":
        status, message = part.expected(data)(value)
        return PartFeedback(part.name, status, message)
    number = as_number(value)
    if number is None:
        what = "a whole number" if part.kind == "count" else "a single number"
        return PartFeedback(part.name, "invalid", f"Expected {what} for {part.label}; got {_describe(value)}.")
    expected = float(_value(data, part.expected))
    if _close(number, expected, part.kind):
        return PartFeedback(part.name, "correct", f"{part.label[0].upper()}{part.label[1:]} is {_show(expected, part.kind)}.")
    for mistake in part.mistakes:
        if _close(number, float(_value(data, mistake.compute)), part.kind):
            return PartFeedback(part.name, "mistake", mistake.message)
    if part.kind == "fraction" and number > 1:
        if _close(number / 100, expected, part.kind):
            return PartFeedback(part.name, "mistake", PERCENTAGE)
        for mistake in part.mistakes:
            if _close(number / 100, float(_value(data, mistake.compute)), part.kind):
                return PartFeedback(part.name, "mistake", PERCENTAGE + " And: " + mistake.message)
    return PartFeedback(part.name, "wrong",
                        f"{_show(number, part.kind)} is not what kpilib computes for {part.label} on this "
                        "data, nor one of the usual slips. `hint()` gives a hint.")


def _value(data: Data | None, compute):
    return compute(data) if data is None else data.value(compute)


def as_number(value) -> float | None:
    """``value`` as a float when it is one number (numpy scalars included); else None."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.number)):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _close(answer: float, expected: float, kind: str) -> bool:
    if kind == "count":
        return answer == expected
    if kind == "fraction":
        return abs(answer - expected) <= 5e-4
    return math.isclose(answer, expected, rel_tol=1e-4, abs_tol=5e-3)


def _show(value: float, kind: str) -> str:
    if kind == "count":
        return f"{value:.0f}"
    if kind == "fraction":
        return f"{value:.3f}"
    return f"{value:,.2f}"


def _describe(value) -> str:
    kind = type(value).__name__
    if hasattr(value, "shape"):
        return f"a {kind} of shape {tuple(value.shape)} (reduce it to one number, e.g. with .mean() or a ratio)"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"a {kind} ({value!r})"[:200]
