"""Sliders and a definition chooser whose tables follow the control at once.

The numbers come from kpilib's explorers (:mod:`kpilib.kpis.explore`), which answer a threshold or a
window without a database query, and from :func:`kpilib.days.definitions.compare_definitions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpilib._codes import choice_words, parameter_words
from kpilib._i18n import tr
from kpilib.days.definitions import compare_definitions
from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer
from kpilib.widgets._fields import _kpi_name
from kpilib.widgets._table import table_html

__all__ = ["DefinitionChooser", "KpiSlider", "definition_chooser", "threshold_slider", "window_slider"]

_SHARE = {"value": "{:.1%}", "numerator": "{:,.0f}", "denominator": "{:,.0f}"}


class KpiSlider(widgets.VBox):
    """A slider and the KPI table it drives; ``value`` is the slider's value, ``frame`` the table shown."""

    def __init__(self, slider: widgets.Widget, compute: Callable[[Any], pd.DataFrame], *, caption: str,
                 headers: Mapping[str, str] | None = None) -> None:
        self.slider = slider
        self.compute = compute
        self.caption = caption
        #: The words shown over the count columns (the frame keeps its own names).
        self.headers = dict(headers or {})
        self.output = widgets.HTML()
        self.frame: pd.DataFrame | None = None
        slider.observe(lambda _change: self.update(), names="value")
        super().__init__([slider, self.output])
        self.update()

    @property
    def value(self) -> Any:
        return self.slider.value

    def update(self) -> pd.DataFrame:
        """Recompute the table for the slider's current value and show it."""
        self.frame = self.compute(self.slider.value)
        shown = self.frame.rename(columns=self.headers)
        formats = {self.headers.get(k, k): f for k, f in _SHARE.items()}
        self.output.value = table_html(shown, formats=formats, caption=self.caption.format(self.slider.value))
        return self.frame


def threshold_slider(explorer: ServiceLevelExplorer, *, threshold_s: int = 20, max_s: int = 120, step: int = 5,
                     clock: str = "queue", abandoned: str = "fail", short_abandon_s: float = 0) -> KpiSlider:
    """A service-level threshold slider with the service level per group under one definition.

    Parameters
    ----------
    explorer : kpilib.kpis.explore.ServiceLevelExplorer
        Built once on the contacts; every slider step is a lookup, not a query.
    threshold_s, max_s, step : int
        The start value, the end of the scale and the step of the slider, in seconds.
    clock, abandoned, short_abandon_s
        The rest of the definition, as in :func:`kpilib.service_level`.

    Returns
    -------
    KpiSlider
        ``value`` is the threshold in seconds.
    """
    slider = widgets.IntSlider(value=threshold_s, min=0, max=max_s, step=step, description=tr("Threshold (s)"),
                               continuous_update=True, style={"description_width": "initial"})

    def compute(value: int) -> pd.DataFrame:
        return explorer.service_level(threshold_s=value, clock=clock, abandoned=abandoned,
                                      short_abandon_s=short_abandon_s)

    return KpiSlider(slider, compute, caption=tr("Service level within {} s; ") + plain_definition(
        {"clock": clock, "abandoned": abandoned}), headers=SERVICE_LEVEL_HEADERS)


def window_slider(explorer: RepeatExplorer, *, window_days: int = 7, max_days: int = 30) -> KpiSlider:
    """A repeat-window slider with the repeat-contact rate per group.

    Returns
    -------
    KpiSlider
        ``value`` is the window in days of 24 hours.
    """
    slider = widgets.IntSlider(value=window_days, min=1, max=max_days, step=1, description=tr("Window (days)"),
                               style={"description_width": "initial"})
    return KpiSlider(slider, lambda value: explorer.repeat_contact_rate(window_days=value),
                     caption=tr("Repeat contacts within {} × 24 h"),
                     headers={"numerator": "followed by another", "denominator": "contacts", "value": "repeat rate"})


