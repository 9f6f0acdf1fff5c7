"""Contact KPIs (issue 2, section 4, items 1–6 and 10), expected values computed by hand.

Waits in the fixtures are written in seconds (see ``_fixtures.contact``):
``ivr`` = arrival → queue, ``wait`` = queue → answer, ``abandon`` = queue → hang-up,
``talk`` = answer → end.
"""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _fixtures import assert_kpi, assert_same, contact, contacts, local, utc
from kpilib import (
    abandonment_rate,
    agent_resolved_rate,
    average_handle_time,
    average_speed_of_answer,
    first_contact_resolution,
    repeat_contact_rate,
    service_level,
    transfer_rate,
)
from kpilib.exceptions import ParameterError
from kpilib.kpis.queue import queue_kpis
from kpilib.kpis.resolution import follow_up_kpis

NAN = float("nan")
T = "2026-03-02 "  # a Monday without a DST change


def service_rows() -> list[dict]:
    """Ten contacts on one morning; the comments give their queue and arrival waits."""
    return [
        # answered; queue wait 5, arrival wait 10 + 5 = 15; talk 100
        contact("c01", T + "09:00", ivr=10, wait=5, talk=100, team="first"),
        # answered; queue 15, arrival 25; talk 200
        contact("c02", T + "09:05", ivr=10, wait=15, talk=200, team="first"),
        # answered; queue 20 (exactly the threshold), arrival 30; talk 300
        contact("c03", T + "09:10", ivr=10, wait=20, talk=300, team="second"),
        # answered; queue 40, arrival 50; talk 400
        contact("c04", T + "09:15", ivr=10, wait=40, talk=400, team="second"),
        # abandoned; queue 8, arrival 18
        contact("c05", T + "09:20", ivr=10, abandon=8, team="first"),
        # abandoned; queue 30, arrival 40
        contact("c06", T + "09:25", ivr=10, abandon=30, team="second"),
        # abandoned after 0 s on both clocks: a real abandon; only a positive short_abandon_s removes it
        contact("c07", T + "09:30", ivr=0, abandon=0, team="first"),
        # never queued (left in the IVR): not offered
        contact("c08", T + "09:35", ivr=None, abandon=30, team="third"),
        # outbound phone call, answered: not offered; talk 60
        contact("c09", T + "09:40", direction="outbound", ivr=0, wait=3, talk=60, team="fourth"),
        # inbound chat, queue wait 100, talk 500: offered only for channel="chat"
        contact("c10", T + "09:45", channel="chat", ivr=0, wait=100, talk=500, team="first"),
    ]


@pytest.fixture
def calls() -> pd.DataFrame:
    return contacts(service_rows())


# Offered phone contacts (the default short_abandon_s=0 removes none): c01–c07.
# Queue clock, threshold 20: A = 4 (c01–c04), A_within = 3 (c01, c02, c03),
#   Ab = 3 (c05, c06, c07), Ab_within = 2 (c05: 8 s, c07: 0 s), Ab_over = 1 (c06: 30 s).
# Arrival clock: A_within = 1 (c01: 15 s), Ab_within = 2 (c05: 18 s, c07: 0 s), Ab_over = 1 (c06: 40 s).
SERVICE_LEVEL_CASES = [
    ("queue", "exclude", 3, 4),  # A_within / A = 3 / 4
    ("queue", "fail", 3, 7),  # A_within / (A + Ab) = 3 / (4 + 3)
    ("queue", "fail_after_threshold", 3, 5),  # A_within / (A + Ab_over) = 3 / (4 + 1)
    ("queue", "pass_within_threshold", 5, 7),  # (A_within + Ab_within) / (A + Ab) = (3 + 2) / 7
    ("arrival", "exclude", 1, 4),  # 1 / 4
    ("arrival", "fail", 1, 7),  # 1 / (4 + 3)
    ("arrival", "fail_after_threshold", 1, 5),  # 1 / (4 + 1)
    ("arrival", "pass_within_threshold", 3, 7),  # (1 + 2) / (4 + 3)
]


@pytest.mark.parametrize(("clock", "abandoned", "num", "den"), SERVICE_LEVEL_CASES)
def test_service_level_variants(calls, clock, abandoned, num, den):
    result = service_level(calls, clock=clock, abandoned=abandoned)
    assert_kpi(result, [(num, den, num / den)])


@pytest.mark.parametrize(("threshold_s", "abandoned", "num", "den"), [
    (5, "fail", 1, 7),  # only c01 (5 s ≤ 5 s): 1 / (4 + 3)
    (40, "fail", 4, 7),  # c01–c04 all ≤ 40 s: 4 / 7
    (40, "pass_within_threshold", 7, 7),  # (4 + 3 abandons ≤ 40 s) / 7
    (40, "fail_after_threshold", 4, 4),  # no abandon over 40 s: 4 / (4 + 0)
])
def test_service_level_threshold(calls, threshold_s, abandoned, num, den):
    result = service_level(calls, threshold_s=threshold_s, abandoned=abandoned)
    assert_kpi(result, [(num, den, num / den)])


