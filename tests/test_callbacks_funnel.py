"""The call-back funnel, punctuality in working hours and the contacts while a call-back was pending, by hand.

Monday 2 March 2026 (no holidays); the calendar's working hours are the hours of working days.
"""

from __future__ import annotations

import pandas as pd
import pytest

from _fixtures import contact, contacts, frame
from kpilib import callback_timeliness
from kpilib.data.calendar import WorkingCalendar
from kpilib.kpis.callbacks import callback_funnel, callback_punctuality, callback_requests

MON, TUE, WED = "2026-03-02 ", "2026-03-03 ", "2026-03-04 "
AS_OF = TUE + "12:00"


def requests_fixture():
    callbacks = frame("callbacks", [
        # k1: promised 17:00, called back 15:00 and reached, no contact after: resolved
        {"callback_id": "k1", "case_id": "c1", "team": "first", "requested_at": MON + "09:00",
         "promised_by": MON + "17:00", "attempted_at": MON + "15:00", "reached": True},
        # k2: promised 12:00, first attempt 14:00 (2 working hours late), customer not reached
        {"callback_id": "k2", "case_id": "c2", "team": "first", "requested_at": MON + "09:00",
         "promised_by": MON + "12:00", "attempted_at": MON + "14:00", "reached": False},
        # k3: promised 10:00, never attempted by Tuesday 12:00: overdue; the customer called at 11:00 meanwhile
        {"callback_id": "k3", "case_id": "c3", "team": "second", "requested_at": MON + "09:00",
         "promised_by": MON + "10:00", "attempted_at": None, "reached": None},
        # k4: promised Wednesday (not due yet), attempted Tuesday 10:00 and reached; the customer calls again at 11:00
        {"callback_id": "k4", "case_id": "c4", "team": "second", "requested_at": MON + "09:00",
         "promised_by": WED + "17:00", "attempted_at": TUE + "10:00", "reached": True},
    ])
    calls = contacts([
        contact("x1", MON + "11:00", wait=5, talk=60, case_id="c3", customer_id="p3"),
        contact("x2", TUE + "11:00", wait=5, talk=60, case_id="c4", customer_id="p4"),
    ])
    return callback_requests(callbacks, calls, as_of=AS_OF, calendar=WorkingCalendar()), callbacks


def test_the_funnel_from_requested_to_resolved():
    requests, _ = requests_fixture()
    got = callback_funnel(requests)
    # requested 4; attempted k1, k2, k4 = 3; reached k1, k4 = 2 (k2 a call-back abandon); resolved k1 = 1 (k4 called again)
    assert got[["stage", "requests"]].values.tolist() == [["requested", 4], ["attempted", 3], ["reached", 2],
                                                          ["resolved", 1]]
    assert got["share"].tolist() == pytest.approx([1, 3 / 4, 2 / 4, 1 / 4])
    by_team = callback_funnel(requests, by="team")
    assert by_team[by_team["team"] == "second"]["requests"].tolist() == [2, 1, 1, 0]  # k3, k4


def test_punctuality_in_working_hours_and_contacts_while_pending():
    requests, callbacks = requests_fixture()
    assert requests.set_index("callback_id")["late_working_hours"].to_dict() == pytest.approx(
        {"k1": 0.0, "k2": 2.0, "k3": 26.0, "k4": float("nan")}, nan_ok=True)  # k3: Mon 10:00 → Tue 12:00 = 26 h
    got = callback_punctuality(requests).set_index("punctuality")["requests"]
    assert got.to_dict() == {"on time": 1, "late by up to 1 working hour": 0, "late by 1 to 4 working hours": 1,
                             "late by 4 to 8 working hours": 0, "late by more than 8 working hours": 0,
                             "not attempted, overdue": 1, "not yet due": 1}
    # on time: the same 1 of the 3 due as "call-backs on time" counts
    on_time = callback_timeliness(callbacks, as_of=AS_OF)
    assert on_time[["numerator", "denominator"]].iloc[0].tolist() == [1, 3]
    pending = requests.set_index("callback_id")[["contacts_while_pending", "contacts_after"]]
    assert pending.to_dict("index") == {"k1": {"contacts_while_pending": 0, "contacts_after": 0},
                                        "k2": {"contacts_while_pending": 0, "contacts_after": 0},
                                        "k3": {"contacts_while_pending": 1, "contacts_after": 0},
                                        "k4": {"contacts_while_pending": 0, "contacts_after": 1}}


def test_without_contacts_the_funnel_stops_at_reached():
    _, callbacks = requests_fixture()
    requests = callback_requests(callbacks, as_of=AS_OF)
    assert callback_funnel(requests)["stage"].tolist() == ["requested", "attempted", "reached"]
    assert requests["contacts_while_pending"].isna().all()
