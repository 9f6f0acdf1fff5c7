"""Facilitator widgets: ipywidgets controls that call kpilib's pure functions and record decisions.

Widgets only wire controls to functions that live elsewhere in kpilib; every number they show is
computed there, so batch mode (no widgets) shows the same numbers.
"""

__all__: list[str] = []
