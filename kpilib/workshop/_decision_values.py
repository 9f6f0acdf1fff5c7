"""Checks of the values of the workshop's decisions, one per kind of value.

Each check takes the value as a user gives it (a widget, a notebook, ``workshop.yaml``) and returns
it in the plain JSON form the decisions store keeps (tuples become lists, dates ISO text), or
raises a :class:`~kpilib.exceptions.ParameterError` that says what was expected and found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

from kpilib.days.levers import TACTICS as LEVER_TACTICS
from kpilib.exceptions import ParameterError
from kpilib.kpis.catalogue import load_catalogue

#: The three value disciplines a company can compete on (day 8): the allowed values of ``tactic``.
TACTICS = tuple(LEVER_TACTICS)
_HANDOVER = re.compile(r"^\s*([^\s>][^>]*?)\s*->\s*([^\s>][^>]*?)\s*$")


def _catalogue():
    return load_catalogue()


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and value == value


def _plain_number(value: Real) -> int | float:
    return int(value) if isinstance(value, Integral) else float(value)


def name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{what} must be a non-empty text; got {value!r}")
    return value.strip()


def names(value: Any, what: str, *, allow_empty: bool = True) -> list[str]:
    """An ordered list of distinct names."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ParameterError(f"{what} must be a list of names; got {value!r}")
    out = [name(v, f"each entry of {what}") for v in value]
    twice = sorted({v for v in out if out.count(v) > 1})
    if twice:
        raise ParameterError(f"{what} lists {', '.join(map(repr, twice))} more than once")
    if not out and not allow_empty:
        raise ParameterError(f"{what} must list at least one name; got an empty list")
    return out


