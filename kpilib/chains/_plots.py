"""Pictures of a customer chain: the chain diagram, the handoff heatmap, the variants, the lost time.

Each takes the tidy frame (or the :class:`~kpilib.chains.Discovery`) first and ``ax=None``, and
returns the Axes; nothing is shown and no global style is changed. Pure matplotlib and seaborn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter

from kpilib._axes import localised, percent_axis
from kpilib._codes import reader_name
from kpilib._i18n import format_number, format_percent, tr
from kpilib.chains._discover import Discovery

_WAIT_MAP = "YlOrRd"
_NODE = "#e8eef7"
_EDGE = "#34495e"
_STEP = 3.4  # horizontal distance between two lines


#: Half the width and height of a team's box, in data units: an arc starts and ends at its edge.
_BOX = (1.05, 0.33)


def _arc_point(start, end, rad: float, t: float) -> tuple[float, float]:
    """The point at ``t`` (0 to 1) of the quadratic arc from ``start`` to ``end`` bent by ``rad`` (matplotlib's arc3)."""
    (x1, y1), (x2, y2) = start, end
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    u = 1 - t
    return (u * u * x1 + 2 * u * t * cx + t * t * x2, u * u * y1 + 2 * u * t * cy + t * t * y2)


def _arc_middle(start, end, rad: float) -> tuple[float, float]:
    return _arc_point(start, end, rad, 0.5)


def _arc(start, end, rad: float, steps: int = 60) -> np.ndarray:
    """The arc as points, from the edge of the start's box to the edge of the end's box."""
    def outside(point, centre):
        return abs(point[0] - centre[0]) > _BOX[0] or abs(point[1] - centre[1]) > _BOX[1]

    ts = np.linspace(0, 1, steps * 4 + 1)
    points = [_arc_point(start, end, rad, t) for t in ts]
    first = next((i for i, p in enumerate(points) if outside(p, start)), 0)
    last = next((i for i in range(len(points) - 1, -1, -1) if outside(points[i], end)), len(points) - 1)
    if last <= first:
        first, last = 0, len(points) - 1
    kept = points[first:last + 1:4]
    if kept[-1] != points[last]:  # a repeated end point would leave the arrow head without a direction
        kept.append(points[last])
    return np.array(kept)


def _wait_scale(waits: pd.Series, handoffs: pd.Series) -> float:
    """The top of the wait colour scale: the wait that 90 % of the handoffs stay within (at least 1 hour).

    A rare, very slow handoff (39 cases waiting 45 hours) would otherwise take the whole scale and
    wash out the colours of the main flows; the colour bar shows the top as "and more".
    """
    if not len(waits):
        return 1.0
    order = np.argsort(waits.to_numpy())
    sorted_waits, weights = waits.to_numpy()[order], handoffs.to_numpy()[order].astype(float)
    cumulative = np.cumsum(weights) / max(weights.sum(), 1.0)
    return max(float(sorted_waits[np.searchsorted(cumulative, 0.9)]), 1.0)


def _layout(teams: list[str], order: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Lines left to right on one row; the other teams on a row below, centred."""
    lined = [t for t in order if t in teams]
    rest = [t for t in teams if t not in lined]
    pos = {t: (_STEP * i, 0.0) for i, t in enumerate(lined)}
    middle = _STEP * (len(lined) - 1) / 2 if lined else 0.0
    start = middle - _STEP * (len(rest) - 1) / 2
    pos.update({t: (start + _STEP * i, -2.2) for i, t in enumerate(rest)})
    return pos


@localised
def plot_chain(found: Discovery, *, ax: Axes | None = None, min_handoffs: int = 1,
               title: str | None = None) -> Axes:
    """The chain diagram: teams as nodes in line order, handoffs as arrows.

    An arrow's width grows with the number of handoffs; its colour is the median waiting time
    at the receiving team after the handoff, in working hours. Forward and backward arrows
    between two teams bend to opposite sides. Each node shows the share of cases that start and
    end there.

    Parameters
    ----------
    found : Discovery
        The result of :func:`kpilib.chains.discover`.
    ax : matplotlib Axes, optional
    min_handoffs : int
        Leave out handoffs rarer than this.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    h = found.handoffs[found.handoffs["handoffs"] >= min_handoffs]
    ends = found.start_end.set_index("team")
    teams = list(dict.fromkeys([*found.lines.teams, *ends.index, *h.from_team, *h.to_team]))
    teams = [t for t in teams if t in set(ends.index) | set(h.from_team) | set(h.to_team)]
    pos = _layout(teams, found.lines.order)
    if ax is None:
        width = max(3, len(found.lines.order) or len(teams))
        _, ax = plt.subplots(figsize=(3.4 * width + 2, 4.4 if len(pos) == len(found.lines.order) else 6.4))
    waits = h["median_wait_working_hours"].fillna(0)
    norm = Normalize(vmin=0, vmax=_wait_scale(waits, h["handoffs"]), clip=True)
    cmap = colormaps[_WAIT_MAP]
    most = max(int(h["handoffs"].max()) if len(h) else 1, 1)
    for row, wait in zip(h.itertuples(index=False), waits):
        (x1, y1), (x2, y2) = pos[row.from_team], pos[row.to_team]
        # arrows that skip a line bend further, around the teams in between
        rad = 0.28 if abs(x2 - x1) <= _STEP or y1 != y2 else 0.3
        curve = _arc((x1, y1), (x2, y2), rad)
        ax.add_patch(FancyArrowPatch(path=Path(curve), arrowstyle="-|>", color=cmap(0.3 + 0.7 * norm(wait)),
                                     lw=1.2 + 10 * row.handoffs / most, mutation_scale=14 + 10 * row.handoffs / most,
                                     zorder=2))
        # the label sits on the middle of its own arc, drawn in the same data coordinates
        mx, my = _arc_middle((x1, y1), (x2, y2), rad)
        ax.text(mx, my, tr("{handoffs}\nwait {hours} h").format(handoffs=format_number(row.handoffs),
                                                                 hours=format_number(wait)),
                ha="center", va="center", fontsize=8.5, zorder=4,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    for team, (x, y) in pos.items():
        start = ends["start_share"].get(team, 0.0)
        end = ends["end_share"].get(team, 0.0)
        ax.text(x, y, tr("{team}\nstarts {start} · ends {end}").format(
                    team=reader_name(team), start=format_percent(start), end=format_percent(end)), ha="center", va="center",
                fontsize=10, zorder=5, linespacing=1.5,
                bbox=dict(boxstyle="round,pad=0.6", fc=_NODE, ec=_EDGE, lw=1.2))
    xs, ys = [p[0] for p in pos.values()] or [0], [p[1] for p in pos.values()] or [0]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1.1, max(ys) + 0.9)
    ax.axis("off")
    shown = ListedColormap(cmap(np.linspace(0.3, 1.0, 256)))
    longest = float(waits.max()) if len(waits) else 0.0
    bar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=shown), ax=ax, shrink=0.7, pad=0.01, aspect=25,
                             extend="max" if longest > norm.vmax else "neither")
    bar.set_label(tr("median wait after the handoff\n(working hours)"))
    ax.set_title(tr(title) if title else
                 tr("Handoffs between teams ({cases} cases)").format(cases=format_number(found.cases)))
    return ax


