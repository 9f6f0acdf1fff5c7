"""Axis tick labels in the workshop's language: numbers, percentages and dates as Babel writes them.

matplotlib's own formatters write ``80.0%``, ``0.25``, ``2500`` and ``01 Apr`` whatever the language;
a Dutch reader reads ``80 %``, ``0,25``, ``2.500`` and ``1 apr``. Every chart of kpilib formats its
axes through these helpers: the axes it formats itself with :func:`percent_axis` and :func:`date_axis`,
and every other axis of plain numbers through :func:`localised`, which each plot function wears.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from kpilib._i18n import format_moment, format_number, format_percent

__all__ = ["date_axis", "localise_numbers", "localised", "number_axis", "percent_axis"]

_Plot = TypeVar("_Plot", bound=Callable[..., Any])


def _decimals(value: float, most: int = 3) -> int:
    """The fewest decimals (up to ``most``) that write ``value`` exactly: ``0.25`` → 2, ``2500`` → 0."""
    return next(d for d in range(most + 1) if abs(round(value, d) - value) < 1e-9 or d == most)


def percent_axis(axis: Any, decimals: int | None = None) -> None:
    """Label ``axis`` (``ax.yaxis``) of fractions as percentages in the language, ``decimals`` as needed if None."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _position: Any) -> str:
        return format_percent(value, _decimals(value * 100) if decimals is None else decimals)

    axis.set_major_formatter(FuncFormatter(label))


def _number_formatter(decimals: int | None = None) -> Any:
    from matplotlib.ticker import Formatter

    class NumberFormatter(Formatter):
        """Tick labels as numbers in the language, every tick of an axis with the same decimals."""

        def __init__(self) -> None:
            self.shown = 0 if decimals is None else decimals

        def set_locs(self, locs: Any) -> None:
            super().set_locs(locs)
            if decimals is None:  # as many as the finest tick needs: 0,0 0,5 1,0 rather than 0 0,5 1
                self.shown = max((_decimals(float(v)) for v in locs), default=0)

        def __call__(self, value: float, pos: Any = None) -> str:
            return format_number(value, self.shown).replace("-", "\u2212")  # a minus, as matplotlib writes it

    return NumberFormatter()


def number_axis(axis: Any, decimals: int | None = None) -> None:
    """Label ``axis`` of plain numbers in the language: ``2.500`` and ``0,25`` in Dutch, ``decimals`` as needed if None."""
    axis.set_major_formatter(_number_formatter(decimals))


def localise_numbers(axes: Any) -> None:
    """Give every axis of plain numbers in the figures of ``axes`` (an Axes, several, or a Figure) the language's numbers.

    Only an axis that still has matplotlib's default :class:`~matplotlib.ticker.ScalarFormatter` is
    changed: percentages, dates and named ticks keep their own labels. Colour bars and twin axes are
    axes of the same figure, and are changed as well.
    """
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import ScalarFormatter

    items = [axes] if isinstance(axes, (Axes, Figure)) else list(np.asarray(axes, dtype=object).ravel())
    figures = {id(item if isinstance(item, Figure) else item.figure): item if isinstance(item, Figure) else item.figure
               for item in items if isinstance(item, (Axes, Figure))}
    for figure in figures.values():
        for ax in figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    number_axis(axis)


def localised(plot: _Plot) -> _Plot:
    """A plot function whose plain-number axes are in the language (:func:`localise_numbers` on what it returns)."""

    @functools.wraps(plot)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = plot(*args, **kwargs)
        localise_numbers(result)
        return result

    return wrapper  # type: ignore[return-value]


def date_axis(axis: Any, strftime: str = "%d %b") -> None:
    """Label ``axis`` of dates by a strftime pattern, month and day names in the language (``%b %Y`` → ``apr 2026``)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _position: format_moment(mdates.num2date(value), strftime)))
