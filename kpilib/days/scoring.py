"""Choosing the KPI set (day 9): weighted scores, a rank, a balance check and a small selection.

The group scores each candidate KPI from 1 (poor) to 5 (good) on six criteria
(:data:`CRITERIA`) and weighs the criteria. The weighted total is the weighted mean of the
scores, so it stays on the 1–5 scale whatever the weights add up to. The balance check looks at
a selection as a whole: every chain the organisation steers on is covered, not every KPI looks
back (lagging), not every KPI is internal.

All functions here are pure: frames in, frames out. The day-9 widget
(:func:`kpilib.widgets.scoring_grid`) only calls them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from kpilib._codes import chain_name
from kpilib._i18n import tr, trn
from kpilib._checks import check_number
from kpilib.exceptions import ParameterError, format_rows

__all__ = ["CANDIDATE_COLUMNS", "CRITERIA", "CRITERION_HEADERS", "DEFAULT_WEIGHTS", "balance_check", "candidates",
           "check_scores", "check_weights", "chains_covered", "kpi_set_value", "score_candidates", "select_set",
           "set_rows", "weights_table", "workshop_candidates"]

#: The scoring criteria, each scored 1 (poor) to 5 (good), with what a 5 means.
CRITERIA = {
    "customer_value_link": "measures what the customer values (a 5: a customer outcome the group chose)",
    "covers_the_chain": "covers the chain end to end, not one team's part of it",
    "controllable_by_owner": "its owner can move it with what the owner controls",
    "measurable_from_data": "can be measured from the data there is, reliably and often",
    "hard_to_game": "hard to improve on paper without helping the customer",
    "cost": "cheap to measure and to keep measuring (a 5: no extra cost)",
}
#: A short word per criterion, over its narrow score column in a table (the criteria table says each in full).
CRITERION_HEADERS = {
    "customer_value_link": "value", "covers_the_chain": "chain", "controllable_by_owner": "owner",
    "measurable_from_data": "data", "hard_to_game": "gaming", "cost": "cost",
}
#: Weights used when the group has not set its own: every criterion counts the same.
DEFAULT_WEIGHTS = dict.fromkeys(CRITERIA, 1)
#: The columns a candidates frame needs besides the criteria scores. ``chains`` holds the chain
#: ids the KPI covers (a tuple), ``view`` and ``timing`` the catalogue's kind of the KPI.
CANDIDATE_COLUMNS = ("kpi", "name", "chains", "view", "timing")
VIEWS = ("customer_seen", "internal")
TIMINGS = ("lead", "lag")
SCORE_RANGE = (1, 5)


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Validate criteria weights; return them in :data:`CRITERIA` order.

    Every criterion needs a weight: a number >= 0, not all of them 0.

    Examples
    --------
    >>> check_weights({**DEFAULT_WEIGHTS, "cost": -1})
    Traceback (most recent call last):
    kpilib.exceptions.ParameterError: criteria weights: `cost` must be >= 0; got -1
    """
    if not isinstance(weights, Mapping):
        raise ParameterError(f"criteria weights must be a mapping of criterion to number; got {weights!r}")
    unknown = [k for k in weights if k not in CRITERIA]
    missing = [k for k in CRITERIA if k not in weights]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("unknown " + ", ".join(f"`{k}`" for k in unknown))
        if missing:
            parts.append("missing " + ", ".join(f"`{k}`" for k in missing))
        raise ParameterError(f"criteria weights: {'; '.join(parts)}. Give one weight for each of "
                             + ", ".join(f"`{k}`" for k in CRITERIA))
    for name in CRITERIA:
        try:
            check_number(name, weights[name], minimum=0)
        except ParameterError as err:
            raise ParameterError(f"criteria weights: {err}") from None
        if not np.isfinite(weights[name]):
            raise ParameterError(f"criteria weights: `{name}` must be a finite number; got {weights[name]!r}")
    if sum(weights[k] for k in CRITERIA) == 0:
        raise ParameterError("criteria weights: all weights are 0; give at least one criterion a weight above 0")
    return {k: float(weights[k]) for k in CRITERIA}


