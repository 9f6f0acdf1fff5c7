"""The day-9 scoring grid: weights and scores in, the ranked candidates, the set and its balance out."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kpilib._i18n import tr
from kpilib.exceptions import KpiError, ParameterError
from kpilib.widgets._table import table_html
from kpilib.days.scoring import (CRITERIA, DEFAULT_WEIGHTS, balance_check, check_scores, check_weights,
                            kpi_set_value, score_candidates, select_set)

__all__ = ["ScoringGrid", "scoring_grid"]

_SHORT = {"customer_value_link": "customer value", "covers_the_chain": "covers chain",
          "controllable_by_owner": "controllable", "measurable_from_data": "measurable",
          "hard_to_game": "hard to game", "cost": "low cost"}
_CELL = widgets.Layout(width="70px")


class ScoringGrid(widgets.VBox):
    """Weights per criterion, a 1–5 score per KPI and criterion, and the result below them.

    Every change recomputes the ranking (:func:`kpilib.days.scoring.score_candidates`), the set
    (:func:`~kpilib.days.scoring.select_set`) and the balance check. Pass :meth:`weights` and
    :meth:`kpi_set` to :func:`kpilib.widgets.record_decision` to record them.
    """

    def __init__(self, candidates: pd.DataFrame, *, weights: Mapping[str, float] | None = None,
                 chains: Sequence[str] = (), owners: Mapping[str, str] | None = None, size: int = 5,
                 kpi_owners: Mapping[str, str] | None = None) -> None:
        self._candidates = check_scores(candidates)
        start = check_weights(DEFAULT_WEIGHTS if weights is None else weights)
        self._chains = list(chains)
        self._owners = dict(owners or {})
        self._kpi_owners = dict(kpi_owners or {})
        #: The owner field of each KPI that has been in the set, kept when it leaves it (nothing typed is lost).
        self.owner_fields: dict[str, widgets.Text] = {}
        self._owner_rows: dict[str, widgets.HBox] = {}
        self._owner_heading = widgets.HTML("<b>Owner of each KPI in the set</b>")
        self._owners_shown: tuple[str, ...] = ()
        self._owner_box = widgets.VBox()
        self._weight_inputs = {c: widgets.BoundedFloatText(value=start[c], min=0, max=10, step=0.5,
                                                           layout=_CELL) for c in CRITERIA}
        self._score_inputs = {
            (row.kpi, c): widgets.BoundedIntText(value=int(getattr(row, c)), min=1, max=5, layout=_CELL)
            for row in self._candidates.itertuples() for c in CRITERIA}
        self._size = widgets.IntSlider(value=min(size, len(self._candidates)), min=1,
                                       max=max(1, len(self._candidates)), description=tr("set size"))
        self.result = widgets.HTML()
        for control in [*self._weight_inputs.values(), *self._score_inputs.values(), self._size]:
            control.observe(lambda _change: self.refresh(), names="value")
        super().__init__([self._grid(), self._size, self._owner_box, self.result])
        self.refresh()

    def _grid(self) -> widgets.GridBox:
        header = [widgets.HTML("<b>KPI</b>")] + [widgets.HTML(f"<b>{html.escape(_SHORT[c])}</b>") for c in CRITERIA]
        weights = [widgets.HTML("<i>weight</i>")] + list(self._weight_inputs.values())
        cells = header + weights
        for row in self._candidates.itertuples():
            cells.append(widgets.HTML(html.escape(str(row.name))))
            cells += [self._score_inputs[(row.kpi, c)] for c in CRITERIA]
        return widgets.GridBox(cells, layout=widgets.Layout(
            grid_template_columns="minmax(220px, auto) " + " ".join(["80px"] * len(CRITERIA))))

    def weights(self) -> dict[str, float]:
        """The weights as entered (checked)."""
        return check_weights({c: w.value for c, w in self._weight_inputs.items()})

    def scores(self) -> pd.DataFrame:
        """The candidates with the scores as entered."""
        frame = self._candidates.copy()
        for c in CRITERIA:
            frame[c] = [self._score_inputs[(kpi, c)].value for kpi in frame["kpi"]]
        return check_scores(frame)

    def scored(self) -> pd.DataFrame:
        return score_candidates(self.scores(), self.weights())

    def selection(self) -> pd.DataFrame:
        return select_set(self.scored(), size=self._size.value, chains=self._chains)

    def kpi_set(self) -> list[dict[str, Any]]:
        """The selection as the value of the ``kpi_set`` decision, with the owners as entered."""
        selection = self.selection()
        value = kpi_set_value(selection, owners=self._owners, chains=self._chains)
        names = dict(zip(selection["kpi"], selection["name"]))
        for item in value:
            field = self.owner_fields.get(item["kpi"])
            if field is not None:
                item["owner"] = field.value.strip()
            if not item["owner"]:
                raise ParameterError(f"every KPI in the set needs an owner: enter one for {names[item['kpi']]}")
        return value

    def _show_owners(self, chosen: pd.DataFrame) -> None:
        """An owner field per KPI in the set, filled with the recorded owner, else the chain owner (day 2).

        The rows are built once per KPI and shown again when the set changes, so a change of weights or
        scores that keeps the set costs nothing here.
        """
        kpis = tuple(chosen["kpi"])
        if kpis == self._owners_shown:
            return
        start = {i["kpi"]: i["owner"] for i in kpi_set_value(chosen, owners=self._owners, chains=self._chains)}
        for kpi, name in zip(chosen["kpi"], chosen["name"]):
            if kpi not in self.owner_fields:
                self.owner_fields[kpi] = widgets.Text(value=self._kpi_owners.get(kpi, start[kpi]),
                                                      placeholder=tr("who owns this KPI"), layout={"width": "260px"})
                self._owner_rows[kpi] = widgets.HBox([widgets.HTML(html.escape(str(name)),
                                                                   layout={"width": "300px"}),
                                                      self.owner_fields[kpi]])
        self._owner_box.children = [self._owner_heading, *(self._owner_rows[k] for k in kpis)]
        self._owners_shown = kpis

    def refresh(self) -> None:
        """Recompute and show the ranking, the set and its balance; show a clear message on bad input."""
        try:
            scored = self.scored()
            chosen = select_set(scored, size=self._size.value, chains=self._chains)
            balance = balance_check(chosen, chains=self._chains)
        except KpiError as error:
            self.result.value = f'<div style="color:#b00020">{html.escape(str(error))}</div>'
            return
        self._show_owners(chosen)
        ranking = pd.DataFrame({"rank": scored["rank"].to_numpy(), "KPI": scored["name"].to_numpy(),
                                "total": scored["total"].round(2).to_numpy(),
                                "in the set": np.where(scored["kpi"].isin(chosen["kpi"]), "yes", "")})
        checks = balance.assign(ok=balance["ok"].map({True: "yes", False: "NO"}))
        self.result.value = (table_html(ranking, formats={"total": "{:.2f}"}, caption=tr("Ranking"))
                             + table_html(checks, caption=tr("Balance of the set")))


def scoring_grid(candidates: pd.DataFrame, *, weights: Mapping[str, float] | None = None,
                 chains: Sequence[str] = (), owners: Mapping[str, str] | None = None,
                 size: int = 5, kpi_owners: Mapping[str, str] | None = None) -> ScoringGrid:
    """The day-9 scoring grid for ``candidates`` (:func:`kpilib.days.scoring.workshop_candidates`).

    Parameters
    ----------
    candidates : pandas.DataFrame
        The candidates with their starting scores.
    weights : mapping, optional
        Starting weights (the ``criteria_weights`` decision); default equal weights.
    chains : sequence of str
        The chains to cover (the ``chains`` decision).
    owners : mapping, optional
        Chain id -> owner (the ``chain_owners`` decision), for the ``kpi_set`` value.
    size : int
        The starting size of the set.
    kpi_owners : mapping, optional
        KPI id -> owner (from the ``kpi_set`` decision in force): the owner fields start with these;
        other KPIs start with their chain's owner, else "to be agreed". The group can edit every one.

    Returns
    -------
    ScoringGrid
    """
    return ScoringGrid(candidates, weights=weights, chains=chains, owners=owners, size=size,
                       kpi_owners=kpi_owners)