@pytest.mark.parametrize(("abandoned", "num", "den"), [
    # short_abandon_s=10 removes c05 (queue wait 8 s) and c07 (0 s): offered c01–c04, c06
    ("exclude", 3, 4),  # 3 / 4
    ("fail", 3, 5),  # 3 / (4 + 1)
    ("fail_after_threshold", 3, 5),  # c06 is over: 3 / (4 + 1)
    ("pass_within_threshold", 3, 5),  # (3 + 0) / (4 + 1)
])
def test_service_level_short_abandons(calls, abandoned, num, den):
    result = service_level(calls, abandoned=abandoned, short_abandon_s=10)
    assert_kpi(result, [(num, den, num / den)])


def test_short_abandons_on_the_clock_the_client_uses(calls):
    # short_abandon_s=10 judged from the customer's call: c05 waited 10 + 8 = 18 s > 10 and stays;
    # c07 (0 s) goes. Queue clock, abandons fail: A_within 3 / (A 4 + Ab 2: c05, c06) = 3 / 6
    assert_kpi(service_level(calls, short_abandon_s=10, short_abandon_clock="arrival"), [(3, 6, 0.5)])
    # judged from the queue (the KPI's own clock, the default): c05 (8 s) and c07 go: 3 / (4 + 1)
    assert_kpi(service_level(calls, short_abandon_s=10, short_abandon_clock="queue"), [(3, 5, 0.6)])
    # the abandonment rate likewise: arrival clock keeps c05: Ab 2 (c05, c06) / 6
    assert_kpi(abandonment_rate(calls, short_abandon_s=10, short_abandon_clock="arrival"), [(2, 6, 2 / 6)])
    with pytest.raises(ParameterError, match="`short_abandon_clock` must be one of 'queue', 'arrival'; got 'ivr'"):
        service_level(calls, short_abandon_s=10, short_abandon_clock="ivr")


def test_service_level_channel(calls):
    # chat: only c10 offered, answered after 100 s > 20 s: 0 / 1
    assert_kpi(service_level(calls, channel="chat"), [(0, 1, 0.0)])
    # no inbound e-mail at all: an empty population gives one row 0, 0, NaN
    assert_kpi(service_level(calls, channel="email"), [(0, 0, NAN)])


def test_service_level_by_team_keeps_empty_groups(calls):
    result = service_level(calls, by="team")
    assert_kpi(result, [
        ("first", 2, 4, 2 / 4),  # c01, c02 within; c05 and c07 abandoned: 2 / (2 + 2)
        ("second", 1, 3, 1 / 3),  # c03 within; c04 over; c06 abandoned: 1 / (2 + 1)
        ("third", 0, 0, NAN),  # c08 never queued: in the population, not offered
        # "fourth" has only an outbound call: not in the population, no row
    ], by=["team"])


def test_abandonment_rate(calls):
    # Ab = 3 (c05, c06, c07: abandoned after 0 s still counts) / offered 7 (c01–c07)
    assert_kpi(abandonment_rate(calls), [(3, 7, 3 / 7)])
    assert_kpi(abandonment_rate(calls, short_abandon_s=None), [(3, 7, 3 / 7)])  # None removes none either
    # short_abandon_s=10 removes c05 (8 s) and c07 (0 s): Ab = 1 (c06) / offered 5
    assert_kpi(abandonment_rate(calls, short_abandon_s=10), [(1, 5, 1 / 5)])
    # chat: c10 answered: 0 / 1
    assert_kpi(abandonment_rate(calls, channel="chat"), [(0, 1, 0.0)])


def test_abandonment_rate_by_team(calls):
    assert_kpi(abandonment_rate(calls, by="team"), [
        ("first", 2, 4, 2 / 4),  # c05, c07 / (c01, c02, c05, c07)
        ("second", 1, 3, 1 / 3),  # c06 / (c03, c04, c06)
        ("third", 0, 0, NAN),  # c08 never queued
    ], by=["team"])


