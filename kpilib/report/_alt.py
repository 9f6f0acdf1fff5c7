"""Alt text for the figures of a page: what each chart shows, from its titles and axis labels.

``kpi-workshop render`` registers :func:`figure_alt` with IPython, so every figure a day draws goes
to the page as ``<img alt="Chart: … (x: …; y: …)">``, in the workshop's language, for a screen reader
and for a reader whose images do not load.
"""

from __future__ import annotations

import os
from typing import Any

from kpilib._i18n import tr

__all__ = ["figure_alt", "figure_texts", "show_figures_with_alt"]


def figure_alt(figure: Any) -> str:
    """``figure`` in words: its title, then per chart its title and axes."""
    parts = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in figure.axes:
        title = ax.get_title() or ax.get_title(loc="left")
        axes = "; ".join(f"{name}: {label}" for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
                         if label)
        if title or axes:
            parts.append(f"{title} ({axes})" if title and axes else title or axes)
    if not parts:
        return tr("A chart without a title")
    return tr("Chart: {what}").format(what=" / ".join(dict.fromkeys(parts)))


def figure_texts(figure: Any) -> list[str]:
    """Every text a reader sees on ``figure`` once drawn: titles, axis and tick labels, legends, annotations."""
    from matplotlib.text import Text

    return [text.get_text() for text in figure.findobj(Text)
            if text.get_visible() and text.get_text().strip()]


def _log_texts(figure: Any) -> None:
    """With ``KPI_FIGURE_TEXT=<file>``, append the figure's texts to that file, one per line (for a translator)."""
    path = os.environ.get("KPI_FIGURE_TEXT")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.writelines(" ".join(text.split()) + "\n" for text in figure_texts(figure))


def show_figures_with_alt(shell: Any) -> None:
    """Make ``shell`` (IPython) send each matplotlib figure as PNG with its alt text in the output's metadata."""
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    png = formatter.lookup_by_type(Figure)
    if getattr(png, "_kpi_alt", False):
        return
    def with_alt(figure: Any) -> tuple[Any, dict[str, str]]:
        data = png(figure)
        _log_texts(figure)
        return data, {"alt": figure_alt(figure)}

    with_alt._kpi_alt = True
    formatter.for_type(Figure, with_alt)
