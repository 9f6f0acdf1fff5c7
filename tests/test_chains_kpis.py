"""The two internal KPIs a team measures itself by: the agent's own 'resolved' tick, and stays
within the team's norm. Expected values are computed by hand from the rows as written.

Working days follow numpy ``busday_count``: working dates d with date(start) <= d < date(end).
2026: Fri 24 Apr, Mon 27 Apr = King's Day (closed), Tue 28 Apr; Fri 1 May, Mon 4 May ...
"""

from __future__ import annotations

import pytest

from _fixtures import assert_kpi, contact, contacts, frame
from kpilib import agent_resolved_rate, stays_within_norm
from kpilib.data.calendar import WorkingCalendar
from kpilib.exceptions import ParameterError


def tick_contacts():
    return contacts([
        contact("c1", "2026-04-01 09:00", wait=5, talk=60, team="first_line", outcome="resolved"),
        contact("c2", "2026-04-01 09:10", wait=5, talk=60, team="first_line", outcome="resolved"),
        contact("c3", "2026-04-01 09:20", wait=5, talk=60, team="first_line", outcome="transferred"),
        # answered, no outcome: not resolved
        contact("c4", "2026-04-01 09:30", wait=5, talk=60, team="first_line"),
        # abandoned: not answered, out of the base even though the outcome says resolved
        contact("c5", "2026-04-01 09:40", abandon=30, team="first_line", outcome="resolved"),
        contact("c6", "2026-04-01 10:00", wait=5, talk=60, team="second_line", outcome="resolved",
                channel="chat"),
        # outbound call-back, answered and ticked resolved: only with direction outbound / any
        contact("c7", "2026-04-01 11:00", wait=5, talk=60, team="second_line", outcome="resolved",
                direction="outbound", channel="callback"),
    ])


def test_agent_resolved_rate_counts_answered_contacts_ticked_resolved():
    c = tick_contacts()
    # inbound answered: c1 c2 c3 c4 c6 = 5; ticked resolved: c1 c2 c6 = 3 -> 3 / 5
    assert_kpi(agent_resolved_rate(c), [(3, 5, 0.6)])
    # first_line: c1 c2 of c1..c4 = 2 / 4; second_line: c6 = 1 / 1
    assert_kpi(agent_resolved_rate(c, by="team"), [("first_line", 2, 4, 0.5), ("second_line", 1, 1, 1.0)],
               by=["team"])
    # phone only: c1..c4 -> 2 / 4
    assert_kpi(agent_resolved_rate(c, channel="phone"), [(2, 4, 0.5)])
    # outbound: c7 -> 1 / 1; any: 4 / 6
    assert_kpi(agent_resolved_rate(c, direction="outbound"), [(1, 1, 1.0)])
    assert_kpi(agent_resolved_rate(c, direction="any"), [(4, 6, 4 / 6)])


def test_agent_resolved_rate_checks_its_options():
    with pytest.raises(ParameterError, match="`direction` must be one of 'inbound', 'outbound', 'any'; got 'in'"):
        agent_resolved_rate(tick_contacts(), direction="in")


def stay_events():
    return frame("events", [
        # case A: first_line Wed 22 Apr, second_line from Thu 23 Apr 10:00 (two rows, one stay),
        # back to first_line Wed 29 Apr 09:00, solved there Wed 29 Apr 12:00.
        {"case_id": "A", "at": "2026-04-22 09:00", "team": "first_line", "activity": "Nieuw", "seq": 1},
        {"case_id": "A", "at": "2026-04-23 10:00", "team": "second_line", "activity": "Toegewezen", "seq": 2},
        {"case_id": "A", "at": "2026-04-24 10:00", "team": "second_line", "activity": "In behandeling", "seq": 3},
        {"case_id": "A", "at": "2026-04-29 09:00", "team": "first_line", "activity": "Toegewezen", "seq": 4},
        {"case_id": "A", "at": "2026-04-29 12:00", "team": "first_line", "activity": "Opgelost", "seq": 5},
        # case B: first_line Thu 23 Apr, second_line from Thu 23 Apr 11:00, never solved (open)
        {"case_id": "B", "at": "2026-04-23 09:00", "team": "first_line", "activity": "Nieuw", "seq": 1},
        {"case_id": "B", "at": "2026-04-23 11:00", "team": "second_line", "activity": "Toegewezen", "seq": 2},
        # case C: one stay at second_line, solved the same day
        {"case_id": "C", "at": "2026-05-04 09:00", "team": "second_line", "activity": "Nieuw", "seq": 1},
        {"case_id": "C", "at": "2026-05-04 15:00", "team": "second_line", "activity": "Opgelost", "seq": 2},
    ])