def test_average_speed_of_answer(calls):
    # queue waits of c01–c04: (5 + 15 + 20 + 40) / 4 = 80 / 4 = 20
    assert_kpi(average_speed_of_answer(calls), [(80, 4, 20.0)])
    # arrival waits: (15 + 25 + 30 + 50) / 4 = 120 / 4 = 30
    assert_kpi(average_speed_of_answer(calls, clock="arrival"), [(120, 4, 30.0)])
    # chat: c10 100 / 1
    assert_kpi(average_speed_of_answer(calls, channel="chat"), [(100, 1, 100.0)])
    assert_kpi(average_speed_of_answer(calls, by="team"), [
        ("first", 20, 2, 10.0),  # (5 + 15) / 2
        ("second", 60, 2, 30.0),  # (20 + 40) / 2
        ("third", 0, 0, NAN),  # c08 never answered
    ], by=["team"])


def test_average_handle_time(calls):
    # all channels: talk of c01–c04, c09 (outbound), c10 (chat):
    # (100 + 200 + 300 + 400 + 60 + 500) / 6 = 1560 / 6 = 260
    assert_kpi(average_handle_time(calls), [(1560, 6, 260.0)])
    # phone: (100 + 200 + 300 + 400 + 60) / 5 = 1060 / 5 = 212
    assert_kpi(average_handle_time(calls, channel="phone"), [(1060, 5, 212.0)])
    assert_kpi(average_handle_time(calls, channel="email"), [(0, 0, NAN)])
    assert_kpi(average_handle_time(calls, by="team"), [
        ("first", 800, 3, 800 / 3),  # c01 100 + c02 200 + c10 500
        ("fourth", 60, 1, 60.0),  # c09
        ("second", 700, 2, 350.0),  # c03 300 + c04 400
        ("third", 0, 0, NAN),  # c08 never answered
    ], by=["team"])


def test_transfer_rate():
    rows = [
        contact("t1", T + "09:00", wait=5, talk=60, team="a", outcome="transferred"),
        contact("t2", T + "09:10", wait=5, talk=60, team="a", outcome="resolved"),
        contact("t3", T + "09:20", wait=5, talk=60, team="b", outcome="transferred",
                channel="chat"),
        contact("t4", T + "09:30", wait=5, talk=60, team="b", direction="outbound"),
        contact("t5", T + "09:40", wait=5, talk=60, team="b", outcome="escalated"),
        # never answered: outside the base even with outcome transferred
        contact("t6", T + "09:50", abandon=20, team="c", outcome="transferred"),
    ]
    frame = contacts(rows)
    # answered: t1–t5 (all channels and directions); transferred: t1, t3 → 2 / 5
    assert_kpi(transfer_rate(frame), [(2, 5, 0.4)])
    assert_kpi(transfer_rate(frame, by="team"), [
        ("a", 1, 2, 0.5),  # t1 / (t1, t2)
        ("b", 1, 3, 1 / 3),  # t3 / (t3, t4, t5)
        ("c", 0, 0, NAN),  # only t6, unanswered
    ], by=["team"])
    # without an outcome column every outcome is null: 0 / 5
    assert_kpi(transfer_rate(contacts(rows, leave_out=["outcome"])), [(0, 5, 0.0)])


def test_optional_columns_may_be_left_out():
    slim = contacts(service_rows(), leave_out=["customer_id", "case_id", "outcome", "reason",
                                               "agent_id"])
    assert_kpi(service_level(slim), [(3, 7, 3 / 7)])  # as in SERVICE_LEVEL_CASES: 3 / 7


# --- time: DST, naive timestamps, periods -------------------------------------------------


def dst_rows() -> list[dict]:
    return [
        # spring: queued 01:59:50 CET, answered 03:00:05 CEST = 15 s later (not 1 h 0 min 15 s)
        dict(contact_id="d1", channel="phone", direction="inbound", team="first",
             arrived_at=local("2026-03-29 01:59:40"), queued_at=local("2026-03-29 01:59:50"),
             answered_at=local("2026-03-29 03:00:05"), ended_at=local("2026-03-29 03:05:00")),
        # autumn: queued 02:59:50 CEST (00:59:50 UTC), answered 02:00:30 CET (01:00:30 UTC):
        # 40 s later although the wall clock goes back
        dict(contact_id="d2", channel="phone", direction="inbound", team="first",
             arrived_at=utc("2026-10-25 00:59:40"), queued_at=utc("2026-10-25 00:59:50"),
             answered_at=utc("2026-10-25 01:00:30"), ended_at=utc("2026-10-25 01:05:00")),
    ]


def test_waits_across_dst_changes_are_computed_on_instants():
    frame = contacts(dst_rows())
    # d1 15 s ≤ 20 within, d2 40 s over: 1 / 2
    assert_kpi(service_level(frame), [(1, 2, 0.5)])
    # (15 + 40) / 2 = 27.5
    assert_kpi(average_speed_of_answer(frame), [(55, 2, 27.5)])


