"""Number inputs for norms and targets, and the chain selector; each shows its consequence live."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpilib._codes import chain_name
from kpilib._i18n import tr
from kpilib.exceptions import KpiError, ParameterError
from kpilib.widgets._table import table_html

__all__ = ["ChainSelector", "NumberInputs", "chain_selector", "norm_inputs", "target_inputs"]


class NumberInputs(widgets.VBox):
    """One number field per key; ``value`` is ``{key: number}``; ``frame`` the table it drives.

    A field is checked as it is typed: a value outside its range keeps what was typed, shows the
    reason next to the field and leaves the table as it was; ``value`` then raises, so the record
    button says why it does not record. With ``percent``, the group types 80 for 80 % and ``value``
    holds 0.8. A value the computation refuses (a :class:`kpilib.KpiError`) is explained under the fields.
    """

    def __init__(self, values: Mapping[str, float], *, compute: Callable[[dict], pd.DataFrame] | None,
                 formats: Mapping[str, str], caption: str, step: float, labels: Mapping[str, str],
                 bounds: tuple[float, float | None] = (0, None), percent: bool = False,
                 present: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> None:
        self.percent = percent
        self.bounds = bounds
        self.present = present
        scale = 100 if percent else 1
        # one column of labels wide enough for the longest, and every field the same width beside it
        label_em = max(12, round(0.6 * max((len(labels.get(k, k)) for k in values), default=0)) + 1)
        self.fields = {
            key: widgets.FloatText(value=round(float(value) * scale, 6), step=step * scale,
                                   description=labels.get(key, key), style={"description_width": f"{label_em}em"},
                                   layout=widgets.Layout(width=f"{label_em + 8}em"))
            for key, value in values.items()
        }
        self.units = {key: widgets.HTML("%" if percent else "") for key in self.fields}
        self.problems = {key: widgets.HTML("") for key in self.fields}
        self.compute = compute
        self.formats = dict(formats)
        self.caption = caption
        self.output = widgets.HTML()
        self.frame: pd.DataFrame | None = None
        for field in self.fields.values():
            field.observe(lambda _change: self.update(), names="value")
        rows = [widgets.HBox([self.fields[k], self.units[k], self.problems[k]]) for k in self.fields]
        super().__init__([*rows, self.output])
        self.update()

    def _problem(self, typed: float) -> str | None:
        low, high = self.bounds
        unit = " %" if self.percent else ""
        if typed != typed:  # NaN: an empty or unreadable field
            return tr("type a number")
        if typed < low or (high is not None and typed > high):
            if high is None:
                return tr("{typed} is not possible: a value of {low} or more").format(
                    typed=f"{_text(typed)}{unit}", low=_text(low))
            return tr("{typed} is not possible: type a value between {low} and {high}").format(
                typed=f"{_text(typed)}{unit}", low=f"{_text(low)}{unit}", high=f"{_text(high)}{unit}")
        return None

    def _check(self) -> dict[str, str]:
        problems = {}
        for key, field in self.fields.items():
            problem = self._problem(float(field.value))
            self.problems[key].value = f'<span style="color:#b00020">{html.escape(problem)}</span>' if problem else ""
            if problem:
                problems[key] = problem
        return problems

    @property
    def value(self) -> dict[str, float]:
        problems = self._check()
        if problems:
            raise ParameterError("; ".join(f"{self.fields[k].description}: {p}" for k, p in problems.items()))
        scale = 100 if self.percent else 1
        return {key: _plain(round(float(field.value) / scale, 10)) for key, field in self.fields.items()}

    def update(self) -> pd.DataFrame | None:
        """Recompute the table for the values in the fields and show it (not for a value out of range)."""
        if self._check() or self.compute is None:
            return None
        try:
            self.frame = self.compute(self.value)
        except KpiError as error:
            self.output.value = f'<div style="color:#b00020">{html.escape(str(error))}</div>'
            return None
        shown = self.frame if self.present is None else self.present(self.frame)
        self.output.value = table_html(shown, formats=self.formats, caption=self.caption)
        return self.frame


def _text(number: float) -> str:
    return f"{_plain(number)}"


def _plain(number: float) -> int | float:
    """Whole numbers as int (5 working days, not 5.0)."""
    return int(number) if float(number).is_integer() else float(number)


#: How :func:`norm_inputs` formats the tidy KPI frame it shows by default.
KPI_FORMATS = {"value": "{:.1%}", "numerator": "{:,.0f}", "denominator": "{:,.0f}"}


def norm_inputs(norms: Mapping[str, float], *, compute: Callable[[dict], pd.DataFrame] | None = None,
                labels: Mapping[str, str] | None = None, formats: Mapping[str, Any] | None = None,
                caption: str = "The KPIs under these norms") -> NumberInputs:
    """Number fields for the norm of each KPI, with the KPIs under those norms shown live (KPIs by name).

    Parameters
    ----------
    norms : mapping
        KPI id → the starting norm (the shape of the ``norms`` decision).
    compute : callable, optional
        Called with ``{kpi: norm}``; returns the frame to show, for example
        ``lambda n: kpilib.days.norms.kpis_under_norms(ws.store, n, calendar=ws.calendar)``.
    labels : mapping, optional
        KPI id → the field's label.
    formats : mapping, optional
        Column → format of the table ``compute`` returns (as :func:`kpilib.show_table` takes
        them); default :data:`KPI_FORMATS`, for a tidy KPI frame.
    caption : str
        The table's caption.

    Returns
    -------
    NumberInputs
        ``value`` is ``{kpi: norm}``, ready for ``record_decision(ws, "norms", ...)``.
    """
    return NumberInputs(norms, compute=compute, step=1, labels={**norm_labels(norms), **(labels or {})},
                        caption=caption, formats=_NORM_FORMATS if formats is None else formats,
                        present=_present_norms if formats is None else None)


def target_inputs(targets: Mapping[str, float], *, compute: Callable[[dict], pd.DataFrame] | None = None,
                  labels: Mapping[str, str] | None = None) -> NumberInputs:
    """Number fields for the target of each KPI, with how often the history met them shown live.

    Parameters
    ----------
    targets : mapping
        KPI id → the starting target as a share, 0.8 (the shape of the ``targets`` decision); the
        field shows and takes it as a percentage, 80.
    compute : callable, optional
        Called with ``{kpi: target}``; for example
        ``lambda t: kpilib.days.norms.target_overview(histories, t)``.
    labels : mapping, optional
        KPI id → the field's label.

    Returns
    -------
    NumberInputs
        ``value`` is ``{kpi: target}``, ready for ``record_decision(ws, "targets", ...)``.
    """
    formats = {"target": "{:.1%}", "median": "{:.1%}", "best quartile": "{:.1%}", "share met": "{:.0%}"}
    return NumberInputs(targets, compute=compute, step=0.01, labels={**target_labels(targets), **(labels or {})},
                        formats=formats, bounds=(0, 100), percent=True, present=_present_targets,
                        caption=tr("Each target against the history: periods that met it (numerator of denominator)"))


_NORM_FORMATS = {"share within the norm": "{:.1%}", "within the norm": "{:,.0f}", "counted": "{:,.0f}"}


def _present_norms(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPIs under norms as the room reads them: the KPI's name, its norm with the unit, the counts."""
    rest = [c for c in frame.columns if c not in ("kpi", "norm_parameter", "norm", "numerator", "denominator", "value")]
    return pd.DataFrame({
        "KPI": [_kpi_name(k) for k in frame["kpi"]],
        "norm": [f"{_plain(n)} {tr(_norm_unit(k))}".strip() for k, n in zip(frame["kpi"], frame["norm"])],
        **{c: frame[c].to_numpy() for c in rest},
        "within the norm": frame["numerator"].to_numpy(), "counted": frame["denominator"].to_numpy(),
        "share within the norm": frame["value"].to_numpy()})


