"""Figures for the workshop: each takes ``ax=None`` and returns the Axes, never shows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from kpilib.kpis.queue import service_level

__all__ = ["SERVICE_LEVEL_DEFINITIONS", "plot_definitions", "plot_satisfaction_drivers", "service_level_by_definition"]

#: Two service-level definitions that managers commonly mean by the same word.
SERVICE_LEVEL_DEFINITIONS = {
    "internal: abandons excluded, queue clock": {"abandoned": "exclude", "clock": "queue"},
    "customer: abandons fail, arrival clock": {"abandoned": "fail", "clock": "arrival"},
}


def service_level_by_definition(contacts, *, threshold_s: float = 20, by: str = "team",
                                definitions: dict[str, dict] | None = None) -> pd.DataFrame:
    """The service level per group under each named definition, stacked in one tidy frame."""
    definitions = definitions or SERVICE_LEVEL_DEFINITIONS
    frames = [
        service_level(contacts, threshold_s=threshold_s, by=by, **options).assign(definition=name)
        for name, options in definitions.items()
    ]
    return pd.concat(frames, ignore_index=True)


def plot_definitions(contacts, *, ax: Axes | None = None, threshold_s: float = 20, by: str = "team",
                     definitions: dict[str, dict] | None = None) -> Axes:
    """Bar chart of the service level per group under several definitions.

    Parameters
    ----------
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts.
    ax : matplotlib Axes, optional
    threshold_s : float
        The service-level threshold in seconds.
    by : str
        The grouping column.
    definitions : dict, optional
        Label → keyword arguments of :func:`kpilib.service_level`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    frame = service_level_by_definition(contacts, threshold_s=threshold_s, by=by, definitions=definitions)
    frame = frame[frame["denominator"] > 0]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    sns.barplot(frame, x=by, y="value", hue="definition", ax=ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel("service level")
    ax.set_xlabel(by)
    ax.legend(title=None, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


def plot_satisfaction_drivers(gaps: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share satisfied when each driver was met and when it was not, one line per driver.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The result of :func:`kpilib.driver_gaps` (largest gap first, drawn at the top).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.7 * len(gaps) + 1.2))
    y = range(len(gaps))[::-1]
    ax.hlines(y, gaps["satisfied_if_not"], gaps["satisfied_if_met"], color="#aab4c0", linewidth=3, zorder=1)
    ax.scatter(gaps["satisfied_if_not"], y, color="#b3261e", s=70, zorder=2, label="driver not met")
    ax.scatter(gaps["satisfied_if_met"], y, color="#1e7a46", s=70, zorder=2, label="driver met")
    for yi, (_, row) in zip(y, gaps.iterrows()):
        right = max(row["satisfied_if_met"], row["satisfied_if_not"])
        ax.annotate(f"{row['gap'] * 100:+.0f} pp", (right, yi), xytext=(10, 0), textcoords="offset points",
                    va="center", fontsize=9, color="#333333")
    ax.set_yticks(list(y), gaps["driver"])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1.08)
    ax.set_xlabel("share of surveys satisfied (csat 4 or 5)")
    ax.legend(loc="lower right", frameon=False)
    ax.grid(axis="y", visible=False)
    return ax
