"""Customer chains (klantketens): from a customer's need to that need fulfilled, across the teams.

Chains are declared in ``workshop.yaml`` (:mod:`kpilib.chains._config`), discovered from the
case event log (:mod:`kpilib.chains._discovery`, on the stays of :mod:`kpilib.chains._stays`),
set against each team's own KPIs in the chain view (:mod:`kpilib.chains._view`) and drawn
(:mod:`kpilib.chains._plots`).

Examples
--------
>>> import kpilib
>>> from kpilib import chains
>>> store = kpilib.open_store("data/sample")                        # doctest: +SKIP
>>> config = kpilib.config.load_config("data/sample")               # doctest: +SKIP
>>> lines, fault = chains.load_lines(config), chains.load_chains(config)[0]   # doctest: +SKIP
>>> events = chains.chain_events(store.events, fault, cases=store.cases)     # doctest: +SKIP
>>> found = chains.discover(events, lines=lines, calendar=config.working_calendar())  # doctest: +SKIP
>>> found.variants                                                  # doctest: +SKIP
"""

from kpilib.chains._config import DEFAULT_NORM_DAYS, Chain, Lines, default_chains, load_chains, load_lines
from kpilib.chains._discovery import (Discovery, backward_handoffs, default_lines, discover, first_line_share,
                                      handoff_matrix, handoffs, ping_pong, ping_pong_cases, start_end_teams,
                                      stays, time_lost, variants)
from kpilib.chains._kpis import stays_within_norm
from kpilib.chains._membership import chain_case_ids, chain_events

__all__ = [
    "DEFAULT_NORM_DAYS",
    "Chain",
    "Discovery",
    "Lines",
    "backward_handoffs",
    "chain_case_ids",
    "chain_events",
    "default_chains",
    "default_lines",
    "discover",
    "first_line_share",
    "handoff_matrix",
    "handoffs",
    "load_chains",
    "load_lines",
    "ping_pong",
    "ping_pong_cases",
    "start_end_teams",
    "stays",
    "stays_within_norm",
    "time_lost",
    "variants",
]
