"""The day-6 and day-7 figures draw what their frames hold, on the Axes given, without showing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kpilib import WorkingCalendar  # noqa: E402
from kpilib.report.plots import (plot_calendar, plot_spread, plot_target_history, plot_variants,  # noqa: E402
                          plot_working_days)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_variants_draws_one_bar_per_measured_variant(ax):
    variants = pd.DataFrame({"variant": ["a", "b", "c"], "numerator": [1, 3, 0], "denominator": [4, 4, 0],
                             "value": [0.25, 0.75, float("nan")]})
    assert plot_variants(variants, ax=ax) is ax
    # c has no denominator: two bars, sorted by value (a 0.25 below b 0.75)
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.25, 0.75]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]


def test_plot_spread_bars_run_from_lowest_to_highest(ax):
    spread = pd.DataFrame({"month": ["2026-04", "2026-05"], "lowest": [0.1, 0.5], "highest": [0.8, 0.5],
                           "range": [0.7, 0.0]})
    plot_spread(spread, x="month", ax=ax)
    assert [(round(p.get_y(), 2), round(p.get_height(), 2)) for p in ax.patches] == [(0.1, 0.7), (0.5, 0.0)]


def test_plot_working_days_marks_each_norm(ax):
    days = pd.DataFrame({"working_days": pd.array([0, 2, 2, 9], dtype="Int64"),
                         "status": ["done", "done", "open", "done"]})
    plot_working_days(days, norms={"customer": 5, "internal": 20}, ax=ax)
    lines = [line.get_xdata()[0] for line in ax.get_lines()]
    assert lines == [6, 21]  # bars start at whole days: within 5 is left of 6
    assert sum(p.get_height() for p in ax.patches) == 4  # every item counted once


def test_plot_calendar_colours_holidays(ax):
    plot_calendar(WorkingCalendar(), "2026-04-27", "2026-05-03", ax=ax)
    # Mon 27 April is King's Day: 7 dates, one holiday, two weekend days
    colours = ax.collections[0].get_facecolors()
    assert len(colours) == 7
    holiday, working, weekend = (matplotlib.colors.to_rgb(c) for c in ("#f4a582", "#cfe8cf", "#e0e0e0"))
    got = [tuple(round(v, 3) for v in c[:3]) for c in colours]
    expected = [holiday] + [working] * 4 + [weekend] * 2
    assert got == [tuple(round(v, 3) for v in c) for c in expected]


def test_plot_target_history_draws_the_targets(ax):
    history = pd.DataFrame({"week": pd.date_range("2026-04-06", periods=3, freq="W-MON"),
                            "numerator": [1, 2, 0], "denominator": [2, 2, 0], "value": [0.5, 1.0, float("nan")]})
    plot_target_history(history, x="week", targets={"median": 0.75}, ax=ax)
    assert len(ax.get_lines()[0].get_xdata()) == 2  # the empty week is left out
    assert ax.get_lines()[1].get_ydata()[0] == 0.75
