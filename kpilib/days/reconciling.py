"""Day 6's reconciliation on a page: the steps from one definition to another, as a waterfall and a table.

:func:`kpilib.reconcile` computes the steps; this module puts them in words (each switch as "the wait
starts: after the phone menu → when the customer calls") and draws them, so the group sees which
switch moves the number, and how many contacts each one moves.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from kpilib._axes import localised
from kpilib._codes import choice_words, parameter_words
from kpilib._i18n import format_number, format_points, tr

__all__ = ["largest_step", "plot_reconciliation", "reconciliation_table", "step_words"]


def _value_words(name: str, value) -> str:
    if name in ("threshold_s", "short_abandon_s") and value is not None:
        return tr("none") if not value and name == "short_abandon_s" else f"{format_number(value)} s"
    if name == "window_days":
        return format_number(value, 0 if float(value).is_integer() else 1)
    return choice_words(name, value)


def step_words(row) -> str:
    """One step in words: "The wait starts: after the phone menu → when the customer calls"."""
    if not row["parameter"]:
        return tr("starting definition")
    return f"{parameter_words(row['parameter'])}: {_value_words(row['parameter'], row['before'])} → " \
           f"{_value_words(row['parameter'], row['after'])}"


def reconciliation_table(steps: pd.DataFrame) -> pd.DataFrame:
    """The steps of :func:`kpilib.reconcile` for a page: the switch in words, the value, and the contacts moved."""
    change = steps["value"].diff()
    return pd.DataFrame({
        "step": [step_words(row) for _, row in steps.iterrows()],
        "value": steps["value"],
        "change": ["" if pd.isna(c) else format_points(c) for c in change],
        "into the numerator": steps["numerator_in"], "out of the numerator": steps["numerator_out"],
        "into the denominator": steps["denominator_in"], "out of the denominator": steps["denominator_out"],
        "examples": [", ".join([*i, *o][:4]) for i, o in zip(steps["sample_in"], steps["sample_out"])],
    })


@localised
def plot_reconciliation(steps: pd.DataFrame, *, ax=None, title: str | None = None):
    """A waterfall from the first definition's value to the last: one bar per switch, up green, down red.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from kpilib._axes import percent_axis
    from kpilib._i18n import format_percent

    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.8 * (len(steps) + 1)), 4))
    values = steps["value"].tolist()
    labels = [textwrap.fill(step_words(row), 22) for _, row in steps.iterrows()]
    ax.bar(0, values[0], color="#57606a", width=0.6)
    ax.text(0, values[0], format_percent(values[0], 1), ha="center", va="bottom", fontsize=9)
    for i in range(1, len(values)):
        low, high = sorted((values[i - 1], values[i]))
        colour = "#1e7a46" if values[i] >= values[i - 1] else "#b3261e"
        ax.bar(i, max(high - low, 0.002), bottom=low, color=colour, width=0.6)
        ax.plot([i - 1.3, i + 0.3], [values[i - 1]] * 2, color="#8c959f", linewidth=0.8, linestyle=":")
        ax.text(i, high, format_points(values[i] - values[i - 1]), ha="center", va="bottom", fontsize=8)
    end = len(values)
    ax.bar(end, values[-1], color="#0969da", width=0.6)
    ax.text(end, values[-1], format_percent(values[-1], 1), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(end + 1), [*labels, tr("result")], fontsize=8)
    ax.set_ylim(0, min(1.0, max(values) * 1.15 + 0.05))
    percent_axis(ax.yaxis)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(tr(title))
    return ax


def largest_step(steps: pd.DataFrame) -> dict:
    """The switch that moves the value most: its ``words``, the ``change`` (a share) and the contacts ``moved``."""
    if len(steps) < 2:
        raise ValueError("a reconciliation with one definition has no step")
    change = steps["value"].diff()
    i = int(change.iloc[1:].abs().fillna(0).to_numpy().argmax()) + 1
    row = steps.iloc[i]
    moved = int(row[["numerator_in", "numerator_out", "denominator_in", "denominator_out"]].sum())
    return {"words": step_words(row), "change": float(change.iloc[i]), "moved": moved}
