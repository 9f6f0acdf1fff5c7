"""KPI cards (day 10): a catalogue entry joined with the workshop's decisions and computed on its data.

A card says exactly what is measured (the day-6 definition, else the function's defaults, and
which of the two), against which norm (the customer's, next to the teams' internal one), with
which target and thresholds, by whom and how often, what the value is now and how it moved per
month, and what to keep in mind about the data. :func:`cards_html` renders cards to HTML,
:func:`write_workbook` to one Excel workbook (both in :mod:`kpilib._card_output`).

Thresholds, with target t and ``amber_band`` b (a share of |t|):

- higher is better: green >= t; amber >= t - b|t|; red below;
- lower is better: green <= t; amber <= t + b|t|; red above.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpilib._checks import check_number
from kpilib.exceptions import ParameterError

__all__ = ["KpiCard", "STATUSES", "build_card", "build_cards", "card_kpis", "cards_html", "cards_overview", "plot_dashboard",
           "review_schedule", "status_of", "thresholds", "write_workbook"]

#: The status of a value against its target.
STATUSES = ("green", "amber", "red", "no target", "no data")
#: Below this relative change between the first and the latest month a trend counts as flat.
FLAT = 0.02
#: How often a KPI is reviewed, and where, by its kind: leading performance KPIs are steered on
#: weekly by the team, results monthly in the chain meeting (ketenoverleg).
REVIEW = {"lead": ("weekly", "team meeting of the owner"), "lag": ("monthly", "chain meeting (ketenoverleg)")}


@dataclass(frozen=True)
class KpiCard:
    """One KPI card; build it with :func:`build_card`. Values are in the KPI's unit."""

    kpi: str
    name: str
    name_nl: str
    question: str
    chain: str
    customer_value: str
    kind: str
    formula: str
    call: str
    definition: Mapping[str, Any]
    definition_source: str
    unit: str
    polarity: str
    customer_norm: str
    internal_norms: tuple[str, ...]
    target: float | None
    target_source: str
    amber_band: float
    owner: str
    measured: str
    reviewed: str
    forum: str
    value: float
    numerator: float
    denominator: float
    monthly: pd.DataFrame = field(repr=False)
    caveats: pd.DataFrame = field(repr=False)
    gaming: tuple[str, ...] = ()

    @property
    def latest(self) -> float:
        """The value of the latest month with data (NaN when there is none)."""
        values = self.monthly["value"].dropna()
        return float(values.iloc[-1]) if len(values) else float("nan")

    @property
    def latest_month(self) -> pd.Timestamp | None:
        values = self.monthly.dropna(subset=["value"])
        return values["month"].iloc[-1] if len(values) else None

    @property
    def status(self) -> str:
        """green / amber / red of the latest month against the target."""
        return status_of(self.latest, self.target, polarity=self.polarity, amber_band=self.amber_band)

    @property
    def trend(self) -> str:
        """``better``, ``worse`` or ``flat``: the latest month against the first, by the polarity."""
        values = self.monthly["value"].dropna()
        if len(values) < 2:
            return "not enough months"
        first, last = float(values.iloc[0]), float(values.iloc[-1])
        scale = max(abs(first), abs(last))
        if scale == 0 or abs(last - first) / scale < FLAT:
            return "flat"
        better = (last > first) == (self.polarity == "higher")
        return "better" if better else "worse"

    @property
    def thresholds(self) -> dict[str, str]:
        return thresholds(self.target, polarity=self.polarity, amber_band=self.amber_band, unit=self.unit)

    def _repr_html_(self) -> str:
        from kpilib._card_output import card_html

        return card_html(self)


def _amber_edge(target: float, polarity: str, amber_band: float) -> float:
    return target - amber_band * abs(target) if polarity == "higher" else target + amber_band * abs(target)


def status_of(value: float, target: float | None, *, polarity: str, amber_band: float = 0.10) -> str:
    """The status of ``value`` against ``target`` (see the module docstring for the thresholds).

    >>> status_of(0.75, 0.80, polarity="higher")  # amber from 0.80 - 0.1 x 0.80 = 0.72
    'amber'
    >>> status_of(0.20, 0.15, polarity="lower")   # amber up to 0.15 + 0.015 = 0.165
    'red'
    """
    if target is None:
        return "no target"
    if value is None or not np.isfinite(value):
        return "no data"
    edge = _amber_edge(target, polarity, amber_band)
    sign = 1 if polarity == "higher" else -1

    def reaches(bound: float) -> bool:  # on the good side of the bound, or on it (up to rounding)
        return sign * (value - bound) >= 0 or bool(np.isclose(value, bound, rtol=1e-12, atol=1e-12))

    return "green" if reaches(target) else "amber" if reaches(edge) else "red"


