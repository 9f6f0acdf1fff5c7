"""Scoring the candidate KPIs: weights, scores, totals, rank, selection and the balance check."""

from __future__ import annotations

import pandas as pd
import pytest

from kpilib.exceptions import ParameterError
from kpilib.days.scoring import (CRITERIA, DEFAULT_WEIGHTS, balance_check, check_scores, check_weights,
                            score_candidates, select_set, set_rows, weights_table)

#        customer_value_link covers_the_chain controllable_by_owner measurable_from_data hard_to_game cost
SCORES = {
    "time_to_resolution": (5, 5, 3, 4, 4, 4),
    "repeat_contact_rate": (4, 4, 3, 5, 3, 5),
    "service_level": (2, 1, 5, 5, 2, 5),
    "callback_timeliness": (4, 3, 4, 4, 4, 4),
    "csat": (5, 4, 2, 3, 2, 2),
}
META = {  # chains covered, view, timing
    "time_to_resolution": (("fault",), "customer_seen", "lag"),
    "repeat_contact_rate": (("fault",), "customer_seen", "lag"),
    "service_level": (("contact",), "internal", "lead"),
    "callback_timeliness": (("fault",), "internal", "lead"),
    "csat": (("contact", "order"), "customer_seen", "lag"),
}

WEIGHTS = {"customer_value_link": 3, "covers_the_chain": 2, "controllable_by_owner": 2, "measurable_from_data": 2,
           "hard_to_game": 1, "cost": 1}


def candidates() -> pd.DataFrame:
    rows = []
    for kpi, scores in SCORES.items():
        chains, view, timing = META[kpi]
        rows.append(dict(kpi=kpi, name=kpi.replace("_", " "), chains=chains, view=view,
                         timing=timing, **dict(zip(CRITERIA, scores))))
    return pd.DataFrame(rows)


def test_weighted_total_and_rank():
    result = score_candidates(candidates(), WEIGHTS)
    # weights 3, 2, 2, 2, 1, 1 (sum 11):
    # time_to_resolution  (15 + 10 + 6 + 8 + 4 + 4) / 11 = 47 / 11 = 4.2727
    # repeat_contact_rate (12 + 8 + 6 + 10 + 3 + 5) / 11 = 44 / 11 = 4.0
    # callback_timeliness (12 + 6 + 8 + 8 + 4 + 4) / 11 = 42 / 11 = 3.8182
    # csat                (15 + 8 + 4 + 6 + 2 + 2) / 11 = 37 / 11 = 3.3636
    # service_level       (6 + 2 + 10 + 10 + 2 + 5) / 11 = 35 / 11 = 3.1818
    assert result["kpi"].tolist() == ["time_to_resolution", "repeat_contact_rate", "callback_timeliness",
                                      "csat", "service_level"]
    assert result["total"].tolist() == pytest.approx([47 / 11, 44 / 11, 42 / 11, 37 / 11, 35 / 11])
    assert result["rank"].tolist() == [1, 2, 3, 4, 5]


def test_weights_change_the_rank_and_ties_share_it():
    weights = {c: 0 for c in CRITERIA} | {"controllable_by_owner": 1, "measurable_from_data": 1}
    result = score_candidates(candidates(), weights)
    # (controllable + measurable) / 2: service_level 5, callback_timeliness 4,
    # repeat_contact_rate 4, time_to_resolution 3.5, csat 2.5; the tie keeps the input order
    assert result["kpi"].tolist() == ["service_level", "repeat_contact_rate", "callback_timeliness",
                                      "time_to_resolution", "csat"]
    assert result["total"].tolist() == [5.0, 4.0, 4.0, 3.5, 2.5]
    assert result["rank"].tolist() == [1, 2, 2, 4, 5]


def test_bad_weights_are_named():
    with pytest.raises(ParameterError, match=r"unknown `speed`; missing `cost`"):
        check_weights({k: 1 for k in CRITERIA if k != "cost"} | {"speed": 1})
    with pytest.raises(ParameterError, match=r"^criteria weights: `cost` must be >= 0; got -1"):
        check_weights(DEFAULT_WEIGHTS | {"cost": -1})
    assert check_weights(DEFAULT_WEIGHTS) == dict.fromkeys(CRITERIA, 1.0)
    with pytest.raises(ParameterError, match="all weights are 0"):
        check_weights({k: 0 for k in CRITERIA})
    with pytest.raises(ParameterError, match="must be a number"):
        check_weights(DEFAULT_WEIGHTS | {"cost": "high"})


