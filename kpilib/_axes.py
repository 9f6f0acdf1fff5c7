"""Axis tick labels in the workshop's language: percentages and dates as Babel writes them.

matplotlib's own formatters write ``80.0%`` and ``01 Apr`` whatever the language; a Dutch reader
reads ``80 %`` and ``1 apr``. Every chart of kpilib formats its axes through these helpers.
"""

from __future__ import annotations

from typing import Any

from kpilib._i18n import format_moment, format_percent

__all__ = ["date_axis", "percent_axis"]


def percent_axis(axis: Any, decimals: int | None = None) -> None:
    """Label ``axis`` (``ax.yaxis``) of fractions as percentages in the language, ``decimals`` as needed if None."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _position: Any) -> str:
        if decimals is not None:
            return format_percent(value, decimals)
        shown = next(d for d in range(4) if abs(round(value * 100, d) - value * 100) < 1e-9 or d == 3)
        return format_percent(value, shown)

    axis.set_major_formatter(FuncFormatter(label))


def date_axis(axis: Any, strftime: str = "%d %b") -> None:
    """Label ``axis`` of dates by a strftime pattern, month and day names in the language (``%b %Y`` → ``apr 2026``)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _position: format_moment(mdates.num2date(value), strftime)))
