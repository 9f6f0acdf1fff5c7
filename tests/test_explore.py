"""The slider explorers return exactly what the KPI functions return, for any threshold or window."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _fixtures import assert_kpi, contact, contacts, local
from kpilib import first_contact_resolution, repeat_contact_rate, service_level
from kpilib.exceptions import ParameterError
from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer
from kpilib.kpis.queue import ABANDON_RULES, CLOCKS

NAN = float("nan")
T = "2026-03-02 "  # a Monday without a DST change


@pytest.fixture
def calls() -> pd.DataFrame:
    return contacts([
        contact("a1", T + "09:00", ivr=10, wait=5, talk=60, team="first"),  # queue 5, arrival 15
        contact("a2", T + "09:01", ivr=10, wait=25, talk=60, team="first"),  # queue 25, arrival 35
        contact("a3", T + "09:02", ivr=0, abandon=4, team="first"),  # abandoned after 4 (both clocks)
        contact("a4", T + "09:03", ivr=10, abandon=50, team="first"),  # abandoned: queue 50, arrival 60
        contact("b1", T + "09:04", ivr=5, wait=10, talk=60, team="second"),  # queue 10, arrival 15
        contact("b2", T + "09:05", ivr=None, abandon=30, team="third"),  # never queued: not offered
    ])


@pytest.mark.parametrize(("threshold_s", "clock", "abandoned", "short_abandon_s", "expected"), [
    # queue clock, 20 s: first A = 2 (a1, a2), A_within = 1 (a1), Ab = 2 (a3, a4), Ab_within = 1 (a3)
    (20, "queue", "exclude", 0, [("first", 1, 2, 1 / 2), ("second", 1, 1, 1.0), ("third", 0, 0, NAN)]),
    (20, "queue", "fail", 0, [("first", 1, 4, 1 / 4), ("second", 1, 1, 1.0), ("third", 0, 0, NAN)]),
    # fail_after_threshold leaves a3 (within) out: 1 / (2 + 1)
    (20, "queue", "fail_after_threshold", 0, [("first", 1, 3, 1 / 3), ("second", 1, 1, 1.0),
                                              ("third", 0, 0, NAN)]),
    # pass_within_threshold: (1 + 1) / (2 + 2)
    (20, "queue", "pass_within_threshold", 0, [("first", 2, 4, 2 / 4), ("second", 1, 1, 1.0),
                                               ("third", 0, 0, NAN)]),
    # short_abandon_s=5 removes a3: first fail = 1 / (2 + 1)
    (20, "queue", "fail", 5, [("first", 1, 3, 1 / 3), ("second", 1, 1, 1.0), ("third", 0, 0, NAN)]),
    # arrival clock, 15 s: a1 (15) and b1 (15) within; a2 (35) over; first fail = 1 / 4
    (15, "arrival", "fail", 0, [("first", 1, 4, 1 / 4), ("second", 1, 1, 1.0), ("third", 0, 0, NAN)]),
    # 30 s, queue, pass_within_threshold: a1, a2 answered within, a3 abandoned within: 3 / 4
    (30, "queue", "pass_within_threshold", 0, [("first", 3, 4, 3 / 4), ("second", 1, 1, 1.0),
                                               ("third", 0, 0, NAN)]),
])
def test_service_level_explorer_on_a_hand_computed_fixture(calls, threshold_s, clock, abandoned,
                                                           short_abandon_s, expected):
    explorer = ServiceLevelExplorer(calls, by="team")
    got = explorer.service_level(threshold_s=threshold_s, clock=clock, abandoned=abandoned,
                                 short_abandon_s=short_abandon_s)
    assert_kpi(got, expected, by=["team"])
    pd.testing.assert_frame_equal(got, service_level(calls, threshold_s=threshold_s, clock=clock,
                                                     abandoned=abandoned, short_abandon_s=short_abandon_s,
                                                     by="team"))


def test_service_level_explorer_without_groups_and_by_month(calls):
    # all phone: A = 3 (a1, a2, b1), A_within 20 s = 2 (a1, b1), Ab = 2: fail = 2 / 5
    assert_kpi(ServiceLevelExplorer(calls, by=None).service_level(), [(2, 5, 2 / 5)])
    assert_kpi(ServiceLevelExplorer(calls, by="month").service_level(),
               [(pd.Timestamp("2026-03-01"), 2, 5, 2 / 5)], by=["month"])


def test_explorer_arguments_are_checked(calls):
    explorer = ServiceLevelExplorer(calls)
    with pytest.raises(ParameterError, match="`abandoned` must be one of"):
        explorer.service_level(abandoned="ignore")
    with pytest.raises(ParameterError, match="`threshold_s` must be >= 0"):
        explorer.service_level(threshold_s=-1)
    with pytest.raises(ParameterError, match="`by` must name columns"):
        ServiceLevelExplorer(calls, by="queue")


_call = st.tuples(
    st.sampled_from(["first", "second", None]),
    st.one_of(st.none(), st.integers(0, 40)),  # IVR seconds; None = never queued
    st.booleans(),  # answered?
    st.one_of(st.none(), st.integers(0, 90)),  # wait to answer or hang-up; None = no end time
    st.sampled_from(["2026-04-29", "2026-04-30", "2026-05-01", "2026-05-04"]),  # April or May
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_call, min_size=0, max_size=14), st.data())
def test_service_level_explorer_equals_service_level(draws, data):
    rows = []
    for i, (team, ivr, answered, wait, day) in enumerate(draws):
        arrived = local(f"{day} 09:00") + pd.Timedelta(minutes=i)
        rows.append(contact(f"h{i:02d}", arrived, ivr=ivr, team=team,
                            wait=(wait if wait is not None else 7) if answered else None,
                            talk=30 if answered else None, abandon=None if answered else wait))
    frame = contacts(rows)
    by = data.draw(st.sampled_from([None, "team", ["team", "month"]]))
    explorer = ServiceLevelExplorer(frame, by=by)
    for _ in range(4):
        options = dict(threshold_s=data.draw(st.integers(0, 100) | st.floats(0, 100)),
                       clock=data.draw(st.sampled_from(CLOCKS)),
                       abandoned=data.draw(st.sampled_from(ABANDON_RULES)),
                       short_abandon_s=data.draw(st.sampled_from([0, None, 3, 10.5, 60])),
                       short_abandon_clock=data.draw(st.sampled_from([None, "queue", "arrival"])))
        pd.testing.assert_frame_equal(explorer.service_level(**options),
                                      service_level(frame, by=by, **options))


def test_repeat_explorer_on_a_hand_computed_fixture():
    frame = contacts([
        contact("r1", "2026-03-02 09:00", wait=1, team="first", customer_id="k1"),
        contact("r2", "2026-03-04 09:00", wait=1, team="first", customer_id="k1"),  # 2 days after r1
        contact("r3", "2026-03-12 09:00", wait=1, team="second", customer_id="k1"),  # 8 days after r2
        contact("r4", "2026-03-02 10:00", wait=1, team="second", customer_id="k2"),  # no follow-up
        contact("r5", "2026-03-02 11:00", wait=None, abandon=5, team="second", customer_id="k2"),  # not answered
    ])
    explorer = RepeatExplorer(frame, by="team")
    # window 1 day: no gap <= 1 day; first 0 / 2 (r1, r2), second 0 / 2 (r3, r4)
    assert_kpi(explorer.repeat_contact_rate(window_days=1), [("first", 0, 2, 0.0), ("second", 0, 2, 0.0)],
               by=["team"])
    # window 7 days: r1 (2 days) repeats: first 1 / 2
    assert_kpi(explorer.repeat_contact_rate(window_days=7), [("first", 1, 2, 0.5), ("second", 0, 2, 0.0)],
               by=["team"])
    # window 14 days: r1 and r2 (8 days) repeat: first 2 / 2
    assert_kpi(explorer.repeat_contact_rate(window_days=14), [("first", 2, 2, 1.0), ("second", 0, 2, 0.0)],
               by=["team"])
    for window in (1, 2, 7, 8, 14):
        pd.testing.assert_frame_equal(explorer.repeat_contact_rate(window_days=window),
                                      repeat_contact_rate(frame, window_days=window, by="team"))


def test_repeat_and_fcr_windows_in_working_days():
    frame = contacts([
        contact("r1", "2026-03-02 09:00", wait=1, team="first", customer_id="k1"),   # Mon
        contact("r2", "2026-03-04 09:00", wait=1, team="first", customer_id="k1"),   # Wed: 2 working days, 48 h
        # Thu 12 Mar: from Wed 4 that is Wed, Thu, Fri, Mon, Tue, Wed = 6 working days, and 8 × 24 h
        contact("r3", "2026-03-12 09:00", wait=1, team="second", customer_id="k1"),
        contact("r4", "2026-03-02 10:00", wait=1, team="second", customer_id="k2"),  # no follow-up
    ])
    explorer = RepeatExplorer(frame, by="team")
    # 6 working days: r1 (2) and r2 (6) repeat: first 2 / 2; in 6 × 24 h r2 (8 days) does not: 1 / 2
    assert_kpi(explorer.repeat_contact_rate(window_days=6, window_unit="working_day"),
               [("first", 2, 2, 1.0), ("second", 0, 2, 0.0)], by=["team"])
    assert_kpi(explorer.repeat_contact_rate(window_days=6), [("first", 1, 2, 0.5), ("second", 0, 2, 0.0)],
               by=["team"])
    # 5 working days: only r1 (2 ≤ 5): 1 / 2
    assert_kpi(explorer.repeat_contact_rate(window_days=5, window_unit="working_day"),
               [("first", 1, 2, 0.5), ("second", 0, 2, 0.0)], by=["team"])
    # first-contact resolution is the rest (their outcomes do not rule it out): 6 working days 0 / 2,
    # 6 × 24 h 1 / 2 (r2); the second team's r3 and r4 have no follow-up: 2 / 2
    assert_kpi(explorer.first_contact_resolution(window_days=6, window_unit="working_day"),
               [("first", 0, 2, 0.0), ("second", 2, 2, 1.0)], by=["team"])
    assert_kpi(explorer.first_contact_resolution(window_days=6), [("first", 1, 2, 0.5), ("second", 2, 2, 1.0)],
               by=["team"])
    for unit in ("24h", "calendar_day", "working_day"):
        pd.testing.assert_frame_equal(explorer.repeat_contact_rate(window_days=6, window_unit=unit),
                                      repeat_contact_rate(frame, window_days=6, window_unit=unit, by="team"))
        pd.testing.assert_frame_equal(explorer.first_contact_resolution(window_days=6, window_unit=unit),
                                      first_contact_resolution(frame, window_days=6, window_unit=unit, by="team"))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["k1", "k2", None]), st.integers(0, 20 * 24),
                          st.booleans(), st.sampled_from(["first", "second"])), max_size=12),
       st.lists(st.floats(0.01, 21), min_size=1, max_size=4), st.sampled_from(["customer", "case"]))
def test_repeat_explorer_equals_repeat_contact_rate(draws, windows, match):
    rows = [contact(f"r{i:02d}", local("2026-03-02 09:00") + pd.Timedelta(hours=hours),
                    wait=1 if answered else None, abandon=None if answered else 3, team=team,
                    customer_id=key, case_id=key)
            for i, (key, hours, answered, team) in enumerate(draws)]
    frame = contacts(rows)
    explorer = RepeatExplorer(frame, match=match, by="team")
    for window in windows:
        for unit in ("24h", "calendar_day", "working_day"):
            pd.testing.assert_frame_equal(
                explorer.repeat_contact_rate(window_days=window, window_unit=unit),
                repeat_contact_rate(frame, window_days=window, match=match, window_unit=unit, by="team"))
            if match == "customer":
                pd.testing.assert_frame_equal(
                    explorer.first_contact_resolution(window_days=window, window_unit=unit),
                    first_contact_resolution(frame, window_days=window, window_unit=unit, by="team"))


def test_a_definition_naming_the_explorers_channel_is_accepted_another_is_refused(calls):
    explorer = ServiceLevelExplorer(calls, by="team", channel="phone")
    pd.testing.assert_frame_equal(explorer.service_level(channel="phone"), explorer.service_level())
    with pytest.raises(ParameterError, match="holds the 'phone' contacts"):
        explorer.service_level(channel="chat")
