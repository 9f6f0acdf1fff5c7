"""Cases and their way through the teams: routes, stays, the status log and the call-backs.

A case is a customer's need. It opens during the first contact at the first line and then
follows one of :data:`~kpilib.synth._story.ROUTES`. Each later team *stay* starts when the
ticket is assigned to the team, waits in the team's backlog until somebody picks it up, and
ends when the team hands the ticket on or resolves it. Each team meets its own norm per stay;
the customer waits for the sum.
"""

from __future__ import annotations

import numpy as np

from kpilib.synth._clock import DAY, HOUR, MINUTE, SECOND, Clock
from kpilib.synth._story import (BILL, BILLING, CATEGORIES, EMAIL, FAULT, FIELD, FIRST_LINE, ROUTES,
                                 SECOND_LINE, Story)

MAX_STAYS = max(len(r) for r in ROUTES)
#: Team of each stay of each route, -1 after the route's end.
ROUTE_TEAMS = np.array([list(r) + [-1] * (MAX_STAYS - len(r)) for r in ROUTES])
ROUTE_LENGTH = np.array([len(r) for r in ROUTES])
#: Days a case stays open after 'resolved' before the ticket system closes it.
AUTO_CLOSE = 3 * DAY

#: Status-log vocabulary (the ticket system speaks Dutch).
STATUSES = ("Nieuw", "Toegewezen", "In behandeling", "Ingepland", "Opgelost", "Gesloten")
NEW, ASSIGNED, WORKING, PLANNED, SOLVED, CLOSED = range(len(STATUSES))
SUBSTATUSES = ("", "Telefonisch", "Chat", "E-mail", "Doorgezet door 1e lijn", "Terug naar 1e lijn",
               "Monteur nodig", "Doorgezet naar facturatie", "Terugbelafspraak", "Monteur ingepland",
               "Oplossing gegeven", "Storing verholpen", "Factuur gecorrigeerd", "Automatisch gesloten",
               "Doorgezet naar buitendienst")
# substatus code of an assignment: row = team handing on, column = team receiving
_ASSIGN_SUB = np.array([
    [0, 4, 14, 7],    # from the first line to the second line, field, billing
    [5, 0, 6, 0],     # from the second line back to the first line, to field
    [0, 0, 0, 0],
    [0, 0, 0, 0],
])
# substatus code of 'resolved', by team
_SOLVED_SUB = np.array([10, 10, 11, 12])


def ceil_second(instant: np.ndarray) -> np.ndarray:
    return np.ceil(instant / SECOND) * SECOND


def draw_cases(rng: np.random.Generator, clock: Clock, story: Story, n_customers: int) -> dict:
    """The needs customers bring in the period: category, customer, first channel, arrival."""
    months = (clock.end_day - clock.start_day) / 30.44
    n = int(rng.poisson(story.cases_per_customer_month * months * n_customers))
    shares = np.asarray(story.category_shares, dtype=float)
    category = rng.choice(len(shares), n, p=shares / shares.sum())
    channel_shares = np.asarray(story.first_channel_shares, dtype=float)
    channel = rng.choice(3, n, p=channel_shares / channel_shares.sum())
    arrived = np.where(channel == EMAIL, clock.any_time_arrivals(rng, n), clock.office_arrivals(rng, n))
    return {
        "category": category,
        "customer": rng.integers(0, n_customers, n),
        "channel": channel,
        "arrived": arrived,
        "route": draw_routes(rng, story, category),
        "follow_up": np.zeros(n, dtype=bool),
    }


def draw_routes(rng: np.random.Generator, story: Story, category: np.ndarray,
                escalated_only: bool = False) -> np.ndarray:
    """A route per case from the category's route shares (cases of other categories: route 0)."""
    route = np.zeros(len(category), dtype=np.int64)
    for code, name in enumerate(CATEGORIES):
        if name not in story.route_shares:
            continue
        shares = np.asarray(story.route_shares[name], dtype=float)
        if escalated_only:
            shares = shares * (np.arange(len(shares)) > 0)
        rows = np.flatnonzero(category == code)
        if len(rows) and shares.sum() > 0:
            route[rows] = rng.choice(len(shares), len(rows), p=shares / shares.sum())
    return route


