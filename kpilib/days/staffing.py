"""Staffing for a service-level target per hour of the week, from the historical arrivals (day 8).

For every hour of the week in which calls were offered, the mean number of calls per hour and
their handle time come from the contacts; Erlang C and Erlang A (:mod:`kpilib.kpis.erlang`) then give
the fewest agents that reach the target, next to the service level that was measured in that
hour under the same definition.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpilib._axes import localised
from kpilib.data import backend
from kpilib.data._aggregate import period_columns, seconds_between
from kpilib._checks import check_argument, check_number
from kpilib._i18n import format_date, format_number, format_percent, tr, weekday_names
from kpilib.data._inputs import canonical
from kpilib.kpis.erlang import agents_for_service_level
from kpilib.exceptions import ParameterError
from kpilib.kpis.queue import CLOCKS, _queue, service_level

__all__ = ["INTERVAL_COLUMNS", "STAFFING_COLUMNS", "busiest_day", "estimate_patience", "interval_facts", "offered_per_day",
           "plot_interval_drilldown", "plot_staffing", "staffing_by_hour", "staffing_by_interval"]

#: The columns of :func:`staffing_by_hour`, in order.
STAFFING_COLUMNS = ("weekday", "day", "hour", "days", "offered", "calls_per_hour", "aht_s", "load",
                    "numerator", "denominator", "measured_service_level", "agents_c", "service_level_c",
                    "agents_a", "service_level_a", "abandon_rate_a")
_LABELS = {"agents_c": "agents needed (Erlang C)", "agents_a": "agents needed (Erlang A, callers abandon)",
           "measured_service_level": "service level measured", "calls_per_hour": "calls offered per hour",
           "service_level_c": "service level forecast (Erlang C)", "service_level_a": "service level forecast (Erlang A)"}


def _population(contacts, *, channel: str | None, team: str | None, clock: str):
    inp = canonical(contacts, "contacts", required=("direction", "channel", "team", "arrived_at", "queued_at",
                                                    "answered_at", "ended_at"))
    table = inp.table
    if team is not None:
        if not isinstance(team, str):
            raise ParameterError(f"`team` must be a team name or None; got {team!r}")
        table = table.filter(table.team == team)
    table = table.mutate(weekday=table.arrived_at.day_of_week.index().cast("int64"),
                         hour=table.arrived_at.hour().cast("int64"))
    queue = _queue(table, clock=clock, short_abandon_s=0, channel=channel)
    return inp, table, queue


def estimate_patience(contacts, *, clock: str = "queue", channel: str | None = "phone",
                      team: str | None = None) -> float:
    """The mean patience of waiting callers, estimated from the waits and the abandons.

    With exponential patience the estimate is the total time callers spent waiting (answered
    calls until the answer, abandoned calls until they hung up) divided by the number of
    abandoned calls: seconds of waiting per abandon. Abandons without ``ended_at`` count as
    abandons with no waiting time.

    Returns
    -------
    float
        Seconds; ``inf`` when no call was abandoned (nobody ran out of patience).
    """
    check_argument("clock", clock, CLOCKS)
    inp, _, q = _population(contacts, channel=channel, team=team, clock=clock)
    offered = q._answered | q._abandoned
    expr = q.aggregate(exposure=q._wait.sum(where=offered).fill_null(0), abandons=q.count(where=q._abandoned))
    row = backend.execute(expr, con=inp.con, time_zone=inp.time_zone).iloc[0]
    return math.inf if int(row["abandons"]) == 0 else float(row["exposure"]) / int(row["abandons"])


def staffing_by_hour(contacts, *, target: float = 0.80, threshold_s: float = 20, clock: str = "queue",
                     channel: str | None = "phone", team: str | None = None, wrap_up_s: float = 0,
                     patience_s: float | None = None, max_occupancy: float | None = None) -> pd.DataFrame:
    """Agents needed per hour of the week for a service-level target, next to what was measured.

    Per hour of the week (local ``arrived_at``), over the inbound contacts of ``channel`` (and
    ``team``) that were offered (queued, answered or abandoned):

    - ``weekday`` (Monday = 0) and ``day`` (``Mon`` … ``Sun``; Dutch ``ma`` … ``zo``), ``hour`` (0-23);
    - ``days``: the dates of that weekday on which any call was offered (holidays without calls
      do not dilute the mean); ``calls_per_hour`` = ``offered`` / ``days``;
    - ``aht_s``: mean ``ended_at`` − ``answered_at`` of the answered calls of that hour, plus
      ``wrap_up_s`` (the export holds no after-call work); the mean of all hours where an hour
      has no answered call with an end;
    - ``load`` = calls_per_hour × aht_s / 3600 Erlang;
    - ``numerator`` / ``denominator`` / ``measured_service_level``: the service level measured
      with ``abandoned="fail"`` on ``clock``, the definition the Erlang formulas forecast;
    - ``agents_c`` / ``service_level_c``: Erlang C, every caller waits;
      ``agents_a`` / ``service_level_a`` / ``abandon_rate_a``: Erlang A with mean patience
      ``patience_s`` (default :func:`estimate_patience` on the same contacts; NaN columns when no
      call was abandoned).

    Parameters
    ----------
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts.
    target : float
        The service level to reach (more than 0, less than 1).
    threshold_s : float
        Service-level threshold in seconds.
    clock : {'queue', 'arrival'}
        Where the measured wait starts (the forecast counts from the queue).
    channel : str or None
        The channel to staff; None for every channel.
    team : str or None
        Only this team's queue; None for all.
    wrap_up_s : float
        After-call work in seconds added to the measured handle time.
    patience_s : float, optional
        Mean patience for Erlang A; default estimated from the data.
    max_occupancy : float, optional
        Also keep occupancy at most this (see :func:`kpilib.agents_for_service_level`).

    Returns
    -------
    pandas.DataFrame
        One row per hour of the week with offered calls, ordered by ``weekday`` (Monday = 0)
        and ``hour``; columns :data:`STAFFING_COLUMNS`.
    """
    check_argument("clock", clock, CLOCKS)
    check_number("wrap_up_s", wrap_up_s, minimum=0)
    check_number("target", target, minimum=0, strict_minimum=True, maximum=1)
    if patience_s is None:
        patience_s = estimate_patience(contacts, clock="queue", channel=channel, team=team)
    else:
        check_number("patience_s", patience_s, minimum=0, strict_minimum=True)
    inp, table, q = _population(contacts, channel=channel, team=team, clock="queue")
    offered = q.filter(q._answered | q._abandoned)
    handled = offered._answered & offered.ended_at.notnull()
    talk = seconds_between(offered.answered_at, offered.ended_at)
    cells = offered.group_by(["weekday", "hour"]).aggregate(
        offered=offered.count(), _talk=talk.sum(where=handled), _handled=offered.count(where=handled))
    dates = offered.select("weekday", _date=offered.arrived_at.date()).distinct()
    days = dates.group_by("weekday").aggregate(days=dates.count())
    frame = backend.execute(cells.join(days, "weekday"), con=inp.con, time_zone=inp.time_zone)
    measured = service_level(table, threshold_s=threshold_s, clock=clock, abandoned="fail", channel=channel,
                             by=["weekday", "hour"])
    frame = frame.merge(measured, on=["weekday", "hour"], how="left")
    frame = frame.sort_values(["weekday", "hour"], kind="stable").reset_index(drop=True)
    frame["aht_s"] = _handle_times(frame, wrap_up_s)
    frame["calls_per_hour"] = frame["offered"] / frame["days"]
    frame["load"] = frame["calls_per_hour"] * frame["aht_s"] / 3600
    frame["measured_service_level"] = frame["value"]
    forecasts = [_forecast(row.calls_per_hour, row.aht_s, threshold_s, target, patience_s, max_occupancy)
                 for row in frame.itertuples()]
    for i, name in enumerate(("agents_c", "service_level_c", "agents_a", "service_level_a", "abandon_rate_a")):
        frame[name] = [f[i] for f in forecasts]
    frame["day"] = [weekday_names()[int(d)] for d in frame["weekday"]]
    for name in ("offered", "days", "numerator", "denominator", "agents_c"):
        frame[name] = frame[name].astype("int64")
    return frame[list(STAFFING_COLUMNS)]


#: The columns of :func:`staffing_by_interval`, in order.
INTERVAL_COLUMNS = ("interval", "offered", "answered", "abandoned", "numerator", "denominator",
                    "measured_service_level", "aht_s", "load", "agents_c", "service_level_c", "agents_a",
                    "service_level_a", "abandon_rate_a", "agents_seen")


def offered_per_day(contacts, *, channel: str | None = "phone", team: str | None = None) -> pd.DataFrame:
    """The calls offered (answered or abandoned) per local date: ``day``, ``offered``, in date order."""
    inp, _, q = _population(contacts, channel=channel, team=team, clock="queue")
    offered = q.filter(q._answered | q._abandoned)
    per_day = offered.group_by(day=offered.arrived_at.date()).aggregate(offered=offered.count()).order_by("day")
    frame = backend.execute(per_day, con=inp.con, time_zone=inp.time_zone)
    frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[ns]")
    frame["offered"] = frame["offered"].astype("int64")
    return frame


def busiest_day(daily: pd.DataFrame):
    """The date with the most offered calls in :func:`offered_per_day` (the first of equals), or None."""
    if daily.empty:
        return None
    return pd.Timestamp(daily.sort_values(["offered", "day"], ascending=[False, True])["day"].iloc[0]).date()


def staffing_by_interval(contacts, *, day, interval_minutes: int = 30, target: float = 0.80, threshold_s: float = 20,
                         channel: str | None = "phone", team: str | None = None, wrap_up_s: float = 0,
                         patience_s: float | None = None, max_occupancy: float | None = None) -> pd.DataFrame:
    """One day in intervals: the calls offered, what was answered and measured, and the agents a target needs.

    Per interval of ``interval_minutes`` (local arrival) of ``day``, over the inbound contacts of
    ``channel`` (and ``team``) that were offered:

    - ``offered`` (answered + abandoned), ``answered``, ``abandoned``;
    - ``numerator`` / ``denominator`` / ``measured_service_level``: the service level measured on the queue
      clock with abandons counted as not in time, the definition Erlang forecasts;
    - ``aht_s``: mean talk time of the interval's answered calls plus ``wrap_up_s`` (the day's mean where an
      interval has none); ``load`` = offered per hour × aht_s / 3600 Erlang;
    - ``agents_c`` / ``service_level_c`` and ``agents_a`` / ``service_level_a`` / ``abandon_rate_a``: the agents
      Erlang C and Erlang A need for ``target`` within ``threshold_s`` at that load (as in
      :func:`staffing_by_hour`);
    - ``agents_seen``: the distinct agents who answered a call that arrived in the interval, what the data
      shows was staffed (a lower bound: an idle agent answers nothing).

    Summed over the intervals, ``numerator`` and ``denominator`` are the day's service level.

    Returns
    -------
    pandas.DataFrame
        One row per interval with offered calls; columns :data:`INTERVAL_COLUMNS`.
    """
    from kpilib.data._aggregate import check_interval

    check_interval(interval_minutes, "arrival")
    check_number("wrap_up_s", wrap_up_s, minimum=0)
    check_number("target", target, minimum=0, strict_minimum=True, maximum=1)
    day = pd.Timestamp(day).date()
    if patience_s is None:
        patience_s = estimate_patience(contacts, clock="queue", channel=channel, team=team)
    inp, table, q = _population(contacts, channel=channel, team=team, clock="queue")
    table = table.filter(table.arrived_at.date() == day)
    offered = q.filter((q._answered | q._abandoned) & (q.arrived_at.date() == day))
    handled = offered._answered & offered.ended_at.notnull()
    intervals = period_columns(offered.arrived_at, ["interval"], interval_minutes=interval_minutes)["interval"]
    counts = offered.group_by(interval=intervals).aggregate(
        offered=offered.count(), answered=offered.count(where=offered._answered),
        abandoned=offered.count(where=offered._abandoned),
        _talk=seconds_between(offered.answered_at, offered.ended_at).sum(where=handled),
        _handled=offered.count(where=handled),
        agents_seen=offered.agent_id.nunique(where=offered._answered))
    frame = backend.execute(counts, con=inp.con, time_zone=inp.time_zone)
    frame["interval"] = pd.to_datetime(frame["interval"]).astype("datetime64[ns]")
    measured = service_level(table, threshold_s=threshold_s, clock="queue", abandoned="fail", channel=channel,
                             by="interval", interval_minutes=interval_minutes)
    frame = frame.merge(measured, on="interval", how="left").sort_values("interval").reset_index(drop=True)
    frame["aht_s"] = _handle_times(frame, wrap_up_s)
    per_hour = frame["offered"] * 60 / interval_minutes
    frame["load"] = per_hour * frame["aht_s"] / 3600
    frame["measured_service_level"] = frame["value"]
    forecasts = [_forecast(calls, aht_s, threshold_s, target, patience_s, max_occupancy)
                 for calls, aht_s in zip(per_hour, frame["aht_s"])]
    for i, name in enumerate(("agents_c", "service_level_c", "agents_a", "service_level_a", "abandon_rate_a")):
        frame[name] = [f[i] for f in forecasts]
    for name in ("offered", "answered", "abandoned", "numerator", "denominator", "agents_c", "agents_seen"):
        frame[name] = frame[name].astype("int64")
    return frame[list(INTERVAL_COLUMNS)]


def interval_facts(intervals: pd.DataFrame) -> dict:
    """The day's totals from :func:`staffing_by_interval`: ``offered``, ``intervals``, the day's
    ``service_level`` (its intervals' numerators over their denominators) and ``understaffed``, the intervals
    where fewer agents answered than Erlang C needs."""
    denominator = int(intervals["denominator"].sum())
    return {"offered": int(intervals["offered"].sum()), "intervals": len(intervals),
            "service_level": intervals["numerator"].sum() / denominator if denominator else np.nan,
            "understaffed": int((intervals["agents_seen"] < intervals["agents_c"]).sum())}


@localised
def plot_interval_drilldown(daily: pd.DataFrame, intervals: pd.DataFrame, *, day, axes=None):
    """The offered calls per day with ``day`` marked, and that day per interval: agents needed against agents seen.

    ``daily`` is the offered calls per day (``day``, ``offered``), ``intervals`` :func:`staffing_by_interval`.

    Returns
    -------
    numpy.ndarray of matplotlib Axes
    """
    import matplotlib.pyplot as plt

    from kpilib._axes import date_axis

    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(9, 6.5), gridspec_kw={"height_ratios": [1, 1.6]}, constrained_layout=True)
    top, bottom = axes
    chosen = pd.Timestamp(day)
    colours = ["#0969da" if pd.Timestamp(d) == chosen else "#aab4c0" for d in daily["day"]]
    top.bar(daily["day"], daily["offered"], color=colours, width=0.8)
    date_axis(top.xaxis, "%d %b")
    top.set_ylabel(tr("calls offered"))
    top.set_title(tr("Calls offered per day; in blue the day below"), fontsize=10)
    width = pd.Timedelta(minutes=int((intervals["interval"].diff().dropna().min() or pd.Timedelta(minutes=30))
                                     .total_seconds() // 60) if len(intervals) > 1 else 30) * 0.8
    bottom.bar(intervals["interval"], intervals["offered"], width=width, color="#d0d7de", label=tr("calls offered"))
    bottom.set_ylabel(tr("calls offered"))
    agents = bottom.twinx()
    agents.step(intervals["interval"], intervals["agents_c"], where="mid", color="#b3261e",
                label=tr("agents needed (Erlang C)"))
    agents.step(intervals["interval"], intervals["agents_seen"], where="mid", color="#1e7a46",
                label=tr("agents seen answering"))
    agents.set_ylabel(tr("agents"))
    agents.set_ylim(0, max(1, float(max(intervals["agents_c"].max(), intervals["agents_seen"].max()))) * 1.2)
    date_axis(bottom.xaxis, "%H:%M")
    bottom.set_title(tr("{day} per interval: the agents a target needs against the agents seen").format(
        day=format_date(chosen.date(), "EEEE d MMMM y")), fontsize=10)
    handles = [h for ax in (bottom, agents) for h in ax.get_legend_handles_labels()[0]]
    bottom.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False, fontsize=9)
    return axes


def _handle_times(frame: pd.DataFrame, wrap_up_s: float) -> np.ndarray:
    """Per row the mean talk time of its handled calls plus ``wrap_up_s``; the overall mean where a row has none."""
    total = frame["_handled"].sum()
    overall = frame["_talk"].sum() / total if total else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(frame["_handled"] > 0, frame["_talk"] / frame["_handled"].where(frame["_handled"] > 0, 1),
                       overall)
    return aht.astype("float64") + wrap_up_s


def _forecast(calls: float, aht_s: float, threshold_s: float, target: float, patience_s: float,
              max_occupancy: float | None) -> tuple:
    if not math.isfinite(aht_s) or aht_s <= 0:
        return (0, np.nan, np.nan, np.nan, np.nan)
    c = agents_for_service_level(calls, 3600, aht_s, threshold_s, target, max_occupancy=max_occupancy)
    if not math.isfinite(patience_s):
        return (c.agents, c.service_level, np.nan, np.nan, np.nan)
    a = agents_for_service_level(calls, 3600, aht_s, threshold_s, target, max_occupancy=max_occupancy,
                                 model="a", patience_s=patience_s)
    return (c.agents, c.service_level, float(a.agents), a.service_level, a.abandon_rate)


@localised
def plot_staffing(staffing: pd.DataFrame, *, value: str = "agents_c", ax=None):
    """A weekday x hour heat map of one column of :func:`staffing_by_hour`, annotated.

    Parameters
    ----------
    staffing : pandas.DataFrame
        The result of :func:`staffing_by_hour`.
    value : str
        The column to show, e.g. ``agents_c``, ``agents_a`` or ``measured_service_level``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    check_argument("value", value, [c for c in STAFFING_COLUMNS if c not in ("weekday", "day", "hour")])
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))
    grid = staffing.pivot(index="weekday", columns="hour", values=value).sort_index()
    grid.index = [weekday_names()[int(d)] for d in grid.index]
    share = value.startswith(("service_level", "measured", "abandon"))
    words = grid.map(lambda v: "" if pd.isna(v) else format_percent(v) if share else format_number(v))
    sns.heatmap(grid, annot=words, fmt="", cmap="Blues", cbar=False, ax=ax, annot_kws={"fontsize": 8})
    ax.set_xlabel(tr("hour of the day (local time)"))
    ax.set_ylabel("")
    ax.set_title(tr(_LABELS.get(value, value.replace("_", " "))))
    return ax
