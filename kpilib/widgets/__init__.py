"""Facilitator widgets: ipywidgets controls that call kpilib's pure functions and record decisions.

Widgets only wire controls to functions that live elsewhere in kpilib; every number they show is
computed there, so batch mode (no widgets) shows the same numbers. Each factory returns the
ipywidgets container; containers whose content is a decision value expose it as ``value``, so
they can be passed to :func:`record_decision` directly.
"""

from kpilib.widgets._editors import NormInputs, YamlInput, norm_inputs, ranking, yaml_input
from kpilib.widgets._record import DecisionRecorder, record_decision

__all__ = ["DecisionRecorder", "NormInputs", "YamlInput", "norm_inputs", "ranking", "record_decision", "yaml_input"]