def mapping(value: Any, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ParameterError(f"{what} must be a mapping (name: value); got {value!r}")
    for key in value:
        name(key, f"each key of {what}")
    return value


def number(value: Any, what: str, *, positive: bool = False, minimum: float | None = None,
           maximum: float | None = None, unit: str = "", scale: str = "") -> int | float:
    """A number; ``unit`` reads "a positive number of working days", ``scale`` "between 0 and 1 (share)"."""
    if not _is_number(value) or positive and value <= 0:
        kind = "a positive number" if positive else "a number"
        raise ParameterError(f"{what} must be {kind}{f' of {unit}' if unit else ''}; got {value!r}")
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        bounds = f"between {minimum:g} and {maximum:g}" if maximum is not None else f">= {minimum:g}"
        raise ParameterError(f"{what} must be {bounds}{f' ({scale})' if scale else ''}; got {value!r}")
    return _plain_number(value)


def kpi_id(value: Any, what: str) -> str:
    """``what`` names the place without backticks: ``customer_outcomes[1]``."""
    return _catalogue().check_id(value, name=what)


def kpi_ids(value: Any, what: str) -> list[str]:
    return [kpi_id(v, f"{what}[{i}]") for i, v in enumerate(names(value, f"`{what}`"))]


def definition(kpi: str, value: Any) -> dict[str, Any]:
    return _catalogue().entry(kpi).check_definition(value)


# -- the decisions, one check each ------------------------------------------------------------

def customer_values(value: Any) -> list[str]:
    return names(value, "`customer_values`", allow_empty=False)


def customer_norms(value: Any) -> dict[str, int | float]:
    """Name -> a positive number: working days (``_days``), hours (``_hours``), seconds (``_s``)."""
    out = {}
    for key, norm in mapping(value, "`customer_norms`").items():
        unit = ("working days" if key.endswith("_days") else "hours" if key.endswith("_hours")
                else "seconds" if key.endswith("_s") else "")
        out[key] = number(norm, f"`customer_norms.{key}`", positive=True, unit=unit)
    return out


def chains(value: Any) -> list[str]:
    return names(value, "`chains`")


def chain_owners(value: Any) -> dict[str, str]:
    return {key: name(owner, f"`chain_owners.{key}`")
            for key, owner in mapping(value, "`chain_owners`").items()}


def current_kpis(value: Any) -> list[dict[str, Any]]:
    """A list of ``{team, kpi, target, definition}``: a team's own KPI with its internal target."""
    if not isinstance(value, (list, tuple)):
        raise ParameterError(f"`current_kpis` must be a list of {{team, kpi, target, definition}}; got {value!r}")
    out = []
    for i, item in enumerate(value):
        where = f"current_kpis[{i}]"
        if not isinstance(item, Mapping):
            raise ParameterError(f"`{where}` must be a mapping with team, kpi, target and definition; got {item!r}")
        unknown = sorted(set(item) - {"team", "kpi", "target", "definition"})
        if unknown:
            raise ParameterError(f"`{where}` has unknown key {', '.join(map(repr, unknown))}; "
                                 f"expected team, kpi, target, definition")
        kpi = kpi_id(item.get("kpi"), f"{where}.kpi")
        out.append({"team": name(item.get("team"), f"`{where}.team`"), "kpi": kpi,
                    "target": target(kpi, item.get("target"), f"`{where}.target`"),
                    "definition": definition(kpi, item.get("definition") or {})})
    return out


def customer_outcomes(value: Any) -> list[str]:
    return kpi_ids(value, "customer_outcomes")


def handover_points(value: Any) -> list[str]:
    out = []
    for point in names(value, "`handover_points`"):
        match = _HANDOVER.match(point)
        if not match or match.group(1) == match.group(2):
            raise ParameterError(f"each handover point must read 'team_a -> team_b' with two different teams; "
                                 f"got {point!r}")
        out.append(f"{match.group(1)} -> {match.group(2)}")
    return out


def definitions(value: Any) -> dict[str, dict[str, Any]]:
    return {kpi_id(kpi, "definitions key"): definition(kpi, chosen)
            for kpi, chosen in mapping(value, "`definitions`").items()}


def norms(value: Any) -> dict[str, int | float]:
    """KPI id -> the customer norm, in the unit of the KPI's norm parameter (days, seconds)."""
    catalogue = _catalogue()
    out = {}
    for kpi, norm in mapping(value, "`norms`").items():
        entry = catalogue.entry(kpi_id(kpi, "norms key"))
        if entry.norm is None:
            with_norm = ", ".join(e.id for e in catalogue if e.norm)
            raise ParameterError(f"`{kpi}` has no norm; the KPIs with a norm are {with_norm}")
        unit = ("working days" if entry.norm == "norm_days" else "days" if entry.norm.endswith("_days")
                else "seconds")
        out[kpi] = number(norm, f"`norms.{kpi}` ({entry.norm})", positive=True, unit=unit)
        entry.check_definition({entry.norm: norm})
    return out


def target(kpi: str, value: Any, what: str) -> int | float:
    entry = _catalogue().entry(kpi)
    low, high = entry.value_range
    return number(value, what, minimum=low, maximum=high, scale=entry.unit)


def targets(value: Any) -> dict[str, int | float]:
    return {kpi_id(kpi, "targets key"): target(kpi, t, f"`targets.{kpi}`")
            for kpi, t in mapping(value, "`targets`").items()}


def tactic(value: Any) -> str:
    if value not in TACTICS:
        raise ParameterError(f"`tactic` must be one of {', '.join(map(repr, TACTICS))}; got {value!r}")
    return value


def levers(value: Any) -> list[str]:
    return names(value, "`levers`")


def criteria_weights(value: Any) -> dict[str, int | float]:
    out = {key: number(w, f"`criteria_weights.{key}`", minimum=0)
           for key, w in mapping(value, "`criteria_weights`").items()}
    if not any(out.values()):
        raise ParameterError(f"`criteria_weights` must give at least one criterion a weight above 0; got {value!r}")
    return out


def kpi_set(value: Any) -> list[dict[str, Any]]:
    """A list of ``{kpi, owner, score}``, each KPI once."""
    if not isinstance(value, (list, tuple)):
        raise ParameterError(f"`kpi_set` must be a list of {{kpi, owner, score}}; got {value!r}")
    out = []
    for i, item in enumerate(value):
        where = f"kpi_set[{i}]"
        if not isinstance(item, Mapping) or set(item) - {"kpi", "owner", "score"}:
            raise ParameterError(f"`{where}` must be a mapping with kpi, owner and score; got {item!r}")
        out.append({"kpi": kpi_id(item.get("kpi"), f"{where}.kpi"),
                    "owner": name(item.get("owner"), f"`{where}.owner`"),
                    "score": number(item.get("score"), f"`{where}.score`", minimum=0)})
    names([item["kpi"] for item in out], "the KPIs of `kpi_set`")
    return out


def sign_off(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != {"by", "date"}:
        raise ParameterError(f"`sign_off` must be a mapping with `by` and `date`; got {value!r}")
    day = value["date"]
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise ParameterError(f"`sign_off.date` must be a date such as 2026-12-14; got {value['date']!r}")
    return {"by": name(value["by"], "`sign_off.by`"), "date": day.isoformat()}
