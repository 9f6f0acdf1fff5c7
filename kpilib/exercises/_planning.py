"""Exercises 9-10 (days 8 and 9): Erlang C staffing for 80/20, and spotting the gamed KPI."""

from __future__ import annotations

import math

import kpilib
from kpilib.exercises._contacts import CALENDAR_DAYS, calendar_day_repeats
from kpilib.exercises._spec import Data, Mistake, Part, Spec, kpi_value

STAFFING = {"calls": 150, "interval_s": 1800, "threshold_s": 20, "target": 0.80}


def _aht(d: Data, contacts=None, *, team: str | None = "first_line", channel: str | None = "phone") -> float:
    frame = kpilib.average_handle_time(d.store.contacts if contacts is None else contacts, channel=channel,
                                       by="team")
    if team is None:
        return float(frame.numerator.sum() / frame.denominator.sum())
    return kpi_value(frame, team=team)


def _agents(d: Data) -> int:
    s = STAFFING
    return kpilib.agents_for_service_level(s["calls"], s["interval_s"], _aht(d), s["threshold_s"],
                                           s["target"]).agents


def _load(d: Data) -> float:
    return STAFFING["calls"] * _aht(d) / STAFFING["interval_s"]


def _no_wait_agents(d: Data) -> int:
    s, agents = STAFFING, math.floor(_load(d)) + 1
    while kpilib.erlang_c(s["calls"], s["interval_s"], _aht(d), agents, s["threshold_s"]).p_wait > 1 - s["target"]:
        agents += 1
    return agents


ERLANG_C = Spec(
    9, "erlang_c", "Erlang C staffing for 80/20", 8,
    parts=(
        Part(_aht, name="aht_s", kind="number", label="the first line's phone AHT in seconds", mistakes=(
            Mistake("You measured from `arrived_at`: that adds the IVR and the wait in the queue. Handle "
                    "time runs from `answered_at` to `ended_at`.", lambda d: _aht(
                        d, d.contacts.assign(answered_at=d.contacts.answered_at.where(
                            d.contacts.answered_at.isna(), d.contacts.arrived_at)))),
            Mistake("You took every channel of the first line; the staffing is for the phone queue.",
                    lambda d: _aht(d, channel=None)),
            Mistake("You took the phone calls of every team; staff the first line.", lambda d: _aht(d, team=None)),
            Mistake("That is minutes; the Erlang formula here takes the AHT in seconds.", lambda d: _aht(d) / 60),
        )),
        Part(_agents, name="agents", kind="count", label="the number of agents for 80 % within 20 s", mistakes=(
            Mistake("That is the load in Erlang rounded up: with as many agents as the load, every agent is "
                    "busy all the time and the queue never empties. Add agents until the service level "
                    "reaches 0.80.", lambda d: math.ceil(_load(d))),
            Mistake("You required 80 % of the calls to be answered at once (P(wait) <= 0.20). 80/20 allows a "
                    "wait of up to 20 s: SL = 1 - P(wait) exp(-(n - A) 20 / AHT).", _no_wait_agents),
            Mistake("One agent short: with that staffing the service level stays just under 0.80. Take the "
                    "fewest agents whose service level is at least the target.", lambda d: _agents(d) - 1),
        )),
    ),
    hints=(
        "AHT: mean of `ended_at - answered_at` in seconds over the answered first-line phone calls (in and out).",
        "Load A = calls x AHT / interval. Erlang B by the recursion B(0) = 1, B(k) = A B / (k + A B); "
        "P(wait) = n B / (n - A (1 - B)).",
        "Start at n = floor(A) + 1 and add agents while 1 - P(wait) exp(-(n - A) x 20 / AHT) < 0.80.",
    ),
    given=STAFFING,
)


def _by_outcome(d: Data, contacts=None):
    return kpilib.repeat_contact_rate(d.store.contacts if contacts is None else contacts, window_days=7,
                                      by=["team", "outcome"])


def _ticked(d: Data, team: str | None = "first_line") -> float:
    frame = _by_outcome(d)
    if team is not None:
        frame = frame[frame.team == team]
    return float(frame.loc[frame.outcome == "resolved", "denominator"].sum() / frame.denominator.sum())


def _came_back_of_all(d: Data) -> float:
    frame = _by_outcome(d)
    first = frame[frame.team == "first_line"]
    return float(first.loc[first.outcome == "resolved", "numerator"].sum() / first.denominator.sum())


def _calendar_day_came_back(d: Data) -> float:
    base = calendar_day_repeats(d)
    ticked = base[(base.team == "first_line") & (base.outcome == "resolved")]
    return float(ticked.repeat.mean())


GAMED_KPI = Spec(
    10, "gamed_kpi", "Spot the gamed KPI", 9,
    parts=(
        Part(_ticked, name="ticked", label="the share of answered first-line contacts ticked 'resolved'",
             mistakes=(Mistake("You took every team; the first line reports this KPI about itself.",
                               lambda d: _ticked(d, team=None)),)),
        Part(lambda d: kpi_value(_by_outcome(d), team="first_line", outcome="resolved"), name="came_back",
             label="the share of ticked-resolved contacts whose customer came back within 7 x 24 h", mistakes=(
                 Mistake(CALENDAR_DAYS, _calendar_day_came_back),
                 Mistake("You divided by all answered first-line contacts. The question is: of the contacts "
                         "ticked 'resolved', how many came back?", _came_back_of_all),
             )),
    ),
    hints=(
        "Base as in exercise 4: answered inbound contacts with a `customer_id`; keep `team == 'first_line'`.",
        "Ticked: `outcome == 'resolved'`. Flag each base contact followed by the same customer within 7 x 24 h "
        "(at any team), then keep the ticked ones of the first line.",
        "Compare the internal target (0.75 ticked) with what the customer does: come back.",
    ),
)

SPECS = (ERLANG_C, GAMED_KPI)
