"""The chain as the customer experiences it: each outcome on the chain's own cases, against the norm.

A chain's tables are the canonical tables restricted to the chain's cases (rows with a
``case_id`` of the chain; orders, which have no case, are all kept). On them each outcome is the
catalogue KPI computed with the workshop's definition, and judged against its target with the
KPI's polarity: green when the value is on the right side of the target, red otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from kpilib._i18n import tr
from kpilib.kpis.wording import definition_sentence
from kpilib.data import backend
from kpilib.chains._config import Chain
from kpilib.chains._membership import chain_case_ids, in_chain
from kpilib.exceptions import ParameterError

#: The customer's outcomes of a chain, in the order the chain view shows them. ``end_to_end`` is
#: ``time_to_resolution`` (or ``time_to_first_contact`` for a chain that starts at an order) with
#: the chain's own norm in working days.
OUTCOMES = ("end_to_end", "contacts_per_case", "handoffs_per_case", "repeat_contact_rate",
            "first_contact_resolution", "complaints_resolved_to_satisfaction", "callback_timeliness")
#: Starting targets for the customer outcomes, KPI id -> target, for the workshop to replace (the
#: day-7 ``targets`` decision): 80 % of needs met within the customer's norm; one contact per case
#: for most customers (1.5 on average) and at most one handoff for every other case (0.5); at most
#: 15 % repeat contacts, 80 % resolved at the first contact, 70 % of complaints resolved to
#: satisfaction, 90 % of call-backs on time.
DEFAULT_TARGETS = {"time_to_resolution": 0.80, "time_to_first_contact": 0.80, "contacts_per_case": 1.5,
                   "handoffs_per_case": 0.5, "repeat_contact_rate": 0.15, "first_contact_resolution": 0.80,
                   "complaints_resolved_to_satisfaction": 0.70, "callback_timeliness": 0.90}
VERDICTS = ("green", "red", "no target", "no data")
#: The label of a chain's end-to-end outcome, before its norm in words.
END_TO_END_LABEL = "Need met end to end: {norm}"
_CASE_TABLES = ("contacts", "cases", "events", "callbacks", "surveys")
RESULT_COLUMNS = ["kpi", "label", "definition", "numerator", "denominator", "value", "target", "polarity",
                  "verdict"]


def tables_of(tables) -> dict[str, Any]:
    """A Store, or a mapping of table name to frame / Ibis table, as a plain dict."""
    from kpilib.kpis.kpiset import _tables

    return _tables(tables)


def chain_tables(tables, chain: Chain) -> dict[str, Any]:
    """The canonical tables restricted to the cases of ``chain`` (orders: all of them)."""
    from kpilib.data._inputs import canonical

    have = tables_of(tables)
    ids = chain_case_ids(chain, cases=have.get("cases"), contacts=have.get("contacts"), events=have.get("events"))
    out = {}
    for name, table in have.items():
        if name in _CASE_TABLES:
            out[name] = in_chain(canonical(table, name).table, ids)
        else:
            out[name] = table
    return out


def verdict(value: float, target: float | None, polarity: str) -> str:
    """``green`` when ``value`` meets ``target`` in the KPI's direction, else ``red``.

    ``higher``: value >= target; ``lower``: value <= target. No value: ``no data``; no target:
    ``no target``.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "no data"
    if target is None:
        return "no target"
    return "green" if (value >= target if polarity == "higher" else value <= target) else "red"


def judged(kpi: str, result: pd.DataFrame, definition: Mapping[str, Any], target: float | None,
           *, label: str | None = None) -> dict[str, Any]:
    """One row of a judged KPI: the tidy result's single row with its target and verdict."""
    from kpilib.kpis.catalogue import load_catalogue

    entry = load_catalogue().entry(kpi)
    row = result.iloc[0] if len(result) else pd.Series({"numerator": 0, "denominator": 0, "value": np.nan})
    value = float(row["value"])
    return {"kpi": kpi, "label": label or entry.title, "definition": definition_sentence(kpi, definition),
            "numerator": float(row["numerator"]), "denominator": int(row["denominator"]), "value": value,
            "target": None if target is None else float(target), "polarity": entry.polarity,
            "verdict": verdict(value, target, entry.polarity)}


