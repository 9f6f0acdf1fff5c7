"""Facilitator widgets: ipywidgets controls that call kpilib's pure functions and record decisions.

Widgets only wire controls to functions that live elsewhere in kpilib; every number they show is
computed there, so batch mode (no widgets) shows the same numbers. Each factory returns the
ipywidgets container; containers whose content is a decision value expose it as ``value``, so
they can be passed to :func:`record_decision` directly.

May import :mod:`kpilib.report` and everything below it.
"""

from kpilib.widgets._days import definitions_panel, norms_panel, targets_panel
from kpilib.widgets._editors import YamlInput, ranking, yaml_input
from kpilib.widgets._explore import (DefinitionChooser, KpiSlider, definition_chooser, threshold_slider,
                                     window_slider)
from kpilib.widgets._fields import ChainSelector, NumberInputs, chain_selector, norm_inputs, target_inputs
from kpilib.widgets._in_force import InForce, in_force
from kpilib.widgets._record import DecisionRecorder, record_decision
from kpilib.widgets._scoring import ScoringGrid, scoring_grid

__all__ = [
    "ChainSelector",
    "DecisionRecorder",
    "DefinitionChooser",
    "InForce",
    "KpiSlider",
    "NumberInputs",
    "ScoringGrid",
    "YamlInput",
    "chain_selector",
    "definition_chooser",
    "definitions_panel",
    "in_force",
    "norm_inputs",
    "norms_panel",
    "ranking",
    "record_decision",
    "scoring_grid",
    "target_inputs",
    "targets_panel",
    "threshold_slider",
    "window_slider",
    "yaml_input",
]
