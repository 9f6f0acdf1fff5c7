"""A KPI card (day 10) as a value: its fields, its status against the target, and its HTML.

A card says exactly what is measured (the day-6 definition, else the function's defaults, and
which of the two), against which norm (the customer's, next to the teams' internal one), with
which target and thresholds, by whom and how often, what the value is now and how it moved per
month, and what to keep in mind about the data. :func:`cards_html` renders cards to HTML,
:func:`write_workbook` to one Excel workbook (both in :mod:`kpilib.days._card_output`).

Thresholds, with target t and ``amber_band`` b (a share of |t|):

- higher is better: green >= t; amber >= t - b|t|; red below;
- lower is better: green <= t; amber <= t + b|t|; red above.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpilib._i18n import current_language, format_date, format_number, format_percent, tr
from kpilib._safe import sanitize_links

__all__ = ["KpiCard", "STATUSES", "card_html", "cards_html", "cards_overview", "dashboard_table", "format_value", "status_of",
           "thresholds"]

#: The status of a value against its target.
STATUSES = ("green", "amber", "red", "no target", "no data")
#: Below this relative change between the first and the latest month a trend counts as flat.
FLAT = 0.02


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
    #: What fixes the number (see :func:`kpilib.days._card_spec.fingerprint`), when it was decided, and
    #: the recorded changes of its definition: (date, by, the definition in words).
    fingerprint: str = ""
    decided: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()
    #: The metric specification: (label, text) rows such as the clock and the time spine.
    spec: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """The KPI's name in the workshop's language."""
        return self.name_nl if current_language() == "nl" else self.name

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
        return format_percent(value, 1)
    if unit == "seconds":
        return f"{format_number(value)} s"
    if unit == "nps":
        return ("+" if round(value) > 0 else "") + format_number(value)
    return format_number(value, 2)


def thresholds(target: float | None, *, polarity: str, amber_band: float, unit: str) -> dict[str, str]:
    """The green / amber / red ranges of a target, as text."""
    if target is None:
        return dict.fromkeys(("green", "amber", "red"), tr("no target set"))
    t, edge = format_value(target, unit), format_value(_amber_edge(target, polarity, amber_band), unit)
    if polarity == "higher":
        return {"green": f"≥ {t}", "amber": tr("{low} to {high}").format(low=edge, high=t), "red": f"< {edge}"}
    return {"green": f"≤ {t}", "amber": tr("{low} to {high}").format(low=t, high=edge), "red": f"> {edge}"}


def cards_overview(cards: Sequence[KpiCard]) -> pd.DataFrame:
    """One row per card: the chain dashboard of the KPI set (latest month against the target)."""
    return pd.DataFrame([{
        "kpi": c.title, "chain": tr(c.chain), "owner": c.owner,
        "latest month": c.latest_month, "latest": format_value(c.latest, c.unit),
        "target": format_value(c.target, c.unit), "status": c.status, "trend": c.trend, "whole period": format_value(c.value, c.unit), "reviewed": f"{tr(c.reviewed)}, {tr(c.forum)}",
    } for c in cards], columns=["kpi", "chain", "owner", "latest month", "latest", "target", "status", "trend",
                                "whole period", "reviewed"])


def dashboard_table(cards: Sequence[KpiCard]) -> tuple[pd.DataFrame, str]:
    """The chain dashboard as a page shows it, and its caption.

    :func:`cards_overview` without the review column (the review schedule shows it) and, when every
    card's latest month is the same, without the month column: the caption names it ("The chain
    dashboard, june 2026"). Statuses and trends read as words.
    """
    overview = cards_overview(cards)
    months = overview["latest month"].dropna().unique()
    drop = ["reviewed"] + (["latest month"] if len(months) == 1 and overview["latest month"].notna().all() else [])
    shown = overview.drop(columns=drop).assign(status=[tr(s) for s in overview["status"]],
                                               trend=[tr(t) for t in overview["trend"]])
    if "latest month" in shown:
        shown["latest month"] = [format_date(m, "MMMM y") if pd.notna(m) else "–" for m in shown["latest month"]]
        return shown, tr("The chain dashboard")
    return shown, tr("The chain dashboard, {month}").format(month=format_date(months[0], "MMMM y"))


_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828", "no target": "#757575", "no data": "#757575"}
_STYLE = """<style>
.kpi-cards{display:flex;flex-wrap:wrap;gap:16px;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
.kpi-card{border:1px solid #d0d7de;border-radius:8px;padding:14px 18px;flex:1 1 400px;min-width:0;max-width:560px;box-sizing:border-box;background:#fff;
 box-shadow:0 1px 3px rgba(0,0,0,.08);color:#1f2328;font-size:13px;line-height:1.4}
.kpi-card h3{margin:0 0 2px;font-size:17px}.kpi-card .nl{color:#57606a;font-style:italic;margin-bottom:6px}
.kpi-card .q{margin:6px 0 10px}.kpi-card table{border-collapse:collapse;width:100%}
.kpi-card th{text-align:left;vertical-align:top;color:#57606a;font-weight:600;padding:2px 8px 2px 0;width:34%}
.kpi-card td{padding:2px 0;vertical-align:top}.kpi-card code{font-size:11px;background:#f6f8fa;padding:1px 3px}
.kpi-card .now{display:flex;flex-wrap:wrap;align-items:center;gap:12px;margin:8px 0}
.kpi-card .big{font-size:26px;font-weight:700}.kpi-card .badge{color:#fff;border-radius:10px;padding:2px 9px;font-weight:600}
.kpi-card ul{margin:2px 0 0 16px;padding:0}.kpi-card h4{margin:10px 0 2px;font-size:13px}
</style>"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _sparkline(card: KpiCard, width: int = 180, height: int = 44) -> str:
    """The monthly values as an inline SVG line, with the target as a dashed line."""
    values = card.monthly["value"].to_numpy(dtype="float64")
    finite = values[np.isfinite(values)]
    if len(finite) < 2:
        return ""
    lows = [finite.min()] + ([card.target] if card.target is not None else [])
    highs = [finite.max()] + ([card.target] if card.target is not None else [])
    lo, hi = min(lows), max(highs)
    span = hi - lo or 1.0

    def y(v: float) -> float:
        return 4 + (height - 8) * (1 - (v - lo) / span)

    xs = np.linspace(4, width - 4, len(values))
    points = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, values) if np.isfinite(v))
    target = (f'<line x1="0" x2="{width}" y1="{y(card.target):.1f}" y2="{y(card.target):.1f}" '
              f'stroke="#57606a" stroke-dasharray="3,3"/>' if card.target is not None else "")
    months = card.monthly["month"]
    label = tr("{first} – {last}, dashed: target").format(first=format_date(months.iloc[0], "MMM y"),
                                                           last=format_date(months.iloc[-1], "MMM y"))
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="{_e(label)}">'
            f'<title>{_e(label)}</title>{target}<polyline fill="none" stroke="#0969da" stroke-width="2" '
            f'points="{points}"/></svg>')


def _rows(card: KpiCard) -> list[tuple[str, str]]:
    t = card.thresholds
    from kpilib.kpis.wording import definition_sentence

    rows = [
        ("Chain", _e(tr(card.chain))), ("Customer value", _e(tr(card.customer_value))), ("Kind", _e(card.kind)),
        ("Formula", _e(tr(card.formula))),
        ("Definition", f"{_e(definition_sentence(card.kpi, card.definition))}"
                       f"<br><small>{_e(card.definition_source)}</small>"),
        ("Customer norm", _e(card.customer_norm)),
        ("Internal norm", "<br>".join(_e(n) for n in card.internal_norms) or _e(tr("none recorded on day 3"))),
        ("Target", f"{_e(format_value(card.target, card.unit))} <small>({_e(card.target_source)})</small>"),
        ("Thresholds", _e(tr("green {green}; amber {amber}; red {red}").format(**t))),
        ("Owner", _e(card.owner)), ("Measured", _e(tr(card.measured))),
        ("Reviewed", _e(f"{tr(card.reviewed)}, {tr(card.forum)}")),
        ("Whole period", _e(f"{format_value(card.value, card.unit)} "
                            f"({format_number(card.numerator)} / {format_number(card.denominator)})")),
        *[(label, _e(text)) for label, text in card.spec],
    ]
    if card.fingerprint:
        rows.append(("Fingerprint", f"<code>{_e(card.fingerprint)}</code> <small>{_e(card.decided)}</small>"))
    if len(card.changes) > 1:
        rows.append(("Changes", "<br>".join(_e(f"{when}{' (' + who + ')' if who else ''}: {words}")
                                            for when, who, words in card.changes)))
    return [(_e(tr(label)), value) for label, value in rows]


def card_html(card: KpiCard) -> str:
    """One card as self-contained HTML (every text escaped, no scripts, no external files)."""
    colour = _COLOURS[card.status]
    month = format_date(card.latest_month, "MMMM y") if card.latest_month is not None else tr("no month with data")
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in _rows(card))
    caveats = "".join(f"<li>{_e(text)}</li>" for text in card.caveats["text"]) or f"<li>{_e(tr('none found'))}</li>"
    gaming = "".join(f"<li>{_e(tr(g))}</li>" for g in card.gaming) or f"<li>{_e(tr('none listed'))}</li>"
    # in an English pack the Dutch name below the English one, as the group says it; a Dutch pack only in Dutch
    dutch = current_language() == "nl"
    subtitle = "" if dutch else f'<div class="nl">{_e(card.name_nl)}</div>'
    return sanitize_links(f'<div class="kpi-card"><h3>{_e(card.name_nl if dutch else card.name)}</h3>{subtitle}'
            f'<div class="q">{_e(tr(card.question))}</div>'
            f'<div class="now"><span class="big">{_e(format_value(card.latest, card.unit))}</span>'
            f'<span class="badge" style="background:{colour}">{_e(tr(card.status))}</span>'
            f'<span>{_e(month)}<br>{_e(tr("trend: {trend}").format(trend=tr(card.trend)))}</span>{_sparkline(card)}</div>'
            f'<table>{body}</table><h4>{_e(tr("About the data"))}</h4><ul>{caveats}</ul>'
            f'<h4>{_e(tr("How it can be gamed"))}</h4><ul>{gaming}</ul></div>')


def cards_html(cards: Sequence[KpiCard]) -> str:
    """Several cards side by side, with their style sheet, as one HTML fragment."""
    return _STYLE + sanitize_links('<div class="kpi-cards">' + "".join(card_html(c) for c in cards) + "</div>")


# -- Excel ----------------------------------------------------------------------------------