def start_table(chain: Chain) -> str:
    """The table a chain's need starts in: ``orders`` for a chain that starts at an order, else ``cases``."""
    return "orders" if chain.start == "order_placed" else "cases"


def end_to_end(tables, chain: Chain) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The KPI id, its tables and its definition for the chain's end-to-end outcome."""
    if chain.start == "order_placed":
        orders = tables.get("orders")
        if orders is None:
            raise ParameterError(f"chain {chain.id!r} starts at an order: the workshop needs an `orders` table")
        if chain.fulfilled == "delivered":  # working days from the order to delivery
            orders = _table(orders, "orders").mutate(first_contact_at=lambda t: t.delivered_at)
        return "time_to_first_contact", {"orders": orders}, {"norm_days": chain.norm_days}
    cases = tables.get("cases")
    if cases is None:
        raise ParameterError(f"chain {chain.id!r} is measured on cases: the workshop needs a `cases` table")
    if chain.fulfilled == "closed":  # working days from opening to closing
        cases = _table(cases, "cases").mutate(resolved_at=lambda t: t.closed_at)
    return "time_to_resolution", {"cases": cases}, {"norm_days": chain.norm_days}


def customer_outcomes(tables, chains: Chain | Sequence[Chain], *, targets: Mapping[str, float] | None = None,
                      definitions: Mapping[str, Mapping[str, Any]] | None = None, calendar=None,
                      as_of=None, outcomes: Sequence[str] = OUTCOMES) -> pd.DataFrame:
    """Per chain, the customer's outcomes on the chain's cases, each against its target.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables of the workshop (``ws.store``).
    chains : Chain or list of Chain
        The chains (:func:`kpilib.chains.load_chains`).
    targets : mapping of KPI id to number, optional
        Targets over :data:`DEFAULT_TARGETS` (the day-7 ``targets`` decision).
    definitions : mapping of KPI id to definition, optional
        Definition parameters per KPI (the day-6 ``definitions`` decision); the end-to-end norm is
        always the chain's own.
    calendar : WorkingCalendar, optional
    as_of : timestamp, optional
    outcomes : list of str
        Which of :data:`OUTCOMES` to compute, in this order.

    Returns
    -------
    pandas.DataFrame
        ``chain``, ``kpi``, ``label``, ``definition`` (as text), ``numerator``, ``denominator``,
        ``value``, ``target``, ``polarity``, ``verdict`` (one of :data:`VERDICTS`). Outcomes
        that do not apply to a chain (no complaints in it, no call-backs) are left out.
    """
    from kpilib.kpis.catalogue import compute_kpi, missing_inputs

    chains = [chains] if isinstance(chains, Chain) else list(chains)
    for name in outcomes:
        if name not in OUTCOMES:
            raise ParameterError(f"`outcomes` must hold names among {', '.join(map(repr, OUTCOMES))}; got {name!r}")
    targets = DEFAULT_TARGETS | dict(targets or {})
    definitions = dict(definitions or {})
    rows = []
    for chain in chains:
        mine = chain_tables(tables, chain)
        for name in outcomes:
            if name == "end_to_end":
                if start_table(chain) not in mine:
                    continue
                kpi, inputs, definition = end_to_end(mine, chain)
                definition = {**definitions.get(kpi, {}), **definition}
                label = tr(END_TO_END_LABEL).format(norm=chain.norm)
            else:
                kpi, inputs, definition = name, mine, dict(definitions.get(name, {}))
                label = None
            extra = {"calendar": calendar} if kpi in ("time_to_resolution", "time_to_first_contact") else {}
            if as_of is not None and kpi in ("time_to_resolution", "time_to_first_contact", "callback_timeliness"):
                extra["as_of"] = as_of
            if missing_inputs(kpi, inputs, definition):  # left out: :func:`unmeasured_outcomes` names it
                continue
            result = compute_kpi(kpi, inputs, **definition, **extra)
            if len(result) and int(result["denominator"].iloc[0]) == 0 and name != "end_to_end":
                continue
            rows.append({"chain": chain.id, **judged(kpi, result, definition, targets.get(kpi), label=label)})
    return pd.DataFrame(rows, columns=["chain", *RESULT_COLUMNS])


