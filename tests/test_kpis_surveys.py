"""Survey KPIs (issue 2, section 4, items 6 "survey" and 15), expected values computed by hand."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from _fixtures import assert_kpi, assert_same, contact, contacts, frame
from kpilib import ces, csat, first_contact_resolution, nps

NAN = float("nan")
D = pd.Timestamp


def survey_rows() -> list[dict]:
    def s(sid, answered, csat, nps, ces, resolved=None):
        return dict(survey_id=sid, answered_at=answered, csat=csat, nps=nps, ces=ces,
                    resolved=resolved)
    return [
        s("s1", "2026-03-02 10:00", 5, 10, 1, True),
        s("s2", "2026-03-03 10:00", 4, 9, 7, False),
        s("s3", "2026-03-04 10:00", 3, 8, 3, None),
        s("s4", "2026-03-31 23:59", 1, 7, None, True),
        # 1 Apr 00:30 CEST = 31 Mar 22:30 UTC: month April
        s("s5", "2026-04-01 00:30", None, 6, 4, True),
        s("s6", "2026-04-02 10:00", 4, 0, None, False),
        s("s7", "2026-05-04 10:00", None, None, None, None),  # answered nothing scored
        s("s8", "2026-04-03 10:00", 2, 9, 2, None),
    ]


@pytest.fixture
def surveys() -> pd.DataFrame:
    return frame("surveys", survey_rows())


def test_csat(surveys):
    # csat not null: s1, s2, s3, s4, s6, s8 = 6; ≥ 4: s1 (5), s2 (4), s6 (4) = 3 → 3 / 6
    assert_kpi(csat(surveys), [(3, 6, 0.5)])


def test_nps(surveys):
    # nps not null: s1–s6, s8 = 7; promoters (9–10): s1, s2, s8 = 3; detractors (0–6): s5, s6 = 2;
    # passives: s3 (8), s4 (7).  numerator 100 × (3 − 2) = 100 → 100 / 7
    assert_kpi(nps(surveys), [(100, 7, 100 / 7)])


def test_ces(surveys):
    # ces not null: s1 1, s2 7, s3 3, s5 4, s8 2 → (1 + 7 + 3 + 4 + 2) / 5 = 17 / 5
    assert_kpi(ces(surveys), [(17, 5, 3.4)])


def test_by_month_keeps_empty_groups(surveys):
    assert_kpi(csat(surveys, by="month"), [
        (D("2026-03-01"), 2, 4, 0.5),  # s1 5, s2 4 of s1–s4
        (D("2026-04-01"), 1, 2, 0.5),  # s6 4 of s6, s8 (s5 null)
        (D("2026-05-01"), 0, 0, NAN),  # s7 gave no score
    ], by=["month"])
    assert_kpi(nps(surveys, by="month"), [
        (D("2026-03-01"), 200, 4, 50.0),  # 10, 9, 8, 7: 100 × (2 − 0) / 4
        (D("2026-04-01"), -100, 3, -100 / 3),  # 6, 0, 9: 100 × (1 − 2) / 3
        (D("2026-05-01"), 0, 0, NAN),
    ], by=["month"])
    assert_kpi(ces(surveys, by="month"), [
        (D("2026-03-01"), 11, 3, 11 / 3),  # 1 + 7 + 3
        (D("2026-04-01"), 6, 2, 3.0),  # 4 + 2
        (D("2026-05-01"), 0, 0, NAN),
    ], by=["month"])


def test_nps_boundaries():
    rows = [dict(survey_id=f"n{score}", answered_at="2026-03-02 10:00", nps=score)
            for score in range(11)]
    # 0–10 once each: promoters 9, 10 = 2; detractors 0–6 = 7; 100 × (2 − 7) / 11
    assert_kpi(nps(frame("surveys", rows)), [(-500, 11, -500 / 11)])


def test_empty_surveys():
    empty = frame("surveys", [])
    for kpi in (csat, nps, ces):
        assert_kpi(kpi(empty), [(0, 0, NAN)])


def test_first_contact_resolution_survey(surveys):
    calls = contacts([contact("c1", "2026-03-02 09:00", wait=5, talk=60)])
    # resolved not null: s1 T, s2 F, s4 T, s5 T, s6 F = 5; true: s1, s4, s5 → 3 / 5
    result = first_contact_resolution(calls, method="survey", surveys=surveys)
    assert_kpi(result, [(3, 5, 0.6)])


@pytest.mark.parametrize("by", [None, "month"])
@pytest.mark.parametrize("kpi", [csat, nps, ces])
def test_ibis_table_gives_the_same_result(surveys, kpi, by):
    assert_same(kpi(ibis.memtable(surveys), by=by), kpi(surveys, by=by))
