"""Case, chain, order and call-back KPIs (issue 2, section 4, items 6–9 and 11–14).

Working days follow numpy ``busday_count``: the working dates d with
date(t1) ≤ d < date(t2), in local time, Monday–Friday minus Dutch public holidays.
2026 dates used here: Mon 27 Apr = Koningsdag; Fri 25 Dec = Christmas (Sat 26 Dec
is a weekend day anyway).
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from _fixtures import assert_kpi, assert_same, contact, contacts, frame, local
from kpilib import (
    callback_timeliness,
    complaints_resolved_to_satisfaction,
    contacts_per_case,
    escalation_rate,
    first_contact_resolution,
    handoffs_per_case,
    time_to_first_contact,
    time_to_resolution,
)
from kpilib.data.calendar import WorkingCalendar
from kpilib.exceptions import ParameterError

NAN = float("nan")
D = pd.Timestamp


# --- first-contact resolution, method="case" ------------------------------------------


def fcr_cases() -> pd.DataFrame:
    return frame("cases", [
        # 1 Apr 00:30 CEST = 31 Mar 22:30 UTC: month April
        dict(case_id="K1", opened_at="2026-04-01 00:30", resolved_at="2026-04-02 10:00"),
        dict(case_id="K2", opened_at="2026-03-02 09:00", resolved_at="2026-03-05 10:00"),
        dict(case_id="K3", opened_at="2026-03-03 09:00"),  # still open
        dict(case_id="K4", opened_at="2026-03-04 09:00", resolved_at="2026-03-04 10:00"),
        dict(case_id="K5", opened_at="2026-05-04 09:00", resolved_at="2026-05-04 10:00"),
        dict(case_id="K6", opened_at="2026-03-06 09:00", resolved_at="2026-03-06 10:00"),
    ])


def fcr_contacts() -> pd.DataFrame:
    return contacts([
        contact("k1a", "2026-04-01 00:40", wait=5, talk=60, case_id="K1"),
        contact("k2a", "2026-03-02 09:00", wait=5, talk=60, case_id="K2"),
        contact("k2b", "2026-03-03 09:00", wait=5, talk=60, case_id="K2"),
        contact("k3a", "2026-03-03 09:00", wait=5, talk=60, case_id="K3"),
        contact("k4a", "2026-03-04 09:00", wait=5, talk=60, case_id="K4"),
        contact("k4b", "2026-03-04 09:30", wait=0, talk=60, case_id="K4", direction="outbound"),
        # K5 has no contacts; K6 only an outbound one
        contact("k6a", "2026-03-06 09:00", wait=0, talk=60, case_id="K6", direction="outbound"),
        contact("x1", "2026-03-06 09:00", wait=5, talk=60),  # no case
    ])


def test_first_contact_resolution_case():
    # base: cases with ≥ 1 inbound contact: K1, K2, K3, K4 = 4
    # numerator: resolved with exactly one inbound contact: K1, K4 (K2 has two, K3 is open) → 2 / 4
    result = first_contact_resolution(fcr_contacts(), method="case", cases=fcr_cases())
    assert_kpi(result, [(2, 4, 0.5)])


def test_first_contact_resolution_case_by_month():
    result = first_contact_resolution(fcr_contacts(), method="case", cases=fcr_cases(),
                                      by="month")
    assert_kpi(result, [
        (D("2026-03-01"), 1, 3, 1 / 3),  # K4 of K2, K3, K4 (K6 only outbound: not in base)
        (D("2026-04-01"), 1, 1, 1.0),  # K1, opened 00:30 local on 1 Apr
        (D("2026-05-01"), 0, 0, NAN),  # K5: a case without contacts
    ], by=["month"])


def test_first_contact_resolution_case_counts_unanswered_inbound_contacts():
    cases = frame("cases", [
        dict(case_id="K7", opened_at="2026-03-02 09:00", resolved_at="2026-03-02 12:00"),
        dict(case_id="K8", opened_at="2026-03-02 09:00", resolved_at="2026-03-02 12:00"),
    ])
    calls = contacts([
        contact("k7a", "2026-03-02 09:00", abandon=30, case_id="K7"),
        contact("k7b", "2026-03-02 09:10", wait=5, talk=60, case_id="K7"),
        contact("k8a", "2026-03-02 09:00", abandon=30, case_id="K8"),
    ])
    # K7 has two inbound contacts (one abandoned), K8 exactly one: 1 / 2
    assert_kpi(first_contact_resolution(calls, method="case", cases=cases), [(1, 2, 0.5)])


# --- contacts and hand-offs per case, escalation --------------------------------------


def test_contacts_per_case():
    calls = contacts([
        contact("p1a", "2026-03-02 09:00", wait=5, talk=60, case_id="P1", team="first"),
        contact("p1b", "2026-03-02 10:00", wait=5, talk=60, case_id="P1", team="second"),
        contact("p1c", "2026-03-02 11:00", abandon=9, case_id="P1", team="first"),
        contact("p1d", "2026-03-02 12:00", wait=0, talk=60, case_id="P1", team="second",
                direction="outbound"),
        contact("p2a", "2026-03-02 09:00", wait=5, talk=60, case_id="P2", team="second"),
        contact("p3a", "2026-03-02 09:00", wait=0, talk=60, case_id="P3", team="first",
                direction="outbound"),
        # same moment: ordered by contact_id, so c40 (team first) is the case's first row
        contact("c41", "2026-03-03 09:00", wait=5, talk=60, case_id="P4", team="second"),
        contact("c40", "2026-03-03 09:00", wait=5, talk=60, case_id="P4", team="first"),
        contact("x1", "2026-03-02 09:00", wait=5, talk=60),  # no case
    ])
    # inbound contacts, answered or not: P1 3 (p1a, p1b, p1c), P2 1, P4 2 (P3 only outbound):
    # (3 + 1 + 2) / 3 = 2
    assert_kpi(contacts_per_case(calls), [(6, 3, 2.0)])
    assert_kpi(contacts_per_case(calls, by="team"), [
        ("first", 5, 2, 2.5),  # P1 (p1a first) 3 + P4 (c40 first) 2
        ("second", 1, 1, 1.0),  # P2
    ], by=["team"])


def handoff_rows() -> list[dict]:
    def row(cid, when, case, team, **kw):
        return contact(cid, when, wait=5, talk=60, case_id=case, team=team, **kw)
    return [
        # H1: first → second → third → first: 3 hand-offs; starts 31 Mar 23:50 local
        row("h1a", "2026-03-31 23:50", "H1", "first"),
        row("h1b", "2026-04-01 09:00", "H1", "second"),
        row("h1c", "2026-04-01 10:00", "H1", "third", direction="outbound"),
        row("h1d", "2026-04-01 11:00", "H1", "first"),
        # H2: one row: 0
        row("h2a", "2026-04-02 09:00", "H2", "second"),
        # H3: h3a and h3b at the same moment, listed out of order; by contact_id:
        # h3a first → h3b second → h3c first: 2 hand-offs
        row("h3b", "2026-04-03 09:00", "H3", "second"),
        row("h3a", "2026-04-03 09:00", "H3", "first"),
        row("h3c", "2026-04-03 10:00", "H3", "first"),
        # H4: first → first: 0
        row("h4a", "2026-04-06 09:00", "H4", "first"),
        row("h4b", "2026-04-06 10:00", "H4", "first"),
        row("x1", "2026-04-06 09:00", None, "second"),  # no case
    ]


def test_handoffs_per_case_from_contacts():
    calls = contacts(handoff_rows())
    # (3 + 0 + 2 + 0) / 4 = 1.25
    assert_kpi(handoffs_per_case(calls), [(5, 4, 1.25)])
    assert_kpi(handoffs_per_case(calls, by="team"), [
        ("first", 5, 3, 5 / 3),  # H1 3 + H3 2 + H4 0 (teams of the first rows)
        ("second", 0, 1, 0.0),  # H2
    ], by=["team"])
    assert_kpi(handoffs_per_case(calls, by="month"), [
        (D("2026-03-01"), 3, 1, 3.0),  # H1 starts 31 Mar 23:50
        (D("2026-04-01"), 2, 3, 2 / 3),  # H2 0 + H3 2 + H4 0
    ], by=["month"])


def test_escalation_rate_from_contacts():
    calls = contacts(handoff_rows())
    # a team other than "first" in H1, H2, H3 (not H4): 3 / 4
    assert_kpi(escalation_rate(calls, first_line="first"), [(3, 4, 0.75)])
    # a team other than first and second: only H1 (third) → 1 / 4
    assert_kpi(escalation_rate(calls, first_line=["first", "second"]), [(1, 4, 0.25)])
    assert_kpi(escalation_rate(calls, first_line="first", by="team"), [
        ("first", 2, 3, 2 / 3),  # H1, H3 of H1, H3, H4
        ("second", 1, 1, 1.0),  # H2 starts (and stays) in second
    ], by=["team"])


def event_rows() -> list[dict]:
    at = "2026-03-02 "
    return [
        # E1, same moment ordered by seq: first (1) → second (2) → first (3): 2 hand-offs
        dict(case_id="E1", at=at + "09:00", team="second", seq=2),
        dict(case_id="E1", at=at + "09:00", team="first", seq=1),
        dict(case_id="E1", at=at + "10:00", team="first", seq=3),
        # E2: first → first: 0
        dict(case_id="E2", at=at + "09:00", team="first", seq=4),
        dict(case_id="E2", at=at + "11:00", team="first", seq=5),
    ]


def test_handoffs_and_escalation_from_events():
    events = frame("events", event_rows())
    assert_kpi(handoffs_per_case(events), [(2, 2, 1.0)])  # (2 + 0) / 2
    assert_kpi(escalation_rate(events, first_line="first"), [(1, 2, 0.5)])  # E1 of E1, E2
    assert_kpi(handoffs_per_case(events, by="team"), [
        ("first", 2, 2, 1.0),  # both start in first (E1 by seq 1)
    ], by=["team"])


def test_events_without_seq_use_row_order():
    at = "2026-03-02 "
    events = frame("events", [
        # E1, same moment, rows second, first; then first: second → first → first: 1
        dict(case_id="E1", at=at + "09:00", team="second"),
        dict(case_id="E1", at=at + "09:00", team="first"),
        dict(case_id="E1", at=at + "10:00", team="first"),
        # E2 rows out of time order; by time: first 09:00 → second 10:00 → first 11:00: 2
        dict(case_id="E2", at=at + "11:00", team="first"),
        dict(case_id="E2", at=at + "09:00", team="first"),
        dict(case_id="E2", at=at + "10:00", team="second"),
    ])
    assert "seq" not in events.columns
    assert_kpi(handoffs_per_case(events), [(3, 2, 1.5)])  # (1 + 2) / 2


# --- working-day norms ----------------------------------------------------------------


def order_rows() -> list[dict]:
    return [
        # Thu 23 Apr → Tue 28 Apr: 23, 24 (25/26 weekend, 27 Koningsdag) = 2 working days
        dict(order_id="O1", product="fibre", ordered_at="2026-04-23 10:00",
             first_contact_at="2026-04-28 09:00"),
        # Wed 22 Apr → Tue 28 Apr: 22, 23, 24 = 3
        dict(order_id="O2", product="fibre", ordered_at="2026-04-22 10:00",
             first_contact_at="2026-04-28 09:00"),
        # same day: 0
        dict(order_id="O3", product="tv", ordered_at="2026-04-29 10:00",
             first_contact_at="2026-04-29 15:00"),
        # not contacted; Fri 24 Apr → as_of Thu 30 Apr: 24, 28, 29 = 3
        dict(order_id="O4", product="fibre", ordered_at="2026-04-24 10:00"),
        # not contacted; Tue 28 Apr → Thu 30 Apr: 28, 29 = 2
        dict(order_id="O5", product="phone", ordered_at="2026-04-28 10:00"),
        # same day: 0; holds the latest timestamps (ordered 08:00, contacted 11:00 on 30 Apr)
        dict(order_id="O6", product="tv", ordered_at="2026-04-30 08:00",
             first_contact_at="2026-04-30 11:00"),
    ]


AS_OF = local("2026-04-30 12:00")


@pytest.mark.parametrize(("norm_days", "num", "den"), [
    # within 2: O1 (2), O3, O6 (0); denominator: contacted O1, O2, O3, O6 + O4 (3 > 2) → 3 / 5
    (2, 3, 5),
    # within 3: O1, O2, O3, O6; O4 (3) does not exceed 3 yet → 4 / 4
    (3, 4, 4),
    # within 1: O3, O6; breaches not contacted: O4 (3 > 1), O5 (2 > 1) → 2 / (4 + 2)
    (1, 2, 6),
])
def test_time_to_first_contact(norm_days, num, den):
    orders = frame("orders", order_rows())
    result = time_to_first_contact(orders, norm_days=norm_days, as_of=AS_OF)
    assert_kpi(result, [(num, den, num / den)])


def test_time_to_first_contact_default_as_of_is_the_latest_timestamp():
    # latest timestamp: O6 first_contact_at 30 Apr 11:00, the same working date as AS_OF: 3 / 5
    assert_kpi(time_to_first_contact(frame("orders", order_rows()), norm_days=2), [(3, 5, 0.6)])


def test_time_to_first_contact_groups():
    orders = frame("orders", order_rows())
    assert_kpi(time_to_first_contact(orders, norm_days=2, as_of=AS_OF, by="product"), [
        ("fibre", 1, 3, 1 / 3),  # O1 within; O2 and O4 breaches
        ("phone", 0, 0, NAN),  # O5: not contacted, no breach yet
        ("tv", 2, 2, 1.0),  # O3, O6
    ], by=["product"])
    assert_kpi(time_to_first_contact(orders, norm_days=2, as_of=AS_OF, by="week"), [
        (D("2026-04-20"), 1, 3, 1 / 3),  # O1, O2, O4 ordered 22–24 Apr
        (D("2026-04-27"), 2, 2, 1.0),  # O3, O6 (O5 not counted) ordered 28–30 Apr
    ], by=["week"])


@pytest.mark.parametrize("naive", [False, True])
def test_working_days_use_local_dates(naive):
    orders = frame("orders", [
        # Tue 3 Mar 00:30 CET = Mon 2 Mar 23:30 UTC → Wed 4 Mar: local 3 Mar = 1 day (UTC: 2)
        dict(order_id="Q1", ordered_at="2026-03-03 00:30", first_contact_at="2026-03-04 10:00"),
        # Wed 29 Apr 01:30 CEST = Tue 28 Apr 23:30 UTC → Thu 30 Apr: local 29 Apr = 1 day (UTC: 2)
        dict(order_id="Q2", ordered_at="2026-04-29 01:30", first_contact_at="2026-04-30 09:00"),
    ], naive=naive)
    assert_kpi(time_to_first_contact(orders, norm_days=1), [(2, 2, 1.0)])


def resolution_cases() -> pd.DataFrame:
    return frame("cases", [
        # Thu 24 Dec → Tue 29 Dec: 24, 28 (25 Christmas, 26/27 weekend) = 2
        dict(case_id="R1", team_opened="a", opened_at="2026-12-24 10:00",
             resolved_at="2026-12-29 10:00"),
        # Tue 22 Dec → Mon 28 Dec: 22, 23, 24 = 3
        dict(case_id="R2", team_opened="a", opened_at="2026-12-22 10:00",
             resolved_at="2026-12-28 10:00"),
        # open; Wed 23 Dec → as_of Wed 30 Dec: 23, 24, 28, 29 = 4
        dict(case_id="R3", team_opened="a", opened_at="2026-12-23 10:00"),
        # open; Tue 29 Dec → Wed 30 Dec: 29 = 1
        dict(case_id="R4", team_opened="b", opened_at="2026-12-29 10:00"),
    ])


def test_time_to_resolution():
    cases = resolution_cases()
    as_of = local("2026-12-30 12:00")
    # within 2: R1; denominator: resolved R1, R2 + R3 (4 > 2); R4 (1) not yet → 1 / 3
    assert_kpi(time_to_resolution(cases, norm_days=2, as_of=as_of), [(1, 3, 1 / 3)])
    assert_kpi(time_to_resolution(cases, norm_days=2, as_of=as_of, by="team_opened"), [
        ("a", 1, 3, 1 / 3),
        ("b", 0, 0, NAN),  # R4 only, not yet a breach
    ], by=["team_opened"])
    # default as_of: latest timestamp 29 Dec 10:00; R3: 23, 24, 28 = 3 > 2 still a breach → 1 / 3
    assert_kpi(time_to_resolution(cases, norm_days=2), [(1, 3, 1 / 3)])


def test_time_to_resolution_with_an_extra_closed_day():
    calendar = WorkingCalendar(closed=(dt.date(2026, 12, 24),))
    # with 24 Dec closed: R1 28 = 1 (within), R2 22, 23 = 2 (within),
    # R3 23, 28, 29 = 3 (breach), R4 29 = 1 → 2 / 3
    result = time_to_resolution(resolution_cases(), norm_days=2,
                                as_of=local("2026-12-30 12:00"), calendar=calendar)
    assert_kpi(result, [(2, 3, 2 / 3)])


# --- complaints -----------------------------------------------------------------------


def complaint_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    def case(cid, resolved, category="complaint"):
        return dict(case_id=cid, category=category, opened_at="2026-03-02 09:00",
                    resolved_at=resolved)
    cases = frame("cases", [
        case("C1", "2026-04-01 00:30"),  # 31 Mar 22:30 UTC: month April
        case("C2", "2026-03-04 10:00"),
        case("C3", "2026-03-04 10:00"),
        case("C4", "2026-03-04 10:00"),
        case("C5", "2026-05-04 10:00"),  # no survey
        case("C6", None),  # not resolved
        case("C7", "2026-03-04 10:00", category="question"),
        case("C8", "2026-03-04 10:00"),
        case("C9", "2026-03-04 10:00"),
    ])

    def survey(sid, cid, answered, resolved, csat):
        return dict(survey_id=sid, case_id=cid, answered_at=answered, resolved=resolved,
                    csat=csat)
    surveys = frame("surveys", [
        survey("s1", "C1", "2026-04-02 10:00", True, 5),  # satisfied
        survey("s2", "C2", "2026-03-05 10:00", True, 5),
        survey("s3", "C2", "2026-03-12 10:00", False, 5),  # latest for C2: not resolved
        survey("s4", "C3", "2026-03-05 10:00", True, 3),  # csat 3 < 4
        survey("s5", "C4", "2026-03-05 10:00", True, None),  # csat null
        survey("s6", "C6", "2026-03-05 10:00", True, 5),
        survey("s7", "C7", "2026-03-05 10:00", True, 5),
        # same moment: the later by survey_id (s8b) is the latest
        survey("s8a", "C8", "2026-03-05 10:00", True, 5),
        survey("s8b", "C8", "2026-03-05 10:00", False, 2),
        survey("s9", "C9", "2026-03-05 10:00", None, 5),  # resolved unanswered
    ])
    return cases, surveys


@pytest.mark.parametrize(("kwargs", "num", "den"), [
    # resolved complaints C1–C5, C8, C9; with a survey: C1, C2, C3, C4, C8, C9 = 6;
    # satisfied: C1 → 1 / 6
    ({}, 1, 6),
    ({"nonresponse": "unsatisfied"}, 1, 7),  # C5 counts as unsatisfied: 1 / 7
    ({"min_csat": 3}, 2, 6),  # C3 (resolved, csat 3) now satisfied: 2 / 6
])
def test_complaints_resolved_to_satisfaction(kwargs, num, den):
    cases, surveys = complaint_tables()
    result = complaints_resolved_to_satisfaction(cases, surveys, **kwargs)
    assert_kpi(result, [(num, den, num / den)])


@pytest.mark.parametrize(("nonresponse", "may"), [
    ("exclude", (0, 0, NAN)),  # C5 has no survey
    ("unsatisfied", (0, 1, 0.0)),
])
def test_complaints_by_month_of_resolution(nonresponse, may):
    cases, surveys = complaint_tables()
    result = complaints_resolved_to_satisfaction(cases, surveys, nonresponse=nonresponse,
                                                 by="month")
    assert_kpi(result, [
        (D("2026-03-01"), 0, 5, 0.0),  # C2, C3, C4, C8, C9: none satisfied
        (D("2026-04-01"), 1, 1, 1.0),  # C1, resolved 00:30 local on 1 Apr
        (D("2026-05-01"), *may),
    ], by=["month"])


# --- call-backs -----------------------------------------------------------------------


def callback_rows() -> list[dict]:
    def cb(cid, team, promised, attempted, requested="2026-03-02 09:00"):
        return dict(callback_id=cid, team=team, requested_at=requested, promised_by=promised,
                    attempted_at=attempted)
    noon = "2026-03-02 12:00"
    return [
        cb("B1", "a", noon, "2026-03-02 11:00"),  # on time
        cb("B2", "a", noon, "2026-03-02 12:00:00"),  # exactly at the promise: on time
        cb("B3", "b", noon, "2026-03-02 12:00:01"),  # one second late
        cb("B4", "b", noon, None),  # never attempted
        cb("B5", "c", None, None),  # no promise: never due
        cb("B6", "a", "2026-03-10 12:00", None, requested="2026-03-04 09:00"),
    ]


def test_callback_timeliness():
    callbacks = frame("callbacks", callback_rows())
    as_of = local("2026-03-05 12:00")
    # due: B1–B4 (B5 no promise, B6 promised after as_of); on time: B1, B2 → 2 / 4
    assert_kpi(callback_timeliness(callbacks, as_of=as_of), [(2, 4, 0.5)])
    assert_kpi(callback_timeliness(callbacks, as_of=as_of, by="team"), [
        ("a", 2, 2, 1.0),  # B1, B2 (B6 not due)
        ("b", 0, 2, 0.0),  # B3, B4
        ("c", 0, 0, NAN),  # B5 never due
    ], by=["team"])
    # default as_of: the latest timestamp, B6's promise of 10 Mar 12:00 → B6 due too: 2 / 5
    assert_kpi(callback_timeliness(callbacks), [(2, 5, 0.4)])


def test_callback_timeliness_by_month_of_promise():
    callbacks = frame("callbacks", [
        # promised 1 Mar 00:30 CET = 28 Feb 23:30 UTC → March; attempted 00:10, on time
        dict(callback_id="M1", requested_at="2026-02-28 20:00", promised_by="2026-03-01 00:30",
             attempted_at="2026-03-01 00:10"),
        # promised 28 Feb 23:00, attempted 23:30: late
        dict(callback_id="M2", requested_at="2026-02-28 20:00", promised_by="2026-02-28 23:00",
             attempted_at="2026-02-28 23:30"),
    ])
    result = callback_timeliness(callbacks, as_of=local("2026-03-05 12:00"), by="month")
    assert_kpi(result, [
        (D("2026-02-01"), 0, 1, 0.0),  # M2
        (D("2026-03-01"), 1, 1, 1.0),  # M1
    ], by=["month"])


# --- parameters -----------------------------------------------------------------------


def test_wrong_parameters():
    cases, surveys = complaint_tables()
    with pytest.raises(ParameterError) as info:
        complaints_resolved_to_satisfaction(cases, surveys, nonresponse="ignore")
    assert str(info.value) == "`nonresponse` must be one of 'exclude', 'unsatisfied'; got 'ignore'"
    with pytest.raises(ParameterError, match="^`min_csat` must be"):
        complaints_resolved_to_satisfaction(cases, surveys, min_csat="4")
    with pytest.raises(ParameterError, match="^`norm_days` must be"):
        time_to_first_contact(frame("orders", order_rows()), norm_days=-1)
    with pytest.raises(ParameterError, match="^`norm_days` must be"):
        time_to_resolution(resolution_cases(), norm_days="2")
    with pytest.raises(ParameterError, match=r"(?s)(?=.*colour)(?=.*'product')(?=.*'week')"):
        time_to_first_contact(frame("orders", order_rows()), norm_days=2, by="colour")


# --- Ibis input -----------------------------------------------------------------------


def _ibis(*frames):
    return [ibis.memtable(f) for f in frames]


@pytest.mark.parametrize("by", [None, "month"])
def test_ibis_tables_give_the_same_result(by):
    cases, surveys = complaint_tables()
    orders = frame("orders", order_rows())
    calls = contacts(handoff_rows())
    events = frame("events", event_rows())
    # B5 has no promise and so no month: left out here
    callbacks = frame("callbacks", [r for r in callback_rows() if r["callback_id"] != "B5"])
    runs = [
        lambda c, k: first_contact_resolution(c, method="case", cases=k, by=by),
        lambda c: contacts_per_case(c, by=by),
        lambda c: handoffs_per_case(c, by=by),
        lambda c: escalation_rate(c, first_line="first", by=by),
        lambda o: time_to_first_contact(o, norm_days=2, as_of=AS_OF, by=by),
        lambda o: time_to_first_contact(o, norm_days=2, by=by),
        lambda k: time_to_resolution(k, norm_days=2, by=by),
        lambda k, s: complaints_resolved_to_satisfaction(k, s, by=by),
        lambda k, s: complaints_resolved_to_satisfaction(k, s, nonresponse="unsatisfied", by=by),
        lambda b: callback_timeliness(b, by=by),
        lambda e: handoffs_per_case(e, by=by),
    ]
    inputs = [
        (fcr_contacts(), fcr_cases()), (calls,), (calls,), (calls,), (orders,), (orders,),
        (resolution_cases(),), (cases, surveys), (cases, surveys), (callbacks,), (events,),
    ]
    for run, frames in zip(runs, inputs):
        assert_same(run(*_ibis(*frames)), run(*frames))
