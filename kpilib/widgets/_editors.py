"""Inputs for the values a group decides on days 1 and 3: a ranking and an editable YAML list.

Each factory returns an ipywidgets container whose ``value`` is the decision value, so it can be
passed to :func:`kpilib.widgets.record_decision` as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import yaml

from kpilib.exceptions import ParameterError

__all__ = ["YamlInput", "ranking", "yaml_input"]


def ranking(options: Sequence[str], *, value: Sequence[str] | None = None) -> widgets.TagsInput:
    """Tags the group puts in order (drag to reorder, type to add one of ``options``).

    ``value`` is the starting order (default ``options``; names outside ``options`` stay allowed);
    the widget's ``value`` is the list.
    """
    start = list(value if value is not None else options)
    return widgets.TagsInput(value=start, allowed_tags=list(dict.fromkeys([*options, *start])),
                             allow_duplicates=False)


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
