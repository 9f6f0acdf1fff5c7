"""Chain discovery on small hand-written logs: every count and time below is computed by hand.

Teams: L1 = first_line, L2 = second_line, F = field, B = billing. Line order L1 < L2 < F, billing
outside. Times are local (Europe/Amsterdam); 2026: Fri 24 Apr, Mon 27 Apr = King's Day (closed),
Fri 1 May is an ordinary working day in the Netherlands.
"""

from __future__ import annotations

import pandas as pd
import pytest

from _fixtures import assert_kpi, frame
from kpilib import chains
from kpilib.data.calendar import WorkingCalendar
from kpilib.chains import Lines

LINES = Lines(order=("first_line", "second_line", "field"), outside=("billing",))
L1, L2, F, B = "first_line", "second_line", "field", "billing"


def ev(case, at, team, seq, activity=None):
    return {"case_id": case, "at": f"2026-04-01 {at}", "team": team, "seq": seq, "activity": activity}


def small_log() -> pd.DataFrame:
    """Six cases on Wed 1 Apr, rows deliberately out of order."""
    rows = [
        # case 1: L1, L2, L1, L2 -> handoffs L1>L2 (2), L2>L1 (1); bounces L1-L2-L1 and L2-L1-L2
        ev("1", "12:00", L2, 4), ev("1", "09:00", L1, 1), ev("1", "10:00", L2, 2), ev("1", "11:00", L1, 3),
        # case 2: L1 L1 (one stay), L2, F -> handoffs L1>L2, L2>F
        ev("2", "09:00", L1, 1), ev("2", "09:30", L1, 2), ev("2", "10:00", L2, 3), ev("2", "13:00", F, 4),
        # case 3: three rows at L1: one stay, no handoff
        ev("3", "09:10", L1, 3), ev("3", "09:00", L1, 1), ev("3", "09:05", L1, 2),
        # case 4: L1, B
        ev("4", "09:00", L1, 1), ev("4", "10:00", B, 2),
        # case 5: a tie at 10:00 broken by seq: L1 (seq 2) before L2 (seq 3) -> stays L1, L2
        # (in the other order it would read L1, L2, L1: a false ping-pong)
        ev("5", "10:00", L2, 3), ev("5", "09:00", L1, 1), ev("5", "10:00", L1, 2),
        # case 6: L1, L2
        ev("6", "09:00", L1, 1), ev("6", "09:45", L2, 2),
    ]
    return frame("events", rows)


def test_consecutive_rows_at_one_team_are_one_stay():
    s = chains.stays(small_log())
    per_case = s.groupby("case_id")["team"].agg(list).to_dict()
    assert per_case == {"1": [L1, L2, L1, L2], "2": [L1, L2, F], "3": [L1], "4": [L1, B], "5": [L1, L2],
                        "6": [L1, L2]}
    # case 2's first stay holds two rows (09:00, 09:30); case 3's one stay holds three
    assert s.loc[(s.case_id == "2") & (s.stay == 0), "events"].item() == 2
    assert s.loc[s.case_id == "3", "events"].tolist() == [3]
    # case 5: the first stay holds 09:00 and 10:00 (seq 2); the second starts at 10:00 (seq 3)
    five = s[s.case_id == "5"]
    assert five["events"].tolist() == [2, 1]
    assert five["started_at"].dt.strftime("%H:%M").tolist() == ["09:00", "10:00"]


def test_handoff_counts_and_matrix():
    h = chains.handoffs(small_log(), lines=LINES)
    got = {(a, b): (n, c) for a, b, n, c in h[["from_team", "to_team", "handoffs", "cases"]].itertuples(index=False)}
    # L1>L2: case 1 twice, cases 2, 5, 6 once = 5 handoffs in 4 cases
    assert got == {(L1, L2): (5, 4), (L1, B): (1, 1), (L2, L1): (1, 1), (L2, F): (1, 1)}
    share = dict(zip(zip(h.from_team, h.to_team), h.share))
    # out of L1: 5 + 1 = 6 handoffs -> 5/6 to L2, 1/6 to billing; out of L2: 1 + 1 -> 1/2 each
    assert share[(L1, L2)] == pytest.approx(5 / 6) and share[(L1, B)] == pytest.approx(1 / 6)
    assert share[(L2, L1)] == pytest.approx(0.5) and share[(L2, F)] == pytest.approx(0.5)
    assert h.loc[h.backward, ["from_team", "to_team"]].values.tolist() == [[L2, L1]]
    matrix = chains.handoff_matrix(h, teams=list(LINES.teams))
    assert list(matrix.index) == [L1, L2, F, B] and list(matrix.columns) == [L1, L2, F, B]
    assert matrix.values.tolist() == [[0, 5, 0, 1],
                                      [1, 0, 1, 0],
                                      [0, 0, 0, 0],
                                      [0, 0, 0, 0]]