def check_scores(candidates: pd.DataFrame) -> pd.DataFrame:
    """Validate a candidates frame: its columns, one row per KPI, whole scores from 1 to 5.

    Every problem is collected before failing; the message names the KPIs (rows) and the
    criteria with a bad score and what was found.

    Returns
    -------
    pandas.DataFrame
        A copy with the score columns as ``int64``.
    """
    if not isinstance(candidates, pd.DataFrame):
        raise ParameterError(f"candidates must be a pandas DataFrame; got {type(candidates).__name__}")
    needed = [*CANDIDATE_COLUMNS, *CRITERIA]
    missing = [c for c in needed if c not in candidates.columns]
    if missing:
        raise ParameterError("candidates: missing column" + ("s " if len(missing) > 1 else " ")
                             + ", ".join(f"`{c}`" for c in missing) + "; found "
                             + ", ".join(f"`{c}`" for c in candidates.columns))
    problems = []
    doubles = candidates["kpi"][candidates["kpi"].duplicated()].unique().tolist()
    if doubles:
        problems.append(f"KPI listed twice: {', '.join(map(str, doubles))}")
    for column, allowed in (("view", VIEWS), ("timing", TIMINGS)):
        bad = ~candidates[column].isin(allowed)
        if bad.any():
            found = ", ".join(sorted({_show(v) for v in candidates.loc[bad, column]}))
            problems.append(f"`{column}` of {_kpis(candidates, bad)}: expected one of "
                            f"{', '.join(map(repr, allowed))}, found {found}")
    lo, hi = SCORE_RANGE
    for name in CRITERIA:
        values = candidates[name]
        ok = values.map(lambda v: isinstance(v, Real) and not isinstance(v, bool)
                        and np.isfinite(v) and float(v) == int(v) and lo <= v <= hi)
        if not ok.all():
            found = ", ".join(sorted({_show(v) for v in values[~ok]})[:5])
            problems.append(f"`{name}` of {_kpis(candidates, ~ok)}: expected a whole score from {lo} to {hi}, "
                            f"found {found}")
    if problems:
        raise ParameterError("candidate scores:\n" + "\n".join(f"  - {p}" for p in problems)
                             + f"\nGive every KPI a whole score from {lo} to {hi} on every criterion.")
    out = candidates.copy()
    for name in CRITERIA:
        out[name] = out[name].astype("int64")
    return out


def _show(value) -> str:
    if isinstance(value, Real) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


def _kpis(candidates: pd.DataFrame, mask: pd.Series) -> str:
    rows = np.flatnonzero(mask.to_numpy())
    kpis = candidates["kpi"].iloc[rows].astype(str).tolist()
    text = ", ".join(kpis[:5])
    return f"{text} (+{len(kpis) - 5} more)" if len(kpis) > 5 else text or format_rows(rows)


