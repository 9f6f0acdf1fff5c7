"""What-if replays and staffing per hour of the week, on hand-written histories.

Dates: Mon 2 Mar 2026 … Fri 6 Mar, Mon 9 Mar, Tue 10 Mar (no holidays); Fri 24 Apr 2026, then
Mon 27 Apr = King's Day (Koningsdag). Contacts built with ``contact(..., wait=5, talk=60)``
end 65 s after arriving.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from _fixtures import contact, contacts, frame, local
import kpilib
from kpilib import agents_for_service_level
from kpilib.data.calendar import WorkingCalendar
from kpilib.exceptions import ParameterError
from kpilib.days.staffing import estimate_patience, staffing_by_hour
from kpilib.days.levers import callback_options, callback_replay, escalation_options, escalation_replay

FIRST = "first_line"


def _in(contact_id, arrived, case_id, team=FIRST, **kw):
    return contact(contact_id, arrived, wait=5, talk=60, case_id=case_id, team=team, **kw)


def _out(contact_id, arrived, case_id, team="second_line"):
    return contact(contact_id, arrived, ivr=None, wait=0, talk=120, case_id=case_id, team=team,
                   direction="outbound")


def escalation_tables():
    cases = frame("cases", [
        dict(case_id="K1", category="fault", opened_at="2026-03-02 09:00", resolved_at="2026-03-09 10:00"),
        dict(case_id="K2", category="billing", opened_at="2026-03-02 10:00", resolved_at="2026-03-03 10:00:30"),
        dict(case_id="K3", category="fault", opened_at="2026-03-02 11:00"),
        dict(case_id="K4", category="fault", opened_at="2026-03-02 12:00", resolved_at="2026-03-05 11:00"),
        dict(case_id="K5", category="billing", opened_at="2026-03-02 13:00"),
        dict(case_id="K6", category="fault", opened_at="2026-03-02 14:00"),  # no contacts at all
    ])
    rows = [
        # K1: four calls; the second line first calls on Thu 15:00, after the third call
        _in("k1a", "2026-03-02 09:00", "K1"), _in("k1b", "2026-03-03 09:00", "K1"),
        _in("k1c", "2026-03-04 09:00", "K1"), _out("k1o", "2026-03-05 14:00", "K1"),
        _in("k1d", "2026-03-06 09:00", "K1"),
        # K2: resolved 10:00:30, during the second call (which ends 10:01:05)
        _in("k2a", "2026-03-02 10:00", "K2"), _in("k2b", "2026-03-03 10:00", "K2"),
        # K3: the second line called on the first day already
        _in("k3a", "2026-03-02 11:00", "K3"), _out("k3o", "2026-03-02 15:00", "K3"),
        _in("k3b", "2026-03-03 11:00", "K3"), _in("k3c", "2026-03-04 11:00", "K3"),
        # K4: the first line keeps it and resolves it Thu 11:00, before the fourth call
        _in("k4a", "2026-03-02 12:00", "K4"), _in("k4b", "2026-03-03 12:00", "K4"),
        _in("k4c", "2026-03-04 12:00", "K4"), _in("k4d", "2026-03-05 12:00", "K4"),
        # K5: one call; and a call without a case
        _in("k5a", "2026-03-02 13:00", "K5"), _in("x1", "2026-03-02 13:00", None),
    ]
    return contacts(rows), cases


def test_escalation_after_two_attempts():
    c, k = escalation_tables()
    result = escalation_replay(c, k, attempts=2, first_line=FIRST)
    # cases with an inbound contact: K1–K5 = 5; their inbound contacts 4 + 2 + 3 + 4 + 1 = 14
    # triggered (2nd call ended unresolved): K1, K3, K4 (K2 resolved during it, K5 one call) = 3
    # K1: T = Tue 3 Mar, H = Thu 5 Mar: k1c saved (k1d is after H); working days Tue, Wed = 2
    # K3: the second line was in touch before T: nothing changes
    # K4: no next line; k4c arrived before the resolution (Thu 11:00), k4d after: 1 saved, 0 days
    # affected: K1, K4 = 2; contacts saved 1 + 1 = 2; working days 2
    assert result.to_dict("records") == [dict(cases=5, inbound_contacts=14, cases_triggered=3, cases_affected=2,
                                              contacts_saved=2, working_days_saved=2.0)]


def test_escalation_after_one_attempt_by_category():
    c, k = escalation_tables()
    result = escalation_replay(c, k, attempts=1, first_line=[FIRST], by="category")
    # billing: K2 (T Mon 10:01:05 < resolved Tue 10:00:30; k2b arrived 10:00, before it: 1 saved)
    #          K5 (triggered, open, nothing later): cases 2, inbound 3, triggered 2, affected 1, saved 1
    # fault:   K1 (H Thu: k1b, k1c saved; working days Mon, Tue, Wed = 3),
    #          K3 (H Mon 15:00 after T Mon 11:01: nothing arrived in between, 0 days: not affected),
    #          K4 (k4b, k4c before the resolution: 2 saved): cases 3, inbound 11, triggered 3,
    #          affected 2, saved 4, days 3
    assert result.to_dict("records") == [
        dict(category="billing", cases=2, inbound_contacts=3, cases_triggered=2, cases_affected=1,
             contacts_saved=1, working_days_saved=0.0),
        dict(category="fault", cases=3, inbound_contacts=11, cases_triggered=3, cases_affected=2,
             contacts_saved=4, working_days_saved=3.0),
    ]


def test_escalation_counts_working_days_in_the_calendar():
    k = frame("cases", [dict(case_id="K", opened_at="2026-04-23 09:00")])
    c = contacts([_in("a", "2026-04-23 09:00", "K"), _in("b", "2026-04-24 09:00", "K"),
                  _out("o", "2026-04-28 10:00", "K")])
    # T = Fri 24 Apr, H = Tue 28 Apr: Fri 24 counts, Sat, Sun, Mon 27 (King's Day) do not: 1
    result = escalation_replay(c, k, attempts=2, first_line=FIRST, calendar=WorkingCalendar())
    assert result["working_days_saved"].tolist() == [1.0]
    assert result["contacts_saved"].tolist() == [0]


def test_escalation_parameters():
    c, k = escalation_tables()
    with pytest.raises(ParameterError, match="^`attempts` must be a whole number"):
        escalation_replay(c, k, attempts=1.5, first_line=FIRST)
    with pytest.raises(ParameterError, match="^`first_line` must be a team name"):
        escalation_replay(c, k, first_line=[])
    with pytest.raises(ParameterError, match="^`by` must name cases columns among .*'category'.*got 'colour'"):
        escalation_replay(c, k, first_line=FIRST, by="colour")


def callback_tables():
    callbacks = frame("callbacks", [
        dict(callback_id="B1", case_id="K1", team="first_line", requested_at="2026-03-02 10:00",
             attempted_at="2026-03-02 13:00"),
        dict(callback_id="B2", case_id="K2", team="second_line", requested_at="2026-03-02 10:00",
             attempted_at="2026-03-03 11:00"),
        dict(callback_id="B3", case_id="K3", team="second_line", requested_at="2026-03-06 16:00"),
        dict(callback_id="B4", case_id="K4", team="first_line", requested_at="2026-03-10 10:00"),
        dict(callback_id="B5", case_id="K2", team="billing", requested_at="2026-03-02 15:00",
             attempted_at="2026-03-03 11:00"),
    ])
    c = contacts([
        _in("k1a", "2026-03-02 12:00", "K1"),
        _in("k2a", "2026-03-02 12:00", "K2"),  # before B2's deadline of 14:00
        _in("k2b", "2026-03-02 16:00", "K2"),  # after B2's deadline, before B5's (19:00)
        _in("k2c", "2026-03-03 09:00", "K2"),  # after both deadlines
        _out("k2o", "2026-03-03 11:00", "K2"),  # the call-back itself
        _in("k2d", "2026-03-03 12:00", "K2"),  # after the attempt
        _in("k3a", "2026-03-09 09:00", "K3"),
    ])
    return callbacks, c


def test_callback_within_four_hours():
    callbacks, c = callback_tables()
    calendar = WorkingCalendar(opening_hours="08:00-18:00")
    result = callback_replay(callbacks, c, within_hours=4, as_of=local("2026-03-10 12:00"), calendar=calendar)
    # due: B1, B2, B3, B5 (B4's deadline 14:00 is after as_of) = 4
    # late: B2 (attempted after 25 h), B3 (never), B5 (20 h) = 3; their cases K2, K3 = 2
    # contacts saved: k2b, k2c (B2), k3a (B3); B5 adds k2c again, counted once: 3
    # working hours: B2 Mon 14:00 → Tue 11:00 = 4 + 3 = 7; B3 Fri 20:00 → Tue 10 Mar 12:00 (as_of)
    #   = 0 (Fri after 18:00) + 10 (Mon) + 4 (Tue) = 14; B5 Mon 19:00 → Tue 11:00 = 3; 7 + 14 + 3 = 24
    assert result.to_dict("records") == [dict(requests=4, requests_late=3, cases_affected=2, contacts_saved=3,
                                              working_hours_saved=24.0)]


def test_callback_by_team_counts_a_contact_once_per_group():
    callbacks, c = callback_tables()
    calendar = WorkingCalendar(opening_hours="08:00-18:00")
    result = callback_replay(callbacks, c, within_hours=4, as_of=local("2026-03-10 12:00"), calendar=calendar,
                             by="team")
    # billing: B5, k2c, 3 h; first_line: B1 on time (B4 not due); second_line: B2 + B3, 7 + 14 h
    assert result.to_dict("records") == [
        dict(team="billing", requests=1, requests_late=1, cases_affected=1, contacts_saved=1,
             working_hours_saved=3.0),
        dict(team="first_line", requests=1, requests_late=0, cases_affected=0, contacts_saved=0,
             working_hours_saved=0.0),
        dict(team="second_line", requests=2, requests_late=2, cases_affected=2, contacts_saved=3,
             working_hours_saved=21.0),
    ]


def test_callback_within_a_day():
    callbacks, c = callback_tables()
    calendar = WorkingCalendar(opening_hours="08:00-18:00")
    # due: B1, B2, B3, B5 (B4's deadline, 11 Mar 10:00, is after as_of) = 4
    # 24 h: B2 (25 h) is late, deadline Tue 10:00: no contact between 10:00 and 11:00, Tue 10-11 = 1 h;
    # B5 (20 h) is on time; B3: deadline Sat 16:00 → Mon 10 + Tue 4 = 14 h, k3a saved
    result = callback_replay(callbacks, c, within_hours=24, as_of=local("2026-03-10 12:00"), calendar=calendar)
    assert result.to_dict("records") == [dict(requests=4, requests_late=2, cases_affected=2, contacts_saved=1,
                                              working_hours_saved=15.0)]


def test_callback_parameters():
    callbacks, c = callback_tables()
    with pytest.raises(ParameterError, match="^`within_hours` must be > 0"):
        callback_replay(callbacks, c, within_hours=0)
    with pytest.raises(ParameterError, match="^`match` must be one of 'customer', 'case'; got 'agent'"):
        callback_replay(callbacks, c, match="agent")


def staffing_contacts():
    return contacts([
        # Mon 2 Mar, 09:xx: waits 10 s and 30 s, talk 100 s and 200 s
        contact("a", "2026-03-02 09:10", wait=10, talk=100),
        contact("b", "2026-03-02 09:40", wait=30, talk=200),
        # Mon 9 Mar, 09:xx: answered at once, talk 300 s; one abandoned after 40 s
        contact("c", "2026-03-09 09:05", wait=0, talk=300),
        contact("d", "2026-03-09 09:15", abandon=40),
        # Tue 3 Mar, 10:xx: wait 5 s, talk 60 s
        contact("e", "2026-03-03 10:30", wait=5, talk=60),
        # not offered: an outbound call and a chat
        contact("f", "2026-03-02 09:20", wait=0, talk=50, direction="outbound"),
        contact("g", "2026-03-02 09:20", wait=0, talk=50, channel="chat"),
    ])


def test_patience_is_waiting_time_per_abandon():
    # waits 10 + 30 + 0 + 40 + 5 = 85 s over 1 abandon
    assert estimate_patience(staffing_contacts()) == 85.0


def test_staffing_by_hour_of_the_week():
    result = staffing_by_hour(staffing_contacts(), target=0.8, threshold_s=20)
    mon, tue = result.to_dict("records")
    # Monday 09:00: 4 offered on 2 Mondays = 2 calls per hour; AHT (100 + 200 + 300) / 3 = 200 s;
    # load 2 × 200 / 3600 = 0.1111; measured: a and c within 20 s, b late, d abandoned → 2 / 4
    assert (mon["weekday"], mon["day"], mon["hour"], mon["days"], mon["offered"]) == (0, "Mon", 9, 2, 4)
    assert mon["calls_per_hour"] == 2.0 and mon["aht_s"] == 200.0
    assert mon["load"] == pytest.approx(2 * 200 / 3600)
    assert (mon["numerator"], mon["denominator"], mon["measured_service_level"]) == (2, 4, 0.5)
    # Erlang C with 1 agent: P(wait) = 0.1111, SL = 1 − 0.1111 × exp(−(1 − 0.1111) × 20 / 200)
    # = 1 − 0.1111 × 0.91495 = 0.89834 ≥ 0.8, so 1 agent
    assert mon["agents_c"] == 1
    assert mon["service_level_c"] == pytest.approx(0.898339, abs=1e-6)
    expected_a = agents_for_service_level(2, 3600, 200, 20, 0.8, model="a", patience_s=85.0)
    assert mon["agents_a"] == expected_a.agents
    assert mon["service_level_a"] == pytest.approx(expected_a.service_level)
    # Tuesday 10:00: 1 call on 1 Tuesday, AHT 60 s, within 20 s: 1 / 1
    assert (tue["weekday"], tue["hour"], tue["days"], tue["calls_per_hour"], tue["aht_s"]) == (1, 10, 1, 1.0, 60.0)
    assert tue["measured_service_level"] == 1.0


def test_staffing_wrap_up_and_no_abandons():
    c = staffing_contacts()
    c = c[c["contact_id"] != "d"]
    result = staffing_by_hour(c, wrap_up_s=30)
    # 3 offered on 2 Mondays = 1.5 per hour; AHT 200 + 30 wrap-up = 230 s; no abandons: no Erlang A
    assert result["calls_per_hour"].tolist() == [1.5, 1.0]
    assert result["aht_s"].tolist() == [230.0, 90.0]
    assert math.isnan(result["agents_a"].iloc[0])
    with pytest.raises(ParameterError, match="^`target` must be"):
        staffing_by_hour(c, target=0)


def test_options_side_by_side():
    c, k = escalation_tables()
    result = escalation_options(c, k, attempts=[1, 2], first_line=FIRST)
    # the two single replays above: after 1 attempt 5 triggered, 3 affected, 5 saved, 3 days;
    # after 2 attempts 3, 2, 2, 2
    assert result[["attempts", "cases_triggered", "cases_affected", "contacts_saved", "working_days_saved"]
                  ].values.tolist() == [[1, 5, 3, 5, 3.0], [2, 3, 2, 2, 2.0]]
    callbacks, contacts_ = callback_tables()
    calendar = WorkingCalendar(opening_hours="08:00-18:00")
    hours = callback_options(callbacks, contacts_, within_hours=[4, 24], as_of=local("2026-03-10 12:00"),
                             calendar=calendar)
    assert hours["working_hours_saved"].tolist() == [24.0, 15.0]
    with pytest.raises(ParameterError, match="^`attempts` must be a non-empty list"):
        escalation_options(c, k, attempts=2, first_line=FIRST)


def test_tactics_are_the_decision_values():
    from kpilib.workshop._decision_values import TACTICS as ALLOWED
    from kpilib.days.levers import tactics_table

    assert tactics_table()["tactic"].tolist() == list(ALLOWED)


def test_one_day_in_intervals_sums_to_the_day_and_counts_the_agents_seen():
    from kpilib.days.staffing import busiest_day, offered_per_day, staffing_by_interval

    day = "2026-03-02 "
    calls = contacts([
        contact("s1", day + "09:00", wait=10, talk=300, agent_id="a1"),   # 09:00–09:30, within 20 s
        contact("s2", day + "09:10", wait=40, talk=300, agent_id="a2"),   # 09:00–09:30, over
        contact("s3", day + "09:40", abandon=30),                         # 09:30–10:00, abandoned
        contact("s4", "2026-03-03 10:00", wait=5, talk=200, agent_id="a1"),  # another day
    ])
    daily = offered_per_day(calls)
    assert daily["offered"].tolist() == [3, 1] and busiest_day(daily) == pd.Timestamp(day).date()
    got = staffing_by_interval(calls, day=day.strip(), interval_minutes=30, threshold_s=20, target=0.8, patience_s=60)
    # 09:00: 2 offered, 2 answered, 1 within 20 s, agents a1 and a2; 09:30: 1 offered, abandoned, nobody seen
    assert got[["offered", "answered", "abandoned", "numerator", "denominator", "agents_seen"]].values.tolist() == [
        [2, 2, 0, 1, 2, 2], [1, 0, 1, 0, 1, 0]]
    # handle time 300 s in 09:00; 09:30 has no answered call and takes the day's mean, 300 s
    assert got["aht_s"].tolist() == [300.0, 300.0]
    # 2 calls in 30 minutes = 4 an hour × 300 s / 3600 = 1/3 Erlang
    assert got["load"].iloc[0] == pytest.approx(1 / 3)
    assert got.loc[0, "agents_c"] == kpilib.agents_for_service_level(4, 3600, 300, 20, 0.8).agents
    # the day's service level from its intervals: (1 + 0) / (2 + 1)
    day_level = kpilib.service_level(calls, by="day")
    assert [got["numerator"].sum(), got["denominator"].sum()] == day_level[["numerator", "denominator"]].iloc[0].tolist()