def follow_ups(rng: np.random.Generator, clock: Clock, story: Story, cases: dict,
               resolved: np.ndarray) -> dict:
    """New cases of customers whose fault or bill the first line 'resolved', but not really."""
    eligible = (cases["route"] == 0) & np.isin(cases["category"], [FAULT, BILL]) & ~cases["follow_up"]
    back = np.flatnonzero(eligible & (rng.random(len(eligible)) < story.false_resolution))
    n = len(back)
    comes_back = resolved[back] + rng.uniform(0.5, 6.5, n) * DAY
    arrived = clock.later_working_time(rng, comes_back, np.zeros(n), opens=8.0, closes=17.9)
    category = cases["category"][back]
    return {
        "category": category,
        "customer": cases["customer"][back],
        "channel": np.zeros(n, dtype=np.int64),
        "arrived": arrived,
        "route": draw_routes(rng, story, category, escalated_only=True),
        "follow_up": np.ones(n, dtype=bool),
        "parent": back,
    }


def stays(rng: np.random.Generator, clock: Clock, story: Story, route: np.ndarray, opened: np.ndarray,
          first_done: np.ndarray, transfer: dict) -> dict:
    """Start, pick-up and end of every stay, as (cases x stays) arrays (NaN after the route).

    ``first_done`` is when the first line is done with the first contact (resolved or
    handed on); ``transfer`` holds the live transfers to billing (``rows``, ``answered``,
    ``ended`` of the transferred call leg).
    """
    n = len(route)
    teams = ROUTE_TEAMS[route]
    start, pickup, end = (np.full((n, MAX_STAYS), np.nan) for _ in range(3))
    start[:, 0] = pickup[:, 0] = opened
    end[:, 0] = first_done
    # median working days in the team's backlog, and working on it, by team code
    backlog = np.array([0.3, story.second_line_backlog_days, 0.6, 1.0])
    work = np.array([0.3, 1.2, 0.0, 0.8])
    for k in range(1, MAX_STAYS):
        rows = np.flatnonzero(teams[:, k] >= 0)
        team = teams[rows, k]
        s = end[rows, k - 1]
        p = clock.later_working_time(rng, s, rng.lognormal(0, 0.5, len(rows)) * backlog[team])
        is_field = team == FIELD
        busy = np.where(is_field, rng.uniform(2, 9, len(rows)), rng.lognormal(0, 0.5, len(rows)) * work[team])
        e = clock.later_working_time(rng, p, busy)
        e = np.where(is_field, e + np.round(rng.uniform(1, 3, len(rows)) * HOUR / SECOND) * SECOND, e)
        if k == 1 and len(transfer["rows"]):
            live = np.isin(rows, transfer["rows"])
            at = np.searchsorted(transfer["rows"], rows[live])
            p[live] = ceil_second(transfer["answered"][at])
            e[live] = ceil_second(transfer["ended"][at]) + np.round(rng.uniform(1, 10, live.sum())) * MINUTE
        start[rows, k], pickup[rows, k], end[rows, k] = s, p, e
    last = ROUTE_LENGTH[route] - 1
    resolved = end[np.arange(n), last]
    closed = np.where(route == 0, resolved, resolved + AUTO_CLOSE)
    return {"teams": teams, "start": start, "pickup": pickup, "end": end,
            "resolved": resolved, "closed": closed}


