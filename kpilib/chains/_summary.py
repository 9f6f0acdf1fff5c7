"""Short summaries of the chains for the narrative of the day notebooks: what each chain is, how
many cases it holds, and the few numbers a facilitator quotes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kpilib._codes import category_words, reader_name
from kpilib._i18n import tr
from kpilib.data import backend
from kpilib.chains._config import Chain
from kpilib.chains._lines import Lines
from kpilib.chains._discover import Discovery, discover
from kpilib.chains._membership import chain_events
from kpilib.chains._outcomes import chain_tables, tables_of
from kpilib.exceptions import WorkshopError


def describe_chains(tables, chains: Sequence[Chain]) -> pd.DataFrame:
    """The chains as a table: id, name, which cases belong, the norm, and how many cases that is.

    Returns
    -------
    pandas.DataFrame
        ``chain``, ``name``, ``cases_rule`` (in words: "case category: fault"), ``norm``, ``cases``
        (in the data), ``share`` (of all cases).
    """
    have = tables_of(tables)
    total = _count(have["cases"]) if "cases" in have else None
    rows = []
    for chain in chains:
        mine = chain_tables(have, chain)
        n = _count(mine["cases"]) if "cases" in mine else None
        rows.append({"chain": chain.id, "name": chain.name, "cases_rule": membership_words(chain),
                     "norm": chain.norm, "cases": n, "share": n / total if n is not None and total else None})
    return pd.DataFrame(rows, columns=["chain", "name", "cases_rule", "norm", "cases", "share"])


#: A membership rule of a chain in words, and how its values read.
_RULE_WORDS = {"category": ("case category", category_words), "reason": ("reason of the first contact", str),
               "first_team": ("first team", reader_name)}


def membership_words(chain: Chain) -> str:
    """Which cases belong to ``chain``, in words: "case category: fault" ("zaakcategorie: storing")."""
    rules = [f"{tr(_RULE_WORDS[k][0])}: {', '.join(map(_RULE_WORDS[k][1], v))}" for k, v in chain.membership.items()]
    return "; ".join(rules) or tr("all cases")


def discover_chains(tables, chains: Sequence[Chain], *, lines: Lines, calendar=None,
                    top: int = 10) -> dict[str, Discovery]:
    """:func:`kpilib.chains.discover` on the events of each chain: chain id -> Discovery."""
    have = tables_of(tables)
    source = have.get("events") if have.get("events") is not None else have["contacts"]
    return {chain.id: discover(chain_events(source, chain, cases=have.get("cases"), contacts=have.get("contacts")),
                               lines=lines, calendar=calendar, top=top) for chain in chains}


def chain_facts(found: Discovery) -> dict[str, Any]:
    """The numbers a facilitator quotes about one discovered chain.

    Returns
    -------
    dict
        ``cases``; ``first_line_share`` (cases that never leave the first line);
        ``ping_pong_share``; ``backward_share``; ``variants_shown`` and ``top_coverage`` (share of
        cases the shown variants cover); ``top_path`` and ``top_path_share``; ``busiest`` (the
        handoff with most cases, "a -> b") and its ``busiest_handoffs``; ``longest_wait`` (the
        handoff after which cases wait longest, median working hours) and ``longest_wait_hours``;
        ``waiting_share`` (of all working hours cases spend at teams, the part spent waiting).
    """
    h, v, lost = found.handoffs, found.variants, found.time_lost
    busiest = h.iloc[0] if len(h) else None
    slow = h.sort_values("median_wait_working_hours", ascending=False).iloc[0] if len(h) else None
    spent = float(lost["waiting_hours"].sum() + lost["working_hours"].sum())
    return {
        "cases": found.cases,
        "first_line_share": float(found.first_line["value"].iloc[0]) if found.first_line is not None else None,
        "ping_pong_share": float(found.ping_pong_cases["value"].iloc[0]),
        "backward_share": float(found.backward_cases["value"].iloc[0]),
        "variants_shown": len(v),
        "top_coverage": float(v["cumulative_share"].iloc[-1]) if len(v) else 0.0,
        "top_path": str(v["path"].iloc[0]) if len(v) else "",
        "top_path_share": float(v["share"].iloc[0]) if len(v) else 0.0,
        "busiest": f"{busiest.from_team} -> {busiest.to_team}" if busiest is not None else "",
        "busiest_handoffs": int(busiest.handoffs) if busiest is not None else 0,
        "longest_wait": f"{slow.from_team} -> {slow.to_team}" if slow is not None else "",
        "longest_wait_hours": float(slow.median_wait_working_hours) if slow is not None else 0.0,
        "waiting_share": float(lost["waiting_hours"].sum()) / spent if spent else 0.0,
    }


def chain_overview(found: dict[str, Discovery], chains: Sequence[Chain]) -> pd.DataFrame:
    """One row per chain with the facts of :func:`chain_facts`, for a side-by-side table."""
    names = {c.id: c.name for c in chains}
    rows = []
    for chain_id, one in found.items():
        f = chain_facts(one)
        rows.append({"chain": names.get(chain_id, chain_id), "cases": f["cases"],
                     "stays in first line": f["first_line_share"], "ping-pong": f["ping_pong_share"],
                     "handed back": f["backward_share"], "most frequent path": f["top_path"],
                     "its share": f["top_path_share"], "time waiting": f["waiting_share"]})
    return pd.DataFrame(rows)


def handover_candidates(found: Discovery, *, top: int = 3) -> list[str]:
    """The handoffs that cost customers most waiting ("a -> b"): handoffs × median wait, largest first."""
    h = found.handoffs.assign(_cost=lambda f: f["handoffs"] * f["median_wait_working_hours"].fillna(0))
    h = h.sort_values(["_cost", "from_team"], ascending=[False, True]).head(int(top))
    return [f"{a} -> {b}" for a, b in zip(h["from_team"], h["to_team"])]


def _count(table) -> int:
    from kpilib.data._inputs import canonical

    inp = canonical(table, "cases")
    return int(backend.execute(inp.table.aggregate(n=inp.table.count()), con=inp.con,
                               time_zone=inp.time_zone)["n"].iloc[0])


def late_callbacks(tables, *, as_of=None) -> pd.DataFrame:
    """Call-backs on time per team, the team that keeps fewest of its promises first.

    :func:`kpilib.callback_timeliness` by team: numerator = due call-backs attempted on time,
    denominator = due call-backs.
    """
    from kpilib.kpis.timeliness import callback_timeliness

    have = tables_of(tables)
    if "callbacks" not in have:
        raise WorkshopError("late call-backs need the call-back requests (table callbacks), which this workshop "
                            "does not have or holds empty. Map the call-back export to `callbacks` in "
                            "workshop.yaml and run `kpi-workshop import` again.")
    result = callback_timeliness(have["callbacks"], by="team", as_of=as_of)
    return result.sort_values(["value", "team"], na_position="last").reset_index(drop=True)
