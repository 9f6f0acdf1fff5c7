"""Facilitator widgets: ipywidgets controls that call kpilib's pure functions and record decisions.

Widgets only wire controls to functions that live elsewhere in kpilib; every number they show is
computed there, so batch mode (no widgets) shows the same numbers.
"""

from kpilib.widgets._scoring import ScoringGrid, scoring_grid

__all__ = ["ScoringGrid", "scoring_grid"]
