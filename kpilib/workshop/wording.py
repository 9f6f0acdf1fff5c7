"""A decision as a reader reads it, in the workshop's language: KPIs by name, definitions as sentences.

``{"team": "first_line", "kpi": "service_level", "target": 0.8, "definition": {"threshold_s": 20}}``
reads "first line: Service level (answered within 20 s of entering the queue; …), target 80%"
("first line: Servicelevel (opgenomen binnen 20 s na binnenkomst in de wachtrij; …), streefwaarde 80 %").
Codes from the client's data read as words: a team as :func:`kpilib.reader_name` ("first line",
"eerste lijn"), a chain by its name in the workshop's language; owners and levers stay as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kpilib._codes import chain_name, reader_name
from kpilib._i18n import format_date, format_number, tr
from kpilib.kpis.catalogue import load_catalogue
from kpilib.kpis.wording import definition_sentence, norm_in_unit, value_in_unit

__all__ = ["DECISION_TITLES", "SOURCE_WORDS", "decision_items", "decision_text", "kpi_title", "norm_name", "source_words",
           "value_in_unit"]

#: Each decision as the room names it.
DECISION_TITLES = {
    "customer_values": "customer values", "customer_norms": "customer norms", "chains": "customer chains",
    "chain_owners": "chain owners", "current_kpis": "today's KPIs", "customer_outcomes": "customer outcomes",
    "handover_points": "handover points", "definitions": "definitions", "norms": "norms", "targets": "targets",
    "tactic": "tactic", "levers": "levers", "criteria_weights": "criteria weights", "kpi_set": "KPI set",
    "sign_off": "sign-off",
}

#: Where a decision in force comes from (:meth:`kpilib.Workshop.decision_source`), as a reader reads it.
SOURCE_WORDS = {
    "recorded": "recorded in the workshop", "workshop.yaml": "set in the workshop's settings",
    "default": "the default",
}

#: What each decision means, for a reader of the pack.
DECISION_MEANINGS = {
    "customer_values": "What customers value most, in order.",
    "customer_norms": "What customers expect.",
    "chains": "The customer chains to steer on.",
    "chain_owners": "Who owns each customer chain.",
    "current_kpis": "The KPIs the teams steer on today, each as the team computes it.",
    "customer_outcomes": "The customer outcomes that matter most, in order.",
    "handover_points": "The handovers between teams to govern.",
    "definitions": "The exact definition of each KPI.",
    "norms": "The customer's norm for each KPI.",
    "targets": "The target of each KPI.",
    "tactic": "The value discipline the organisation competes on.",
    "levers": "The levers to pursue.",
    "criteria_weights": "The weight of each criterion in choosing the KPI set.",
    "kpi_set": "The chosen KPI set, each KPI with its owner.",
    "sign_off": "Who signed the KPI set off, and when.",
}

_TACTICS = {"operational_excellence": "Operational excellence", "customer_intimacy": "Customer intimacy",
            "product_leadership": "Product leadership"}
_CRITERIA = {"customer_value_link": "measures what the customer values", "covers_the_chain": "covers the whole chain",
             "controllable_by_owner": "the owner can influence it", "measurable_from_data": "measurable from the data",
             "hard_to_game": "hard to game", "cost": "cheap to measure"}
_CUSTOMER_NORMS = {
    "resolution_days": "resolved within {n} working days",
    "order_first_contact_days": "first contact within {n} working days of an order",
    "repeat_window_days": "no repeat contact needed within {n} days",
    "service_level_threshold_s": "answered within {n} s",
    "callback_hours": "called back within {n} hours",
}
#: A customer norm by name, as a table row reads it (its unit in brackets).
_CUSTOMER_NORM_NAMES = {
    "resolution_days": "resolved (working days)", "order_first_contact_days": "first contact after an order (working days)",
    "repeat_window_days": "no repeat contact (days)", "service_level_threshold_s": "answered (s)",
    "callback_hours": "called back (hours)",
}
_SUFFIXES = (("_days", "{name}: {n} working days"), ("_hours", "{name}: {n} hours"), ("_s", "{name}: {n} s"))


def kpi_title(kpi: str) -> str:
    """A KPI id as its name in the current language; any other text unchanged."""
    catalogue = load_catalogue()
    return catalogue.entry(kpi).title if kpi in catalogue else kpi


def _name(text: Any) -> str:
    """A name from the client's data as a reader reads it: ``first_line`` → ``first line``."""
    return str(text).replace("_", " ")


def _number(value: Any) -> str:
    return format_number(value, 0 if float(value).is_integer() else 2)