def end_to_end_days(tables, chains: Chain | Sequence[Chain], *, calendar=None, as_of=None) -> pd.DataFrame:
    """Per chain, the working days from the need to fulfilled: median, p90 and the share within the norm.

    Returns
    -------
    pandas.DataFrame
        ``chain``, ``norm_days``, ``needs`` (cases, or orders), ``fulfilled``, ``median_days``,
        ``p90_days`` (over fulfilled needs), ``within_norm`` (needs met within the norm, of the needs met
        plus the open ones already past it: the rule of the chain's end-to-end outcome, so the two agree), ``missing``
        (the table a chain starts from when the workshop lacks it, ``"orders"``; its figures are empty).
    """
    from kpilib.chains._stays import calendar_or_default
    from kpilib.kpis.timeliness import working_days_columns

    chains = [chains] if isinstance(chains, Chain) else list(chains)
    calendar = calendar_or_default(calendar)
    rows = []
    for chain in chains:
        mine = chain_tables(tables, chain)
        if start_table(chain) not in mine:  # the workshop has no orders (or cases): nothing to measure, say what
            rows.append({"chain": chain.id, "norm_days": chain.norm_days, "needs": 0, "fulfilled": 0,
                         "median_days": np.nan, "p90_days": np.nan, "within_norm": np.nan,
                         "missing": start_table(chain)})
            continue
        kpi, inputs, _ = end_to_end(mine, chain)
        name, start, end = (("orders", "ordered_at", "first_contact_at") if kpi == "time_to_first_contact"
                            else ("cases", "opened_at", "resolved_at"))
        from kpilib.data._inputs import canonical

        inp = canonical(inputs[name], name, required=(start,))
        t, _ = working_days_columns(inp.table, start, end, as_of=as_of, calendar=calendar, con=inp.con,
                                    time_zone=inp.time_zone, stamps=(start, end))
        done = t[end].notnull()
        # Quantiles of the fulfilled needs' days, nulls for the others (quantiles skip nulls):
        # Ibis compiles `quantile(where=…)` into a percentile Spark rejects.
        days = ibis.ifelse(done, t._wd, ibis.null().cast(t._wd.type()))
        expr = t.aggregate(needs=t.count(), fulfilled=t.count(where=done),
                           median_days=days.median(), p90_days=days.quantile(0.9),
                           within=t.count(where=done & (t._wd <= chain.norm_days)),
                           late_open=t.count(where=~done & (t._elapsed > chain.norm_days)))
        got = backend.execute(expr, con=inp.con, time_zone=inp.time_zone).iloc[0]
        fulfilled, judged = int(got["fulfilled"]), int(got["fulfilled"]) + int(got["late_open"])
        rows.append({"chain": chain.id, "norm_days": chain.norm_days, "needs": int(got["needs"]),
                     "fulfilled": fulfilled, "median_days": float(got["median_days"]) if fulfilled else np.nan,
                     "p90_days": float(got["p90_days"]) if fulfilled else np.nan,
                     "within_norm": int(got["within"]) / judged if judged else np.nan, "missing": ""})
    return pd.DataFrame(rows, columns=["chain", "norm_days", "needs", "fulfilled", "median_days", "p90_days",
                                       "within_norm", "missing"])


def _table(data, name: str):
    from kpilib.data._inputs import canonical

    return canonical(data, name).table


