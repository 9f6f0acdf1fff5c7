"""Exercise 11 (day 10): write a KPI card for a chosen KPI, checked field by field.

The card is a dict. Its ``kpi`` is a catalogue KPI id; its ``definition`` must be definition
parameters of that KPI with allowed values (checked by :func:`kpilib.compute_kpi`); its
``value`` must be what the KPI computes with that definition on the workshop's data, so the
card's number and its words cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from kpilib.kpis.catalogue import compute_kpi, load_catalogue
from kpilib.exceptions import KpiError
from kpilib.exercises._feedback import PERCENTAGE, as_number
from kpilib.exercises._spec import Data, Part, Spec, kpi_value

FIELDS = ("kpi", "customer_value", "definition", "numerator", "denominator", "norm", "target", "owner", "value")


def _problems(card, d: Data) -> tuple[str, list[str]]:
    """The worst status and the list of problems of a card (empty when it is complete and right)."""
    if not isinstance(card, Mapping):
        return "invalid", [f"Expected a dict with the keys {', '.join(FIELDS)}; got a {type(card).__name__}."]
    missing = [f for f in FIELDS if f not in card]
    unfinished = [f for f in FIELDS if f in card and card[f] is Ellipsis]
    if missing or unfinished:
        return "not done", [f"Fill in {', '.join(missing + unfinished)}."]
    catalogue = load_catalogue()
    kpi = card["kpi"]
    if kpi not in catalogue.ids:
        return "invalid", [f"`kpi` must be a KPI id, one of {', '.join(catalogue.ids)}; got {kpi!r}."]
    problems = [f"`{f}` is empty: write it out." for f in ("customer_value", "numerator", "denominator", "owner")
                if not isinstance(card[f], str) or not card[f].strip()]
    definition = card["definition"]
    if not isinstance(definition, Mapping):
        return "invalid", problems + ["`definition` must be a dict of the KPI's definition parameters, "
                                      "e.g. {'threshold_s': 20, 'clock': 'arrival'}."]
    entry = catalogue.entry(kpi)
    takes_calendar = "calendar" in inspect.signature(entry.function).parameters
    try:
        frame = compute_kpi(kpi, d.store, **definition, **({"calendar": d.calendar} if takes_calendar else {}))
    except KpiError as error:
        return "mistake", problems + [f"`definition` is not valid for `{kpi}`: {error}"]
    problems += _numbers(card, entry, kpi_value(frame))
    return ("mistake" if problems else "correct"), problems


def _numbers(card, entry, computed: float) -> list[str]:
    problems = []
    low, high = entry.value_range
    share = entry.unit == "share"
    value, target, norm = as_number(card["value"]), as_number(card["target"]), card["norm"]
    if value is None:
        problems.append(f"`value` must be a number; got {card['value']!r}.")
    elif share and value > 1 and abs(value / 100 - computed) <= 5e-4:
        problems.append(f"`value`: {PERCENTAGE}")
    elif abs(value - computed) > max(5e-4, 1e-3 * abs(computed)):
        problems.append(f"`value` {value:g} is not what `kpilib.{entry.id}` computes with this definition on the "
                        f"workshop's data ({computed:.3f}): compute it with the definition on the card.")
    if target is None:
        problems.append(f"`target` must be a number; got {card['target']!r}.")
    elif share and 1 < target <= 100:
        problems.append(f"`target`: {PERCENTAGE}")
    elif target < low or (high is not None and target > high):
        problems.append(f"`target` of `{entry.id}` lies between {low:g} and {high if high is not None else 'no limit'}; "
                        f"got {target:g}.")
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
