"""The green/red chain-view table as a styled, HTML-escaped pandas Styler."""

from __future__ import annotations

import html
import re

import pandas as pd
from pandas.io.formats.style import Styler

from kpilib._codes import code_words, reader_name
from kpilib._i18n import format_number, format_percent, tr
from kpilib.chains._outcomes import END_TO_END_LABEL
from kpilib._style import stable_style

#: Cell colours of the verdicts.
COLOURS = {"green": "background-color: #c8e6c9; color: #1b5e20; font-weight: bold",
           "red": "background-color: #ffcdd2; color: #b71c1c; font-weight: bold",
           "no target": "color: #777777", "no data": "color: #777777"}
_HEADERS = {"chain_name": "chain", "team": "who", "label": "KPI", "definition": "measured as",
            "value": "value", "target": "target", "verdict": "verdict"}


def format_value(value: float, kpi: str) -> str:
    """A KPI value in its unit: a share as ``84%``, seconds as ``305 s``, per case as ``2.02``."""
    from kpilib.kpis.catalogue import load_catalogue

    if value is None or pd.isna(value):
        return "–"
    unit = load_catalogue().entry(kpi).unit
    if unit == "share":
        return format_percent(value)
    if unit == "seconds":
        return f"{format_number(value)} s"
    return format_number(value, 2 if unit == "per_case" else 1)


def style_chain_view(view: pd.DataFrame, *, chain: str | None = None, caption: str | None = None) -> Styler:
    """The chain view of :func:`kpilib.chains.chain_view` as a green/red table.

    One row per KPI: who (the team, or the customer), the KPI, how it is measured, its value,
    its target and the verdict, coloured green or red. Every text is HTML-escaped and the
    index is hidden.

    Parameters
    ----------
    view : pandas.DataFrame
        The chain view (one chain or several).
    chain : str, optional
        Show only this chain (its id); otherwise a ``chain`` column tells them apart.
    caption : str, optional
        Above the table; default the chain's name.
    """
    part = view if chain is None else view[view["chain"] == chain]
    if chain is not None and part.empty:
        from kpilib.exceptions import ParameterError

        known = ", ".join(map(repr, dict.fromkeys(view["chain"]))) or "none"
        raise ParameterError(f"`chain` must be one of {known}; got {chain!r}")
    shown = pd.DataFrame({
        "chain_name": part["chain_name"],
        "team": [code_words(t) if t == "customer" else reader_name(t) for t in part["team"]],
        "label": part["label"],
        "definition": part["definition"],
        "value": [format_value(v, k) for v, k in zip(part["value"], part["kpi"])],
        "target": [("–" if pd.isna(t) else ("≤ " if p == "lower" else "≥ ") + format_value(t, k))
                   for t, p, k in zip(part["target"], part["polarity"], part["kpi"])],
        "verdict": part["verdict"],
    })
    verdicts = shown["verdict"].map(lambda v: COLOURS.get(v, ""))
    if chain is not None:
        shown = shown.drop(columns="chain_name")
        caption = caption if caption is not None else str(part["chain_name"].iloc[0])
    shown["verdict"] = [code_words(v) or v for v in shown["verdict"]]
    shown = shown.rename(columns={k: tr(v) for k, v in _HEADERS.items()}).reset_index(drop=True)
    styler = stable_style(shown, caption).hide(axis="index").format(escape="html")
    styler = styler.apply(lambda _: verdicts.to_numpy(), subset=[tr("verdict")])
    styler = styler.set_table_styles([{"selector": "th", "props": "text-align: left"},
                                      {"selector": "td", "props": "padding: 2px 10px; text-align: left"}])
    styler = styler.set_properties(subset=[tr("value"), tr("target")], **{"text-align": "right", "white-space": "nowrap"})
    if caption:
        styler = styler.set_caption(html.escape(tr(caption)))
    return styler


def style_verdict_matrix(view: pd.DataFrame, *, side: str = "customer", caption: str | None = None) -> Styler:
    """One row per chain, one column per KPI of ``side``: the value, coloured by its verdict.

    Parameters
    ----------
    view : pandas.DataFrame
        :func:`kpilib.chains.chain_view` (or its customer rows).
    side : {'customer', 'team'}
    caption : str, optional
    """
    from kpilib._checks import check_argument

    check_argument("side", side, ["customer", "team"])
    part = view[view["side"] == side]
    label = part["label"] if side == "customer" else part["team"].map(reader_name) + ": " + part["label"]
    part = part.assign(_label=label.to_numpy(), _text=[format_value(v, k) for v, k in zip(part["value"], part["kpi"])])
    # every chain's end-to-end outcome in one column, whatever its norm
    end_to_end = "^" + re.escape(tr(END_TO_END_LABEL).split("{norm}")[0]) + ".*"
    part = part.assign(_label=part["_label"].str.replace(end_to_end, tr("Need met within the norm"), regex=True))
    columns = list(dict.fromkeys(part["_label"]))
    rows = list(dict.fromkeys(part["chain_name"]))
    text = part.pivot(index="chain_name", columns="_label", values="_text").reindex(index=rows, columns=columns)
    verdicts = part.pivot(index="chain_name", columns="_label", values="verdict").reindex(index=rows, columns=columns)
    text = text.fillna("–")
    text.index.name, text.columns.name = None, None
    styler = stable_style(text, caption).format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    styler = styler.apply(lambda _: verdicts.map(lambda v: COLOURS.get(v, "")).to_numpy(), axis=None)
    if caption:
        styler = styler.set_caption(html.escape(tr(caption)))
    return styler