def test_bad_scores_are_all_listed():
    frame = candidates().astype({"cost": "float64"})
    frame.loc[frame["kpi"] == "csat", "cost"] = 6
    frame.loc[frame["kpi"] == "service_level", "cost"] = 2.5
    frame.loc[frame["kpi"] == "csat", "timing"] = "late"
    with pytest.raises(ParameterError) as info:
        check_scores(frame)
    text = str(info.value)
    assert "`timing` of csat: expected one of 'lead', 'lag', found 'late'" in text
    assert "`cost` of service_level, csat: expected a whole score from 1 to 5, found 2.5, 6" in text
    with pytest.raises(ParameterError, match="missing column `hard_to_game`"):
        check_scores(candidates().drop(columns="hard_to_game"))
    with pytest.raises(ParameterError, match="KPI listed twice: csat"):
        check_scores(pd.concat([candidates(), candidates().tail(1)]))


def test_select_covers_each_chain_first():
    scored = score_candidates(candidates(), WEIGHTS)
    # by rank alone the best 2 are both fault KPIs; covering "contact" brings in csat (rank 4)
    assert select_set(scored, size=2)["kpi"].tolist() == ["time_to_resolution", "repeat_contact_rate"]
    chosen = select_set(scored, size=2, chains=["fault", "contact"])
    assert chosen["kpi"].tolist() == ["time_to_resolution", "csat"]
    assert select_set(scored, size=3, chains=["contact"])["kpi"].tolist() == [
        "time_to_resolution", "repeat_contact_rate", "csat"]


def test_balance_check_findings():
    scored = score_candidates(candidates(), WEIGHTS)
    two = select_set(scored, size=2)
    result = balance_check(two, chains=["fault", "contact"])
    # chain ids read by their names; without a workshop's names, as the default chains: the category in words
    assert result["check"].tolist() == ["chain Fault", "chain Contact", "leading", "seen by the customer", "internal"]
    assert result["ok"].tolist() == [True, False, False, True, False]
    assert result["finding"].iloc[1] == ("Chain Contact has no KPI in the set: nobody would see how it serves "
                                         "the customer.")
    assert result["finding"].iloc[2].startswith("All 2 KPIs lag")
    balanced = balance_check(select_set(scored, size=4, chains=["fault", "contact"]), chains=["fault", "contact"])
    # time_to_resolution, csat, repeat_contact_rate, callback_timeliness: 1 of 4 leads, 1 internal
    assert balanced["ok"].all()
    assert balanced["finding"].iloc[2] == "1 of the 4 KPIs leads: it moves before the results do."  # one: singular
    assert balanced["finding"].iloc[3] == "3 of the 4 KPIs are seen by the customer."  # 4 - 1 internal = 3
    assert balanced["finding"].iloc[4] == "1 of the 4 KPIs is an internal steering figure for the teams."


def test_scoring_grid_recomputes_on_a_change():
    from kpilib.widgets import scoring_grid

    grid = scoring_grid(candidates(), weights=WEIGHTS, chains=["fault", "contact"],
                        owners={"fault": "manager technical support"}, size=2)
    assert grid.selection()["kpi"].tolist() == ["time_to_resolution", "csat"]
    # 47 / 11 = 4.27; csat covers no owned chain ("contact" has no owner)
    assert grid.kpi_set() == [{"kpi": "time_to_resolution", "owner": "manager technical support", "score": 4.27},
                              {"kpi": "csat", "owner": "to be agreed", "score": 3.36}]
    assert "Chain Contact is covered by csat." in grid.result.value
    # all weight on cost: repeat_contact_rate and service_level (5) tie at rank 1, covering fault and contact
    for criterion, control in grid._weight_inputs.items():
        control.value = 1.0 if criterion == "cost" else 0.0
    assert grid.weights()["cost"] == 1.0
    assert grid.selection()["kpi"].tolist() == ["repeat_contact_rate", "service_level"]
    grid._weight_inputs["cost"].value = 0.0
    assert "all weights are 0" in grid.result.value



