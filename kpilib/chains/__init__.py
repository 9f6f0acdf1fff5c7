"""Customer chains (klantketens): from a customer's need to that need fulfilled, across the teams.

Chains are declared in ``workshop.yaml`` (:mod:`kpilib.chains._config`), discovered from the
case event log (:mod:`kpilib.chains._discovery`, on the stays of :mod:`kpilib.chains._stays`),
set against each team's own KPIs in the chain view (:mod:`kpilib.chains._view`) and drawn
(:mod:`kpilib.chains._plots`). Days 2, 4 and 5 of the workshop are built on this package.
May import :mod:`kpilib.kpis` and everything below it.

Examples
--------
>>> import kpilib
>>> from kpilib import chains
>>> store = kpilib.open_store("data/sample")                        # doctest: +SKIP
>>> config = kpilib.data.config.load_config("data/sample")               # doctest: +SKIP
>>> lines, fault = chains.load_lines(config), chains.load_chains(config)[0]   # doctest: +SKIP
>>> events = chains.chain_events(store.events, fault, cases=store.cases)     # doctest: +SKIP
>>> found = chains.discover(events, lines=lines, calendar=config.working_calendar())  # doctest: +SKIP
>>> found.variants                                                  # doctest: +SKIP
"""

from kpilib.chains._config import (DEFAULT_NORM_DAYS, Chain, default_chains, find_chain, load_chains,
                                   load_lines)
from kpilib.chains._discover import Discovery, discover
from kpilib.chains._discovery import (backward_handoffs, default_lines, first_line_share, handoff_matrix, handoffs,
                                      ping_pong, ping_pong_cases, start_end_teams, stays, time_lost, variants)
from kpilib.chains._kpis import stays_within_norm
from kpilib.chains._lines import Lines
from kpilib.chains._membership import chain_case_ids, chain_events
from kpilib.chains._outcomes import (DEFAULT_TARGETS, OUTCOMES, chain_tables, customer_outcomes, end_to_end_days,
                                     start_table, verdict)
from kpilib.chains._plots import plot_chain, plot_handoff_heatmap, plot_time_lost, plot_variants
from kpilib.chains._summary import (chain_facts, chain_overview, describe_chains, discover_chains, handover_candidates,
                                    late_callbacks)
from kpilib.chains._table import style_chain_view, style_verdict_matrix
from kpilib.chains._view import chain_verdicts, chain_view, sample_current_kpis, team_kpis, unmeasured_outcomes

__all__ = [
    "Chain",
    "DEFAULT_NORM_DAYS",
    "DEFAULT_TARGETS",
    "Discovery",
    "Lines",
    "OUTCOMES",
    "backward_handoffs",
    "chain_case_ids",
    "chain_facts",
    "chain_overview",
    "chain_events",
    "chain_tables",
    "chain_verdicts",
    "chain_view",
    "customer_outcomes",
    "default_chains",
    "default_lines",
    "describe_chains",
    "discover",
    "discover_chains",
    "find_chain",
    "end_to_end_days",
    "first_line_share",
    "handoff_matrix",
    "handoffs",
    "handover_candidates",
    "late_callbacks",
    "load_chains",
    "load_lines",
    "ping_pong",
    "ping_pong_cases",
    "plot_chain",
    "plot_handoff_heatmap",
    "plot_time_lost",
    "plot_variants",
    "sample_current_kpis",
    "start_table",
    "start_end_teams",
    "stays",
    "stays_within_norm",
    "style_chain_view",
    "style_verdict_matrix",
    "team_kpis",
    "time_lost",
    "unmeasured_outcomes",
    "variants",
    "verdict",
]
