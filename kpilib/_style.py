"""A pandas Styler whose HTML is the same for the same table: what every stage's tables are styled from."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

__all__ = ["stable_style"]


def stable_style(frame: pd.DataFrame, *salt: Any) -> "pd.io.formats.style.Styler":
    """``frame.style`` with an id derived from the content, not a random one.

    pandas gives every Styler a random id that its CSS selectors repeat, so the same table would
    give different HTML on every run; rendered pages must be the same for the same input.
    ``salt`` (a caption, say) tells apart tables with the same cells.
    """
    digest = hashlib.sha1(pd.util.hash_pandas_object(frame, index=True).values.tobytes()
                          + repr((list(map(str, frame.columns)), salt)).encode()).hexdigest()[:10]
    return frame.style.set_uuid(f"kpi{digest}")