def _customer_norm(name: str, value: Any) -> str:
    if name in _CUSTOMER_NORMS:
        return tr(_CUSTOMER_NORMS[name]).format(n=_number(value))
    for suffix, template in _SUFFIXES:
        if name.endswith(suffix):
            return tr(template).format(name=_name(name.removesuffix(suffix)), n=_number(value))
    return f"{_name(name)}: {value}"


def _current_kpi(item: Mapping[str, Any]) -> str:
    kpi = str(item.get("kpi", ""))
    text = f"{reader_name(item['team'])}: {kpi_title(kpi)}" if item.get("team") else kpi_title(kpi)
    text += f" ({definition_sentence(kpi, item.get('definition') or {})})"
    if item.get("target") is not None:
        text += ", " + tr("target {value}").format(value=value_in_unit(kpi, item["target"]))
    return text


def _set_item(item: Mapping[str, Any]) -> str:
    parts = []
    if item.get("owner"):
        parts.append(tr("owner {owner}").format(owner=item["owner"]))
    if item.get("score") is not None:
        parts.append(tr("score {score}").format(score=format_number(item["score"], 1)))
    return kpi_title(str(item.get("kpi", ""))) + (f" ({', '.join(parts)})" if parts else "")


def decision_items(key: str, value: Any) -> list[str] | None:
    """The decision ``key``'s value as one line per item, or None when it reads as one line."""
    if value is None or value == [] or value == {}:
        return None
    if key == "current_kpis":
        return [_current_kpi(item) for item in value]
    if key == "definitions":
        return [f"{kpi_title(kpi)}: {definition_sentence(kpi, d or {})}" for kpi, d in value.items()]
    if key == "kpi_set":
        return [_set_item(item) for item in value]
    return None


def decision_text(key: str, value: Any) -> str:
    """The decision ``key``'s value in words, in the current language.

    A value of another shape than the decision's own (a control recording a draft) reads in general words.
    """
    if value is None or value == [] or value == {}:
        return tr("not decided yet")
    try:
        return _decision_words(key, value)
    except (AttributeError, TypeError, ValueError, KeyError):
        return _general_words(value)


def _general_words(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_general_words(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{kpi_title(str(k))}: {_general_words(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, (int, float)):
        return _number(value)
    return kpi_title(str(value)) if isinstance(value, str) else str(value)


def _decision_words(key: str, value: Any) -> str:
    items = decision_items(key, value)
    if items is not None:
        return "; ".join(items)
    if key == "customer_values":
        return ", ".join(tr(str(v)) for v in value)
    if key == "customer_norms":
        return "; ".join(_customer_norm(name, n) for name, n in value.items())
    if key in ("chains", "levers"):
        return ", ".join(chain_name(v) if key == "chains" else str(v) for v in value)
    if key == "chain_owners":
        return "; ".join(f"{chain_name(chain)}: {owner}" for chain, owner in value.items())
    if key == "customer_outcomes":
        return ", ".join(kpi_title(str(v)) for v in value)
    if key == "handover_points":
        return ", ".join(reader_name(v) for v in value)
    if key == "norms":
        return "; ".join(f"{kpi_title(kpi)}: {norm_in_unit(kpi, n)}" for kpi, n in value.items())
    if key == "targets":
        return "; ".join(f"{kpi_title(kpi)}: {value_in_unit(kpi, t)}" for kpi, t in value.items())
    if key == "tactic":
        return tr(_TACTICS.get(value, _name(value)))
    if key == "criteria_weights":
        return "; ".join(f"{tr(_CRITERIA.get(c, _name(c)))}: {_number(w)}" for c, w in value.items())
    if key == "sign_off" and isinstance(value, Mapping):
        when = value.get("date")
        try:
            when = format_date(dt.date.fromisoformat(str(when)), "d MMMM y") if when else None
        except ValueError:
            pass
        return (tr("signed off by {by} on {date}").format(by=value.get("by"), date=when) if when
                else tr("signed off by {by}").format(by=value.get("by")))
    return _general_words(value)


def norm_name(name: str) -> str:
    """A customer norm's name in words: ``resolution_days`` → "resolved (working days)" ("opgelost (werkdagen)")."""
    return tr(_CUSTOMER_NORM_NAMES[name]) if name in _CUSTOMER_NORM_NAMES else _name(name)


def source_words(source: str) -> str:
    """Where a decision in force comes from, in words: ``workshop.yaml`` → "set in the workshop's settings".

    A client reads where a decision comes from, not the name of a file: ``recorded`` reads "recorded in the
    workshop", ``default`` "the default" (:data:`SOURCE_WORDS`, in the workshop's language).

    >>> source_words("recorded")
    'recorded in the workshop'
    """
    return tr(SOURCE_WORDS[source]) if source in SOURCE_WORDS else str(source)