def events(route: np.ndarray, channel: np.ndarray, timeline: dict, agents: np.ndarray) -> dict:
    """The status log: one row per status change, in the order the ticket system writes them."""
    n = len(route)
    teams, length = timeline["teams"], ROUTE_LENGTH[route]
    case_, at, team, status, sub, agent = [], [], [], [], [], []

    def add(rows, when, who, what, substatus, owner):
        case_.append(rows), at.append(when), team.append(who)
        status.append(np.broadcast_to(what, len(rows))), sub.append(substatus), agent.append(owner)

    everyone = np.arange(n)
    add(everyone, timeline["start"][:, 0], np.full(n, FIRST_LINE), NEW, 1 + channel, agents[:, 0])
    for k in range(1, MAX_STAYS):
        rows = np.flatnonzero(teams[:, k] >= 0)
        came_from, goes_to = teams[rows, k - 1], teams[rows, k]
        add(rows, timeline["start"][rows, k], goes_to, ASSIGNED, _ASSIGN_SUB[came_from, goes_to],
            np.full(len(rows), -1))
        field = goes_to == FIELD
        add(rows, timeline["pickup"][rows, k], goes_to, np.where(field, PLANNED, WORKING),
            np.where(field, 9, 0), agents[rows, k])
    last_team = teams[everyone, length - 1]
    last_agent = agents[everyone, length - 1]
    add(everyone, timeline["resolved"], last_team, SOLVED, _SOLVED_SUB[last_team], last_agent)
    add(everyone, timeline["closed"], last_team, CLOSED, np.where(route == 0, 0, 13),
        np.where(route == 0, last_agent, -1))
    out = {"case": case_, "at": at, "team": team, "status": status, "substatus": sub, "agent": agent}
    out = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((np.arange(len(out["at"])), out["at"], out["case"]))
    return {k: v[order] for k, v in out.items()}


def promised_callbacks(rng: np.random.Generator, clock: Clock, story: Story, requested: np.ndarray,
                       timeline: dict, transferred: np.ndarray) -> dict:
    """Call-backs promised when the first line hands a case on.

    The second line promises to call back by the end of the next working day (most of
    them, see ``callback_promise_days``) and calls when it picks the ticket up; billing
    promises two working days.
    """
    teams = timeline["teams"]
    to_l2 = (teams[:, 1] == SECOND_LINE) & (rng.random(len(requested)) < 0.8)
    to_billing = (teams[:, 1] == BILLING) & ~transferred
    rows = np.flatnonzero(to_l2 | to_billing)
    team = teams[rows, 1]
    days = np.where(team == SECOND_LINE, story.callback_promise_days, 2)
    day = np.floor(clock.wall(requested[rows]) / DAY).astype(np.int64)
    promise_day = clock.workdays[clock.workday_at_or_after(day) + days]
    promised = clock.instant(promise_day * DAY + 17 * HOUR)
    attempted = ceil_second(timeline["pickup"][rows, 1]) + np.round(rng.uniform(2, 60, len(rows))) * MINUTE
    return {"case": rows, "team": team, "requested": ceil_second(requested[rows]),
            "promised": promised, "attempted": attempted, "reached": rng.random(len(rows)) < 0.72}


def first_line_callbacks(rng: np.random.Generator, clock: Clock, case: np.ndarray,
                         requested: np.ndarray) -> dict:
    """'We will call you back today': the first line mostly keeps that promise.

    Asked before 14:00 on a working day, the promise is 18:00 that day; else 12:00 on the
    next working day.
    """
    n = len(case)
    requested = ceil_second(requested)
    wall = clock.wall(requested)
    day = np.floor(wall / DAY).astype(np.int64)
    index = clock.workday_at_or_after(day)
    today = (clock.workdays[index] == day) & (wall - day * DAY < 14 * HOUR)
    promise_day = clock.workdays[np.where(today, index, index + (clock.workdays[index] == day))]
    promised = clock.instant(promise_day * DAY + np.where(today, 18, 12) * HOUR)
    attempted = ceil_second(requested + rng.lognormal(np.log(2.5), 0.8, n) * HOUR)
    wall = clock.wall(attempted)
    time_of_day = wall - np.floor(wall / DAY) * DAY
    after_hours = (time_of_day > 18 * HOUR) | (time_of_day < 8 * HOUR)
    if after_hours.any():
        attempted[after_hours] = clock.later_working_time(
            rng, attempted[after_hours], np.zeros(after_hours.sum()), opens=9.0, closes=13.0)
    return {"case": case, "team": np.full(n, FIRST_LINE), "requested": requested,
            "promised": promised, "attempted": attempted, "reached": rng.random(n) < 0.75}