def test_naive_timestamps_are_local_time():
    # d1 only (the autumn hour is ambiguous as a naive time): 01:59:50 → 03:00:05 local = 15 s
    frame = contacts(dst_rows()[:1], naive=True)
    assert frame["queued_at"].dt.tz is None
    assert_kpi(average_speed_of_answer(frame), [(15, 1, 15.0)])
    assert_kpi(service_level(contacts(service_rows(), naive=True)), [(3, 7, 3 / 7)])  # 3 / (4 + 3)


def period_rows() -> list[dict]:
    """Answered calls around month, week and DST boundaries (queue wait 5 = within, 50 = over)."""
    return [
        # Sat 28 Feb 23:59 CET
        contact("p1", "2026-02-28 23:59", wait=5, talk=60, team="first"),
        # Sun 1 Mar 00:30 CET = 28 Feb 23:30 UTC → day 1 Mar, week Mon 23 Feb, month March
        contact("p2", "2026-03-01 00:30", wait=50, talk=60, team="second"),
        # Mon 2 Mar 00:30 CET = Sun 1 Mar 23:30 UTC → day 2 Mar, week Mon 2 Mar
        contact("p3", "2026-03-02 00:30", wait=5, talk=60, team="first"),
        # Sun 29 Mar 00:30 CET (DST starts at 02:00) → week Mon 23 Mar
        contact("p4", "2026-03-29 00:30", wait=5, talk=60, team="second"),
        # Wed 1 Apr 00:30 CEST = 31 Mar 22:30 UTC → day 1 Apr, week Mon 30 Mar, month April
        contact("p5", "2026-04-01 00:30", wait=50, talk=60, team="first"),
        # Sun 25 Oct 23:30 CET (DST ended that night) → day 25 Oct, week Mon 19 Oct
        contact("p6", "2026-10-25 23:30", wait=5, talk=60, team="first"),
        # in the population (inbound phone), never queued
        contact("p7", "2026-03-15 10:00", ivr=None, abandon=10, team="third"),
    ]


D = pd.Timestamp


@pytest.mark.parametrize("naive", [False, True])
@pytest.mark.parametrize(("by", "expected"), [
    ("day", [
        (D("2026-02-28"), 1, 1, 1.0),  # p1
        (D("2026-03-01"), 0, 1, 0.0),  # p2 over
        (D("2026-03-02"), 1, 1, 1.0),  # p3
        (D("2026-03-15"), 0, 0, NAN),  # p7 not offered
        (D("2026-03-29"), 1, 1, 1.0),  # p4
        (D("2026-04-01"), 0, 1, 0.0),  # p5 over
        (D("2026-10-25"), 1, 1, 1.0),  # p6
    ]),
    ("week", [
        (D("2026-02-23"), 1, 2, 0.5),  # p1 within, p2 over
        (D("2026-03-02"), 1, 1, 1.0),  # p3
        (D("2026-03-09"), 0, 0, NAN),  # p7 (Sun 15 Mar) not offered
        (D("2026-03-23"), 1, 1, 1.0),  # p4
        (D("2026-03-30"), 0, 1, 0.0),  # p5
        (D("2026-10-19"), 1, 1, 1.0),  # p6
    ]),
    ("month", [
        (D("2026-02-01"), 1, 1, 1.0),  # p1
        (D("2026-03-01"), 2, 3, 2 / 3),  # p2 over, p3, p4 within; p7 not offered
        (D("2026-04-01"), 0, 1, 0.0),  # p5
        (D("2026-10-01"), 1, 1, 1.0),  # p6
    ]),
])
def test_periods_are_local(by, expected, naive):
    frame = contacts(period_rows(), naive=naive)
    if naive:
        # the autumn row is unambiguous (23:30), all rows can be written naive
        assert frame["arrived_at"].dt.tz is None
    result = service_level(frame, by=by)
    assert_kpi(result, expected, by=[by])
    assert result[by].dt.tz is None


def test_by_team_and_month():
    result = service_level(contacts(period_rows()), by=["team", "month"])
    assert_kpi(result, [
        ("first", D("2026-02-01"), 1, 1, 1.0),  # p1
        ("first", D("2026-03-01"), 1, 1, 1.0),  # p3
        ("first", D("2026-04-01"), 0, 1, 0.0),  # p5 over
        ("first", D("2026-10-01"), 1, 1, 1.0),  # p6
        ("second", D("2026-03-01"), 1, 2, 0.5),  # p2 over, p4 within
        ("third", D("2026-03-01"), 0, 0, NAN),  # p7 never queued
    ], by=["team", "month"])


# --- repeat contacts and first-contact resolution -------------------------------------