def format_value(value: float | None, unit: str) -> str:
    """A value as a reader sees it: shares in %, seconds with 's', NPS as a whole number."""
    if value is None or not np.isfinite(value):
        return "–"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "seconds":
        return f"{value:,.0f} s"
    if unit == "nps":
        return f"{value:+.0f}"
    return f"{value:.2f}"


def thresholds(target: float | None, *, polarity: str, amber_band: float, unit: str) -> dict[str, str]:
    """The green / amber / red ranges of a target, as text."""
    if target is None:
        return {"green": "no target set", "amber": "no target set", "red": "no target set"}
    t, edge = format_value(target, unit), format_value(_amber_edge(target, polarity, amber_band), unit)
    if polarity == "higher":
        return {"green": f">= {t}", "amber": f"{edge} to {t}", "red": f"< {edge}"}
    return {"green": f"<= {t}", "amber": f"{t} to {edge}", "red": f"> {edge}"}


def _norm_text(parameter: str | None, value: Any) -> str:
    if parameter is None:
        return "none: this KPI has no norm parameter"
    unit = ("working days" if parameter == "norm_days" else "days" if parameter.endswith("_days")
            else "seconds" if parameter.endswith("_s") else "")
    return f"{value:g} {unit} ({parameter})".replace("  ", " ") if isinstance(value, (int, float)) else str(value)


