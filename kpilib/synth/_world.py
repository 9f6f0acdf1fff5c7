"""One simulated segment of the provider: its customers' cases, contacts, call-backs, orders and
surveys as numpy columns, cut off at the export moment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpilib.synth import _cases, _contacts, _orders, _surveys
from kpilib.synth._calls import outbound
from kpilib.synth._clock import DAY, Clock
from kpilib.synth._contacts import Agents, block, concat, take
from kpilib.synth._story import BILLING, CALLBACK_PROMISED, FIELD, FIRST_LINE, ORDER, PHONE, RESOLVED, Story

_STREAMS = ("orders", "cases", "first", "follow", "follow_first", "stays", "callbacks", "status",
            "first_line_callbacks", "outbound", "abandons", "ivr", "information", "surveys", "agents")


@dataclass
class World:
    """The numeric tables of one segment; codes index :mod:`kpilib.synth._story` vocabularies."""

    clock: Clock
    customer_space: int
    agents: Agents
    contacts: dict
    cases: dict
    events: dict | None
    callbacks: dict
    orders: dict
    surveys: dict | None


def simulate(seed: np.random.SeedSequence, clock: Clock, story: Story, n_customers: int, *,
             contacts_only: bool = False) -> World:
    """Simulate ``n_customers`` customers over the clock's period (each step has its own random stream)."""
    rng = dict(zip(_STREAMS, (np.random.default_rng(s) for s in seed.spawn(len(_STREAMS))), strict=True))
    agents = Agents(n_customers)
    orders = _orders.draw_orders(rng["orders"], clock, story, n_customers)
    cases, first = _cases_and_first_contacts(rng, clock, story, n_customers, orders)
    transfer = {"rows": first["transfer_rows"], "answered": first["leg_answered"], "ended": first["leg_ended"]}
    timeline = _cases.stays(rng["stays"], clock, story, cases["route"], first["opened"], first["done"], transfer)
    teams = timeline["teams"]
    drawn = agents.draw(rng["agents"], np.maximum(teams, 0).ravel()).reshape(teams.shape)
    stay_agents = np.where(teams >= 0, drawn, -1)
    callbacks, status = _callbacks_and_status_calls(rng, clock, story, cases, first, timeline, agents)

    n = len(cases["route"])
    opening = block(n, customer=cases["customer"], case=np.arange(n), channel=cases["channel"], team=FIRST_LINE,
                    arrived=cases["arrived"], queued=first["queued"], answered=first["answered"],
                    ended=first["ended"], outcome=first["outcome"], reason=cases["reason"], agent=stay_agents[:, 0])
    rows = transfer["rows"]
    legs = block(len(rows), customer=cases["customer"][rows], case=rows, channel=PHONE, team=BILLING,
                 arrived=first["leg_arrived"], queued=first["leg_arrived"], answered=first["leg_answered"],
                 ended=first["leg_ended"], outcome=RESOLVED, reason=cases["reason"][rows],
                 agent=stay_agents[rows, 1])
    information = _contacts.information_calls(rng["information"], clock, story, n, n_customers, agents)
    answered_first_line = concat([opening, status, information])
    n_phone = int((answered_first_line["channel"] == PHONE).sum())
    contacts = concat([
        answered_first_line, legs,
        _contacts.abandoned_attempts(rng["abandons"], clock, story, answered_first_line),
        _contacts.ivr_only(rng["ivr"], clock, story, n_phone, n_customers),
        _contacts.callback_block(rng["outbound"], callbacks, cases["customer"], cases["reason"], agents),
        _planning_calls(rng["outbound"], orders, agents),
    ])
    cases.update(opened=first["opened"], resolved=timeline["resolved"], closed=timeline["closed"],
                 first_ended=first["ended"])
    world = World(clock, n_customers + len(orders["customer"]), agents, contacts, cases, None, callbacks,
                  orders, None)
    if not contacts_only:
        world.events = _cases.events(cases["route"], cases["channel"], timeline, stay_agents)
    del first, timeline, status, answered_first_line, legs, opening, contacts  # before the copies below
    _cut_off(world)
    if not contacts_only:
        world.surveys = _survey_answers(rng["surveys"], story, world)
    return world


def _cases_and_first_contacts(rng: dict, clock: Clock, story: Story, n_customers: int,
                              orders: dict) -> tuple[dict, dict]:
    """All cases with their opening contact: the customers' needs, customers asking about their
    order, and customers coming back after a first-line 'resolved'."""
    waiting, asked = _orders.status_call_times(rng["orders"], clock, story, orders)
    n_asked = len(waiting)
    asking = {"category": np.full(n_asked, ORDER), "customer": orders["customer"][waiting],
              "channel": np.full(n_asked, PHONE), "arrived": asked, "route": np.zeros(n_asked, dtype=np.int64),
              "follow_up": np.zeros(n_asked, dtype=bool)}
    cases = concat([_cases.draw_cases(rng["cases"], clock, story, n_customers), asking])
    first = _contacts.first_contacts(rng["first"], clock, story, cases, _cases.ROUTE_TEAMS[cases["route"], 1])
    back = _cases.follow_ups(rng["follow"], clock, story, cases, first["done"])
    came_back = np.zeros(len(cases["route"]) + len(back["route"]), dtype=bool)
    came_back[back.pop("parent")] = True
    back_first = _contacts.first_contacts(rng["follow_first"], clock, story, back,
                                          _cases.ROUTE_TEAMS[back["route"], 1])
    back_first["transfer_rows"] = back_first["transfer_rows"] + len(cases["route"])
    cases = concat([cases, back])
    cases["reason"] = cases["category"]  # the contact reason is the case's category
    cases["came_back"] = came_back
    return cases, concat([first, back_first])