def repeat_rows() -> list[dict]:
    """Answered inbound phone calls unless noted (queue wait 5, talk 60)."""
    def answered(cid, when, **kw):
        return contact(cid, when, wait=5, talk=60, **kw)
    return [
        answered("r01", "2026-03-02 09:00:00", customer_id="A", case_id="K1", outcome="resolved"),
        # exactly 7 × 24 h after r01 (no DST change in between)
        answered("r02", "2026-03-09 09:00:00", customer_id="A", case_id="K2", outcome="transferred"),
        # 7 × 24 h + 1 s after r02
        answered("r03", "2026-03-16 09:00:01", customer_id="A", case_id="K2"),
        # r04 and r05 arrive at the same moment: neither is strictly later
        answered("r04", "2026-03-03 10:00", customer_id="B", case_id="K3", outcome="resolved"),
        answered("r05", "2026-03-03 10:00", customer_id="B", case_id="K3", outcome="escalated"),
        answered("r06", "2026-03-04 10:00", customer_id="C", case_id="K4",
                 outcome="callback_promised"),
        # not answered: no follow-up for r06, not in the base
        contact("r07", "2026-03-05 10:00", abandon=20, customer_id="C", case_id="K4"),
        answered("r08", "2026-03-04 11:00", customer_id="D", outcome="unresolved"),
        # outbound: no follow-up for r08, not in the base
        answered("r09", "2026-03-05 11:00", direction="outbound", customer_id="D", case_id="K5",
                 outcome="resolved"),
        # unknown callers: not in the base for match="customer"
        answered("r10", "2026-03-04 12:00", case_id="K6", outcome="resolved"),
        answered("r11", "2026-03-04 13:00", case_id="K6", outcome="resolved"),
        # a chat followed by a call 24 h later: a repeat on any channel
        answered("r12", "2026-03-06 10:00", channel="chat", customer_id="E", case_id="K7",
                 outcome="resolved"),
        answered("r13", "2026-03-07 10:00", customer_id="E", case_id="K8", outcome="resolved"),
    ]


# match="customer": base = r01, r02, r03, r04, r05, r06, r08, r12, r13 = 9
# (r07 unanswered, r09 outbound, r10/r11 unknown customer).
@pytest.mark.parametrize(("window_days", "num"), [
    (7, 2),  # r01 (r02 exactly 7 d later), r12 (r13 1 d later)
    (1, 1),  # r12 (r13 exactly 24 h later)
    (8, 3),  # r01, r02 (r03 7 d + 1 s later), r12
])
def test_repeat_contact_rate_by_customer(window_days, num):
    result = repeat_contact_rate(contacts(repeat_rows()), window_days=window_days)
    assert_kpi(result, [(num, 9, num / 9)])


def test_repeat_contact_rate_by_case():
    # base: answered inbound with a case: r01–r06, r10–r13 = 10 (r07 unanswered, r08 no
    # case, r09 outbound); repeated: r10 (r11, same case, 1 h later) → 1 / 10
    result = repeat_contact_rate(contacts(repeat_rows()), match="case")
    assert_kpi(result, [(1, 10, 0.1)])


def window_rows() -> list[dict]:
    return [
        # 25 Mar 12:00 CET = 11:00 UTC; 1 Apr 12:30 CEST = 10:30 UTC: 167.5 h later → a repeat
        # (7 days 0.5 h on the wall clock)
        contact("w1", "2026-03-25 12:00", wait=5, talk=60, customer_id="F"),
        contact("w2", "2026-04-01 12:30", wait=5, talk=60, customer_id="F"),
        # 1 Apr 13:00:01 CEST = 11:00:01 UTC: 168 h + 1 s later → not a repeat
        contact("w3", "2026-03-25 12:00", wait=5, talk=60, customer_id="G"),
        contact("w4", "2026-04-01 13:00:01", wait=5, talk=60, customer_id="G"),
    ]


@pytest.mark.parametrize("naive", [False, True])
def test_repeat_window_across_dst_is_in_hours(naive):
    # base w1–w4 = 4; repeated: w1 → 1 / 4
    result = repeat_contact_rate(contacts(window_rows(), naive=naive))
    assert_kpi(result, [(1, 4, 0.25)])


def test_repeat_contact_rate_by_month():
    result = repeat_contact_rate(contacts(window_rows()), by="month")
    assert_kpi(result, [
        (D("2026-03-01"), 1, 2, 0.5),  # w1 repeated, w3 not
        (D("2026-04-01"), 0, 2, 0.0),  # w2, w4: nothing after them
    ], by=["month"])


def test_first_contact_resolution_repeat_window():
    # base as for repeats (9); no follow-up and outcome not transferred / escalated /
    # callback_promised: r03 (null outcome), r04 (tie is no follow-up), r08 (unresolved),
    # r13 → 4 / 9.  Out: r01, r12 (repeated), r02, r05, r06 (outcome).
    result = first_contact_resolution(contacts(repeat_rows()))
    assert_kpi(result, [(4, 9, 4 / 9)])
    explicit = first_contact_resolution(contacts(repeat_rows()), method="repeat_window",
                                        window_days=7)
    assert_kpi(explicit, [(4, 9, 4 / 9)])