def _present_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Each target against the history, in the room's words: better when higher or lower, periods met."""
    return pd.DataFrame({
        "KPI": [_kpi_name(k) for k in frame["kpi"]],
        "better when": frame["polarity"].to_numpy(), "target": frame["target"].to_numpy(),
        "median": frame["median"].to_numpy(), "best quartile": frame["best_quartile"].to_numpy(),
        "periods met": frame["numerator"].to_numpy(), "periods measured": frame["denominator"].to_numpy(),
        "share met": frame["value"].to_numpy()})


_UNITS = (("_s", "s"), ("_days", "days"), ("_hours", "h"), ("_h", "h"), ("_min", "min"))


def _kpi_name(kpi: str) -> str:
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    return catalogue.entry(kpi).title if kpi in catalogue else kpi.replace("_", " ")


def norm_labels(norms: Mapping[str, float]) -> dict[str, str]:
    """KPI id → "Service level: norm (s)": the KPI's name and the unit of its norm parameter."""
    return {kpi: tr("{kpi}: norm").format(kpi=_kpi_name(kpi)) + (f" ({tr(_norm_unit(kpi))})" if _norm_unit(kpi) else "")
            for kpi in norms}


def _norm_unit(kpi: str) -> str:
    """The unit of the KPI's norm parameter ("s", "days", …), from its name; "" when it has none."""
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    parameter = catalogue.entry(kpi).norm if kpi in catalogue else None
    return next((u for suffix, u in _UNITS if parameter and parameter.endswith(suffix)), "")


