"""The report engine: tables and narration for notebooks, plots, rendering the pack (pages, kernels, parameters).

May import :mod:`kpilib.workshop` and everything below it; never :mod:`kpilib.widgets`.
"""

from kpilib.report.narration import (SUMMARY_MIME, collapsible, day_summary, format_item, format_value, narrate,
                                     show_table)

__all__ = ["SUMMARY_MIME", "collapsible", "day_summary", "format_item", "format_value", "narrate", "show_table"]
