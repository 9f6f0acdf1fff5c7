"""Figures for the workshop: each takes ``ax=None`` and returns the Axes, never shows."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from kpilib._axes import date_axis, localised, percent_axis
from kpilib._codes import reader_name
from kpilib._i18n import format_moment, format_number, format_percent, format_points, tr, weekday_names
from kpilib.kpis.queue import service_level

__all__ = ["SERVICE_LEVEL_DEFINITIONS", "plot_calendar", "plot_definitions", "plot_satisfaction_drivers", "plot_spread",
           "plot_target_history", "plot_team_kpis", "plot_variants", "plot_working_days", "service_level_by_definition"]

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


@localised
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
    frame = frame.assign(definition=frame["definition"].map(tr), **{by: frame[by].map(reader_name)})
    sns.barplot(frame, x=by, y="value", hue="definition", ax=ax)
    percent_axis(ax.yaxis)
    ax.set_ylim(0, 1)
    ax.set_ylabel(tr("service level"))
    ax.set_xlabel(tr(by))
    ax.legend(title=None, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


@localised
def plot_variants(variants: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Horizontal bars: one KPI's value under each variant (a frame from ``kpilib.days.definitions``).

    Variants without a denominator are left out; the bars are sorted by value, so the distance
    between the lowest and the highest definition is what the eye sees.
    """
    frame = variants[variants["denominator"] > 0].sort_values("value")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.3 * len(frame) + 1))
    ax.barh(frame["variant"], frame["value"], color=sns.color_palette()[0])
    for y, value in enumerate(frame["value"]):
        ax.text(value, y, f" {format_percent(value)}", va="center", fontsize=8)
    percent_axis(ax.xaxis)
    ax.set_xlim(0, 1.08)
    ax.set_xlabel(tr("value"))
    ax.set_ylabel(None)
    if title:
        ax.set_title(tr(title))
    return ax


@localised
def plot_spread(spread: pd.DataFrame, *, x: str, hue: str | None = None, ax: Axes | None = None,
                ylabel: str = "value") -> Axes:
    """The range between the lowest and the highest definition per group, as vertical bars.

    ``spread`` is a frame from :func:`kpilib.days.definitions.definition_spread` with the columns ``x``
    (for example ``month``) and, optionally, ``hue`` (for example ``team``).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    groups = [(None, spread)] if hue is None else list(spread.groupby(hue, sort=True))
    labels = sorted(spread[x].unique())
    width = 0.8 / max(len(groups), 1)
    palette = sns.color_palette(n_colors=max(len(groups), 1))
    for i, (name, part) in enumerate(groups):
        position = [labels.index(v) - 0.4 + width * (i + 0.5) for v in part[x]]
        ax.bar(position, part["range"], bottom=part["lowest"], width=width * 0.9, color=palette[i],
               label=None if name is None else reader_name(name), alpha=0.6)
        # the ends as ticks, so a group whose definitions agree (range 0) still shows
        ax.scatter(position + position, list(part["lowest"]) + list(part["highest"]), marker="_", s=400,
                   color=palette[i], linewidths=2)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([format_moment(v, "%b %Y") if isinstance(v, pd.Timestamp) else str(v) for v in labels])
    percent_axis(ax.yaxis)
    ax.set_ylim(0, 1)
    ax.set_ylabel(tr("{what}: lowest to highest definition").format(what=tr(ylabel)))
    ax.set_xlabel(tr(x))
    if hue is not None:
        ax.legend(title=tr(hue), loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


@localised
def plot_working_days(days: pd.DataFrame, *, norms: dict[str, float], ax: Axes | None = None,
                      max_days: int | None = None, what: str = "working days") -> Axes:
    """Histogram of working days (a frame from :func:`kpilib.days.norms.working_days_to`) with the norms.

    Items still open are stacked on top in their own colour (their working days so far); each
    norm is a labelled vertical line, so the share of the bars left of it is the share within it.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    values = days.assign(working_days=days["working_days"].astype("float64"))
    limit = max_days if max_days is not None else int(values["working_days"].max() or 0) + 1
    values = values.assign(working_days=values["working_days"].clip(upper=limit),
                           status=values["status"].map({"done": tr("done"), "open": tr("still open")}))
    sns.histplot(values, x="working_days", hue="status", hue_order=[tr("done"), tr("still open")], multiple="stack",
                 binwidth=1, binrange=(0, limit + 1), discrete=False, ax=ax)
    if ax.get_legend() is not None:
        ax.get_legend().set_title(tr("status"))
    palette = sns.color_palette("dark", n_colors=len(norms))
    for (label, norm), colour in zip(norms.items(), palette):
        # bars start at whole days: "within the norm" is everything left of norm + 1
        ax.axvline(norm + 1, color=colour, linestyle="--")
        words = tr("{label} norm: ≤ {norm}").format(
            label=tr(label), norm=format_number(norm, 0 if float(norm).is_integer() else 1))
        ax.text(norm + 1, ax.get_ylim()[1] * 0.95, f" {words}", color=colour, va="top")
    ax.set_xlabel(tr("{what} (the last bar holds {limit} and more)").format(what=tr(what), limit=limit))
    ax.set_ylabel(tr("items"))
    return ax


