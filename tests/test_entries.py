"""Entries (customer calls) against interactions (what each queue counts), on a fixture by hand."""

from __future__ import annotations

import pytest

from _fixtures import assert_kpi, contact, contacts
from kpilib import repeat_contact_rate, service_level
from kpilib.exceptions import ParameterError
from kpilib.kpis.entries import entries_and_interactions

T = "2026-03-02 "


@pytest.fixture
def calls():
    return contacts([
        # k1 calls at 09:00; answered after 10 s, talks 290 s and is transferred: ends 09:05:00
        contact("e1", T + "09:00", wait=10, talk=290, team="first", customer_id="k1", outcome="transferred"),
        # the transferred leg arrives at billing 10 s later: the same customer call (entry)
        contact("e2", T + "09:05:10", wait=40, talk=100, team="billing", customer_id="k1", outcome="resolved"),
        # k1 calls again at 11:00: a new entry
        contact("e3", T + "11:00", wait=5, talk=60, team="first", customer_id="k1", outcome="resolved"),
        # k2 is transferred at 09:03, but the next contact arrives 7 minutes later: a new entry
        contact("e4", T + "09:00", wait=5, talk=175, team="first", customer_id="k2", outcome="transferred"),
        contact("e5", T + "09:10", wait=5, talk=60, team="billing", customer_id="k2", outcome="resolved"),
    ])


def test_transfers_inflate_the_volume(calls):
    # 5 interactions, 4 entries (e2 continues e1): 5 / 4 = 1.25 interactions per customer call
    assert_kpi(entries_and_interactions(calls), [(5, 4, 1.25)])
    # first: e1, e3, e4 handled and started there (3 / 3); billing: e2, e5 handled, only e5 started there
    assert_kpi(entries_and_interactions(calls, by="team"), [("billing", 2, 1, 2.0), ("first", 3, 3, 1.0)],
               by=["team"])
    # a gap of 10 minutes joins e4 and e5 as well: 5 / 3
    assert_kpi(entries_and_interactions(calls, transfer_gap_s=600), [(5, 3, 5 / 3)])


def test_a_transferred_leg_is_no_repeat_contact_when_entries_are_counted(calls):
    # interactions: e1→e2 (10 s), e2→e3 (2 h), e4→e5 (7 min) are followed within 24 h: 3 / 5
    assert_kpi(repeat_contact_rate(calls, window_days=1), [(3, 5, 0.6)])
    # entries e1, e3, e4, e5: e1→e3 (2 h) and e4→e5 are repeats; e2 is part of e1's call: 2 / 4
    assert_kpi(repeat_contact_rate(calls, window_days=1, count="entries"), [(2, 4, 0.5)])


def test_the_service_level_of_the_customers_calls(calls):
    # interactions: waits 10, 40, 5, 5, 5 s; within 20 s: 4 of 5
    assert_kpi(service_level(calls), [(4, 5, 0.8)])
    # entries leave out e2 (the billing leg, 40 s in billing's queue): 4 of 4
    assert_kpi(service_level(calls, count="entries"), [(4, 4, 1.0)])
    with pytest.raises(ParameterError, match="`count` must be one of 'interactions', 'entries'; got 'calls'"):
        service_level(calls, count="calls")
