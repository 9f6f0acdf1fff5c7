"""A result frame as escaped HTML for an ``ipywidgets.HTML`` output."""

from __future__ import annotations

import pandas as pd


def table_html(frame: pd.DataFrame, *, formats: dict[str, str] | None = None, caption: str | None = None) -> str:
    """The frame as an HTML table: values escaped, index hidden, NaN shown as a dash."""
    styler = frame.style.hide(axis="index").format(formats or {}, na_rep="–", escape="html")
    if caption:
        styler = styler.set_caption(caption)
    return styler.to_html()