def score_candidates(candidates: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The weighted total and rank of every candidate.

    total = sum(weight_c × score_c) / sum(weight_c) over the criteria c: a weighted mean, on
    the 1–5 scale. Rank 1 is the highest total; equal totals share the better rank (ties are
    listed in the candidates' order).

    Parameters
    ----------
    candidates : pandas.DataFrame
        :data:`CANDIDATE_COLUMNS` plus one score column per criterion (:func:`check_scores`).
    weights : mapping, optional
        Criterion -> weight; default :data:`DEFAULT_WEIGHTS`.

    Returns
    -------
    pandas.DataFrame
        The candidates with ``total`` and ``rank`` added, ordered by rank.
    """
    scores = check_scores(candidates)
    w = check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    matrix = scores[list(CRITERIA)].to_numpy(dtype="float64")
    vector = np.array([w[c] for c in CRITERIA])
    scores["total"] = matrix @ vector / vector.sum()
    scores["rank"] = scores["total"].rank(method="min", ascending=False).astype("int64")
    return scores.sort_values("rank", kind="stable").reset_index(drop=True)


def select_set(scored: pd.DataFrame, *, size: int = 5, chains: Sequence[str] | None = None) -> pd.DataFrame:
    """A small KPI set from the scored candidates.

    First the best-ranked KPI of each chain in ``chains`` (in the order given), so that every
    chain the organisation steers on has a KPI; then the best-ranked of the rest, until the set
    holds ``size`` KPIs. A chain without any candidate is left for :func:`balance_check` to report.
    A candidate whose ``missing`` names a table (:func:`candidates`) is not proposed.

    Parameters
    ----------
    scored : pandas.DataFrame
        The result of :func:`score_candidates`.
    size : int
        How many KPIs to choose (>= 1).
    chains : sequence of str, optional
        The chains to cover (the day-2 ``chains`` decision).

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``scored``, ordered by rank.
    """
    check_number("size", size, minimum=1, integer=True)
    if "rank" not in scored.columns:
        raise ParameterError("select_set needs scored candidates; call score_candidates first")
    ordered = scored.sort_values("rank", kind="stable")
    if "missing" in ordered.columns:  # a KPI the workshop's data cannot measure is never proposed
        ordered = ordered[ordered["missing"].fillna("") == ""]
    chosen: list[str] = []
    for chain in chains or []:
        of_chain = ordered.loc[ordered["chains"].map(lambda covered: chain in covered), "kpi"]
        if len(of_chain) and not set(of_chain) & set(chosen) and len(chosen) < size:
            chosen.append(of_chain.iloc[0])
    for kpi in ordered["kpi"]:
        if len(chosen) >= size:
            break
        if kpi not in chosen:
            chosen.append(kpi)
    return ordered[ordered["kpi"].isin(chosen)].reset_index(drop=True)


def balance_check(selection: pd.DataFrame, *, chains: Sequence[str] | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Check that a KPI set is balanced, with a finding in plain language per check.

    ``chains`` are chain ids (the findings name them as :func:`kpilib._codes.chain_name` does: the
    workshop's names), or a mapping of id to the chain's name that the findings then use.

    Checks: each chain in ``chains`` has at least one KPI; at least one KPI is leading (not every
    KPI looks back at results); at least one KPI is seen by the customer (not all internal); at
    least one KPI is internal, so a team can steer on something it controls day to day.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``ok`` (bool) and ``finding`` (a sentence for the group), one row per check.
    """
    missing = [c for c in CANDIDATE_COLUMNS if c not in selection.columns]
    if missing:
        raise ParameterError("selection: missing column" + ("s " if len(missing) > 1 else " ")
                             + ", ".join(f"`{c}`" for c in missing))
    rows = []
    n = len(selection)
    if n == 0:
        return pd.DataFrame([{"check": tr("size"), "ok": False, "finding": tr("The set is empty: choose at least one KPI.")}])
    named = dict(chains) if isinstance(chains, Mapping) else {chain: chain_name(chain) for chain in chains or []}
    for chain, name in named.items():
        kpis = selection.loc[selection["chains"].map(lambda covered: chain in covered), "name"].tolist()
        rows.append({"check": tr("chain {chain}").format(chain=name), "ok": bool(kpis),
                     "finding": (tr("Chain {chain} is covered by {kpis}.").format(chain=name, kpis=", ".join(kpis))
                                 if kpis else tr("Chain {chain} has no KPI in the set: nobody would see how it serves "
                                                 "the customer.").format(chain=name))})
    lead = int((selection["timing"] == "lead").sum())
    rows.append({"check": tr("leading"), "ok": lead > 0,
                 "finding": (trn("{lead} of the {n} KPIs leads: it moves before the results do.",
                                 "{lead} of the {n} KPIs lead: they move before the results do.", lead).format(lead=lead, n=n)
                             if lead else tr("All {n} KPIs lag: they report results after the fact; add one the teams "
                                             "can act on early.").format(n=n))})
    seen = int((selection["view"] == "customer_seen").sum())
    rows.append({"check": tr("seen by the customer"), "ok": seen > 0,
                 "finding": (trn("{seen} of the {n} KPIs is seen by the customer.",
                                 "{seen} of the {n} KPIs are seen by the customer.", seen).format(seen=seen, n=n) if seen else
                             tr("All {n} KPIs are internal: the set would stay green while the customer is "
                                "red.").format(n=n))})
    internal = n - seen
    rows.append({"check": tr("internal"), "ok": internal > 0,
                 "finding": (trn("{internal} of the {n} KPIs is an internal steering figure for the teams.",
                                 "{internal} of the {n} KPIs are internal steering figures for the teams.",
                                 internal).format(internal=internal, n=n) if internal else
                             tr("All {n} KPIs are customer-seen; the teams may need an internal figure they "
                                "control.").format(n=n))})
    return pd.DataFrame(rows, columns=["check", "ok", "finding"])


# -- candidates from the catalogue and the earlier days ---------------------------------------

#: Below this survey response rate a survey KPI scores 3 on `measurable_from_data`.
LOW_RESPONSE = 0.30


def chains_covered(chain_text: str, chains: Sequence[str]) -> tuple[str, ...]:
    """The chain ids a catalogue entry covers: all of them for "every chain …", else those it names.

    >>> chains_covered("the order chain", ["fault", "complaint", "order"])
    ('order',)
    >>> chains_covered("every chain that crosses teams", ["fault", "order"])
    ('fault', 'order')
    """
    text = chain_text.lower()
    if re.search(r"\bevery chain\b", text):
        return tuple(chains)
    return tuple(c for c in chains if re.search(rf"\b{re.escape(c.lower())}\b", text))


def candidates(catalogue, tables=None, *, customer_values: Sequence[str] = (),
               customer_outcomes: Sequence[str] = (), current_kpis: Sequence[Mapping[str, Any]] = (),
               chains: Sequence[str] = ()) -> pd.DataFrame:
    """Every catalogue KPI as a candidate, with suggested scores for the group to change.

    Order and ``source``: the day-4 customer outcomes first (in their order, source
    ``customer_outcome``), then the KPIs the teams use today (day 3, ``team_kpi``), then the rest of
    the catalogue (``catalogue``). The suggested scores follow fixed
    rules, so the group starts from a reasoned grid instead of a blank one:

    - ``customer_value_link``: 5 for a chosen customer outcome; 4 when the KPI serves one of the
      two customer values ranked first on day 1; 3 for a later customer value; else 2;
    - ``covers_the_chain``: 5 for a customer-seen result of every chain, 4 for one of named
      chains, 3 for another customer-seen KPI, 2 for an internal one;
    - ``controllable_by_owner``: 5 internal, 4 performance, 3 result (the whole chain moves it);
    - ``measurable_from_data``: 5 when every table the KPI needs has rows in ``tables``, 3 for a
      survey KPI whose response rate is below :data:`LOW_RESPONSE`, 1 when a table it needs is
      missing or empty (``missing`` names it);
    - ``hard_to_game``: 5 minus the gaming risks the catalogue lists, at least 1;
    - ``cost``: 5 when the data is already exported, 2 when a new source is needed.

    Parameters
    ----------
    catalogue : kpilib.kpis.catalogue.Catalogue
    tables : Store or mapping of table name to frame / Ibis table, optional
        The workshop's tables (for ``measurable_from_data`` and ``cost``); None scores every
        KPI as measurable.
    customer_values, customer_outcomes, current_kpis, chains
        The decisions of days 1, 4, 3 and 2.

    Returns
    -------
    pandas.DataFrame
        :data:`CANDIDATE_COLUMNS`, ``level``, ``customer_value``, ``source``, a score column
        per criterion, and ``missing``: the tables the KPI needs that the workshop lacks (empty
        when it can be measured; :func:`select_set` leaves such a KPI out).
    """
    from kpilib.kpis.catalogue import missing_inputs
    from kpilib.kpis.caveats import survey_response_rate
    from kpilib.kpis.kpiset import _tables

    have = None if tables is None else {n: t for n, t in _tables(tables).items() if _has_rows(t)}
    response = None
    if have is not None and "surveys" in have and "cases" in have:
        n, d = survey_response_rate(have["cases"], have["surveys"])
        response = n / d if d else 0.0
    team_kpis = [k["kpi"] for k in current_kpis]
    order = list(dict.fromkeys([*customer_outcomes, *team_kpis, *catalogue.ids]))
    rows = []
    for kpi in order:
        e = catalogue.entry(kpi)
        source = ("customer_outcome" if kpi in customer_outcomes
                  else "team_kpi" if kpi in team_kpis else "catalogue")
        covered = chains_covered(e.chain, chains)
        needs = [] if have is None else missing_inputs(kpi, have)
        missing = bool(needs)
        rank = list(customer_values).index(e.customer_value) if e.customer_value in customer_values else None
        scores = {
            "customer_value_link": 5 if kpi in customer_outcomes else 2 if rank is None else 4 if rank < 2 else 3,
            "covers_the_chain": (2 if e.view == "internal" else 3 if e.level != "result"
                                 else 5 if re.search(r"\bevery chain\b", e.chain.lower()) else 4),
            "controllable_by_owner": 5 if e.view == "internal" else 4 if e.level == "performance" else 3,
            "measurable_from_data": (1 if missing else 3 if "surveys" in e.sources and response is not None
                                     and response < LOW_RESPONSE else 5),
            "hard_to_game": max(1, 5 - len(e.gaming)),
            "cost": 2 if missing else 5,
        }
        rows.append({"kpi": kpi, "name": e.title, "chains": covered, "view": e.view, "timing": e.timing,
                     "level": e.level, "customer_value": e.customer_value, "source": source, **scores,
                     "missing": ", ".join(needs)})
    return pd.DataFrame(rows, columns=[*CANDIDATE_COLUMNS, "level", "customer_value", "source", *CRITERIA,
                                       "missing"])


def _has_rows(table) -> bool:
    if isinstance(table, pd.DataFrame):
        return len(table) > 0
    return int(table.count().execute()) > 0


def workshop_candidates(ws) -> pd.DataFrame:
    """:func:`candidates` from the workshop's catalogue, tables and decisions of days 1 to 4."""
    from kpilib.kpis.catalogue import load_catalogue

    return candidates(load_catalogue(), ws.store, customer_values=ws.decision("customer_values"),
                      customer_outcomes=ws.decision("customer_outcomes"),
                      current_kpis=ws.decision("current_kpis"), chains=ws.decision("chains"))


def kpi_set_value(selection: pd.DataFrame, *, owners: Mapping[str, str], default_owner: str = "to be agreed",
                  chains: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The ``kpi_set`` decision of a selection: ``{kpi, owner, score}`` per KPI.

    The owner is the chain owner (day 2) of the first chosen chain the KPI covers, else
    ``default_owner``; the score is the weighted total rounded to 2 decimals.
    """
    out = []
    for row in selection.itertuples():
        chain = next((c for c in chains if c in row.chains and c in owners), None)
        out.append({"kpi": row.kpi, "owner": owners[chain] if chain else default_owner,
                    "score": round(float(row.total), 2)})
    return out


def set_rows(scored: pd.DataFrame, kpi_set: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The scored rows of the KPIs in a ``kpi_set`` decision, in its order, with its owner and score.

    The recorded ``score`` is kept next to today's ``total`` and ``rank``, so that a set chosen
    under other weights or scores shows it.
    """
    if "rank" not in scored.columns:
        raise ParameterError("set_rows needs scored candidates; call score_candidates first")
    kpis = [item["kpi"] for item in kpi_set]
    unknown = [k for k in kpis if k not in set(scored["kpi"])]
    if unknown:
        raise ParameterError(f"the KPI set names KPIs that are not candidates: {', '.join(unknown)}")
    decided = pd.DataFrame(list(kpi_set), columns=["kpi", "owner", "score"])
    return decided.merge(scored, on="kpi", how="left", validate="one_to_one")


def weights_table(weights: Mapping[str, float]) -> pd.DataFrame:
    """The weights as a table: ``criterion``, ``weight``, ``share`` (of the total weight), ``meaning`` (in words)."""
    w = check_weights(weights)
    total = sum(w.values())
    return pd.DataFrame([{"criterion": tr(c.replace("_", " ")), "weight": w[c], "share": w[c] / total,
                          "meaning": tr(CRITERIA[c])}
                         for c in CRITERIA])
