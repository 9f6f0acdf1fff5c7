"""KPI cards (day 10): a catalogue entry joined with the workshop's decisions and computed on its data.

A card says exactly what is measured (the day-6 definition, else the function's defaults, and
which of the two), against which norm (the customer's, next to the teams' internal one), with
which target and thresholds, by whom and how often, what the value is now and how it moved per
month, and what to keep in mind about the data. :func:`cards_html` renders cards to HTML,
:func:`write_workbook` to one Excel workbook (:mod:`kpilib.days._card`, :mod:`kpilib.days._card_output`).

Thresholds, with target t and ``amber_band`` b (a share of |t|):

- higher is better: green >= t; amber >= t - b|t|; red below;
- lower is better: green <= t; amber <= t + b|t|; red above.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kpilib.kpis.wording import definition_sentence, value_in_unit
from kpilib._codes import reader_name
from kpilib._i18n import current_language, format_date, format_number, tr, trn
from kpilib._checks import check_number
from kpilib.days._card import STATUSES, KpiCard, cards_html, cards_overview, dashboard_table, status_of, thresholds
from kpilib.days._card_output import plot_dashboard, write_workbook
from kpilib.exceptions import ParameterError
from kpilib.kpis.catalogue import missing_inputs

__all__ = ["KpiCard", "STATUSES", "build_card", "build_cards", "card_kpis", "cards_html", "cards_missing",
           "cards_overview", "dashboard_table", "plot_dashboard", "review_schedule", "status_of", "thresholds", "write_workbook"]

#: How often a KPI is reviewed, and where, by its kind: leading performance KPIs are steered on
#: weekly by the team, results monthly in the chain meeting (ketenoverleg).
REVIEW = {"lead": ("weekly", "team meeting of the owner"), "lag": ("monthly", "chain meeting (ketenoverleg)")}


def _norm_text(parameter: str | None, value: Any) -> str:
    if parameter is None:
        return tr("this KPI has no norm")
    if not isinstance(value, (int, float)):
        return str(value)
    n = format_number(value, 0 if float(value).is_integer() else 1)
    if parameter == "norm_days":
        return trn("{n} working day", "{n} working days", value).format(n=n)
    if parameter.endswith("_days"):
        return trn("{n} day", "{n} days", value).format(n=n)
    return f"{n} s" if parameter.endswith("_s") else n


def _internal_norms(kpi: str, current_kpis: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    out = []
    for item in current_kpis:
        if item.get("kpi") == kpi:
            target = (tr("target {value}").format(value=value_in_unit(kpi, item["target"]))
                      if item.get("target") is not None else tr("no target"))
            out.append(f"{reader_name(item.get('team'))}: {target} "
                       f"({definition_sentence(kpi, item.get('definition') or {})})")
    return tuple(out)


def build_card(ws, kpi: str, *, owner: str | None = None, amber_band: float = 0.10,
               measured: str = "monthly", review: Mapping[str, tuple[str, str]] | None = None,
               as_of=None, caveats: pd.DataFrame | None = None) -> KpiCard:
    """The card of one catalogue KPI, from the workshop's decisions and computed on its data.

    - definition: the KPI's defaults, overridden by the day-6 ``definitions`` decision, with
      its norm parameter set to the day-7 ``norms`` decision when there is one;
    - customer norm: the norm parameter's value in that definition; internal norms: the day-3
      ``current_kpis`` of teams that measure the same KPI;
    - target: the day-7 ``targets`` decision (None when not set);
    - owner: ``owner``, else the owner in the day-9 ``kpi_set``, else "to be agreed";
    - value: the KPI over the whole period; ``monthly``: the same call with ``by="month"``, both
      measured at ``as_of`` (default the end of the data, :func:`kpilib.kpis.caveats.data_end`), so
      that promises and plans after the export are not counted as due;
    - review: :data:`REVIEW` by the KPI's timing, unless ``review`` maps the timing elsewhere.

    Parameters
    ----------
    ws : kpilib Workshop
        The open workshop (:func:`kpilib.open_workshop`).
    kpi : str
        A catalogue KPI id.
    owner : str, optional
    amber_band : float
        The width of the amber zone as a share of the target (>= 0).
    measured : str
        How often the KPI is measured, as text on the card.
    review : mapping, optional
        Timing (``lead`` / ``lag``) -> (frequency, forum).
    as_of : timestamp, optional
        The moment of measurement for KPIs that take one.
    caveats : pandas.DataFrame, optional
        :func:`kpilib.kpis.caveats.data_caveats` of the workshop's tables, when already computed.

    Returns
    -------
    KpiCard
    """
    from kpilib.kpis.caveats import data_caveats, data_end
    from kpilib.kpis.catalogue import compute_kpi, load_catalogue

    check_number("amber_band", amber_band, minimum=0)
    entry = load_catalogue().entry(kpi)
    decided = ws.decision("definitions").get(kpi)
    norms = ws.decision("norms")
    chosen_definition = dict(decided or {})
    sources = [tr("decided on day 6") if decided else tr("not decided on day 6: the catalogue's definition")]
    if entry.norm is not None and kpi in norms:
        chosen_definition[entry.norm] = norms[kpi]
        sources.append(tr("norm decided on day 7"))
    # what the group chose is checked; a default of None (escalation_rate's first line) is found in the data
    definition = entry.defaults() | entry.check_definition(chosen_definition)
    takes = inspect.signature(entry.function).parameters
    extra = {"calendar": ws.calendar} if "calendar" in takes else {}
    if "as_of" in takes:
        extra["as_of"] = as_of if as_of is not None else data_end(ws.store)
    total = compute_kpi(kpi, ws.store, **definition, **extra)
    monthly = compute_kpi(kpi, ws.store, **definition, **extra, by="month")
    targets = ws.decision("targets")
    target = float(targets[kpi]) if kpi in targets else None
    chosen = {item["kpi"]: item for item in ws.decision("kpi_set")}
    owner = owner or chosen.get(kpi, {}).get("owner") or tr("to be agreed")
    frequency, forum = (review or REVIEW).get(entry.timing, REVIEW[entry.timing])
    row = total.iloc[0]
    return KpiCard(
        kpi=kpi, name=entry.name["en"], name_nl=entry.name["nl"], question=entry.question, chain=entry.chain,
        customer_value=entry.customer_value, kind=", ".join(tr(word) for word in (entry.level, entry.timing, entry.view.replace("_", "-"))),
        formula=entry.formula, call=entry.call(definition), definition=definition,
        definition_source="; ".join(sources), unit=entry.unit, polarity=entry.polarity,
        customer_norm=_norm_text(entry.norm, definition.get(entry.norm)),
        internal_norms=_internal_norms(kpi, ws.decision("current_kpis")), target=target,
        target_source=tr("decided on day 7") if target is not None else tr("not set yet"),
        amber_band=float(amber_band), owner=owner, measured=measured, reviewed=frequency, forum=forum,
        value=float(row["value"]), numerator=float(row["numerator"]), denominator=float(row["denominator"]),
        monthly=monthly[["month", "numerator", "denominator", "value"]].reset_index(drop=True),
        caveats=_caveats_of(caveats if caveats is not None else data_caveats(ws.store), entry.sources),
        gaming=tuple(entry.gaming), **_specification(ws, kpi, definition, decided=bool(decided)))


def _specification(ws, kpi: str, definition: Mapping, *, decided: bool) -> dict:
    """The card's fingerprint, decision date, change log and metric specification.

    ``decided``: the definitions decision in force names ``kpi``.
    """
    from kpilib.days._card_spec import decided_text, definition_changes, fingerprint, spec_rows

    changes = definition_changes(ws.history("definitions"), kpi)
    log = tuple((format_date(pd.Timestamp(c["at"]).date(), "d-M-y"), c["by"] or "",
                 definition_sentence(kpi, c["definition"])) for c in changes)
    time_zone = ws.config.time_zone
    return {"fingerprint": fingerprint(kpi, definition, time_zone=time_zone, calendar=ws.calendar),
            "decided": decided_text(changes, ws.decision_source("definitions") if decided else "default"),
            "changes": log, "spec": tuple(spec_rows(kpi, definition, calendar=ws.calendar, time_zone=time_zone))}


def _caveats_of(caveats: pd.DataFrame, sources: Sequence[str]) -> pd.DataFrame:
    return caveats[caveats["table"].isin(list(sources))].reset_index(drop=True)


def card_kpis(ws) -> list[str]:
    """The KPIs that get a card: those of the day-9 ``kpi_set`` decision, in its order.

    While no set has been chosen (the decision is empty), the day-4 ``customer_outcomes``, so
    that day 10 can be prepared before day 9 is done.
    """
    return [item["kpi"] for item in ws.decision("kpi_set")] or list(ws.decision("customer_outcomes"))


def cards_missing(ws, kpis: Sequence[str] | None = None) -> dict[str, list[str]]:
    """The KPIs of ``kpis`` (default :func:`card_kpis`) the workshop's data cannot measure: KPI → tables it needs."""
    kpis = card_kpis(ws) if kpis is None else kpis
    definitions = ws.decision("definitions")
    return {kpi: needs for kpi in kpis if (needs := missing_inputs(kpi, ws.store, definitions.get(kpi)))}