@localised
def plot_calendar(calendar, start, end, *, ax: Axes | None = None) -> Axes:
    """The period as weeks × weekdays: working days, weekends and holidays, each date labelled."""
    days = calendar.table(start, end)
    first_monday = days["date"].iloc[0] - pd.Timedelta(days=days["date"].iloc[0].day_of_week)
    week = ((days["date"] - first_monday).dt.days // 7).to_numpy()
    weekday = days["date"].dt.day_of_week.to_numpy()
    kind = [0 if work else (2 if holiday is not None else 1)
            for work, holiday in zip(days["is_working_day"], days["holiday"])]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 0.45 * (week.max() + 1)), 3))
    colours = ["#cfe8cf", "#e0e0e0", "#f4a582"]
    ax.scatter(week, weekday, c=[colours[k] for k in kind], marker="s", s=260)
    for x, y, d in zip(week, weekday, days["date"]):
        ax.text(x, y, f"{d.day}", ha="center", va="center", fontsize=6)
    ax.set_yticks(range(7))
    ax.set_yticklabels(weekday_names())
    ax.invert_yaxis()
    starts = days[days["date"].dt.day == 1]
    ax.set_xticks(week[starts.index])
    ax.set_xticklabels([format_moment(d, "%b") for d in starts["date"]])
    ax.set_xlim(-0.7, week.max() + 0.7)
    handles = [plt.Line2D([], [], marker="s", linestyle="", color=c, markersize=10) for c in colours]
    ax.legend(handles, [tr("working day"), tr("weekend"), tr("holiday or closed")], loc="upper left",
              bbox_to_anchor=(1.01, 1), frameon=False)
    ax.grid(False)
    return ax


@localised
def plot_target_history(history: pd.DataFrame, *, x: str, targets: dict[str, float], ax: Axes | None = None,
                        ylabel: str = "value", min_denominator: int = 1) -> Axes:
    """The KPI per period as a line, with candidate targets as labelled horizontal lines.

    Periods whose denominator is below ``min_denominator`` are left out (as in
    :func:`kpilib.days.norms.target_candidates`); a target that is NaN is not drawn.
    """
    frame = history[history["denominator"] >= max(min_denominator, 1)]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    ax.plot(frame[x], frame["value"], marker="o")
    # one tick per period, named as the period: "apr 2026" for months, the Monday for weeks
    ax.set_xticks(list(frame[x]))
    date_axis(ax.xaxis, "%b %Y" if x == "month" else "%d %b")
    drawn = {label: target for label, target in targets.items() if pd.notna(target)}
    palette = sns.color_palette("dark", n_colors=max(len(drawn), 1))
    for i, ((label, target), colour) in enumerate(zip(drawn.items(), palette)):
        ax.axhline(target, color=colour, linestyle="--")
        # labels side by side, so targets close together stay readable
        ax.text(0.01 + 0.33 * i, target, f"{label}: {format_percent(target, 1)}", color=colour, va="bottom", fontsize=8,
                transform=ax.get_yaxis_transform())
    if frame.empty:
        ax.text(0.5, 0.5, tr("no period with at least {n} measured").format(n=format_number(min_denominator)),
                ha="center", transform=ax.transAxes)
    percent_axis(ax.yaxis)
    ax.set_ylabel(textwrap.fill(tr(ylabel), 24))
    ax.set_xlabel(tr(x))
    return ax


@localised
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
    ax.scatter(gaps["satisfied_if_not"], y, color="#b3261e", s=70, zorder=2, label=tr("driver not met"))
    ax.scatter(gaps["satisfied_if_met"], y, color="#1e7a46", s=70, zorder=2, label=tr("driver met"))
    for yi, (_, row) in zip(y, gaps.iterrows()):
        right = max(row["satisfied_if_met"], row["satisfied_if_not"])
        ax.annotate(format_points(row["gap"], 0), (right, yi), xytext=(10, 0), textcoords="offset points",
                    va="center", fontsize=9, color="#333333")
    ax.set_yticks(list(y), [tr(driver) for driver in gaps["driver"]])
    percent_axis(ax.xaxis)
    ax.set_xlim(0, 1.08)
    ax.set_xlabel(tr("share of surveys satisfied"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
    ax.grid(axis="y", visible=False)
    return ax


@localised
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
    from kpilib.kpis.wording import value_in_unit

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
        ax.annotate(tr("{value} (target {target})").format(value=value_in_unit(row["kpi"], row["value"]),
                                                          target=value_in_unit(row["kpi"], row["target"])), (r, yi),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(y, [f"{reader_name(t)}: {n}" for t, n in zip(frame["team"], frame["name"])])
    ax.set_xlim(0, max(1.5, float(ratio.max()) * 1.35) if len(frame) else 1.5)
    ax.set_xlabel(tr("against the team's own target (1 = on target)"))
    ax.grid(axis="y", visible=False)
    return ax
