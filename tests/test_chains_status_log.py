"""A real ticket system's status log (one row per status change: ticket, moment, status, sub-status,
support line L1/L2/L3, owner), imported through the ordinary mapping and analysed as a chain.

tests/fixtures/status_log: four tickets in the week of Mon 1 June 2026 (no holidays), opening hours
08:00-18:00; `Nieuw` and `Wacht op lijn` are waiting, `Opgelost` and `Gesloten` done.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _fixtures import assert_kpi
import kpilib
from kpilib import chains

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "status_log"
L1, L2, L3 = "first_line", "second_line", "third_line"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("status_log") / "status_log"
    shutil.copytree(FIXTURE, folder)
    kpilib.import_workshop(folder)
    ws = kpilib.open_workshop(folder)
    return ws, chains.load_lines(ws.config)


def test_paths_handoffs_and_backward_steps(workshop):
    ws, lines = workshop
    found = chains.discover(ws.store.events, lines=lines, calendar=ws.calendar)
    # T1 L1 > L2 > L3 > L2; T2 L1 (an owner change inside L1 is no handoff); T3 L1 > L2 > L1;
    # T4 L1 > L2 (its two rows at 16:30 in file order: L1 then L2)
    assert sorted(found.variants["path"]) == ["first_line", "first_line > second_line",
                                              "first_line > second_line > first_line",
                                              "first_line > second_line > third_line > second_line"]
    assert found.matrix().loc[[L1, L2, L3], [L1, L2, L3]].values.tolist() == [[0, 3, 0],
                                                                             [1, 0, 1],
                                                                             [0, 1, 0]]
    # backward: L3 > L2 (T1), L2 > L1 (T3) -> 2 of 4 cases; ping-pong the same two cases
    assert found.backward[["from_team", "to_team"]].values.tolist() in ([[L2, L1], [L3, L2]],
                                                                        [[L3, L2], [L2, L1]])
    assert_kpi(found.backward_cases, [(2, 4, 0.5)])
    assert sorted(found.ping_pong["pattern"]) == ["first_line -> second_line -> first_line",
                                                  "second_line -> third_line -> second_line"]
    # only T2 stays in the first line
    assert_kpi(found.first_line, [(L1, 1, 4, 0.25)], by=["first_line"])


def test_waiting_and_working_hours_per_line(workshop):
    ws, lines = workshop
    lost = chains.time_lost(ws.store.events, lines=lines, calendar=ws.calendar).set_index("team")
    # first line, waiting ('Nieuw', 'Wacht op lijn'): T1 5 min, T2 10 min, T3 10 min + 5 h (09:40-14:40),
    #   T4 30 min -> 25 / 60 + 5.5 h; working: T1 15 min, T2 20 min, T3 20 min, T4 0 -> 55 / 60 h
    assert lost.loc[L1, "waiting_hours"] == pytest.approx(25 / 60 + 5.5)
    assert lost.loc[L1, "working_hours"] == pytest.approx(55 / 60)
    # second line, waiting: T1 4 h (09:20-13:20) + 1 h (Wed 09-10), T3 Mon 11:10-18:00 + Tue 08:00-09:10 = 8 h
    #   -> 13 h; working: T1 Mon 13:20-18:00 + Tue 08-10 = 6 h 40, + Wed 10-12 = 2 h; T3 30 min
    #   ('Opgelost' -> 'Gesloten' does not count)
    assert lost.loc[L2, "waiting_hours"] == pytest.approx(13)
    assert lost.loc[L2, "working_hours"] == pytest.approx(6 + 40 / 60 + 2 + 0.5)
    # third line: waiting Tue 10-11 = 1 h; working Tue 11-18 + Wed 08-09 = 8 h
    assert lost.loc[L3, ["stays", "waiting_hours", "working_hours"]].tolist() == pytest.approx([1, 1, 8])


def test_the_second_lines_own_norm_on_the_status_log(workshop):
    ws, lines = workshop
    # second-line stays: T1 Mon -> Tue (handed to L3) 1 wd; T1 Wed -> 'Opgelost' Wed 0 wd; T3 Mon -> Tue
    # 1 wd; T4 Thu 16:30, open, measured at the last row (Thu): 0 wd, not yet past the norm.
    # norm 0: within 1 (T1's second stay) of 3
    got = kpilib.stays_within_norm(ws.store.events, norm_days=0, team=L2, done=list(lines.done),
                                   calendar=ws.calendar)
    assert_kpi(got, [(1, 3, 1 / 3)])