def _callbacks_and_status_calls(rng: dict, clock: Clock, story: Story, cases: dict, first: dict,
                                timeline: dict, agents: Agents) -> tuple[dict, dict]:
    """The call-backs promised at hand-over, the customers' status calls (more after a missed
    call-back) and the first line's own call-back promises made on those calls."""
    n = len(cases["route"])
    transferred = np.zeros(n, dtype=bool)
    transferred[first["transfer_rows"]] = True
    promised = _cases.promised_callbacks(rng["callbacks"], clock, story, first["ended"], timeline, transferred)
    late_from = np.full(n, np.nan)
    missed = promised["attempted"] > promised["promised"]
    late_from[promised["case"][missed]] = promised["promised"][missed]
    halfway = (clock.instant(np.array([clock.start_day * DAY]))[0] + clock.as_of) / 2
    ping_pong = np.flatnonzero((cases["route"] == 2) & (cases["channel"] == PHONE) & ~cases["follow_up"]
                               & (cases["arrived"] < halfway))
    six_times = int(rng["status"].choice(ping_pong)) if len(ping_pong) else None
    case, arrived = _contacts.status_calls(rng["status"], clock, story, first["opened"], timeline["resolved"],
                                           timeline["teams"][:, 1] >= 0, late_from, six_times)
    k = len(case)
    status = _contacts.inbound_answered_block(
        rng["status"], clock, story, case, cases["customer"][case], cases["reason"][case], arrived,
        _contacts.status_channel(rng["status"], k), _contacts.status_outcome(rng["status"], k), agents)
    asks = np.flatnonzero(status["outcome"] == CALLBACK_PROMISED)
    own = _cases.first_line_callbacks(rng["first_line_callbacks"], clock, status["case"][asks],
                                      status["ended"][asks])
    return concat([promised, own]), status


def _planning_calls(rng: np.random.Generator, orders: dict, agents: Agents) -> dict:
    """The fibre unit's first call to a customer who ordered: the order's first contact."""
    rows = np.flatnonzero(~np.isnan(orders["first_contact"]))
    n = len(rows)
    answered, ended = outbound(rng, orders["first_contact"][rows], np.ones(n, dtype=bool), talk_median_s=240.0)
    return block(n, customer=orders["customer"][rows], channel=PHONE, direction=1, team=FIELD,
                 arrived=orders["first_contact"][rows], answered=answered, ended=ended, outcome=RESOLVED,
                 reason=ORDER, agent=agents.draw(rng, np.full(n, FIELD)))


def _cut_off(world: World) -> None:
    """Keep what an export at :attr:`Clock.as_of` holds; renumber cases by opening time."""
    as_of = world.clock.as_of
    cases = world.cases
    kept = np.flatnonzero(cases["first_ended"] < as_of)
    kept = kept[np.argsort(cases["opened"][kept], kind="stable")]
    new_code = np.full(len(cases["route"]) + 1, -1)  # index -1 (no case) stays -1
    new_code[kept] = np.arange(len(kept))
    world.cases = cases = take(cases, kept)
    for name in ("resolved", "closed"):
        cases[name] = np.where(cases[name] < as_of, cases[name], np.nan)

    c = world.contacts
    c["case"] = new_code[c["case"]]
    keep = c["ended"] < as_of  # the first contact of every kept case ended before as_of
    order = np.flatnonzero(keep)
    order = order[np.argsort(c["arrived"][order], kind="stable")]
    world.contacts = take(c, order)

    cb = world.callbacks
    cb["case"] = new_code[cb["case"]]
    cb = take(cb, np.flatnonzero((cb["case"] >= 0) & (cb["requested"] < as_of)))
    later = ~(cb["attempted"] < as_of)
    cb["attempted"] = np.where(later, np.nan, cb["attempted"])
    cb["reached"] = np.where(later, -1, cb["reached"].astype(np.int64))
    world.callbacks = take(cb, np.argsort(cb["requested"], kind="stable"))

    o = world.orders
    for name in ("first_contact", "delivered"):
        o[name] = np.where(o[name] < as_of, o[name], np.nan)
    if world.events is not None:
        e = world.events
        e["case"] = new_code[e["case"]]
        e = take(e, np.flatnonzero((e["case"] >= 0) & (e["at"] < as_of)))
        world.events = take(e, np.lexsort((np.arange(len(e["at"])), e["at"], e["case"])))


def _survey_answers(rng: np.random.Generator, story: Story, world: World) -> dict:
    cases, c = world.cases, world.contacts
    n = len(cases["route"])
    inbound = (c["direction"] == 0) & ~np.isnan(c["answered"]) & (c["case"] >= 0)
    count = np.bincount(c["case"][inbound], minlength=n)
    cb = world.callbacks
    late = np.zeros(n, dtype=bool)
    overdue = (cb["attempted"] > cb["promised"]) | (np.isnan(cb["attempted"]) & (cb["promised"] <= world.clock.as_of))
    late[cb["case"][overdue]] = True
    surveys = _surveys.draw_surveys(rng, world.clock, story, cases["resolved"], cases["category"],
                                    cases["route"], np.maximum(count, 1), late, cases["came_back"])
    rows = np.flatnonzero(inbound)
    last = np.full(n, -1)
    before = c["arrived"][rows] <= np.nan_to_num(cases["resolved"][c["case"][rows]], nan=np.inf)
    rows = rows[before]
    np.maximum.at(last, c["case"][rows], rows)  # rows are in arrival order: the latest contact
    surveys["contact"] = last[surveys["case"]]
    surveys["customer"] = cases["customer"][surveys["case"]]
    order = np.argsort(surveys["answered"], kind="stable")
    return {name: values[order] for name, values in surveys.items()}