def test_first_contact_resolution_repeat_window_by_team():
    rows = repeat_rows()
    for row in rows:
        row["team"] = "early" if row["contact_id"] in {"r01", "r02", "r03"} else "late"
    result = first_contact_resolution(contacts(rows), by="team")
    assert_kpi(result, [
        ("early", 1, 3, 1 / 3),  # r01 repeated, r02 transferred, r03 counts
        ("late", 3, 6, 0.5),  # r04, r08, r13 of r04, r05, r06, r08, r12, r13
    ], by=["team"])


# --- KPIs of one population in one query (what kpi_set uses) --------------------------


def test_queue_kpis_in_one_query(calls):
    # Offered phone contacts as above (c01–c07): service level A_within / (A + Ab) = 3 / 7;
    # abandonment Ab / (A + Ab) = 3 / 7; ASA over c01–c04 = (5 + 15 + 20 + 40) / 4 = 20 s.
    got = queue_kpis(calls)
    assert_kpi(got["service_level"], [(3, 7, 3 / 7)])
    assert_kpi(got["abandonment_rate"], [(3, 7, 3 / 7)])
    assert_kpi(got["average_speed_of_answer"], [(80, 4, 20.0)])


def test_queue_kpis_by_team_keep_empty_groups(calls):
    # first: c01, c02 answered within, c05 and c07 abandoned (c10 chat) → SL 2 / 4, Ab 2 / 4,
    #   ASA (5 + 15) / 2; second: c03 within, c04 over, c06 abandoned → SL 1 / 3, Ab 1 / 3,
    #   ASA (20 + 40) / 2; third: c08 never queued → 0 / 0 in each.
    got = queue_kpis(calls, by="team")
    assert_kpi(got["service_level"], [("first", 2, 4, 2 / 4), ("second", 1, 3, 1 / 3), ("third", 0, 0, NAN)],
               by=["team"])
    assert_kpi(got["abandonment_rate"], [("first", 2, 4, 2 / 4), ("second", 1, 3, 1 / 3), ("third", 0, 0, NAN)],
               by=["team"])
    assert_kpi(got["average_speed_of_answer"], [("first", 20, 2, 10.0), ("second", 60, 2, 30.0),
                                                ("third", 0, 0, NAN)], by=["team"])


def test_follow_up_kpis_in_one_query():
    # the base of 9 above; repeats within 7 days: r01, r12 → 2 / 9; FCR: r03, r04, r08, r13 → 4 / 9
    got = follow_up_kpis(contacts(repeat_rows()))
    assert_kpi(got["repeat_contact_rate"], [(2, 9, 2 / 9)])
    assert_kpi(got["first_contact_resolution"], [(4, 9, 4 / 9)])
    # window of 8 days: r02 repeats as well (r03 7 d + 1 s later) → 3 / 9, and FCR keeps 4 / 9
    # (r02 was out already for its outcome)
    got = follow_up_kpis(contacts(repeat_rows()), window_days=8)
    assert_kpi(got["repeat_contact_rate"], [(3, 9, 3 / 9)])
    assert_kpi(got["first_contact_resolution"], [(4, 9, 4 / 9)])


@pytest.mark.parametrize("by", [None, "team", ["team", "month"], "channel"])
def test_one_query_kpis_equal_the_single_functions(by):
    frame = contacts(service_rows() + repeat_rows())
    queue, follow_up = queue_kpis(frame, by=by), follow_up_kpis(frame, by=by)
    assert_same(queue["service_level"], service_level(frame, by=by))
    assert_same(queue["abandonment_rate"], abandonment_rate(frame, by=by))
    assert_same(queue["average_speed_of_answer"], average_speed_of_answer(frame, by=by))
    assert_same(follow_up["repeat_contact_rate"], repeat_contact_rate(frame, by=by))
    assert_same(follow_up["first_contact_resolution"], first_contact_resolution(frame, by=by))


# --- parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda f: service_level(f, clock="ivr"),
     "`clock` must be one of 'queue', 'arrival'; got 'ivr'"),
    (lambda f: average_speed_of_answer(f, clock="ivr"),
     "`clock` must be one of 'queue', 'arrival'; got 'ivr'"),
    (lambda f: service_level(f, abandoned="drop"),
     "`abandoned` must be one of 'exclude', 'fail', 'fail_after_threshold', "
     "'pass_within_threshold'; got 'drop'"),
    (lambda f: repeat_contact_rate(f, match="phone"),
     "`match` must be one of 'customer', 'case'; got 'phone'"),
    (lambda f: first_contact_resolution(f, method="survey_only"),
     "`method` must be one of 'repeat_window', 'case', 'survey'; got 'survey_only'"),
])
def test_wrong_choice_lists_the_allowed_values(calls, call, message):
    with pytest.raises(ParameterError) as info:
        call(calls)
    assert str(info.value) == message


