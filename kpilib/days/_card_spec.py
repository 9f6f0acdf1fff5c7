"""What a KPI card says about its own definition: a fingerprint, when it was decided, what changed since.

A value reproduced later with the same fingerprint is the same number: the fingerprint is a short hash
of the kpilib function, its definition parameters, and the data's time zone and working-day calendar.
Next to it the card carries what a metric specification holds (the clock, the time spine, how an empty
period counts, the filters) and a counter-metric to watch, so that the KPI is not steered on alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kpilib._codes import choice_words, reader_name
from kpilib._i18n import country_name, format_date, time_zone_name, tr

__all__ = ["COUNTER_METRICS", "decided_text", "definition_changes", "fingerprint", "spec_rows"]

#: For each KPI, the one to watch next to it: the number that would suffer if this one were pushed alone.
COUNTER_METRICS = {
    "average_handle_time": "first_contact_resolution",          # short calls that do not solve bring the customer back
    "service_level": "abandonment_rate",                          # a short queue bought by callers giving up
    "average_speed_of_answer": "abandonment_rate",
    "abandonment_rate": "service_level",
    "first_contact_resolution": "average_handle_time",           # solving at once costs time on the call
    "repeat_contact_rate": "average_handle_time",
    "transfer_rate": "first_contact_resolution",                 # keeping a call that should have moved
    "time_to_resolution": "repeat_contact_rate",                 # closing fast, the customer comes back
    "stays_within_norm": "time_to_resolution",                   # a team fast on its part, the chain slow
    "time_to_first_contact": "repeat_contact_rate",
    "callback_timeliness": "repeat_contact_rate",                # calling back on time, without solving
    "contacts_per_case": "time_to_resolution",
    "handoffs_per_case": "time_to_resolution",
    "escalation_rate": "time_to_resolution",
    "agent_resolved_rate": "repeat_contact_rate",                # ticked resolved, the customer calls again
    "complaints_resolved_to_satisfaction": "time_to_resolution",
    "csat": "repeat_contact_rate", "nps": "repeat_contact_rate", "ces": "repeat_contact_rate",
}


def fingerprint(kpi: str, definition: Mapping[str, Any], *, time_zone: str, calendar: Any) -> str:
    """A short hash of what fixes the number: ``kpilib.<kpi>``, its definition, the time zone and the calendar.

    The same inputs give the same fingerprint on any machine ("d-3f9a-21c0-77be"); a changed parameter,
    holiday list or time zone gives another.
    """
    spec = {
        "function": f"kpilib.{kpi}",
        "definition": {name: _plain(value) for name, value in sorted(definition.items())},
        "time_zone": time_zone,
        "calendar": {"country": getattr(calendar, "country", None), "subdivision": getattr(calendar, "subdivision", None),
                     "weekend": list(getattr(calendar, "weekend", ()) or ()),
                     "closed": [str(d) for d in getattr(calendar, "closed", ()) or ()]},
    }
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=True).encode("ascii")).hexdigest()
    return f"d-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def definition_changes(history: pd.DataFrame, kpi: str) -> list[dict[str, Any]]:
    """The recorded changes of ``kpi``'s definition, oldest first: ``at``, ``by``, ``definition`` (its parameters).

    ``history`` is :meth:`Workshop.history` of the ``definitions`` decision; an undo counts as a change
    back to the decision it restores, and a recording that leaves this KPI as it was is no change.
    """
    changes, before, stack = [], {}, []
    for row in history.itertuples(index=False):
        if row.action == "undo":
            if stack:
                stack.pop()
            value = stack[-1] if stack else {}
        else:
            value = row.value or {}
            stack.append(value)
        mine = dict((value or {}).get(kpi) or {})
        if mine != before:
            changes.append({"at": row.at, "by": row.by, "definition": mine})
            before = mine
    return changes


def spec_rows(kpi: str, definition: Mapping[str, Any], *, calendar: Any, time_zone: str) -> list[tuple[str, str]]:
    """The card's metric specification as (label, text) rows, in the workshop's language."""
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    entry = catalogue.entry(kpi)
    if "clock" in definition:
        clock = tr("the wait starts {when}").format(when=choice_words("clock", definition["clock"]))
    elif entry.norm == "norm_days":
        clock = tr("working days from start to end: the day it starts counts, the day it ends does not")
    elif "window_days" in definition:
        clock = tr("from one contact to the next of the same customer")
    else:
        clock = tr("not timed")
    country = getattr(calendar, "country", "NL")
    spine = tr("calendar months in {zone}; working days: Monday to Friday without public holidays "
               "({country})").format(zone=time_zone_name(time_zone), country=country_name(country))
    filters = []
    if definition.get("channel"):
        filters.append(tr("only {channel} contacts").format(channel=tr(str(definition["channel"]))))
    if definition.get("team"):
        filters.append(tr("only team {team}").format(team=reader_name(definition["team"])))
    counter = COUNTER_METRICS.get(kpi)
    rows = [
        ("Clock", clock),
        ("Time spine", spine),
        ("Empty periods", tr("a month without anything to count has no value (not 0) and is left out of the trend")),
        ("Filters", "; ".join(filters) or tr("none")),
    ]
    if counter is not None and counter in catalogue:
        rows.append(("Watch next to it", catalogue.entry(counter).title))
    return rows


def decided_text(changes: list[dict[str, Any]], source: str) -> str:
    """When the definition in force was decided: "recorded on 9 December 2026", or where it comes from.

    ``source`` is where the definition in force comes from: ``recorded``, ``workshop.yaml`` or ``default``.
    """
    if changes and source == "recorded":
        last = changes[-1]
        who = f" ({last['by']})" if last.get("by") else ""
        return tr("recorded on {date}").format(date=format_date(pd.Timestamp(last["at"]).date(), "d MMMM y")) + who
    return tr("set in the workshop's settings") if source == "workshop.yaml" else tr("not decided: the catalogue's definition")
