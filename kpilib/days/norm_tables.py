"""Day 7's tables as a reader reads them: every norm and target in its KPI's own unit.

:func:`kpilib.days.norms.kpis_under_norms` and :func:`kpilib.days.norms.target_overview` return the
numbers for analysts (a norm parameter, targets as fractions, periods met as a numerator); these
functions turn them into the table a page shows ("3 working days", "80 %", "2 of 3").
"""

from __future__ import annotations

import pandas as pd

from kpilib._i18n import format_number, tr
from kpilib.kpis.wording import norm_in_unit, value_in_unit

__all__ = ["norms_table", "targets_table"]


def _in_unit(kpi: str, value: float) -> str:
    return "–" if value is None or pd.isna(value) else value_in_unit(kpi, value)


def norms_table(under_norms: pd.DataFrame) -> pd.DataFrame:
    """:func:`~kpilib.days.norms.kpis_under_norms` for a page: ``kpi``, ``norm`` in words, the counts, ``value``."""
    norms = [norm_in_unit(k, n) for k, n in zip(under_norms["kpi"], under_norms["norm"])]
    shown = under_norms.drop(columns=["norm_parameter"]).assign(norm=norms)
    return shown


def targets_table(overview: pd.DataFrame) -> pd.DataFrame:
    """:func:`~kpilib.days.norms.target_overview` for a page.

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``polarity`` (the direction, shown in words), ``target``, ``median``, ``best quartile`` in the
        KPI's unit, ``periods met`` ("2 of 3": the periods whose value met the target, of the periods
        measured) and ``share of periods`` (the same as a fraction).
    """
    rows = []
    for row in overview.itertuples(index=False):
        rows.append({"kpi": row.kpi, "polarity": row.polarity, "target": _in_unit(row.kpi, row.target),
                     "median": _in_unit(row.kpi, row.median), "best quartile": _in_unit(row.kpi, row.best_quartile),
                     "periods met": tr("{met} of {n}").format(met=format_number(row.numerator),
                                                             n=format_number(row.denominator)),
                     "share of periods": row.value})
    return pd.DataFrame(rows, columns=["kpi", "polarity", "target", "median", "best quartile", "periods met",
                                       "share of periods"])