def test_stays_within_norm_counts_stays_not_rows():
    e = stay_events()
    # second_line stays:
    #   A: Thu 23 Apr -> Wed 29 Apr: Thu 23, Fri 24, Tue 28 (Mon 27 King's Day) = 3 working days
    #   B: Thu 23 Apr -> open; as_of Fri 1 May 12:00: Thu 23, Fri 24, Tue 28, Wed 29, Thu 30 = 5 > 2
    #   C: Mon 4 May -> Mon 4 May (solved at 'Opgelost') = 0 working days
    # norm 2: A breach (3 > 2), B open past the norm (breach), C within -> 1 / 3
    got = stays_within_norm(e, norm_days=2, team="second_line", done="Opgelost", as_of="2026-05-01 12:00")
    assert_kpi(got, [(1, 3, 1 / 3)])
    # norm 3: A within, B breach, C within -> 2 / 3
    got = stays_within_norm(e, norm_days=3, team="second_line", done="Opgelost", as_of="2026-05-01 12:00")
    assert_kpi(got, [(2, 3, 2 / 3)])
    # norm 5 at as_of 1 May: B has 5 working days, not more than 5: open and not yet counted -> 2 / 2
    got = stays_within_norm(e, norm_days=5, team="second_line", done="Opgelost", as_of="2026-05-01 12:00")
    assert_kpi(got, [(2, 2, 1.0)])


def test_stays_within_norm_by_team_and_the_end_of_the_last_stay():
    e = stay_events()
    # first_line stays: A Wed 22 -> Thu 23 (1 wd), A Wed 29 09:00 -> Opgelost 29 Apr 12:00 (0 wd),
    #   B Thu 23 -> Thu 23 11:00 (0 wd): norm 0 -> 2 of 3 within
    # second_line as before with norm 0: A 3 wd breach, B open (as_of 1 May: 5 wd > 0) breach, C 0 wd -> 1 / 3
    got = stays_within_norm(e, norm_days=0, by="team", done=["Opgelost"], as_of="2026-05-01 12:00")
    assert_kpi(got, [("first_line", 2, 3, 2 / 3), ("second_line", 1, 3, 1 / 3)], by=["team"])
    # without done statuses the last stay ends at the case's last row: B's second-line stay ended
    # at its only row (0 wd) -> second_line 2 / 3 at norm 0
    got = stays_within_norm(e, norm_days=0, team="second_line", as_of="2026-05-01 12:00")
    assert_kpi(got, [(2, 3, 2 / 3)])


def test_stays_within_norm_follows_the_calendar():
    e = stay_events()
    # a calendar where Mon 27 Apr is an ordinary working day (a country without King's Day):
    # A's second-line stay Thu 23 -> Wed 29: Thu, Fri, Mon, Tue = 4 working days > 3
    be = WorkingCalendar(country="BE")
    got = stays_within_norm(e, norm_days=3, team="second_line", done="Opgelost", as_of="2026-05-01 12:00",
                            calendar=be)
    # B open: as_of Fri 1 May is Labour Day in Belgium; Thu 23 .. Thu 30 = 6 wd > 3: breach; C within
    assert_kpi(got, [(1, 3, 1 / 3)])


def test_stays_within_norm_checks_its_options():
    with pytest.raises(ParameterError, match="`norm_days` must be >= 0"):
        stays_within_norm(stay_events(), norm_days=-1)
    with pytest.raises(ParameterError, match="`by` must name columns among 'team'"):
        stays_within_norm(stay_events(), norm_days=1, by="agent_id")
