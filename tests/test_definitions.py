"""Day 6: one KPI under every definition, and the spread between them (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest

from _fixtures import assert_kpi, contact, contacts, frame
from kpilib import repeat_contact_rate
from kpilib.days.definitions import (compare_definitions, definition_spread, fcr_variants,
                                repeat_window_variants, service_level_variants)
from kpilib.exceptions import ParameterError

T = "2026-03-02 "  # a Monday without a DST change


@pytest.fixture
def calls() -> pd.DataFrame:
    return contacts([
        contact("a1", T + "09:00", ivr=10, wait=5, talk=60),  # queue 5, arrival 15
        contact("a2", T + "09:01", ivr=10, wait=25, talk=60),  # queue 25, arrival 35
        contact("a3", T + "09:02", ivr=0, abandon=4),  # abandoned after 4 s
        contact("a4", T + "09:03", ivr=10, abandon=50),  # abandoned: queue 50, arrival 60
    ])


def test_service_level_variants_cover_every_rule_clock_and_short_abandon_setting(calls):
    v = service_level_variants(calls, threshold_s=20, short_abandon_s=(0, 5))
    assert len(v) == 4 * 2 * 2
    assert list(v.columns) == ["variant", "clock", "abandoned", "short_abandon_s", "numerator",
                               "denominator", "value"]
    got = v.set_index(["clock", "abandoned", "short_abandon_s"])["value"]
    # queue, 20 s: A = 2, A_within = 1 (a1), Ab = 2 (a3, a4), Ab_within = 1 (a3)
    assert got["queue", "exclude", 0] == 1 / 2  # 1 / 2
    assert got["queue", "fail", 0] == 1 / 4  # 1 / (2 + 2)
    assert got["queue", "fail", 5] == 1 / 3  # a3 removed as a short abandon: 1 / (2 + 1)
    assert got["queue", "pass_within_threshold", 0] == 2 / 4  # (1 + 1) / 4
    # arrival, 20 s: a1 15 within, a2 35 over; a3 4 within, a4 60 over
    assert got["arrival", "fail_after_threshold", 0] == 1 / 3  # 1 / (2 + 1)


def test_spread_gives_lowest_highest_and_range(calls):
    spread = definition_spread(service_level_variants(calls, short_abandon_s=(0, 5)))
    # lowest 1/4 (fail with a3 counted); highest: pass_within_threshold, queue, 0 s = 2/4 and
    # exclude = 1/2 tie at 0.5, the first listed (exclude) is reported
    assert spread.loc[0, "variants"] == 16
    assert spread.loc[0, "lowest"] == 0.25 and spread.loc[0, "highest"] == 0.5
    assert spread.loc[0, "range"] == 0.25  # 0.5 - 0.25
    assert spread.loc[0, "highest_variant"] == "abandons left out, wait from the queue, every abandon counted"


def test_spread_per_group_skips_unmeasurable_variants():
    variants = pd.DataFrame({
        "team": ["x", "x", "x", "y"],
        "variant": ["p", "q", "r", "p"],
        "numerator": [1, 3, 0, 0],
        "denominator": [4, 4, 0, 0],
        "value": [0.25, 0.75, float("nan"), float("nan")],
    })
    spread = definition_spread(variants, by="team")
    # x: r has no denominator; p 0.25, q 0.75 → range 0.5. y: nothing measurable → no row
    assert spread.to_dict("records") == [{"team": "x", "variants": 2, "lowest": 0.25, "highest": 0.75,
                                          "range": 0.5, "lowest_variant": "p", "highest_variant": "q"}]
    with pytest.raises(ParameterError, match="lacks"):
        definition_spread(variants.drop(columns="variant"))


def test_calendar_day_window_counts_dates_not_hours():
    frame = contacts([
        contact("m1", "2026-03-02 08:00", wait=1, customer_id="k1"),
        # next Monday 23:00: 7 days 15 h later (> 168 h) but 7 calendar dates later
        contact("m2", "2026-03-09 23:00", wait=1, customer_id="k1"),
    ])
    # 24 h: m1 not a repeat, m2 has no follow-up: 0 / 2
    assert_kpi(repeat_contact_rate(frame, window_days=7), [(0, 2, 0.0)])
    # calendar days: 9 March − 2 March = 7 dates <= 7: m1 repeats: 1 / 2
    assert_kpi(repeat_contact_rate(frame, window_days=7, window_unit="calendar_day"), [(1, 2, 0.5)])
    assert_kpi(repeat_contact_rate(frame, window_days=6, window_unit="calendar_day"), [(0, 2, 0.0)])
    variants = repeat_window_variants(frame, windows=(7, 8), calendar_windows=(7,))
    # 8 × 24 h = 192 h covers 183 h: 1 / 2
    assert variants["value"].tolist() == [0.0, 0.5, 0.5]
    assert variants["variant"].tolist() == ["7 × 24 h", "8 × 24 h", "7 calendar days"]
    with pytest.raises(ParameterError, match="`window_unit` must be one of '24h', 'calendar_day'"):
        repeat_contact_rate(frame, window_unit="week")


def test_fcr_variants_only_by_period(calls):
    with pytest.raises(ParameterError, match="`by` must be one of 'day', 'week', 'month', 'interval'; got 'team'"):
        fcr_variants(calls, cases=None, surveys=None, by="team")


def test_compare_definitions_side_by_side():
    reference = pd.DataFrame({"team": ["a", "b"], "numerator": [1, 1], "denominator": [2, 4],
                              "value": [0.5, 0.25]})
    chosen = pd.DataFrame({"team": ["a", "c"], "numerator": [3, 1], "denominator": [4, 1],
                           "value": [0.75, 1.0]})
    got = compare_definitions(reference, chosen, by=["team"])
    assert got["team"].tolist() == ["a", "b", "c"]
    assert got["difference"].iloc[0] == 0.25  # 0.75 - 0.5
    assert got[["chosen", "reference"]].isna().to_numpy().tolist() == [[False, False], [True, False],
                                                                       [False, True]]


def test_internal_definition_is_the_teams_own():
    from kpilib.days.definitions import internal_definition

    current = [{"team": "first_line", "kpi": "average_handle_time", "definition": {"channel": "phone"}},
               {"team": "first_line", "kpi": "service_level", "definition": {"clock": "queue"}, "target": 0.8}]
    assert internal_definition(current, "service_level") == {"clock": "queue"}
    assert internal_definition(current, "csat") == {}


def test_definitions_table_describes_each_kpi():
    from kpilib.days.definitions import definitions_table

    got = definitions_table({"service_level": {"clock": "arrival", "abandoned": "fail"}, "csat": {}})
    assert got.to_dict("list") == {"kpi": ["Service level", "Customer satisfaction"], "definition": [
        "answered within 20 s of the customer's call (the phone menu included); abandoned calls count as not in time; "
        "every abandoned call counts; only phone contacts",       # short_abandon_s=0 removes none; the catalogue's defaults fill the rest
        "the default definition"]}


def test_fcr_variants_stack_the_three_methods():
    calls = contacts([
        # k1 calls twice about case A (2 days apart); k2 once about case B, resolved
        contact("f1", T + "09:00", wait=1, customer_id="k1", case_id="A", outcome="resolved"),
        contact("f2", "2026-03-04 09:00", wait=1, customer_id="k1", case_id="A", outcome="resolved"),
        contact("f3", T + "10:00", wait=1, customer_id="k2", case_id="B", outcome="resolved"),
    ])
    cases = frame("cases", [dict(case_id="A", opened_at=T + "09:00", resolved_at="2026-03-04 10:00"),
                            dict(case_id="B", opened_at=T + "10:00", resolved_at=T + "11:00")])
    surveys = frame("surveys", [dict(survey_id="s1", answered_at=T + "12:00", resolved=True),
                                dict(survey_id="s2", answered_at=T + "13:00", resolved=False),
                                dict(survey_id="s3", answered_at=T + "14:00", resolved=None)])
    got = fcr_variants(calls, cases=cases, surveys=surveys, window_days=7).set_index("method")
    # repeat window: f1 followed by f2 within 7 days; f2 and f3 not followed: 2 / 3
    assert (got.loc["repeat_window", "numerator"], got.loc["repeat_window", "denominator"]) == (2, 3)
    # case: B resolved with one inbound contact; A had two: 1 / 2
    assert (got.loc["case", "numerator"], got.loc["case", "denominator"]) == (1, 2)
    # survey: s1 yes, s2 no, s3 no answer left out: 1 / 2
    assert (got.loc["survey", "numerator"], got.loc["survey", "denominator"]) == (1, 2)
