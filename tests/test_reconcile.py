"""Reconciliation of two definitions, step by step, on small fixtures computed by hand."""

from __future__ import annotations

import pytest

from _fixtures import contact, contacts
from kpilib import first_contact_resolution, reconcile, repeat_contact_rate, service_level
from kpilib.exceptions import ParameterError
from kpilib.kpis.reconcile import _pseudonym
from test_kpis_contacts import service_rows


@pytest.fixture
def calls():
    return contacts(service_rows())


def test_service_level_from_the_teams_definition_to_the_customers(calls):
    got = reconcile("service_level", calls, a={"clock": "queue", "abandoned": "exclude"},
                    b={"clock": "arrival", "abandoned": "fail"})
    # step 0, queue clock, abandons left out: within 20 s c01 (5), c02 (15), c03 (20) of answered c01–c04: 3 / 4
    # step 1, the wait from the call: c01 15 s stays within, c02 (25) and c03 (30) leave the numerator: 1 / 4
    # step 2, abandons count as not in time: c05, c06, c07 enter the denominator: 1 / 7
    assert got[["step", "parameter", "before", "after", "numerator", "denominator"]].values.tolist() == [
        [0, "", None, None, 3, 4], [1, "clock", "queue", "arrival", 1, 4], [2, "abandoned", "exclude", "fail", 1, 7]]
    assert got[["numerator_in", "numerator_out", "denominator_in", "denominator_out"]].values.tolist() == [
        [0, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]
    assert sorted(got.loc[1, "sample_out"]) == sorted([_pseudonym("c02"), _pseudonym("c03")])
    # the numerator does not move in step 2, so its sample shows the contacts entering the denominator
    assert sorted(got.loc[2, "sample_in"]) == sorted(_pseudonym(c) for c in ("c05", "c06", "c07"))
    # the last step is the KPI under b, as the KPI function computes it
    assert got["value"].iloc[-1] == service_level(calls, clock="arrival", abandoned="fail")["value"].iloc[0] == 1 / 7


def test_short_abandons_leave_the_denominator(calls):
    got = reconcile("service_level", calls, b={"short_abandon_s": 10})
    # 3 / 7 (c01–c07 offered); short abandons up to 10 s: c05 (8 s) and c07 (0 s) leave: 3 / 5
    assert got[["parameter", "numerator", "denominator", "denominator_out"]].values.tolist() == [
        ["", 3, 7, 0], ["short_abandon_s", 3, 5, 2]]
    got = reconcile("abandonment_rate", calls, b="talkdesk_short_abandons")
    # the preset only moves the short-abandon clock; with short_abandon_s 0 nothing is removed: one step, no change
    assert got[["parameter", "numerator", "denominator"]].values.tolist() == [
        ["", 3, 7], ["short_abandon_clock", 3, 7]]


def test_repeat_window_in_working_days():
    frame = contacts([
        contact("r1", "2026-03-02 09:00", wait=1, team="first", customer_id="k1"),   # Mon
        contact("r2", "2026-03-04 09:00", wait=1, team="first", customer_id="k1"),   # Wed: 48 h later
        contact("r3", "2026-03-12 09:00", wait=1, team="second", customer_id="k1"),  # 8 × 24 h, 6 working days after r2
        contact("r4", "2026-03-02 10:00", wait=1, team="second", customer_id="k2"),  # no follow-up
    ])
    got = reconcile("repeat_contact_rate", frame, a={"window_days": 6}, b={"window_days": 6, "window_unit": "working_day"})
    # 6 × 24 h: r1 repeats: 1 / 4; 6 working days: r2 (6 ≤ 6) enters: 2 / 4
    assert got[["parameter", "numerator", "denominator", "numerator_in"]].values.tolist() == [
        ["", 1, 4, 0], ["window_unit", 2, 4, 1]]
    assert got.loc[1, "sample_in"] == [_pseudonym("r2")]
    assert got["value"].iloc[-1] == repeat_contact_rate(frame, window_days=6, window_unit="working_day")["value"].iloc[0]
    fcr = reconcile("first_contact_resolution", frame, a={"window_days": 6}, b={"window_days": 6, "window_unit": "working_day"})
    # resolved = no repeat: r2, r3, r4 (3 / 4), then r2 is a repeat and leaves: 2 / 4
    assert fcr[["numerator", "numerator_out"]].values.tolist() == [[3, 0], [2, 1]]
    assert fcr["value"].iloc[-1] == first_contact_resolution(frame, window_days=6, window_unit="working_day")["value"].iloc[0]


def test_what_cannot_be_reconciled_is_refused(calls):
    with pytest.raises(ParameterError, match="`kpi` must be one of 'service_level', 'abandonment_rate'"):
        reconcile("average_handle_time", calls)
    with pytest.raises(ParameterError, match="`genesys_default` is not a preset; the presets are cisco_abandons_ignored"):
        reconcile("service_level", calls, a="genesys_default")
    with pytest.raises(ParameterError, match="both definitions must use method='repeat_window'"):
        reconcile("first_contact_resolution", calls, a={"method": "case"})
    with pytest.raises(ParameterError, match="`clock` must be one of 'queue', 'arrival'; got 'ivr'"):
        reconcile("service_level", calls, b={"clock": "ivr"})