def test_the_owner_of_each_kpi_in_the_set_can_be_edited_and_is_what_is_recorded():
    from kpilib.widgets import scoring_grid

    grid = scoring_grid(candidates(), weights=WEIGHTS, chains=["fault", "contact"],
                        owners={"fault": "manager technical support"}, size=2,
                        kpi_owners={"csat": "head of customer service"})
    # the fields start with the recorded owner (csat), else the chain owner (time_to_resolution covers fault)
    assert {k: f.value for k, f in grid.owner_fields.items()} == {
        "time_to_resolution": "manager technical support", "csat": "head of customer service"}
    grid.owner_fields["time_to_resolution"].value = "  Anna de Vries "
    assert [(i["kpi"], i["owner"]) for i in grid.kpi_set()] == [
        ("time_to_resolution", "Anna de Vries"), ("csat", "head of customer service")]
    # a KPI that leaves the set and comes back keeps what was typed
    grid._size.value = 1
    assert len(grid._owner_box.children) == 2                 # the heading and one KPI
    grid._size.value = 2
    assert grid.owner_fields["time_to_resolution"].value == "  Anna de Vries "
    grid.owner_fields["csat"].value = " "
    with pytest.raises(ParameterError, match="every KPI in the set needs an owner: enter one for"):
        grid.kpi_set()

def test_criteria_are_the_decisions_criteria():
    from kpilib.workshop.decisions import CRITERIA as DECIDED

    assert tuple(CRITERIA) == DECIDED


def test_candidates_start_from_reasoned_scores():
    from kpilib.kpis.catalogue import load_catalogue
    from kpilib.days.scoring import candidates, chains_covered

    frame = candidates(load_catalogue(), customer_values=["resolution", "speed", "effort"],
                       customer_outcomes=["time_to_resolution"],
                       current_kpis=[{"team": "first_line", "kpi": "service_level", "target": 0.8}],
                       chains=["fault", "order"])
    assert frame["kpi"].tolist()[:2] == ["time_to_resolution", "service_level"]
    assert frame["source"].tolist()[:3] == ["customer_outcome", "team_kpi", "catalogue"]
    rows = frame.set_index("kpi")
    # time_to_resolution: a chosen outcome 5; customer-seen result of every chain 5; result 3;
    # no tables given: measurable 5; 2 gaming risks: 5 - 2 = 3; cost 5
    assert rows.loc["time_to_resolution", list(CRITERIA)].tolist() == [5, 5, 3, 5, 3, 5]
    # service_level: speed is customer value no. 2 → 4; internal → covers 2, controllable 5;
    # 3 gaming risks → 2
    assert rows.loc["service_level", list(CRITERIA)].tolist() == [4, 2, 5, 5, 2, 5]
    # time_to_first_contact serves reliability, not a chosen value → 2; a named chain → 4
    assert rows.loc["time_to_first_contact", ["customer_value_link", "covers_the_chain"]].tolist() == [2, 4]
    assert rows.loc["time_to_first_contact", "chains"] == ("order",)
    assert chains_covered("every chain with a call-back promise", ["fault", "order"]) == ("fault", "order")
    assert chains_covered("the complaint chain", ["fault", "order"]) == ()


def test_set_rows_and_weights_table():
    scored = score_candidates(candidates(), WEIGHTS)
    rows = set_rows(scored, [{"kpi": "csat", "owner": "a", "score": 4.0},
                             {"kpi": "service_level", "owner": "b", "score": 3.0}])
    # in the decision's order, with today's totals 37 / 11 and 35 / 11 and ranks 4 and 5
    assert rows[["kpi", "owner", "score", "rank"]].values.tolist() == [["csat", "a", 4.0, 4],
                                                                       ["service_level", "b", 3.0, 5]]
    assert rows["total"].tolist() == pytest.approx([37 / 11, 35 / 11])
    with pytest.raises(ParameterError, match="not candidates: nps"):
        set_rows(scored, [{"kpi": "nps", "owner": "a", "score": 1}])
    table = weights_table(WEIGHTS)
    # shares of 11: 3 / 11 = 0.2727 for the customer-value link
    assert table["share"].iloc[0] == pytest.approx(3 / 11)
    assert table["criterion"].tolist() == [c.replace("_", " ") for c in CRITERIA]     # in words, not ids