def target_labels(targets: Mapping[str, float]) -> dict[str, str]:
    """KPI id → "Service level: target (%)"."""
    return {kpi: tr("{kpi}: target").format(kpi=_kpi_name(kpi)) for kpi in targets}


class ChainSelector(widgets.VBox):
    """A tick box and an owner field per chain; ``value`` is the ticked chain ids, ``owners`` their owners."""

    def __init__(self, chain_ids: Sequence[str], *, selected: Sequence[str], owners: Mapping[str, str],
                 labels: Mapping[str, str]) -> None:
        self.boxes = {c: widgets.Checkbox(value=c in selected, description=labels.get(c) or chain_name(c),
                                          indent=False) for c in chain_ids}
        self.owner_fields = {c: widgets.Text(value=owners.get(c, ""), placeholder=tr("chain owner"))
                             for c in chain_ids}
        rows = [widgets.HBox([self.boxes[c], self.owner_fields[c]]) for c in chain_ids]
        super().__init__(rows)

    @property
    def value(self) -> list[str]:
        return [c for c, box in self.boxes.items() if box.value]

    @property
    def owners(self) -> dict[str, str]:
        """Chain id → owner, for the ticked chains whose owner field is filled in."""
        return {c: self.owner_fields[c].value.strip() for c in self.value if self.owner_fields[c].value.strip()}


def chain_selector(chain_ids: Sequence[str], *, selected: Sequence[str] | None = None,
                   owners: Mapping[str, str] | None = None,
                   labels: Mapping[str, str] | None = None) -> ChainSelector:
    """Tick the chains to steer on and name their owners.

    Parameters
    ----------
    chain_ids : sequence of str
        The chains to choose from (for example the ids of ``workshop.yaml``'s ``chains:``).
    selected : sequence of str, optional
        The chains ticked at the start (for example the ``chains`` decision in force).
    owners : mapping, optional
        Chain id → owner at the start (the ``chain_owners`` decision in force).
    labels : mapping, optional
        Chain id → the name shown; default the chain's name (:func:`kpilib._codes.chain_name`), never its id.

    Returns
    -------
    ChainSelector
        ``value`` → the ``chains`` decision; ``owners`` → the ``chain_owners`` decision
        (``record_decision(ws, "chain_owners", lambda: selector.owners)``).
    """
    return ChainSelector(list(chain_ids), selected=list(selected or []), owners=dict(owners or {}),
                         labels=dict(labels or {}))