def test_start_end_first_line_and_ping_pong():
    log = small_log()
    se = chains.start_end_teams(log).set_index("team")
    # all six start at L1; ends: L2 (cases 1, 5, 6), F (2), L1 (3), B (4)
    assert se["starts"].to_dict() == {L1: 6, L2: 0, B: 0, F: 0}
    assert se["ends"].to_dict() == {L1: 1, L2: 3, B: 1, F: 1}
    assert se.loc[L2, "end_share"] == pytest.approx(3 / 6)
    # only case 3 never leaves the first line: 1 / 6
    assert_kpi(chains.first_line_share(log, lines=LINES), [(L1, 1, 6, 1 / 6)], by=["first_line"])
    pp = chains.ping_pong(log)
    # case 1 (L1 L2 L1 L2): its third stay bounces L1-L2-L1, its fourth L2-L1-L2
    assert pp[["pattern", "bounces", "cases"]].values.tolist() == [
        ["first_line -> second_line -> first_line", 1, 1], ["second_line -> first_line -> second_line", 1, 1]]
    assert_kpi(chains.ping_pong_cases(log), [(1, 6, 1 / 6)])


def test_variants_with_share_and_cumulative_coverage():
    v = chains.variants(small_log(), top=3)
    # L1>L2 (cases 5, 6) = 2 of 6; then the paths of one case each, by name:
    # "first_line" < "first_line > billing" < "first_line > second_line > field" < ...
    assert v["path"].tolist() == ["first_line > second_line", "first_line", "first_line > billing"]
    assert v["cases"].tolist() == [2, 1, 1]
    assert v["stays"].tolist() == [2, 1, 2]
    assert v["share"].tolist() == pytest.approx([2 / 6, 1 / 6, 1 / 6])
    assert v["cumulative_share"].tolist() == pytest.approx([2 / 6, 3 / 6, 4 / 6])
    everything = chains.variants(small_log(), top=10)
    assert len(everything) == 5 and everything["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_backward_handoffs_against_the_line_order():
    log = frame("events", [
        # a: L1 > F > L2 > B > L1: F>L2 is backward (2 < 3 in line order); L2>B and B>L1 are not
        # (billing is outside the order)
        {"case_id": "a", "at": "2026-04-01 09:00", "team": L1, "seq": 1},
        {"case_id": "a", "at": "2026-04-01 10:00", "team": F, "seq": 2},
        {"case_id": "a", "at": "2026-04-01 11:00", "team": L2, "seq": 3},
        {"case_id": "a", "at": "2026-04-01 12:00", "team": B, "seq": 4},
        {"case_id": "a", "at": "2026-04-01 13:00", "team": L1, "seq": 5},
        # b: L1 > L2 > L1: L2>L1 backward
        {"case_id": "b", "at": "2026-04-01 09:00", "team": L1, "seq": 1},
        {"case_id": "b", "at": "2026-04-01 10:00", "team": L2, "seq": 2},
        {"case_id": "b", "at": "2026-04-01 11:00", "team": L1, "seq": 3},
        # c: L1 > L2 > F: forward only
        {"case_id": "c", "at": "2026-04-01 09:00", "team": L1, "seq": 1},
        {"case_id": "c", "at": "2026-04-01 10:00", "team": L2, "seq": 2},
        {"case_id": "c", "at": "2026-04-01 11:00", "team": F, "seq": 3},
    ])
    back = chains.backward_handoffs(log, lines=LINES)
    assert back[["from_team", "to_team", "handoffs", "cases"]].values.tolist() == [[F, L2, 1, 1], [L2, L1, 1, 1]]
    # cases a and b of three
    assert_kpi(chains.backward_handoffs(log, lines=LINES, by_case=True), [(2, 3, 2 / 3)])
    # another line order makes other handoffs backward: with F < L2 < L1, L1>F, L1>L2 (b, c) and L2>F
    # ... are backward: a (L1>F), b (L1>L2), c (L1>L2, L2>F) -> 3 of 3
    reverse = Lines(order=(F, L2, L1))
    assert_kpi(chains.backward_handoffs(log, lines=reverse, by_case=True), [(3, 3, 1.0)])


def timed_log() -> pd.DataFrame:
    def row(case, at, team, seq, activity):
        return {"case_id": case, "at": at, "team": team, "seq": seq, "activity": activity}

    return frame("events", [
        # W: handed over Fri 24 Apr 17:00, picked up Tue 28 Apr 10:00 (weekend + King's Day between)
        row("W", "2026-04-24 16:00", L1, 1, "Nieuw"),
        row("W", "2026-04-24 17:00", L2, 2, "Toegewezen"),
        row("W", "2026-04-28 10:00", L2, 3, "In behandeling"),
        row("W", "2026-04-28 15:00", L2, 4, "Opgelost"),
        row("W", "2026-05-01 09:00", L2, 5, "Gesloten"),
        # V: handed over Mon 4 May 09:00 after arriving Thu 30 Apr 17:30
        row("V", "2026-04-30 17:30", L1, 1, "Nieuw"),
        row("V", "2026-05-04 09:00", L2, 2, "Toegewezen"),
        row("V", "2026-05-04 11:00", L2, 3, "In behandeling"),
        row("V", "2026-05-04 12:00", L2, 4, "Opgelost"),
    ])


OPEN = WorkingCalendar(opening_hours="08:00-18:00")
DONE = Lines(order=(L1, L2), done=("Opgelost", "Gesloten"))


def test_time_between_steps_in_working_and_calendar_hours():
    h = chains.handoffs(timed_log(), lines=DONE, calendar=OPEN)
    assert h[["from_team", "to_team", "handoffs"]].values.tolist() == [[L1, L2, 2]]
    r = h.iloc[0]
    # W: Fri 16:00 -> Fri 17:00 = 1 h (calendar and working)
    # V: Thu 30 Apr 17:30 -> Mon 4 May 09:00: calendar 6.5 + 3 * 24 + 9 = 87.5 h;
    #    working Thu 17:30-18:00 0.5 + Fri 1 May 10 + Mon 08:00-09:00 1 = 11.5 h
    # median of two = their mean; p90 (linear) = low + 0.9 * (high - low)
    assert r.median_hours == pytest.approx((1 + 87.5) / 2)
    assert r.p90_hours == pytest.approx(1 + 0.9 * 86.5)
    assert r.median_working_hours == pytest.approx((1 + 11.5) / 2)
    assert r.p90_working_hours == pytest.approx(1 + 0.9 * 10.5)
    # the wait at L2 after the handoff: W Fri 17:00 -> Tue 10:00 = Fri 17-18 1 + Tue 08-10 2 = 3 h;
    # V Mon 09:00 -> 11:00 = 2 h; median 2.5
    assert r.median_wait_working_hours == pytest.approx(2.5)


def test_waiting_versus_working_time_with_opening_hours():
    lost = chains.time_lost(timed_log(), lines=DONE, calendar=OPEN).set_index("team")
    # L1: W 16:00-17:00 = 1 h, V 11.5 h working (not reached by a handoff, so no wait)
    # L2 waiting: W 3 h + V 2 h = 5 h; working: W Tue 10-15 = 5 h + V 11-12 = 1 h = 6 h;
    # 'Opgelost' -> 'Gesloten' (Tue 15:00 -> Fri 09:00) is after the need was met: not counted
    assert lost.loc[L1, ["stays", "waiting_hours", "working_hours"]].tolist() == pytest.approx([2, 0, 12.5])
    assert lost.loc[L2, ["stays", "waiting_hours", "working_hours"]].tolist() == pytest.approx([2, 5, 6])
    assert lost.loc[L2, "waiting_share"] == pytest.approx(5 / 11)
    assert lost.loc[L1, "time_share"] == pytest.approx(12.5 / 23.5)
    # calendar: L2 waiting W Fri 17:00 -> Tue 10:00 = 7 + 72 + 10 = 89 h, V 2 h
    assert lost.loc[L2, "waiting_calendar_hours"] == pytest.approx(91)
    assert lost.loc[L1, "working_calendar_hours"] == pytest.approx(1 + 87.5)
    assert list(lost.index) == [L1, L2]  # most time first: 12.5 h > 11 h


def test_without_done_statuses_the_time_until_the_last_row_counts():
    lost = chains.time_lost(timed_log(), lines=Lines(order=(L1, L2)), calendar=OPEN).set_index("team")
    # W's Tue 15:00 -> Fri 1 May 09:00 now counts as working: Tue 3 + Wed 10 + Thu 10 + Fri 1 = 24 h
    assert lost.loc[L2, "working_hours"] == pytest.approx(6 + 24)
    # with explicit waiting statuses that the log does not use, nothing is waiting
    none = chains.time_lost(timed_log(), lines=Lines(order=(L1, L2), waiting=("Wacht",), done=DONE.done),
                            calendar=OPEN).set_index("team")
    assert none.loc[L2, ["waiting_hours", "working_hours"]].tolist() == pytest.approx([0, 11])


def test_contacts_are_events_of_their_case():
    contacts = frame("contacts", [
        {"contact_id": "k1", "case_id": "1", "team": L1, "arrived_at": "2026-04-01 09:00",
         "channel": "phone", "direction": "inbound"},
        {"contact_id": "k2", "case_id": "1", "team": L2, "arrived_at": "2026-04-01 10:00",
         "channel": "callback", "direction": "outbound"},
        {"contact_id": "k3", "case_id": "1", "team": L1, "arrived_at": "2026-04-02 10:00",
         "channel": "phone", "direction": "inbound"},
        # no case: belongs to no chain
        {"contact_id": "k4", "case_id": None, "team": L1, "arrived_at": "2026-04-01 10:00",
         "channel": "phone", "direction": "inbound"},
    ])
    h = chains.handoffs(contacts, lines=LINES)
    assert h[["from_team", "to_team", "handoffs"]].values.tolist() == [[L1, L2, 1], [L2, L1, 1]]
    assert chains.variants(contacts)["path"].tolist() == ["first_line > second_line > first_line"]


def test_discover_gives_the_same_as_each_function():
    log = small_log()
    found = chains.discover(log, lines=LINES, top=3)
    pd.testing.assert_frame_equal(found.handoffs, chains.handoffs(log, lines=LINES))
    pd.testing.assert_frame_equal(found.variants, chains.variants(log, top=3))
    assert found.cases == 6
    assert found.matrix().loc[L1, L2] == 5
    # without a line order, the order is read from the data: mean position of each team's first stay:
    # L1 0; L2 (cases 1, 2, 5, 6) 1; billing (4) 1; field (2) 2 -> L1, billing, L2 (by name), field
    assert chains.default_lines(log).order == (L1, B, L2, F)


def test_chain_facts_and_handover_candidates():
    found = chains.discover(small_log(), lines=LINES, top=3)
    facts = chains.chain_facts(found)
    # 6 cases; case 3 alone stays at L1; case 1 ping-pongs and is handed back; L1>L2 5 times
    assert (facts["cases"], facts["busiest"], facts["busiest_handoffs"]) == (6, "first_line -> second_line", 5)
    assert facts["first_line_share"] == pytest.approx(1 / 6)
    assert facts["ping_pong_share"] == pytest.approx(1 / 6) and facts["backward_share"] == pytest.approx(1 / 6)
    assert facts["top_path"] == "first_line > second_line" and facts["top_coverage"] == pytest.approx(4 / 6)
    timed = chains.discover(timed_log(), lines=DONE, calendar=OPEN)
    # the only handoff L1>L2: 2 handoffs x median wait 2.5 h
    assert chains.handover_candidates(timed) == ["first_line -> second_line"]
    # waiting 5 h of 12.5 + 11 = 23.5 working hours
    assert chains.chain_facts(timed)["waiting_share"] == pytest.approx(5 / 23.5)
