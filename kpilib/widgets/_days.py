"""The facilitator panels of days 6 and 7: the day's controls and its record button in one container."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer
from kpilib.kpis.queue import ABANDON_RULES, CLOCKS
from kpilib.kpis.resolution import FCR_METHODS, MATCHES, WINDOW_UNITS, first_contact_resolution, repeat_contact_rate
from kpilib.days.norms import NormsExplorer, target_overview
from kpilib.widgets._explore import definition_chooser, threshold_slider
from kpilib.widgets._fields import norm_inputs, target_inputs
from kpilib.widgets._record import record_decision

__all__ = ["definitions_panel", "norms_panel", "targets_panel"]

SERVICE_LEVEL_DEFAULT = {"threshold_s": 20, "clock": "queue", "abandoned": "fail", "short_abandon_s": 0}
_THRESHOLDS = tuple(range(0, 125, 5))  # the slider's steps: the slider and the chooser are one control
_SHORT = (0, 3, 5, 10)
_WINDOWS = (1, 3, 7, 14, 28)


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<h4>{text}</h4>")


def definitions_panel(ws: Any, contacts, *, cases=None, surveys=None,
                      definitions: Mapping[str, Mapping[str, Any]] | None = None,
                      reference: Mapping[str, Any] | None = None,
                      explorer: ServiceLevelExplorer | None = None) -> widgets.VBox:
    """Day 6: choose the service level, FCR and repeat-window definitions, compare live, record them.

    Parameters
    ----------
    ws : Workshop
        Where the ``definitions`` decision is recorded.
    contacts, cases, surveys
        Canonical tables; FCR's case and survey methods need ``cases`` and ``surveys``.
    definitions : mapping, optional
        The ``definitions`` decision in force: the choosers start from it, and the KPIs the panel
        does not cover are recorded unchanged.
    reference : mapping, optional
        The service-level definition to compare with (the teams' own); default the function's.
    explorer : ServiceLevelExplorer, optional
        Built on ``contacts`` by team when not given.

    Returns
    -------
    ipywidgets.VBox
        Its ``value`` is the whole ``definitions`` decision as chosen; ``choosers`` holds the
        three :class:`DefinitionChooser` by KPI id and ``recorder`` the record button.
    """
    definitions = {k: dict(v) for k, v in (definitions or {}).items()}
    service = {**SERVICE_LEVEL_DEFAULT, **definitions.get("service_level", {})}
    explorer = explorer or ServiceLevelExplorer(contacts, by="team", channel=service.get("channel", "phone"))
    fcr = {"method": "repeat_window", "window_days": 7, **definitions.get("first_contact_resolution", {})}
    repeat = {"window_days": 7, "match": "customer", "window_unit": "24h",
              **definitions.get("repeat_contact_rate", {})}

    known: dict[tuple, pd.DataFrame] = {}          # each definition computed once: the room goes back and forth
    repeat_explorers: dict[str, RepeatExplorer] = {}

    def remembered(kpi: str, compute, chosen: dict) -> pd.DataFrame:
        key = (kpi, *sorted(chosen.items()))
        if key not in known:
            known[key] = compute(**chosen)
        return known[key]

    def fcr_by_month(**chosen):
        return remembered("fcr", lambda **c: first_contact_resolution(contacts, cases=cases, surveys=surveys,
                                                                      by="month", **c), chosen)

    def repeat_by_team(**chosen):
        if (chosen.get("window_unit", "24h") != "24h" or chosen.get("count", "interactions") != "interactions"
                or set(chosen) - {"window_days", "match", "window_unit", "count"}):
            return remembered("repeat", lambda **c: repeat_contact_rate(contacts, by="team", **c), chosen)
        match = chosen.get("match", "customer")    # any 24-hour window from one query per match
        if match not in repeat_explorers:
            repeat_explorers[match] = RepeatExplorer(contacts, match=match, by="team")
        return repeat_explorers[match].repeat_contact_rate(window_days=chosen.get("window_days", 7))

    choosers = {
        "service_level": definition_chooser(
            "service_level", {"threshold_s": _THRESHOLDS, "clock": CLOCKS, "abandoned": ABANDON_RULES,
                              "short_abandon_s": _SHORT},
            explorer.service_level, initial=service,
            reference={**SERVICE_LEVEL_DEFAULT, **(reference or {})}, by="team"),
        "first_contact_resolution": definition_chooser(
            "first_contact_resolution", {"method": FCR_METHODS, "window_days": _WINDOWS}, fcr_by_month,
            initial=fcr, by="month"),
        "repeat_contact_rate": definition_chooser(
            "repeat_contact_rate", {"window_days": _WINDOWS, "window_unit": WINDOW_UNITS, "match": MATCHES},
            repeat_by_team, initial=repeat, by="team"),
    }

    def chosen() -> dict[str, dict[str, Any]]:
        return {**definitions, **{kpi: c.definition for kpi, c in choosers.items()}}

    # one control per choice: the slider is the chooser's threshold, and follows the rest of its definition
    service_chooser = choosers["service_level"]
    threshold = service_chooser.controls["threshold_s"]
    slider = threshold_slider(explorer, threshold_s=int(service["threshold_s"]), clock=service["clock"],
                              abandoned=service["abandoned"], short_abandon_s=service["short_abandon_s"])
    slider.compute = lambda value: explorer.service_level(**{**service_chooser.definition, "threshold_s": value})
    slider.caption = "Service level within {} s, under the definition chosen below"
    widgets.link((slider.slider, "value"), (threshold, "value"))
    for name, control in service_chooser.controls.items():
        if name != "threshold_s":
            control.observe(lambda _change: slider.update(), names="value")
    slider.update()
    recorder = record_decision(ws, "definitions", chosen)
    panel = _Panel([
        _heading("Service level: how the threshold moves it"), slider,
        _heading("Service level: choose the definition"), choosers["service_level"],
        _heading("First-contact resolution: choose the method"), choosers["first_contact_resolution"],
        _heading("Repeat contacts: choose the window"), choosers["repeat_contact_rate"],
        recorder,
    ], value=chosen)
    panel.choosers, panel.recorder, panel.slider = choosers, recorder, slider
    return panel


class _Panel(widgets.VBox):
    """A VBox whose ``value`` is computed from its controls when asked."""

    def __init__(self, children: Sequence[widgets.Widget], *, value) -> None:
        self._value = value
        super().__init__(list(children))

    @property
    def value(self) -> Any:
        return self._value()


def norms_panel(ws: Any, tables, *, norms: Mapping[str, float],
                definitions: Mapping[str, Mapping[str, Any]] | None = None, calendar=None) -> widgets.VBox:
    """Day 7: a norm field per KPI, the KPIs under those norms live, and the record button for ``norms``.

    A changed field recomputes only its KPI, from an explorer (:class:`kpilib.days.norms.NormsExplorer`).
    """
    inputs = norm_inputs(norms, compute=NormsExplorer(tables, definitions=definitions, calendar=calendar))
    recorder = record_decision(ws, "norms", inputs)
    panel = _Panel([inputs, recorder], value=lambda: inputs.value)
    panel.inputs, panel.recorder = inputs, recorder
    return panel


def targets_panel(ws: Any, histories: Mapping[str, pd.DataFrame], *, targets: Mapping[str, float],
                  min_denominator: int = 1) -> widgets.VBox:
    """Day 7: a target field per KPI, how often the history met it live, and the record button for ``targets``.

    ``min_denominator`` leaves small periods out, as in :func:`kpilib.days.norms.target_overview`.
    """
    known: dict[tuple[str, float], pd.DataFrame] = {}   # each KPI's row per target: a field recomputes its own

    def overview(chosen: Mapping[str, float]) -> pd.DataFrame:
        for kpi, target in chosen.items():
            if (kpi, target) not in known:
                known[kpi, target] = target_overview(histories, {kpi: target}, min_denominator=min_denominator)
        return pd.concat([known[kpi, target] for kpi, target in chosen.items()], ignore_index=True)

    inputs = target_inputs(targets, compute=overview)
    recorder = record_decision(ws, "targets", inputs)
    panel = _Panel([inputs, recorder], value=lambda: inputs.value)
    panel.inputs, panel.recorder = inputs, recorder
    return panel