@pytest.mark.parametrize(("call", "name"), [
    (lambda f: service_level(f, threshold_s=-1), "threshold_s"),
    (lambda f: service_level(f, short_abandon_s=-1), "short_abandon_s"),
    (lambda f: abandonment_rate(f, short_abandon_s="10"), "short_abandon_s"),
    (lambda f: repeat_contact_rate(f, window_days=-1), "window_days"),
    (lambda f: first_contact_resolution(f, window_days=-1), "window_days"),
])
def test_wrong_number(calls, call, name):
    with pytest.raises(ParameterError, match=f"^`{name}` must be"):
        call(calls)


def test_first_contact_resolution_needs_its_table(calls):
    with pytest.raises(ParameterError, match="`cases`"):
        first_contact_resolution(calls, method="case")
    with pytest.raises(ParameterError, match="`surveys`"):
        first_contact_resolution(calls, method="survey")


def test_unknown_group_column_lists_the_allowed_ones(calls):
    with pytest.raises(ParameterError, match=r"(?s)(?=.*colour)(?=.*'team')(?=.*'month')"):
        service_level(calls, by="colour")
    with pytest.raises(ParameterError, match=r"(?s)(?=.*colour)(?=.*'week')"):
        transfer_rate(calls, by=["team", "colour"])


# --- Ibis input -----------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, ["team", "month"]])
@pytest.mark.parametrize("call", [
    lambda t, by: service_level(t, abandoned="pass_within_threshold", by=by),
    lambda t, by: service_level(t, clock="arrival", short_abandon_s=10, by=by),
    lambda t, by: abandonment_rate(t, by=by),
    lambda t, by: average_speed_of_answer(t, by=by),
    lambda t, by: average_handle_time(t, by=by),
    lambda t, by: transfer_rate(t, by=by),
    lambda t, by: repeat_contact_rate(t, by=by),
    lambda t, by: repeat_contact_rate(t, match="case", by=by),
    lambda t, by: first_contact_resolution(t, by=by),
])
def test_ibis_table_gives_the_same_result(call, by):
    frame = contacts(service_rows() + repeat_rows() + period_rows() + dst_rows())
    assert_same(call(ibis.memtable(frame), by), call(frame, by))


def test_ibis_result_is_the_hand_computed_one(calls):
    assert_kpi(service_level(ibis.memtable(calls)), [(3, 7, 3 / 7)])  # 3 / (4 + 3)


# --- properties of the service-level variants -----------------------------------------


_call = st.tuples(
    st.integers(0, 60),  # IVR seconds
    st.booleans(),  # answered?
    st.integers(0, 90),  # queue wait (to answer or to hang-up)
)


@settings(max_examples=20, deadline=None)
@given(st.lists(_call, min_size=1, max_size=12))
def test_service_level_variant_orderings(draws):
    rows = [
        contact(f"h{i:02d}", local("2026-03-02 09:00") + pd.Timedelta(minutes=i), ivr=ivr,
                wait=wait if answered else None, talk=60 if answered else None,
                abandon=None if answered else wait)
        for i, (ivr, answered, wait) in enumerate(draws)
    ]
    frame = contacts(rows)
    value = {v: service_level(frame, abandoned=v)["value"].iloc[0]
             for v in ("exclude", "fail", "fail_after_threshold", "pass_within_threshold")}
    arrival_fail = service_level(frame, clock="arrival")["value"].iloc[0]
    for v in [*value.values(), arrival_fail]:
        assert math.isnan(v) or 0 <= v <= 1
    if not math.isnan(value["exclude"]):  # at least one answered call
        assert value["exclude"] >= value["fail"]
        assert value["fail"] <= value["fail_after_threshold"] <= value["exclude"]
    if not math.isnan(value["fail"]):  # at least one offered call
        assert value["pass_within_threshold"] >= value["fail"]
        assert arrival_fail <= value["fail"]


_visit = st.tuples(
    st.sampled_from(["A", "B", None]),  # customer
    st.integers(0, 400),  # hours after the first arrival (spans more than 7 days)
    st.booleans(),  # answered?
    st.sampled_from(["inbound", "outbound"]),
    st.sampled_from([None, "resolved", "transferred"]),
)


