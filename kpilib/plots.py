"""Figures for the workshop: each takes ``ax=None`` and returns the Axes, never shows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from kpilib.kpis.queue import service_level

__all__ = ["SERVICE_LEVEL_DEFINITIONS", "plot_definitions", "plot_satisfaction_drivers", "plot_team_kpis",
           "service_level_by_definition"]

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
    ax.set_xlabel("share of surveys satisfied")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
    ax.grid(axis="y", visible=False)
    return ax


def plot_team_kpis(team_kpis: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Each team KPI against its own target: 1 = exactly on target, right of 1 = better.

    The bar is value / target for a KPI where higher is better and target / value where lower
    is better, so that every KPI reads the same way; green when on target, red when not.

    Parameters
    ----------
    team_kpis : pandas.DataFrame
        The result of :func:`kpilib.team_kpis` (rows without a target are left out).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from kpilib.report import format_value

    frame = team_kpis[team_kpis["target"].notna() & team_kpis["value"].notna()].reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 * len(frame) + 1.2))
    higher = frame["polarity"] == "higher"
    ratio = (frame["value"] / frame["target"]).where(higher, frame["target"] / frame["value"])
    colours = ["#1e7a46" if ok else "#b3261e" for ok in frame["on_target"].fillna(False)]
    y = list(range(len(frame)))[::-1]
    ax.barh(y, ratio, color=colours, height=0.55)
    ax.axvline(1, color="#333333", linewidth=1, linestyle="--")
    for yi, r, (_, row) in zip(y, ratio, frame.iterrows()):
        ax.annotate(f"{format_value(row['value'])} (target {format_value(row['target'])})", (r, yi),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, [f"{t}: {n}" for t, n in zip(frame["team"], frame["name"])])
    ax.set_xlim(0, max(1.5, float(ratio.max()) * 1.35) if len(frame) else 1.5)
    ax.set_xlabel("against the team's own target (1 = on target)")
    ax.grid(axis="y", visible=False)
    return ax
