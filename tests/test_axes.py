"""Chart axes and cell labels write numbers as the workshop's language does: 2.754 and 0,25 in Dutch."""

from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import kpilib  # noqa: E402
from kpilib._axes import localise_numbers, percent_axis  # noqa: E402


@pytest.fixture
def dutch():
    kpilib.set_language("nl")
    yield
    kpilib.set_language("en")


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def labels(axis) -> list[str]:
    axis.figure.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_plain_numbers_get_a_decimal_comma_and_a_thousands_point_in_dutch(dutch, ax):
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5])
    ax.set_ylim(0, 5000)
    ax.set_yticks([0, 2500, 5000])
    localise_numbers(ax)
    # every tick with the decimals of the finest one (0.25 needs two)
    assert labels(ax.xaxis) == ["0,00", "0,25", "0,50"]
    assert labels(ax.yaxis) == ["0", "2.500", "5.000"]


def test_plain_numbers_stay_english_in_english(ax):
    ax.set_ylim(0, 5000)
    ax.set_yticks([0, 2500, 5000])
    ax.set_xticks([-1.5, 0])
    localise_numbers(ax)
    assert labels(ax.yaxis) == ["0", "2,500", "5,000"]
    assert labels(ax.xaxis) == ["\u22121.5", "0.0"]


def test_an_axis_with_labels_of_its_own_keeps_them(dutch, ax):
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5])
    percent_axis(ax.yaxis)
    ax.set_xticks([0, 1], ["ma", "di"])
    localise_numbers(ax)
    assert labels(ax.yaxis) == ["0\u00a0%", "50\u00a0%"]
    assert labels(ax.xaxis) == ["ma", "di"]


def test_the_handoff_heatmap_counts_and_colour_bar_in_dutch(dutch, ax):
    from kpilib.chains import plot_handoff_heatmap

    matrix = pd.DataFrame([[0, 2754], [696, 0]], index=["a", "b"], columns=["a", "b"])
    plot_handoff_heatmap(matrix, ax=ax)
    assert sorted(t.get_text() for t in ax.texts) == ["0", "0", "2.754", "696"]
    colour_bar = next(other for other in ax.figure.axes if other is not ax)
    assert "2.500" in labels(colour_bar.yaxis)  # ticks every 500 up to 2754


def test_the_team_kpis_ratio_axis_has_a_decimal_comma_in_dutch(dutch, ax):
    # day 3: a value against the team's own target, 0.84 / 0.80 = 1.05 → axis 0 … 1.5
    team_kpis = pd.DataFrame({"team": ["first_line"], "kpi": ["service_level"], "name": ["Servicelevel"],
                              "value": [0.84], "target": [0.80], "polarity": ["higher"],
                              "on_target": [True]})
    kpilib.plot_team_kpis(team_kpis, ax=ax)
    shown = labels(ax.xaxis)
    # matplotlib ticks the axis 0 … 1.5 every 0.2
    assert shown[:6] == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]


@pytest.mark.parametrize("module", ["kpilib.report.plots", "kpilib.chains._plots", "kpilib.days.staffing",
                                    "kpilib.days.windows", "kpilib.days.reconciling", "kpilib.days._card_output"])
def test_every_plot_function_localises_its_numbers(module):
    import importlib

    functions = {name: f for name, f in inspect.getmembers(importlib.import_module(module), inspect.isfunction)
                 if name.startswith("plot_") and f.__module__ == module}
    assert functions
    assert [name for name, f in functions.items() if getattr(f, "__wrapped__", None) is None] == []
