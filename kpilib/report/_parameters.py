"""The typed parameters of the day notebooks, read from their ``parameters`` cells, and their checks.

A parameters cell holds one typed line per parameter with a help comment::

    threshold_s: int = 20  # service-level threshold in seconds (1-600)

The type is the annotation (``str``, ``int``, ``float``, ``bool``, or ``list[str]``); a range
written as ``(low-high)`` at the end of the help comment bounds a number (both ends included).
:func:`check_parameters` checks every value a user passes against these declarations before any
notebook runs, collects every problem, and names the valid parameters in its message.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kpilib.exceptions import ParameterError

__all__ = ["RESERVED", "NotebookParameter", "check_parameters", "notebook_parameters"]

#: Parameters that ``render`` sets itself: the workshop folder and batch mode.
RESERVED = {
    "workshop": "the workshop folder is the PATH argument of render",
    "interactive": "render runs the notebooks in batch mode (interactive=False)",
}

_RANGE = re.compile(r"\((-?\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(-?\d+(?:\.\d+)?)\)\s*$")
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list[str]": list}


@dataclass(frozen=True)
class NotebookParameter:
    """One parameter declared in the parameters cell of one or more notebooks."""

    name: str
    type: str
    default: Any
    help: str
    days: tuple[int, ...]

    @property
    def bounds(self) -> tuple[float, float] | None:
        match = _RANGE.search(self.help)
        return (float(match[1]), float(match[2])) if match else None

    def describe(self) -> str:
        days = ", ".join(str(d) for d in self.days)
        return f"  {self.name}: {self.type} = {self.default!r}  # {self.help}  [day {days}]"


def notebook_parameters(notebooks: Mapping[int, Path]) -> dict[str, NotebookParameter]:
    """The parameters of the given day notebooks (day -> path), merged by name.

    Raises
    ------
    ParameterError
        When two notebooks declare the same name with different types, or a notebook
        declares a type that render cannot check.
    """
    import papermill

    found: dict[str, NotebookParameter] = {}
    for day, path in sorted(notebooks.items()):
        try:
            specs = papermill.inspect_notebook(str(path))
        except ValueError as exc:  # e.g. no kernel recorded in the notebook's metadata
            raise ParameterError(f"{path.name}: cannot read its parameters cell ({exc}). Open the notebook in "
                                 f"JupyterLab and save it, so that it records its Python kernel") from None
        for name, spec in specs.items():
            kind = spec["inferred_type_name"]
            if kind not in _TYPES:
                raise ParameterError(f"{path.name}: parameter `{name}` has type {kind!r}; declare one of "
                                     f"{', '.join(_TYPES)} so that render can check the values passed")
            known = found.get(name)
            if known is not None and known.type != kind:
                raise ParameterError(f"{path.name}: parameter `{name}` is {kind}, but day {known.days[0]} "
                                     f"declares it as {known.type}; give it one type in every notebook")
            days = (known.days if known else ()) + (day,)
            found[name] = NotebookParameter(name, kind, _literal(spec["default"]), spec["help"] or "", days)
    return found


def check_parameters(values: Mapping[str, Any], declared: Mapping[str, NotebookParameter]) -> dict[str, Any]:
    """Check ``values`` against the declared parameters; return them converted to their types.

    Parameters
    ----------
    values
        Parameter name -> value. A text value of a parameter that is not a ``str`` is read as
        YAML (``"20"`` -> 20, ``"true"`` -> True), as papermill's command line reads ``-p``.
    declared
        What :func:`notebook_parameters` found.

    Raises
    ------
    ParameterError
        Listing every unknown name, wrong type and value out of range, then the valid parameters.
    """
    problems, checked = [], {}
    for name, value in values.items():
        if name in RESERVED:
            problems.append(f"`{name}` cannot be set: {RESERVED[name]}")
            continue
        spec = declared.get(name)
        if spec is None:
            problems.append(f"unknown parameter `{name}`")
            continue
        if isinstance(value, str) and spec.type != "str":
            value = _from_text(value)
        problem = _problem(spec, value)
        if problem:
            problems.append(problem)
        else:
            checked[name] = float(value) if spec.type == "float" else value
    if problems:
        valid = [p.describe() for p in declared.values() if p.name not in RESERVED]
        raise ParameterError("\n".join(["bad notebook parameters:", *[f"- {p}" for p in problems],
                                        "The day notebooks take:", *(valid or ["  (none)"])]))
    return checked


def _problem(spec: NotebookParameter, value: Any) -> str | None:
    if not _has_type(value, spec.type):
        return f"`{spec.name}` must be {spec.type} ({spec.help}); got {value!r}"
    bounds = spec.bounds
    if bounds and spec.type in {"int", "float"} and not bounds[0] <= value <= bounds[1]:
        low, high = (f"{b:g}" for b in bounds)
        return f"`{spec.name}` must be between {low} and {high} ({spec.help}); got {value!r}"
    return None


def _has_type(value: Any, kind: str) -> bool:
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, _TYPES[kind])


def _from_text(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _literal(source: str) -> Any:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source
