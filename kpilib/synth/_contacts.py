"""The contacts: first contacts that open cases, status calls, abandoned attempts, IVR-only calls,
information calls and the outbound call-backs, each as a block of numpy columns."""

from __future__ import annotations

import numpy as np

from kpilib.synth._calls import abandon_wait, answered_inbound, busyness, ivr_seconds, outbound
from kpilib.synth._cases import ceil_second
from kpilib.synth._clock import DAY, HOUR, MINUTE, SECOND, Clock
from kpilib.synth._story import (BILLING, CALLBACK, CALLBACK_PROMISED, CHAT, EMAIL, ESCALATED, FIRST_LINE,
                                 INFO, PHONE, RESOLVED, SECOND_LINE, TRANSFERRED, UNRESOLVED, Story)

_INT_COLUMNS = ("customer", "case", "channel", "direction", "team", "outcome", "reason", "agent")
_TIME_COLUMNS = ("arrived", "queued", "answered", "ended")


def block(n: int, **columns) -> dict:
    """A block of ``n`` contacts; columns not given are missing (-1 or NaN), direction inbound."""
    out = {name: np.full(n, -1, dtype=np.int64) for name in _INT_COLUMNS}
    out["direction"][:] = 0
    out.update({name: np.full(n, np.nan) for name in _TIME_COLUMNS})
    for name, values in columns.items():
        out[name] = np.broadcast_to(values, n).copy() if np.ndim(values) == 0 else np.asarray(values)
    return out


def concat(blocks: list[dict]) -> dict:
    return {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}


def take(columns: dict, rows: np.ndarray) -> dict:
    return {name: values[rows] for name, values in columns.items()}