@localised
def plot_handoff_heatmap(matrix: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The handoff matrix as a heatmap: from-team rows, to-team columns, counts in the cells.

    Parameters
    ----------
    matrix : pandas.DataFrame
        :func:`kpilib.chains.handoff_matrix` (or ``Discovery.matrix()``); counts or hours.
    ax : matplotlib Axes, optional
    title : str, optional
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(1.4 * len(matrix.columns) + 2.5, 1.0 * len(matrix.index) + 1.5))
    whole = np.issubdtype(matrix.values.dtype, np.integer)
    shown = matrix.rename(index=reader_name, columns=reader_name)
    words = shown.map(lambda v: "" if pd.isna(v) else format_number(v, 0 if whole else 1))  # 2.754 / 2,5 in Dutch
    sns.heatmap(shown, annot=words, fmt="", cmap="Blues", linewidths=0.5, linecolor="white",
                cbar_kws={"label": tr("handoffs") if whole else tr("hours")}, ax=ax, mask=shown.isna())
    ax.set_xlabel(tr("to team"))
    ax.set_ylabel(tr("from team"))
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    ax.set_title(tr(title) if title else tr("Handoffs: from the row's team to the column's team"))
    return ax


@localised
def plot_variants(variants: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """The most frequent team paths: share of cases per variant, cumulative coverage alongside.

    Parameters
    ----------
    variants : pandas.DataFrame
        :func:`kpilib.chains.variants`.
    ax : matplotlib Axes, optional
    title : str, optional
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(variants) + 1.5))
    labels = [reader_name(p) for p in variants["path"]]
    y = np.arange(len(variants))
    ax.barh(y, variants["share"], color=sns.color_palette("crest", 1)[0])
    for yi, share, cum, n in zip(y, variants["share"], variants["cumulative_share"], variants["cases"]):
        ax.text(share, yi, "  " + tr("{share} · {n} cases · together {cumulative}").format(
            share=format_percent(share), n=format_number(n), cumulative=format_percent(cum)), va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    percent_axis(ax.xaxis)
    ax.set_xlim(0, min(1.0, float(variants["share"].max()) * 1.8 if len(variants) else 1.0))
    ax.set_xlabel(tr("share of cases"))
    ax.set_title(tr(title) if title else tr("The most frequent paths through the teams"))
    sns.despine(ax=ax)
    return ax


@localised
def plot_time_lost(time_lost: pd.DataFrame, *, ax: Axes | None = None, calendar_time: bool = False,
                   title: str | None = None) -> Axes:
    """Per team, the hours cases wait (handed over, not picked up) and the hours they are worked on.

    Parameters
    ----------
    time_lost : pandas.DataFrame
        :func:`kpilib.chains.time_lost`.
    ax : matplotlib Axes, optional
    calendar_time : bool
        Calendar hours instead of working hours.
    title : str, optional
    """
    suffix = "_calendar_hours" if calendar_time else "_hours"
    frame = time_lost.iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * len(frame) + 1.5))
    y = np.arange(len(frame))
    wait, work = frame[f"waiting{suffix}"].to_numpy(), frame[f"working{suffix}"].to_numpy()
    ax.barh(y, wait, color="#d95f02", label=tr("waiting for the team"))
    ax.barh(y, work, left=wait, color="#7570b3", label=tr("with the team"))
    for yi, a, b in zip(y, wait, work):
        share = a / (a + b) if a + b else 0.0
        ax.text(a + b, yi, "  " + tr("{share} waiting").format(share=format_percent(share)), va="center", fontsize=9)
    ax.set_yticks(y, [reader_name(t) for t in frame["team"]])
    ax.set_xlim(0, float((wait + work).max()) * 1.25 if len(frame) else 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v)))
    ax.set_xlabel(tr("calendar hours, all cases together") if calendar_time else tr("working hours, all cases together"))
    ax.legend(frameon=False, loc="lower right")
    ax.set_title(tr(title) if title else tr("Where the time goes: waiting versus working, per team"))
    sns.despine(ax=ax)
    return ax