def build_cards(ws, kpis: Sequence[str] | None = None, **options: Any) -> list[KpiCard]:
    """The cards of ``kpis``, default :func:`card_kpis` (the day-9 ``kpi_set``), in that order.

    A KPI whose tables the workshop lacks gets no card; :func:`cards_missing` names it and what it needs.
    """
    if kpis is None:
        kpis = card_kpis(ws)
    if isinstance(kpis, str):
        raise ParameterError(f"`kpis` must be a list of KPI ids; got {kpis!r}")
    from kpilib.kpis.caveats import data_caveats, data_end

    options.setdefault("as_of", data_end(ws.store))
    options.setdefault("caveats", data_caveats(ws.store))
    missing = cards_missing(ws, kpis)
    return [build_card(ws, kpi, **options) for kpi in kpis if kpi not in missing]


def review_schedule(cards: Sequence[KpiCard]) -> pd.DataFrame:
    """What to review when: per frequency and forum, the KPIs and their owners (in the current language)."""
    rows: dict[tuple[str, str], list[KpiCard]] = {}
    for c in cards:
        rows.setdefault((c.reviewed, c.forum), []).append(c)
    dutch = current_language() == "nl"
    return pd.DataFrame([{"frequency": tr(f), "forum": tr(forum),
                          "kpis": ", ".join(c.name_nl if dutch else c.name for c in group),
                          "owners": ", ".join(dict.fromkeys(c.owner for c in group))}
                         for (f, forum), group in rows.items()], columns=["frequency", "forum", "kpis", "owners"])