@settings(max_examples=15, deadline=None)
@given(st.lists(_visit, min_size=1, max_size=10))
def test_repeats_and_first_contact_resolution_share_a_base(draws):
    rows = [
        contact(f"v{i:02d}", local("2026-03-02 09:00") + pd.Timedelta(hours=hours),
                wait=5 if answered else None, talk=60 if answered else None,
                abandon=None if answered else 30, direction=direction, customer_id=customer,
                outcome=outcome)
        for i, (customer, hours, answered, direction, outcome) in enumerate(draws)
    ]
    frame = contacts(rows)
    week = repeat_contact_rate(frame).iloc[0]
    day = repeat_contact_rate(frame, window_days=1).iloc[0]
    fcr = first_contact_resolution(frame).iloc[0]
    base = sum(1 for c, _, answered, d, _ in draws if c is not None and answered and d == "inbound")
    assert week["denominator"] == day["denominator"] == fcr["denominator"] == base
    assert day["numerator"] <= week["numerator"]  # a longer window finds more repeats
    assert fcr["numerator"] + week["numerator"] <= base  # a repeated contact is not resolved


# --- intervals of 15, 30 and 60 minutes ---------------------------------------------------


def test_service_level_per_interval_sums_to_the_day(calls):
    got = service_level(calls, by="interval", interval_minutes=15)
    # 09:00–09:15: c01, c02, c03 answered within 20 s: 3 / 3; 09:15–09:30: c04 over, c05 and c06
    # abandoned: 0 / 3; 09:30–09:45: c07 abandoned: 0 / 1 (c08 never queued; c09 outbound, c10 chat: not phone)
    assert got[["interval", "numerator", "denominator"]].values.tolist() == [
        [pd.Timestamp(T + "09:00"), 3, 3], [pd.Timestamp(T + "09:15"), 0, 3], [pd.Timestamp(T + "09:30"), 0, 1]]
    # summed over the intervals: the day's 3 / 7
    day = service_level(calls, by="day")
    assert [got["numerator"].sum(), got["denominator"].sum()] == day[["numerator", "denominator"]].iloc[0].tolist()
    # 30 minutes: 09:00 holds c01–c06 (3 / 6), 09:30 c07 (0 / 1)
    half = service_level(calls, by=["day", "interval"], interval_minutes=30)
    assert half[["interval", "numerator", "denominator"]].values.tolist() == [
        [pd.Timestamp(T + "09:00"), 3, 6], [pd.Timestamp(T + "09:30"), 0, 1]]
    assert_kpi(abandonment_rate(calls, by="interval", interval_minutes=60), [(pd.Timestamp(T + "09:00"), 3, 7, 3 / 7)],
               by=["interval"])


def test_a_contact_counts_in_the_interval_of_its_arrival_or_of_its_answer():
    calls = contacts([
        # arrives 09:14:50, 5 s menu, answered after 20 s in the queue: 09:15:15
        contact("i1", T + "09:14:50", ivr=5, wait=20, talk=60, team="first"),
        # arrives 09:20:00, answered 09:20:10
        contact("i2", T + "09:20", ivr=5, wait=5, talk=60, team="first"),
    ])
    by_arrival = service_level(calls, by="interval", interval_minutes=15)
    assert by_arrival[["interval", "numerator", "denominator"]].values.tolist() == [
        [pd.Timestamp(T + "09:00"), 1, 1], [pd.Timestamp(T + "09:15"), 1, 1]]
    by_answer = service_level(calls, by="interval", interval_minutes=15, interval_of="answer")
    assert by_answer[["interval", "numerator", "denominator"]].values.tolist() == [[pd.Timestamp(T + "09:15"), 2, 2]]
    with pytest.raises(ParameterError, match="`interval_minutes` must be one of 15, 30, 60; got 20"):
        service_level(calls, by="interval", interval_minutes=20)
    with pytest.raises(ParameterError, match="`interval_of` must be one of 'arrival', 'answer'; got 'end'"):
        average_handle_time(calls, by="interval", interval_of="end")


def test_every_contact_kpi_groups_by_interval(calls):
    # AHT per hour: the 09:00 hour holds c01–c04, c09, c10: (100 + 200 + 300 + 400 + 60 + 500) / 6 = 260
    assert_kpi(average_handle_time(calls, by="interval", interval_minutes=60),
               [(pd.Timestamp(T + "09:00"), 1560, 6, 260.0)], by=["interval"])
    for kpi in (average_speed_of_answer, repeat_contact_rate, first_contact_resolution, transfer_rate,
                agent_resolved_rate):
        whole, parts = kpi(calls), kpi(calls, by="interval", interval_minutes=15)
        assert [parts["numerator"].sum(), parts["denominator"].sum()] == pytest.approx(
            whole[["numerator", "denominator"]].iloc[0].tolist())
