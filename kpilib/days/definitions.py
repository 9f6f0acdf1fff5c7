"""One KPI under every definition, side by side: how much the word "service level" can hide.

Each function returns the KPI's tidy frame stacked over its variants, with a ``variant`` label
and the definition parameters as columns; :func:`definition_spread` condenses it to the lowest
and highest value per group, so a group sees how far apart its own definitions lie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kpilib._i18n import format_number, tr
from kpilib.data._aggregate import PERIODS, normalise_by
from kpilib._checks import check_argument, check_number
from kpilib.exceptions import ParameterError
from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer
from kpilib.kpis.queue import ABANDON_RULES, CLOCKS
from kpilib.kpis.resolution import FCR_METHODS, first_contact_resolution, repeat_contact_rate

__all__ = [
    "compare_definitions",
    "definition_spread",
    "definitions_table",
    "fcr_variants",
    "internal_definition",
    "repeat_window_variants",
    "service_level_variants",
]

_KPI_COLUMNS = ["numerator", "denominator", "value"]


def internal_definition(current_kpis: Sequence[Mapping[str, Any]], kpi: str) -> dict[str, Any]:
    """The definition the teams use today for ``kpi`` (the first such entry of ``current_kpis``), or {}."""
    for item in current_kpis:
        if item.get("kpi") == kpi:
            return dict(item.get("definition") or {})
    return {}


def definitions_table(definitions: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The ``definitions`` decision as a table: the KPI by name and its ``definition`` as a sentence."""
    from kpilib.kpis.catalogue import load_catalogue
    from kpilib.kpis.wording import definition_sentence

    catalogue = load_catalogue()
    return pd.DataFrame({"kpi": [catalogue.entry(k).title if k in catalogue else k for k in definitions],
                         "definition": [definition_sentence(k, d) for k, d in definitions.items()]})


def _stack(frames: list[pd.DataFrame], by: list[str], definition_columns: list[str]) -> pd.DataFrame:
    result = pd.concat(frames, ignore_index=True)
    return result[[*by, "variant", *definition_columns, *_KPI_COLUMNS]]