def _internal_norms(kpi: str, current_kpis: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    out = []
    for item in current_kpis:
        if item.get("kpi") == kpi:
            definition = ", ".join(f"{k}={v}" for k, v in (item.get("definition") or {}).items())
            out.append(f"{item.get('team')}: target {item.get('target')}" + (f" with {definition}" if definition else ""))
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
      measured at ``as_of`` (default the end of the data, :func:`kpilib.caveats.data_end`), so
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
        :func:`kpilib.caveats.data_caveats` of the workshop's tables, when already computed.

    Returns
    -------
    KpiCard
    """
    from kpilib.caveats import data_caveats, data_end
    from kpilib.catalogue import compute_kpi, load_catalogue

    check_number("amber_band", amber_band, minimum=0)
    entry = load_catalogue().entry(kpi)
    decided = ws.decision("definitions").get(kpi)
    norms = ws.decision("norms")
    definition = entry.defaults() | dict(decided or {})
    sources = ["decided on day 6 (definitions)" if decided else "the function's defaults"]
    if entry.norm is not None and kpi in norms:
        definition[entry.norm] = norms[kpi]
        sources.append("norm decided on day 7 (norms)")
    definition = entry.check_definition(definition)
    takes = inspect.signature(entry.function).parameters
    extra = {"calendar": ws.calendar} if "calendar" in takes else {}
    if "as_of" in takes:
        extra["as_of"] = as_of if as_of is not None else data_end(ws.store)
    total = compute_kpi(kpi, ws.store, **definition, **extra)
    monthly = compute_kpi(kpi, ws.store, **definition, **extra, by="month")
    targets = ws.decision("targets")
    target = float(targets[kpi]) if kpi in targets else None
    chosen = {item["kpi"]: item for item in ws.decision("kpi_set")}
    owner = owner or chosen.get(kpi, {}).get("owner") or "to be agreed"
    frequency, forum = (review or REVIEW).get(entry.timing, REVIEW[entry.timing])
    row = total.iloc[0]
    return KpiCard(
        kpi=kpi, name=entry.name["en"], name_nl=entry.name["nl"], question=entry.question, chain=entry.chain,
        customer_value=entry.customer_value, kind=f"{entry.level}, {entry.timing}, {entry.view.replace('_', '-')}",
        formula=entry.formula, call=entry.call(definition), definition=definition,
        definition_source="; ".join(sources), unit=entry.unit, polarity=entry.polarity,
        customer_norm=_norm_text(entry.norm, definition.get(entry.norm)),
        internal_norms=_internal_norms(kpi, ws.decision("current_kpis")), target=target,
        target_source="decided on day 7 (targets)" if target is not None else "not set yet",
        amber_band=float(amber_band), owner=owner, measured=measured, reviewed=frequency, forum=forum,
        value=float(row["value"]), numerator=float(row["numerator"]), denominator=float(row["denominator"]),
        monthly=monthly[["month", "numerator", "denominator", "value"]].reset_index(drop=True),
        caveats=_caveats_of(caveats if caveats is not None else data_caveats(ws.store), entry.sources),
        gaming=tuple(entry.gaming))


def _caveats_of(caveats: pd.DataFrame, sources: Sequence[str]) -> pd.DataFrame:
    return caveats[caveats["table"].isin(list(sources))].reset_index(drop=True)


def card_kpis(ws) -> list[str]:
    """The KPIs that get a card: those of the day-9 ``kpi_set`` decision, in its order.

    While no set has been chosen (the decision is empty), the day-4 ``customer_outcomes``, so
    that day 10 can be prepared before day 9 is done.
    """
    return [item["kpi"] for item in ws.decision("kpi_set")] or list(ws.decision("customer_outcomes"))


def build_cards(ws, kpis: Sequence[str] | None = None, **options: Any) -> list[KpiCard]:
    """The cards of ``kpis``, default :func:`card_kpis` (the day-9 ``kpi_set``), in that order."""
    if kpis is None:
        kpis = card_kpis(ws)
    if isinstance(kpis, str):
        raise ParameterError(f"`kpis` must be a list of KPI ids; got {kpis!r}")
    from kpilib.caveats import data_caveats, data_end

    options.setdefault("as_of", data_end(ws.store))
    options.setdefault("caveats", data_caveats(ws.store))
    return [build_card(ws, kpi, **options) for kpi in kpis]


def cards_overview(cards: Sequence[KpiCard]) -> pd.DataFrame:
    """One row per card: the chain dashboard of the KPI set (latest month against the target)."""
    return pd.DataFrame([{
        "kpi": c.name, "chain": c.chain, "owner": c.owner, "latest month": c.latest_month,
        "latest": format_value(c.latest, c.unit), "target": format_value(c.target, c.unit), "status": c.status,
        "trend": c.trend, "whole period": format_value(c.value, c.unit), "reviewed": f"{c.reviewed}, {c.forum}",
    } for c in cards], columns=["kpi", "chain", "owner", "latest month", "latest", "target", "status", "trend",
                                "whole period", "reviewed"])


def review_schedule(cards: Sequence[KpiCard]) -> pd.DataFrame:
    """What to review when: per frequency and forum, the KPIs and their owners."""
    rows: dict[tuple[str, str], list[KpiCard]] = {}
    for c in cards:
        rows.setdefault((c.reviewed, c.forum), []).append(c)
    return pd.DataFrame([{"frequency": f, "forum": forum, "kpis": ", ".join(c.name for c in group),
                          "owners": ", ".join(dict.fromkeys(c.owner for c in group))}
                         for (f, forum), group in rows.items()], columns=["frequency", "forum", "kpis", "owners"])


def cards_html(cards: Sequence[KpiCard]) -> str:
    """The cards side by side as one self-contained, escaped HTML fragment (no scripts, no files)."""
    from kpilib._card_output import cards_html as render

    return render(cards)


def write_workbook(cards: Sequence[KpiCard], path: str | Path) -> Path:
    """Write the cards to one Excel workbook: an ``Overview`` sheet, then one sheet per card.

    Each card sheet lists the card's fields (label, value), its monthly values and its caveats;
    the overview has a row per card that links to its sheet. The file is moved into place in one
    step, so a failed write leaves an earlier workbook intact.

    Returns
    -------
    pathlib.Path
    """
    from kpilib._card_output import write_workbook as write

    return write(cards, path)


def plot_dashboard(cards: Sequence[KpiCard], *, axes=None):
    """The chain dashboard as plots: each card's monthly values against its target and amber edge.

    Returns one matplotlib Axes per card (a numpy array); ``axes`` gives them, default a row.
    """
    from kpilib._card_output import plot_dashboard as plot

    return plot(cards, axes=axes)
