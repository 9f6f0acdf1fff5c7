"""A result frame as escaped HTML for an ``ipywidgets.HTML`` output, as the pages show tables."""

from __future__ import annotations

import pandas as pd

from kpilib.report.narration import show_table


def table_html(frame: pd.DataFrame, *, formats: dict[str, str] | None = None, caption: str | None = None) -> str:
    """The frame as :func:`kpilib.show_table` shows it (escaped, no index, labelled), as HTML text."""
    return show_table(frame, formats=formats, caption=caption).to_html()
