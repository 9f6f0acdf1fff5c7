"""Argument checks shared by the public functions."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Real
from typing import Any

from kpilib.exceptions import ParameterError


def check_argument(name: str, value: Any, allowed: Iterable[Any]) -> None:
    """Raise when ``value`` is not one of ``allowed``.

    >>> check_argument("clock", "ivr", ["queue", "arrival"])
    Traceback (most recent call last):
    kpilib.exceptions.ParameterError: `clock` must be one of 'queue', 'arrival'; got 'ivr'
    """
    allowed = list(allowed)
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"`{name}` must be one of {options}; got {value!r}")


def check_number(name: str, value: Any, *, minimum: float | None = None,
                 maximum: float | None = None, strict_minimum: bool = False,
                 integer: bool = False) -> None:
    """Raise when ``value`` is not a number in the allowed range."""
    ok_type = isinstance(value, Real) and not isinstance(value, bool)
    if integer:
        ok_type = ok_type and float(value) == int(value)
    kind = "a whole number" if integer else "a number"
    if not ok_type:
        raise ParameterError(f"`{name}` must be {kind}; got {value!r}")
    if minimum is not None and (value <= minimum if strict_minimum else value < minimum):
        op = ">" if strict_minimum else ">="
        raise ParameterError(f"`{name}` must be {op} {minimum}; got {value!r}")
    if maximum is not None and value > maximum:
        raise ParameterError(f"`{name}` must be <= {maximum}; got {value!r}")
