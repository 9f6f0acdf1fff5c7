"""Inputs for the values a group decides on days 1 and 3: a ranking, named norms, a YAML list.

Each factory returns an ipywidgets container whose ``value`` is the decision value, so it can be
passed to :func:`kpilib.widgets.record_decision` as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import yaml

from kpilib.exceptions import ParameterError

__all__ = ["NormInputs", "YamlInput", "norm_inputs", "ranking", "yaml_input"]


def ranking(options: Sequence[str], *, value: Sequence[str] | None = None) -> widgets.TagsInput:
    """Tags the group puts in order (drag to reorder, type to add one of ``options``).

    ``value`` is the starting order (default ``options``); the widget's ``value`` is the list.
    """
    return widgets.TagsInput(value=list(value if value is not None else options), allowed_tags=list(options),
                             allow_duplicates=False)


class NormInputs(widgets.VBox):
    """One number input per norm; ``value`` is the mapping name -> number."""

    def __init__(self, norms: Mapping[str, float]) -> None:
        self.inputs = {name: widgets.FloatText(value=float(number), description=name,
                                               style={"description_width": "16em"},
                                               layout=widgets.Layout(width="26em"))
                       for name, number in norms.items()}
        super().__init__(list(self.inputs.values()))

    @property
    def value(self) -> dict[str, float]:
        return {name: (int(w.value) if float(w.value).is_integer() else w.value) for name, w in self.inputs.items()}


def norm_inputs(norms: Mapping[str, float]) -> NormInputs:
    """Number inputs for named norms (``resolution_days``, ``callback_hours``, …), prefilled."""
    return NormInputs(norms)


class YamlInput(widgets.VBox):
    """A text area holding YAML; ``value`` is the parsed YAML (a clear error when it does not parse)."""

    def __init__(self, value: Any, *, rows: int = 10) -> None:
        text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=None)
        self.text = widgets.Textarea(value=text, rows=rows, layout=widgets.Layout(width="60em"))
        super().__init__([self.text])

    @property
    def value(self) -> Any:
        try:
            return yaml.safe_load(self.text.value)
        except yaml.YAMLError as error:
            raise ParameterError(f"the text is not valid YAML: {error}. Keep one item per line, "
                                 f"starting with '- ', as in the text you started from") from None


def yaml_input(value: Any, *, rows: int = 10) -> YamlInput:
    """An editable YAML text of ``value`` (for lists of mappings such as ``current_kpis``)."""
    return YamlInput(value, rows=rows)