#: The words over the service level's counts.
SERVICE_LEVEL_HEADERS = {"numerator": "in time", "denominator": "counted", "value": "service level"}


def plain_definition(definition: Mapping[str, Any]) -> str:
    """A definition in the control's words: "the wait starts: after the phone menu; abandoned calls: not in time"."""
    parts = []
    for name, value in definition.items():
        words = parameter_words(name)
        parts.append(f"{words[0].lower() + words[1:]}: {choice_words(name, value)}")
    return "; ".join(parts)


class DefinitionChooser(widgets.VBox):
    """One dropdown per definition parameter and the live comparison with a reference definition.

    ``value`` is ``{kpi: chosen definition}``, the shape of one entry of the ``definitions`` decision;
    ``frame`` is the comparison shown.
    """

    def __init__(self, kpi: str, choices: Mapping[str, Sequence[Any]], compute: Callable[..., pd.DataFrame], *,
                 initial: Mapping[str, Any], reference: Mapping[str, Any], by: Sequence[str]) -> None:
        self.kpi = kpi
        self.compute = compute
        self.reference = dict(reference)
        self.by = list(by)
        self.controls = {}
        for name, options in choices.items():
            options = list(options)
            start = initial.get(name, options[0])
            if start not in options:  # a definition decided earlier stays choosable
                options.append(start)
            self.controls[name] = widgets.Dropdown(
                options=[(choice_words(name, o), o) for o in options], value=start,
                description=parameter_words(name),
                # as wide as its label and its longest choice: the default width (300px, label included)
                # cuts a long label's choice off, in Dutch more often than in English
                style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
        self.fixed = {k: v for k, v in initial.items() if k not in self.controls}
        self.output = widgets.HTML()
        self.frame: pd.DataFrame | None = None
        self._reference_frame = compute(**self.reference)
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        # more controls than fit on a line go on to the next one, never past the page's edge
        super().__init__([widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                          self.output])
        self.update()

    @property
    def definition(self) -> dict[str, Any]:
        return {**self.fixed, **{name: control.value for name, control in self.controls.items()}}

    @property
    def value(self) -> dict[str, dict[str, Any]]:
        return {self.kpi: self.definition}

    def update(self) -> pd.DataFrame:
        """Recompute the chosen definition and show it next to the reference."""
        chosen = self.compute(**self.definition)
        self.frame = compare_definitions(self._reference_frame, chosen, by=self.by)
        caption = tr("{kpi}: the chosen definition next to the reference ({reference})").format(
            kpi=_kpi_name(self.kpi), reference=plain_definition(self.reference))
        formats = {"reference": "{:.1%}", "chosen": "{:.1%}", "difference": "{:+.1pp}"}
        self.output.value = table_html(self.frame, formats=formats, caption=caption)
        return self.frame


def definition_chooser(kpi: str, choices: Mapping[str, Sequence[Any]], compute: Callable[..., pd.DataFrame], *,
                       initial: Mapping[str, Any], reference: Mapping[str, Any] | None = None,
                       by: str | Sequence[str] = ()) -> DefinitionChooser:
    """Choose a KPI's definition with the result shown live next to a reference definition.

    Parameters
    ----------
    kpi : str
        The catalogue KPI id, for example ``"service_level"``.
    choices : mapping
        Definition parameter → the values to choose from (``{"abandoned": ABANDON_RULES, …}``).
    compute : callable
        Called with a definition's keyword arguments, returns the KPI's tidy frame: a kpilib KPI
        function with its data bound, or an explorer's method (fast on large data).
    initial : mapping
        The definition to start from; parameters not in ``choices`` stay fixed at these values.
    reference : mapping, optional
        The definition to compare with (default ``initial``).
    by : str or list of str
        The group columns of ``compute``'s frames.

    Returns
    -------
    DefinitionChooser
    """
    by = [by] if isinstance(by, str) else list(by)
    return DefinitionChooser(kpi, choices, compute, initial=initial,
                             reference=dict(reference if reference is not None else initial), by=by)
