"""Exercise 11 (day 10): write a KPI card for a chosen KPI, checked field by field.

The card is a dict. Its ``definition`` must be keyword parameters of the KPI's kpilib function
with allowed values; its ``value`` must be what that function computes with that definition on
the workshop's data, so the card's number and its words cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import kpilib
from kpilib.exceptions import KpiError
from kpilib.exercises._feedback import PERCENTAGE, as_number
from kpilib.exercises._spec import Data, Part, Spec, kpi_value

#: KPI id -> the tables its function takes, positional first; ``name=`` marks a keyword table.
TABLES = {
    "service_level": ("contacts",), "abandonment_rate": ("contacts",),
    "average_speed_of_answer": ("contacts",), "average_handle_time": ("contacts",),
    "repeat_contact_rate": ("contacts",), "transfer_rate": ("contacts",), "contacts_per_case": ("contacts",),
    "first_contact_resolution": ("contacts", "cases=", "surveys="),
    "handoffs_per_case": ("events",), "escalation_rate": ("events",),
    "time_to_first_contact": ("orders",), "time_to_resolution": ("cases",),
    "complaints_resolved_to_satisfaction": ("cases", "surveys"), "callback_timeliness": ("callbacks",),
    "csat": ("surveys",), "nps": ("surveys",), "ces": ("surveys",),
}
#: KPIs whose value is a mean or a score rather than a share between 0 and 1.
NOT_SHARES = ("average_speed_of_answer", "average_handle_time", "contacts_per_case", "handoffs_per_case",
              "nps", "ces")
FIELDS = ("kpi", "customer_value", "definition", "numerator", "denominator", "norm", "target", "owner", "value")
_IMPLIED = ("by", "calendar", *(t.rstrip("=") for ts in TABLES.values() for t in ts))


def _problems(card, d: Data) -> tuple[str, list[str]]:
    """The worst status and the list of problems of a card (empty when it is complete and right)."""
    if not isinstance(card, Mapping):
        return "invalid", [f"Expected a dict with the keys {', '.join(FIELDS)}; got a {type(card).__name__}."]
    missing = [f for f in FIELDS if f not in card]
    unfinished = [f for f in FIELDS if f in card and card[f] is Ellipsis]
    if missing or unfinished:
        return "not done", [f"Fill in {', '.join(missing + unfinished)}."]
    kpi = card["kpi"]
    if kpi not in TABLES:
        return "invalid", [f"`kpi` must be a KPI id, one of {', '.join(TABLES)}; got {kpi!r}."]
    problems = [f"`{f}` is empty: write it out." for f in ("customer_value", "numerator", "denominator", "owner")
                if not isinstance(card[f], str) or not card[f].strip()]
    definition = card["definition"]
    if not isinstance(definition, Mapping):
        return "invalid", problems + ["`definition` must be a dict of the KPI function's parameters, "
                                      "e.g. {'threshold_s': 20, 'clock': 'arrival'}."]
    function = getattr(kpilib, kpi)
    parameters = {name: p for name, p in inspect.signature(function).parameters.items()
                  if p.kind is p.KEYWORD_ONLY and name not in _IMPLIED}
    unknown = [k for k in definition if k not in parameters]
    if unknown:
        return "mistake", problems + [f"`definition` has {', '.join(map(repr, unknown))}, which `kpilib.{kpi}` "
                                      f"does not take; its definition parameters are {', '.join(parameters)}."]
    required = [n for n, p in parameters.items() if p.default is p.empty and n not in definition]
    if required:
        return "mistake", problems + [f"`definition` must set {', '.join(map(repr, required))} for "
                                      f"`kpilib.{kpi}` (it has no default)."]
    try:
        frame = function(*_tables(kpi, d), **_calendar(kpi, d), **definition)
    except KpiError as error:
        return "mistake", problems + [f"`definition` is not valid for `kpilib.{kpi}`: {error}"]
    problems += _numbers(card, kpi, kpi_value(frame))
    return ("mistake" if problems else "correct"), problems


def _tables(kpi: str, d: Data) -> list:
    return [d.store.table(t) for t in TABLES[kpi] if not t.endswith("=")]


def _calendar(kpi: str, d: Data) -> dict:
    keywords = {t.rstrip("="): d.store.table(t.rstrip("=")) for t in TABLES[kpi] if t.endswith("=")}
    if "calendar" in inspect.signature(getattr(kpilib, kpi)).parameters:
        keywords["calendar"] = d.calendar
    return keywords


def _numbers(card, kpi: str, computed: float) -> list[str]:
    problems = []
    share = kpi not in NOT_SHARES
    value, target, norm = as_number(card["value"]), as_number(card["target"]), card["norm"]
    if value is None:
        problems.append(f"`value` must be a number; got {card['value']!r}.")
    elif share and value > 1 and abs(value / 100 - computed) <= 5e-4:
        problems.append(f"`value`: {PERCENTAGE}")
    elif abs(value - computed) > max(5e-4, 1e-3 * abs(computed)):
        problems.append(f"`value` {value:g} is not what `kpilib.{kpi}` computes with this definition on the "
                        f"workshop's data ({computed:.3f}): compute it with the definition on the card.")
    if target is None:
        problems.append(f"`target` must be a number; got {card['target']!r}.")
    elif share and not 0 < target <= 1:
        problems.append(f"`target`: {PERCENTAGE}" if 1 < target <= 100
                        else f"`target` of a share lies between 0 and 1; got {target:g}.")
    if norm is None or (isinstance(norm, str) and not norm.strip()):
        problems.append("`norm` is empty: what does the customer count as good for one contact or case "
                        "(for example 'answered within 20 s of calling', or 3 working days)?")
    return problems


def _card_checker(d: Data):
    def check(card) -> tuple[str, str]:
        status, problems = _problems(card, d)
        if status == "correct":
            return status, (f"The card for `{card['kpi']}` is complete, and its value {float(card['value']):.3f} "
                            "is what kpilib computes with its definition.")
        return status, " ".join(problems)
    return check


KPI_CARD = Spec(
    11, "kpi_card", "Write a KPI card for a chosen KPI", 10,
    parts=(Part(_card_checker, kind="card", label="the KPI card"),),
    hints=(
        "Pick a KPI the customer feels, e.g. `service_level` or `time_to_resolution`; "
        "`help(kpilib.service_level)` lists its definition parameters.",
        "The definition is a dict of those parameters: "
        "`{'threshold_s': 20, 'clock': 'arrival', 'abandoned': 'fail'}`.",
        "Compute `value` with the same definition: `kpilib.service_level(store.contacts, **definition)`.",
    ),
)

SPECS = (KPI_CARD,)
