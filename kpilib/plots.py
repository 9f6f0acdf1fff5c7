"""Figures for the workshop: each takes ``ax=None`` and returns the Axes, never shows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from kpilib.kpis.queue import service_level

__all__ = ["SERVICE_LEVEL_DEFINITIONS", "plot_definitions", "service_level_by_definition"]

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