def service_level_variants(contacts, *, threshold_s: float = 20, short_abandon_s: Sequence[float] = (0, 5),
                           channel: str | None = "phone",
                           by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The service level under every abandon rule × clock × short-abandon setting.

    Parameters
    ----------
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts.
    threshold_s : float
        The threshold, the same for every variant.
    short_abandon_s : sequence of float
        The short-abandon settings to compare (seconds).
    channel : str or None
        As in :func:`kpilib.service_level`.
    by : None, str or list of str
        As in :func:`kpilib.service_level`.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``variant`` (a label), ``clock``, ``abandoned``, ``short_abandon_s``,
        then ``numerator``, ``denominator`` and ``value``: 4 × 2 × len(short_abandon_s) rows per group,
        each exactly :func:`kpilib.service_level` for that definition.
    """
    names = normalise_by(by)
    if not short_abandon_s:
        raise ParameterError("`short_abandon_s` must list at least one setting, for example (0, 5)")
    for s in short_abandon_s:
        check_number("short_abandon_s", s, minimum=0)
    explorer = ServiceLevelExplorer(contacts, by=names, channel=channel)
    frames = [
        explorer.service_level(threshold_s=threshold_s, clock=clock, abandoned=rule, short_abandon_s=short)
        .assign(variant=_variant_label(rule, clock, short), clock=clock, abandoned=rule, short_abandon_s=short)
        for clock in CLOCKS for rule in ABANDON_RULES for short in short_abandon_s
    ]
    return _stack(frames, names, ["clock", "abandoned", "short_abandon_s"])


def _variant_label(rule: str, clock: str, short: float) -> str:
    """A service-level variant in words: "abandons not in time, wait from the call, short abandons ≤ 5 s"."""
    words = {"abandons": tr(_ABANDON_WORDS[rule]), "clock": tr(_CLOCK_WORDS[clock])}
    if not short:
        return tr("{abandons}, {clock}, every abandon counted").format(**words)
    return tr("{abandons}, {clock}, short abandons ≤ {seconds} s").format(**words, seconds=format_number(short))


def _period_by(by) -> list[str]:
    names = normalise_by(by)
    for name in names:
        check_argument("by", name, PERIODS)
    return names


def fcr_variants(contacts, *, cases=None, surveys=None, window_days: float = 7,
                 by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """First-contact resolution by each of its three methods (repeat window, case, survey).

    The methods count different things (contacts, cases, survey answers), so ``by`` may only
    name periods (``day``, ``week``, ``month``), which all three tables have. A method whose
    table is not given (``cases=None``, ``surveys=None``) is left out.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``variant``, ``method``, then ``numerator``, ``denominator``, ``value``.
    """
    names = _period_by(by)
    frames = [
        first_contact_resolution(contacts, method=method, window_days=window_days, cases=cases,
                                 surveys=surveys, by=names)
        .assign(variant=tr(_FCR_LABELS[method]), method=method)
        for method in FCR_METHODS
        if {"case": cases, "survey": surveys}.get(method, contacts) is not None
    ]
    return _stack(frames, names, ["method"])


#: How a service-level variant's abandon rule and clock read in its label.
_ABANDON_WORDS = {"exclude": "abandons left out", "fail": "abandons not in time",
                  "fail_after_threshold": "abandons after the threshold not in time",
                  "pass_within_threshold": "abandons within the threshold in time"}
_CLOCK_WORDS = {"queue": "wait from the queue", "arrival": "wait from the call"}

_FCR_LABELS = {
    "repeat_window": "no repeat contact within the window",
    "case": "case resolved with one contact",
    "survey": "customer says it was resolved",
}


def repeat_window_variants(contacts, *, windows: Sequence[float] = (1, 3, 7, 14),
                           calendar_windows: Sequence[int] = (7,), match: str = "customer",
                           by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The repeat-contact rate under several windows, in days of 24 h and in calendar days.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``variant``, ``window_days``, ``window_unit``, then ``numerator``,
        ``denominator``, ``value``; each row is :func:`kpilib.repeat_contact_rate` with that window.
    """
    names = normalise_by(by)
    explorer = RepeatExplorer(contacts, match=match, by=names)
    frames = [
        explorer.repeat_contact_rate(window_days=w).assign(variant=tr("{days} × 24 h").format(days=format_number(w)),
                                                           window_days=w,
                                                           window_unit="24h")
        for w in windows
    ] + [
        repeat_contact_rate(contacts, window_days=w, window_unit="calendar_day", match=match, by=names)
        .assign(variant=tr("{days} calendar days").format(days=format_number(w)), window_days=w,
                window_unit="calendar_day")
        for w in calendar_windows
    ]
    return _stack(frames, names, ["window_days", "window_unit"])


def definition_spread(variants: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Per group, the lowest and highest value over the variants and the range between them.

    Parameters
    ----------
    variants : pandas.DataFrame
        A frame from one of the ``*_variants`` functions.
    by : None, str or list of str
        The groups (columns of ``variants``); None for one row over all variants.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``variants`` (how many had a non-empty denominator), ``lowest``,
        ``highest``, ``range`` = highest − lowest, and the labels ``lowest_variant``,
        ``highest_variant``. Groups with no measurable variant are left out.
    """
    names = normalise_by(by)
    missing = [n for n in [*names, "variant", "value", "denominator"] if n not in variants.columns]
    if missing:
        raise ParameterError(f"`variants` must be a frame from a *_variants function; it lacks {missing}")
    measured = variants[variants["denominator"] > 0]
    groups = measured.groupby(names, dropna=False, sort=True) if names else [((), measured)]
    rows = []
    for key, part in groups:
        if part.empty:
            continue
        low, high = part.loc[part["value"].idxmin()], part.loc[part["value"].idxmax()]
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(names, key)), "variants": len(part), "lowest": low["value"],
                     "highest": high["value"], "range": high["value"] - low["value"],
                     "lowest_variant": low["variant"], "highest_variant": high["variant"]})
    columns = [*names, "variants", "lowest", "highest", "range", "lowest_variant", "highest_variant"]
    return pd.DataFrame(rows, columns=columns)


def compare_definitions(reference: pd.DataFrame, chosen: pd.DataFrame, *,
                        by: Sequence[str] = ()) -> pd.DataFrame:
    """Two results of one KPI side by side: ``reference``, ``chosen`` and ``difference`` per group.

    Both frames are tidy KPI frames with the same ``by`` columns; a group present in only one
    of them shows NaN on the other side.
    """
    by = list(by)
    left = reference[[*by, "value"]].rename(columns={"value": "reference"})
    right = chosen[[*by, "value"]].rename(columns={"value": "chosen"})
    if by:
        merged = left.merge(right, on=by, how="outer", sort=True)
    else:
        merged = pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    return merged.assign(difference=merged["chosen"] - merged["reference"])
