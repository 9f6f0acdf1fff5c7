"""What the customer says: complaints resolved to satisfaction, CSAT, NPS, CES."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd

from kpilib.data._aggregate import check_by, indicator, normalise_by, tidy
from kpilib._checks import check_argument, check_number
from kpilib._docstrings import fill
from kpilib.data._inputs import canonical, same_backend
from kpilib.kpis._registry import kpi_function

NONRESPONSE = ("exclude", "unsatisfied")

@kpi_function
@fill
def complaints_resolved_to_satisfaction(cases, surveys, *, nonresponse: str = "exclude", min_csat: int = 4,
                                        by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of resolved complaints that the customer calls resolved and rates at least ``min_csat``.

    Population: complaint cases (``category == "complaint"``) with ``resolved_at`` not null. A case
    is satisfied when its latest linked survey (by ``answered_at``, ties by ``survey_id``) has
    ``resolved`` true and ``csat`` >= ``min_csat`` (a missing csat is not satisfied).
    ``nonresponse="exclude"``: denominator = resolved complaints with a survey;
    ``"unsatisfied"``: all resolved complaints (no survey counts as not satisfied).
    ``by`` takes case columns; anchor ``resolved_at``.

    Parameters
    ----------
    cases : pandas.DataFrame or ibis Table
        Canonical cases.
    surveys : pandas.DataFrame or ibis Table
        Canonical surveys, linked to cases by ``case_id``.
    nonresponse : {{'exclude', 'unsatisfied'}}
    min_csat : int
        The lowest csat (1–5) that counts as satisfied.
    {by}

    Returns
    -------
    {returns}
    """
    check_argument("nonresponse", nonresponse, NONRESPONSE)
    check_number("min_csat", min_csat, minimum=1, integer=True, maximum=5)
    ca = canonical(cases, "cases", required=("case_id", "category", "resolved_at"))
    su = canonical(surveys, "surveys", required=("case_id", "resolved", "csat"))
    con, time_zone = same_backend(ca, su)
    names = normalise_by(by)
    check_by(names, ca.table.columns)
    s = su.table.filter(lambda s: s.case_id.notnull())
    latest_first = ibis.window(group_by=s.case_id, order_by=[s.answered_at.desc(nulls_first=False),
                                                            s.survey_id.desc()])
    latest = (
        s.mutate(_rank=ibis.row_number().over(latest_first))
        .filter(lambda r: r._rank == 0)
        .select(_case="case_id", _resolved="resolved", _csat="csat")
    )
    k = ca.table
    complaints = k.filter((k.category == "complaint") & k.resolved_at.notnull())
    joined = complaints.left_join(latest, complaints.case_id == latest._case)
    answered = joined._case.notnull()
    satisfied = answered & (joined._resolved == True) & (joined._csat >= min_csat)  # noqa: E712
    denominator = answered if nonresponse == "exclude" else True
    return tidy(joined, by=names, anchor=joined.resolved_at, numerator=satisfied,
                denominator=denominator, con=con, time_zone=time_zone)


def _survey_kpi(surveys, column: str, by, numerator, denominator, **kw) -> pd.DataFrame:
    inp = canonical(surveys, "surveys", required=(column,))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    s = inp.table
    return tidy(s, by=names, anchor=s.answered_at, numerator=numerator(s[column]),
                denominator=denominator(s[column]), con=inp.con, time_zone=inp.time_zone, **kw)


@kpi_function
@fill
def csat(surveys, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of answered csat scores (1–5) that are 4 or 5.

    Parameters
    ----------
    {surveys}
    {by}

    Returns
    -------
    {returns}
    """
    return _survey_kpi(surveys, "csat", by, lambda x: x >= 4, lambda x: x.notnull())


@kpi_function
@fill
def nps(surveys, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Net Promoter Score: 100 × (share of 9–10 − share of 0–6) of the answered nps scores.

    numerator = 100 × (promoters − detractors), denominator = respondents, so that value =
    numerator / denominator lies between −100 and 100.

    Parameters
    ----------
    {surveys}
    {by}

    Returns
    -------
    {returns}
    """
    return _survey_kpi(surveys, "nps", by, lambda x: (100 * (indicator(x >= 9) - indicator(x <= 6)), x.notnull()),
                       lambda x: x.notnull())


@kpi_function
@fill
def ces(surveys, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mean customer effort score (1–7) of the answered ces scores.

    Parameters
    ----------
    {surveys}
    {by}

    Returns
    -------
    {returns}
    """
    return _survey_kpi(surveys, "ces", by, lambda x: (x, x.notnull()), lambda x: x.notnull())
