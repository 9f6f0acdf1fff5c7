"""Today's KPIs: each team's own KPI, on its own data, against its own internal target.

The day-3 decision ``current_kpis`` lists what the teams report today, each as
``{team, kpi, definition, target}``. :func:`team_kpis` computes every one of them the way the team
does (its definition, only its own contacts, events or call-backs where the KPI's table has a
``team`` column) and says whether it meets its target, using the catalogue's polarity (higher or
lower is better). It is the "all green" view that the later days hold against the customer's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpilib.kpis.wording import definition_sentence
from kpilib.kpis.catalogue import compute_kpi, load_catalogue, missing_inputs
from kpilib.data.schema import TABLES

__all__ = ["internal_norms", "team_kpis"]

_COLUMNS = ["team", "kpi", "name", "definition", "scope", "numerator", "denominator", "value", "target",
            "polarity", "on_target", "missing"]


def team_kpis(tables, current_kpis: Sequence[Mapping[str, Any]], *, calendar=None) -> pd.DataFrame:
    """Every current KPI computed as its team computes it, and whether it meets the team's target.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables (``ws.store``).
    current_kpis : sequence of mapping
        The decision ``current_kpis``: ``{team, kpi, definition, target}`` per KPI (``definition``
        and ``target`` may be missing: the catalogue's default definition, no target).
    calendar : WorkingCalendar, optional
        For KPIs counted in working days.

    Returns
    -------
    pandas.DataFrame
        One row per entry, in the given order: ``team``, ``kpi``, ``name`` (the catalogue's English
        name), ``definition`` (as text), ``scope`` (``team``: only the team's rows; ``all``: the
        KPI's table has no team column, so every row counts), ``numerator``, ``denominator``,
        ``value``, ``target``, ``polarity``, ``on_target`` (value >= target when higher is better,
        <= when lower is; missing when there is no value or no target), ``missing`` (the tables the
        KPI needs that the workshop lacks, ``"orders"`` or ``"cases|events"``; empty when computed).
    """
    catalogue = load_catalogue()
    rows = []
    for item in current_kpis:
        entry = catalogue.entry(item["kpi"])
        definition = dict(item.get("definition") or {})
        team = item.get("team")
        scoped = team is not None and _has_team(entry) and "team" not in definition
        extra = {"calendar": calendar} if calendar is not None and "calendar" in _parameters(entry) else {}
        missing = missing_inputs(entry.id, tables, definition)
        if missing:  # the workshop lacks the KPI's table: no value, and the row says what it needs
            frame = pd.DataFrame(columns=["numerator", "denominator", "value"])
        else:
            frame = compute_kpi(entry.id, tables, **definition, **extra, **({"by": "team"} if scoped else {}))
        if scoped and not missing:
            frame = frame[frame["team"] == team]
        if missing:  # not measured: no count rather than a count of 0, which would read as measured
            numerator, denominator = np.nan, np.nan
        else:
            numerator = float(frame["numerator"].iloc[0]) if len(frame) else 0.0
            denominator = int(frame["denominator"].iloc[0]) if len(frame) else 0
        value = float(frame["value"].iloc[0]) if len(frame) else np.nan
        target = item.get("target")
        on_target = (None if target is None or pd.isna(value)
                     else bool(value >= target) if entry.polarity == "higher" else bool(value <= target))
        rows.append({"team": team, "kpi": entry.id, "name": entry.title,
                     "definition": definition_sentence(entry.id, definition),
                     "scope": "team" if scoped else "all", "numerator": numerator, "denominator": denominator,
                     "value": value, "target": target, "polarity": entry.polarity, "on_target": on_target,
                     "missing": ", ".join(missing)})
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["on_target"] = frame["on_target"].astype("boolean")
    return frame


def internal_norms(current_kpis: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The organisation's own working-day norms in ``current_kpis``, keyed like ``customer_norms``.

    A KPI with a ``norm_days`` definition gives its norm: ``time_to_resolution`` ->
    ``resolution_days``, ``time_to_first_contact`` -> ``order_first_contact_days`` (the loosest
    when several teams set one).

    Examples
    --------
    >>> internal_norms([{"team": "field", "kpi": "time_to_first_contact", "definition": {"norm_days": 20}}])
    {'order_first_contact_days': 20}
    """
    from kpilib.days.values import NORM_KPIS

    keys = {kpi: key for key, (kpi, _) in NORM_KPIS.items()}
    norms: dict[str, float] = {}
    for item in current_kpis:
        key = keys.get(item.get("kpi"))
        days = (item.get("definition") or {}).get("norm_days")
        if key and days is not None:
            norms[key] = max(days, norms.get(key, days))
    return norms


def _has_team(entry) -> bool:
    first = next(iter(entry.inputs.values()), ())
    return any("team" in TABLES[t].names for t in first if t in TABLES)


def _parameters(entry) -> set[str]:
    import inspect

    return set(inspect.signature(entry.function).parameters)
