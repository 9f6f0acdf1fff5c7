"""Drivers of satisfaction and norms compared, on fixtures small enough to count by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from kpilib.days.values import driver_gaps, norms_compared, satisfaction_drivers
from kpilib.exceptions import ParameterError

TZ = "Europe/Amsterdam"


def ts(text):
    return pd.Timestamp(text, tz=TZ) if text else pd.NaT


@pytest.fixture
def surveys():
    rows = [  # survey, csat, resolved, friendliness, ces, case
        ("S1", 5, True, 5, 6, "C1"),
        ("S2", 4, True, 2, 4, "C2"),
        ("S3", 2, False, 5, 3, "C3"),
        ("S4", 1, False, 4, 6, "C4"),
        ("S5", 3, None, None, 7, None),
        ("S6", None, True, 5, 7, "C1"),  # no csat: in no population
    ]
    frame = pd.DataFrame(rows, columns=["survey_id", "csat", "resolved", "friendliness", "ces", "case_id"])
    frame["answered_at"] = ts("2026-06-10 12:00")
    return frame.astype({"csat": "Int64", "resolved": "boolean", "friendliness": "Int64", "ces": "Int64"})


@pytest.fixture
def cases():
    return pd.DataFrame({
        "case_id": ["C1", "C2", "C3", "C4"],
        "category": ["fault"] * 4,
        # C1 Mon 1 Jun -> Wed 3 Jun: working dates 1, 2 Jun = 2 days (within 3)
        # C2 Mon 1 Jun -> Mon 8 Jun: 1-5 Jun = 5 days (not within 3)
        # C3 Fri 22 May -> Wed 27 May: 22 and 26 May, Whit Monday 25 May is a holiday = 2 days (within 3)
        # C4 not resolved: no speed
        "opened_at": [ts("2026-06-01 09:00"), ts("2026-06-01 09:00"), ts("2026-05-22 16:00"), ts("2026-06-01 10:00")],
        "resolved_at": [ts("2026-06-03 11:00"), ts("2026-06-08 09:00"), ts("2026-05-27 10:00"), pd.NaT],
    })


def test_satisfaction_drivers_counts_by_hand(surveys, cases):
    result = satisfaction_drivers(surveys, cases)
    got = {(r.driver, r.met): (r.numerator, r.denominator) for r in result.itertuples()}
    assert got == {
        ("resolution", True): (2, 2),     # S1, S2 resolved, both csat >= 4
        ("resolution", False): (0, 2),    # S3, S4 not; S5 unknown, S6 no csat
        ("friendliness", True): (1, 3),   # S1 (5), S3 (5), S4 (4): only S1 satisfied
        ("friendliness", False): (1, 1),  # S2 (2) satisfied
        ("effort", True): (1, 3),         # ces >= 5: S1, S4, S5; only S1 satisfied
        ("effort", False): (1, 2),        # S2 (4) satisfied, S3 (3) not
        ("speed", True): (1, 2),          # C1 (S1 satisfied), C3 (S3 not)
        ("speed", False): (1, 1),         # C2 (S2 satisfied)
    }
    assert list(result.columns) == ["driver", "met", "numerator", "denominator", "value"]
    assert list(result.driver.unique()) == ["resolution", "friendliness", "effort", "speed"]


def test_driver_gaps_rank_by_gap(surveys, cases):
    gaps = driver_gaps(satisfaction_drivers(surveys, cases))
    assert list(gaps.driver) == ["resolution", "effort", "speed", "friendliness"]
    assert gaps.gap.tolist() == pytest.approx([1 - 0, 1 / 3 - 1 / 2, 1 / 2 - 1, 1 / 3 - 1])
    resolution = gaps.iloc[0]
    assert resolution.surveys == 4 and resolution.share_met == pytest.approx(2 / 4)


def test_thresholds_move_the_groups(surveys):
    result = satisfaction_drivers(surveys, min_csat=2, min_ces=4)
    got = {(r.driver, r.met): (r.numerator, r.denominator) for r in result.itertuples()}
    # csat >= 2 satisfies S1, S2, S3, S5; ces >= 4 is met by S1, S2, S4, S5 (3 satisfied), not by S3 (satisfied)
    assert got[("effort", True)] == (3, 4) and got[("effort", False)] == (1, 1)
    assert not (result.driver == "speed").any()  # no cases given


def test_bad_threshold_is_named():
    with pytest.raises(ParameterError, match="`min_ces` must be <= 7; got 9"):
        satisfaction_drivers(pd.DataFrame({"csat": [4]}), min_ces=9)


def test_norms_compared_customer_against_internal():
    orders = pd.DataFrame({
        "order_id": ["O1", "O2", "O3"],
        "ordered_at": [ts("2026-06-01 10:00")] * 3,
        # O1 4 working days (1-4 Jun); O2 Mon 15 Jun: 10 working days; O3 not contacted, 10 days elapsed
        # at the latest timestamp (15 Jun)
        "first_contact_at": [ts("2026-06-05 10:00"), ts("2026-06-15 10:00"), pd.NaT],
    })
    result = norms_compared({"orders": orders}, customer_norms={"order_first_contact_days": 5, "callback_hours": 24},
                            internal_norms={"order_first_contact_days": 20})
    row = result.iloc[0]
    assert len(result) == 1 and row.kpi == "time_to_first_contact"
    # customer, 5 days: O1 within; O2 late; O3 overdue counts as a breach -> 1 / 3
    assert (row.customer_numerator, row.customer_denominator) == (1, 3)
    # internal, 20 days: O1 and O2 within; O3 not yet overdue, not counted -> 2 / 2
    assert row.internal_value == pytest.approx(1.0)


def test_norms_compared_rejects_an_unknown_internal_norm():
    with pytest.raises(ParameterError, match="`internal_norms` must be one of 'resolution_days'"):
        norms_compared({}, customer_norms={}, internal_norms={"callback_hours": 48})