class Agents:
    """Agent pools per team, sized to the customer base; agent codes are global integers."""

    def __init__(self, n_customers: int) -> None:
        self.sizes = np.array([max(8, n_customers // 700), max(4, n_customers // 3000),
                               max(3, n_customers // 4000), max(3, n_customers // 5000)])
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])

    def draw(self, rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
        team = np.asarray(team)
        return self.offsets[team] + np.floor(rng.random(len(team)) * self.sizes[team]).astype(np.int64)


def first_contacts(rng: np.random.Generator, clock: Clock, story: Story, cases: dict,
                   first_team: np.ndarray) -> dict:
    """The contact that opens each case, the ticket's opening time and what the agent ticks.

    Returns the contact times, ``opened``, ``outcome``, ``done`` (when the first line is
    done: resolved, or handed on after some after-call work) and the live transfers to
    billing (``transfer_rows`` and the transferred call leg).
    """
    n = len(cases["arrived"])
    channel = cases["channel"]
    queued, answered, ended = answered_inbound(rng, clock, story, channel, cases["arrived"])
    talk = ended - answered
    opened = ceil_second(answered) + np.round(rng.uniform(0.2, 0.8, n) * talk / SECOND) * SECOND
    solved_here = first_team == -1
    to_billing = first_team == BILLING
    transfer = to_billing & (channel == PHONE) & (rng.random(n) < 0.5)
    ticked = rng.random(n) < story.escalated_tick
    outcome = np.select(
        [solved_here, transfer, ticked, first_team == SECOND_LINE],
        [RESOLVED, TRANSFERRED, RESOLVED, np.where(rng.random(n) < 0.5, ESCALATED, CALLBACK_PROMISED)],
        ESCALATED,
    )
    done = ceil_second(ended) + np.where(solved_here, np.round(rng.uniform(0, 120, n)) * SECOND,
                                         np.round(rng.uniform(1, 20, n)) * MINUTE)
    rows = np.flatnonzero(transfer)
    leg_arrived = ceil_second(ended[rows])
    _, leg_answered, leg_ended = answered_inbound(
        rng, clock, story, np.full(len(rows), PHONE), leg_arrived, transfer=np.ones(len(rows), dtype=bool),
        talk_median_s=330.0)
    done[rows] = leg_arrived
    return {"queued": queued, "answered": answered, "ended": ended, "opened": opened, "outcome": outcome,
            "done": done, "transfer_rows": rows, "leg_arrived": leg_arrived, "leg_answered": leg_answered,
            "leg_ended": leg_ended}


def status_calls(rng: np.random.Generator, clock: Clock, story: Story, opened: np.ndarray,
                 resolved: np.ndarray, handed_on: np.ndarray, late_from: np.ndarray,
                 six_times: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Customers who call again while their handed-over case is open (and retell their story).

    Calls come at ``retell_per_day`` per working day the case is open, plus one after a
    missed call-back (``late_from``: when the promise expired, NaN if kept). The case
    ``six_times`` gets at least five of them: its customer contacts the first line six times.
    Returns the case and the arrival of every call.
    """
    rows = np.flatnonzero(handed_on)
    days = clock.working_days_between(opened[rows], resolved[rows])
    count = rng.poisson(story.retell_per_day * np.maximum(days, 0))
    if six_times is not None:
        count[rows == six_times] = np.maximum(count[rows == six_times], 5)
    case = np.repeat(rows, count)
    arrived = opened[case] + HOUR + rng.random(len(case)) * (resolved[case] - opened[case] - HOUR)
    late = np.flatnonzero(~np.isnan(late_from) & (rng.random(len(late_from)) < story.late_callback_call))
    case = np.concatenate([case, late])
    arrived = np.concatenate([arrived, late_from[late] + rng.uniform(0.5, 24, len(late)) * HOUR])
    arrived = clock.later_working_time(rng, arrived, np.zeros(len(arrived)), opens=8.0, closes=17.9)
    keep = arrived < resolved[case]
    if six_times is not None:
        keep |= case == six_times
    return case[keep], arrived[keep]


def inbound_answered_block(rng: np.random.Generator, clock: Clock, story: Story, case: np.ndarray,
                           customer: np.ndarray, reason: np.ndarray, arrived: np.ndarray,
                           channel: np.ndarray, outcome: np.ndarray, agents: Agents,
                           team: int = FIRST_LINE) -> dict:
    """A block of answered inbound contacts at ``team``."""
    queued, answered, ended = answered_inbound(rng, clock, story, channel, arrived)
    return block(len(arrived), customer=customer, case=case, channel=channel, team=team, arrived=arrived,
                 queued=queued, answered=answered, ended=ended, outcome=outcome, reason=reason,
                 agent=agents.draw(rng, np.full(len(arrived), team)))


def abandoned_attempts(rng: np.random.Generator, clock: Clock, story: Story, answered_calls: dict) -> dict:
    """Attempts that gave up in the queue before the answered call (more of them when busy).

    Phone calls: a share within five seconds (misdial, wrong menu choice), the rest after a
    longer wait; chats: some customers close the window before an agent joins.
    """
    c = answered_calls
    phone, chat = c["channel"] == PHONE, c["channel"] == CHAT
    chance = np.where(phone, story.abandon_share * busyness(clock, c["arrived"]), np.where(chat, 0.06, 0.0))
    first = np.flatnonzero(rng.random(len(chance)) < np.clip(chance, 0, 0.9))
    second = first[rng.random(len(first)) < 0.3]
    rows = np.concatenate([first, second])
    n = len(rows)
    is_phone = c["channel"][rows] == PHONE
    ivr = np.where(is_phone, ivr_seconds(rng, story, n) * SECOND, np.round(rng.uniform(5, 25, n)) * SECOND)
    wait = np.where(is_phone, abandon_wait(rng, story, n),
                    np.round(rng.uniform(20, 300, n) * 10) * SECOND / 10)
    gap = ivr + wait + np.round(rng.uniform(0.5, 20, n) * MINUTE / SECOND) * SECOND
    gap = gap + np.where(np.arange(n) >= len(first), 25 * MINUTE, 0.0)  # the second one earlier still
    arrived = np.floor((c["arrived"][rows] - gap) / SECOND) * SECOND
    wall = clock.wall(arrived)
    in_hours = (wall - np.floor(wall / DAY) * DAY) >= 8 * HOUR
    known = rng.random(n) < 0.9
    out = block(n, customer=np.where(known, c["customer"][rows], -1), channel=c["channel"][rows],
                team=c["team"][rows], arrived=arrived, queued=arrived + ivr, ended=arrived + ivr + wait)
    return take(out, np.flatnonzero(in_hours))


def ivr_only(rng: np.random.Generator, clock: Clock, story: Story, n_phone: int, n_customers: int) -> dict:
    """Calls that end in the IVR (the outage announcement answers them): never queued."""
    n = int(rng.poisson(story.ivr_only_share * n_phone))
    arrived = clock.office_arrivals(rng, n)
    known = rng.random(n) < 0.85
    ended = arrived + np.clip(np.round(rng.lognormal(np.log(35), 0.4, n)), 8, 180) * SECOND
    return block(n, customer=np.where(known, rng.integers(0, n_customers, n), -1), channel=PHONE,
                 team=FIRST_LINE, arrived=arrived, ended=ended)


def information_calls(rng: np.random.Generator, clock: Clock, story: Story, n_cases: int,
                      n_customers: int, agents: Agents) -> dict:
    """Answered calls without a case (prospects and quick questions), mostly unknown callers."""
    n = int(rng.poisson(story.information_share * n_cases))
    arrived = clock.office_arrivals(rng, n)
    known = rng.random(n) < 0.3
    customer = np.where(known, rng.integers(0, n_customers, n), -1)
    return inbound_answered_block(rng, clock, story, np.full(n, -1), customer, np.full(n, INFO), arrived,
                                  np.full(n, PHONE), np.full(n, RESOLVED), agents)


def callback_block(rng: np.random.Generator, callbacks: dict, customer: np.ndarray, reason: np.ndarray,
                   agents: Agents) -> dict:
    """The outbound calls that attempt the promised call-backs."""
    n = len(callbacks["case"])
    answered, ended = outbound(rng, callbacks["attempted"], callbacks["reached"])
    outcome = np.where(callbacks["reached"] & (rng.random(n) < 0.6), RESOLVED, UNRESOLVED)
    return block(n, customer=customer[callbacks["case"]], case=callbacks["case"], channel=CALLBACK,
                 direction=1, team=callbacks["team"], arrived=callbacks["attempted"], answered=answered,
                 ended=ended, outcome=outcome, reason=reason[callbacks["case"]],
                 agent=agents.draw(rng, callbacks["team"]))


def status_channel(rng: np.random.Generator, n: int) -> np.ndarray:
    """Channel of a status call: mostly phone."""
    return rng.choice([PHONE, CHAT, EMAIL], n, p=[0.8, 0.12, 0.08])


def status_outcome(rng: np.random.Generator, n: int) -> np.ndarray:
    """What the agent ticks on a status call: 'resolved' (informed) or a call-back promise."""
    return np.where(rng.random(n) < 0.8, RESOLVED, CALLBACK_PROMISED)
