"""How the repeat-contact rate and first-contact resolution move with the repeat window (day 6).

A repeat window of 3 days or 7, in days of 24 hours or in working days, is a choice of definition.
:func:`window_sensitivity` computes both KPIs for every window from one
:class:`~kpilib.kpis.explore.RepeatExplorer` (sorted gaps, no query per window), so the group sees
where the number is stable and where one more day changes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpilib._axes import localised
from kpilib._checks import check_argument
from kpilib._i18n import tr
from kpilib.exceptions import ParameterError
from kpilib.kpis.explore import RepeatExplorer
from kpilib.kpis.resolution import WINDOW_UNITS

__all__ = ["curve_value", "plot_window_sensitivity", "stable_from", "window_sensitivity"]

#: The two KPIs of the curve and the window units it compares, in the order of the figure.
_KPIS = ("repeat_contact_rate", "first_contact_resolution")
_UNIT_WORDS = {"working_day": "working days", "24h": "× 24 hours", "calendar_day": "calendar days"}


def window_sensitivity(explorer: RepeatExplorer, *, windows: Sequence[int] = tuple(range(1, 15)),
                       units: Sequence[str] = ("working_day", "24h")) -> pd.DataFrame:
    """The repeat-contact rate and first-contact resolution for each window and unit.

    Parameters
    ----------
    explorer : RepeatExplorer
        Built with ``match="customer"`` and ``by=None`` (the curve is over all contacts).
    windows : sequence of int
        The windows in days (default 1 to 14).
    units : sequence of {'working_day', '24h', 'calendar_day'}

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``window_unit``, ``window_days``, ``numerator``, ``denominator``, ``value``: one row per
        KPI, unit and window, each exactly the KPI function with that window.
    """
    if explorer.by:
        raise ParameterError(f"the window curve is over all contacts: build the explorer with by=None; "
                             f"it is grouped by {', '.join(explorer.by)}")
    for unit in units:
        check_argument("units", unit, WINDOW_UNITS)
    if not windows:
        raise ParameterError("`windows` must list at least one window, for example range(1, 15)")
    rows = []
    for kpi in _KPIS:
        compute = getattr(explorer, kpi)
        for unit in units:
            for days in windows:
                got = compute(window_days=days, window_unit=unit).iloc[0]
                rows.append({"kpi": kpi, "window_unit": unit, "window_days": days, "numerator": int(got["numerator"]),
                             "denominator": int(got["denominator"]), "value": float(got["value"])})
    return pd.DataFrame(rows, columns=["kpi", "window_unit", "window_days", "numerator", "denominator", "value"])


@localised
def plot_window_sensitivity(curve: pd.DataFrame, *, chosen: float | None = None, ax=None):
    """Both KPIs against the window, one line per unit; a dashed line at the ``chosen`` window.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from kpilib._axes import percent_axis
    from kpilib.kpis.catalogue import load_catalogue

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    catalogue = load_catalogue()
    styles = {"working_day": "-", "24h": "--", "calendar_day": ":"}
    colours = {"repeat_contact_rate": "#b3261e", "first_contact_resolution": "#1e7a46"}
    for (kpi, unit), part in curve.groupby(["kpi", "window_unit"], sort=False):
        label = f"{catalogue.entry(kpi).title}, {tr(_UNIT_WORDS[unit])}"
        ax.plot(part["window_days"], part["value"], styles[unit], marker="o", markersize=3, color=colours[kpi],
                label=label)
    if chosen is not None:
        ax.axvline(chosen, color="#57606a", linestyle=":", linewidth=1)
        ax.text(chosen, 1.0, " " + tr("window in force"), transform=ax.get_xaxis_transform(), va="top", fontsize=8)
    ax.set_xticks(sorted(curve["window_days"].unique()))
    ax.set_ylim(0, 1)
    percent_axis(ax.yaxis)
    ax.set_xlabel(tr("repeat window (days)"))
    ax.set_ylabel(tr("share of answered contacts"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return ax


def stable_from(curve: pd.DataFrame, *, kpi: str, unit: str, tolerance: float = 0.01) -> int | None:
    """The shortest window from which one more day moves ``kpi`` by less than ``tolerance`` (a share), to the end.

    None when the curve never settles within the windows computed.
    """
    part = curve[(curve["kpi"] == kpi) & (curve["window_unit"] == unit)].sort_values("window_days")
    steps = part["value"].diff().abs().to_numpy()[1:]
    days = part["window_days"].to_numpy()
    for i in range(len(steps)):
        if (steps[i:] < tolerance).all():
            return int(days[i])
    return None


def curve_value(curve: pd.DataFrame, *, kpi: str, unit: str, window: int) -> float:
    """The value of ``kpi`` at ``window`` days counted in ``unit``, read from :func:`window_sensitivity`."""
    row = curve[(curve["kpi"] == kpi) & (curve["window_unit"] == unit) & (curve["window_days"] == window)]
    if row.empty:
        raise ParameterError(f"the curve has no {kpi} at {window} days in {unit}; it holds windows "
                             f"{', '.join(map(str, sorted(curve['window_days'].unique())))}")
    return float(row["value"].iloc[0])
