"""The chain view against the department view: "green inside, red outside".

For each chain, every team the chain passes through is shown with its own KPIs against its own
internal targets (the day-3 ``current_kpis`` decision: ``{team, kpi, definition, target}``),
next to the chain's outcomes for the customer against the customer's norms
(:func:`kpilib.chains.customer_outcomes`). Each cell gets a verdict, green or red, in the KPI's
own direction (higher or lower is better).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kpilib.data import backend
from kpilib._checks import check_argument
from kpilib.chains._config import Chain
from kpilib.chains._lines import Lines
from kpilib.chains._outcomes import (OUTCOMES, RESULT_COLUMNS, chain_tables, customer_outcomes, judged,
                                     start_table, tables_of)
from kpilib.exceptions import ParameterError

#: Which data a team's KPI is computed on: all the team's work, as the department reports it
#: (``team``), or only the chain's cases (``chain``).
TEAM_SCOPES = ("team", "chain")
#: Columns of :func:`chain_view`.
VIEW_COLUMNS = ["chain", "chain_name", "side", "team", *RESULT_COLUMNS]


def team_kpis(tables, current_kpis: Sequence[Mapping[str, Any]], *, lines: Lines | None = None,
              calendar=None, as_of=None) -> pd.DataFrame:
    """Each team's own KPIs against its own internal targets.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables (all of them, or a chain's: :func:`chain_tables`).
    current_kpis : list of mapping
        ``{team, kpi, target, definition}`` per KPI (the day-3 ``current_kpis`` decision).
    lines : Lines, optional
        Its ``done`` statuses end a team's last stay for ``stays_within_norm`` when the
        definition does not name them.
    calendar : WorkingCalendar, optional
    as_of : timestamp, optional

    Returns
    -------
    pandas.DataFrame
        ``team``, ``kpi``, ``label``, ``definition``, ``numerator``, ``denominator``, ``value``,
        ``target``, ``polarity``, ``verdict``. A KPI whose table has a ``team`` column is computed
        on the team's rows; one without (orders) on the whole table.
    """
    from kpilib.kpis.catalogue import compute_kpi, load_catalogue, missing_inputs

    have = tables_of(tables)
    catalogue = load_catalogue()
    rows = []
    for i, item in enumerate(current_kpis):
        team, kpi = _field(item, "team", i), _field(item, "kpi", i)
        entry = catalogue.entry(catalogue.check_id(kpi, name=f"current_kpis[{i}].kpi"))
        definition = dict(item.get("definition") or {})
        extra: dict[str, Any] = {}
        params = inspect.signature(entry.function).parameters
        if "calendar" in params:
            extra["calendar"] = calendar
        if as_of is not None and "as_of" in params:
            extra["as_of"] = as_of
        by_team = _has_team(entry, have)
        if missing_inputs(kpi, have, definition):  # the workshop lacks its table: judged "no data"
            result = pd.DataFrame(columns=["numerator", "denominator", "value"])
        elif kpi == "stays_within_norm":
            definition.setdefault("done", list(lines.done) if lines and lines.done else None)
            result = compute_kpi(kpi, have, **{**definition, "team": team}, **extra)
        elif by_team:
            result = compute_kpi(kpi, have, **definition, by="team", **extra)
            result = result[result["team"] == team].drop(columns="team")
        else:
            result = compute_kpi(kpi, have, **definition, **extra)
        shown = {k: v for k, v in definition.items() if k != "done"}
        rows.append({"team": team, **judged(kpi, result, shown, item.get("target"))})
    return pd.DataFrame(rows, columns=["team", *RESULT_COLUMNS])


def chain_view(tables, chains: Chain | Sequence[Chain], *, current_kpis: Sequence[Mapping[str, Any]],
               lines: Lines | None = None, targets: Mapping[str, float] | None = None,
               definitions: Mapping[str, Mapping[str, Any]] | None = None, calendar=None,
               team_scope: str = "team", as_of=None) -> pd.DataFrame:
    """Green inside, red outside: per chain, the teams' own KPIs next to the customer's outcomes.

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
        The canonical tables of the workshop (``ws.store``).
    chains : Chain or list of Chain
    current_kpis : list of mapping
        The teams' own KPIs with their internal targets (the day-3 ``current_kpis`` decision).
    lines : Lines, optional
        The line order (teams are shown in it) and the ``done`` statuses.
    targets, definitions : mapping, optional
        The customer outcomes' targets and definitions (see :func:`customer_outcomes`).
    calendar : WorkingCalendar, optional
    team_scope : {'team', 'chain'}
        ``team``: a team's KPI on all its work, as the department reports it; ``chain``: only
        on the chain's cases.
    as_of : timestamp, optional

    Returns
    -------
    pandas.DataFrame
        ``chain``, ``chain_name``, ``side`` (``team`` or ``customer``), ``team`` (the team, or
        ``customer``), then the columns of :func:`team_kpis`. A team is shown in a chain when
        the chain's cases pass through it, with its KPIs on tables that have teams; a KPI on a
        table without teams (orders) belongs to the chains that start at an order.
    """
    check_argument("team_scope", team_scope, TEAM_SCOPES)
    chains = [chains] if isinstance(chains, Chain) else list(chains)
    lines = lines or Lines()
    have = tables_of(tables)
    inside = team_kpis(have, current_kpis, lines=lines, calendar=calendar, as_of=as_of) \
        if team_scope == "team" else None
    outside = customer_outcomes(have, chains, targets=targets, definitions=definitions, calendar=calendar,
                                as_of=as_of)
    frames = []
    for chain in chains:
        mine = chain_tables(have, chain)
        teams = _teams_of(mine)
        own = inside if inside is not None else team_kpis(mine, current_kpis, lines=lines, calendar=calendar,
                                                          as_of=as_of)
        per_team = own["kpi"].map(lambda k: _has_team_id(k, have))
        keep = (per_team & own["team"].isin(teams)) | (~per_team & (chain.start == "order_placed"))
        own = own[keep].copy()
        order = {t: i for i, t in enumerate(lines.teams or sorted(teams))}
        own = own.assign(_o=own["team"].map(lambda t: order.get(t, len(order)))).sort_values(
            "_o", kind="stable").drop(columns="_o")
        customer = outside[outside["chain"] == chain.id].drop(columns="chain").assign(team="customer")
        both = pd.concat([own.assign(side="team"), customer.assign(side="customer")], ignore_index=True)
        frames.append(both.assign(chain=chain.id, chain_name=chain.name))
    if not frames:
        return pd.DataFrame(columns=VIEW_COLUMNS)
    return pd.concat(frames, ignore_index=True)[VIEW_COLUMNS]


def chain_verdicts(view: pd.DataFrame) -> pd.DataFrame:
    """Per chain, how many of the teams' KPIs and of the customer's outcomes are green.

    Returns
    -------
    pandas.DataFrame
        ``chain``, ``chain_name``, ``team_green``, ``team_judged``, ``customer_green``,
        ``customer_judged``, ``paradox`` (every team KPI green and some customer outcome red).
    """
    judged_rows = view[view["verdict"].isin(["green", "red"])]
    rows = []
    for (chain, name), part in judged_rows.groupby(["chain", "chain_name"], sort=False):
        team, customer = part[part.side == "team"], part[part.side == "customer"]
        rows.append({"chain": chain, "chain_name": name,
                     "team_green": int((team.verdict == "green").sum()), "team_judged": len(team),
                     "customer_green": int((customer.verdict == "green").sum()), "customer_judged": len(customer),
                     "paradox": bool(len(team) and (team.verdict == "green").all()
                                     and (customer.verdict == "red").any())})
    return pd.DataFrame(rows, columns=["chain", "chain_name", "team_green", "team_judged", "customer_green",
                                       "customer_judged", "paradox"])


def unmeasured_outcomes(tables, chains: Chain | Sequence[Chain], *,
                        current_kpis: Sequence[Mapping[str, Any]] = (),
                        definitions: Mapping[str, Mapping[str, Any]] | None = None,
                        outcomes: Sequence[str] = OUTCOMES) -> dict[str, list[str]]:
    """What :func:`chain_view` cannot measure on the workshop's data: KPI id → the tables it lacks.

    The customer outcomes :func:`customer_outcomes` leaves out for want of a table (an outcome that
    does not apply to a chain, such as complaints in a chain without any, is not among them), a chain's
    end to end when the table it starts in is missing (``time_to_first_contact`` for a chain that
    starts at an order), and the teams' own KPIs (``current_kpis``) that :func:`team_kpis` judges
    "no data". For :func:`kpilib.unmeasured`, which names them on the page.

    Examples
    --------
    >>> chains.unmeasured_outcomes({"contacts": contacts, "cases": cases}, chain_list)  # doctest: +SKIP
    {'complaints_resolved_to_satisfaction': ['surveys'], 'callback_timeliness': ['callbacks']}
    """
    from kpilib.kpis.catalogue import missing_inputs

    chains = [chains] if isinstance(chains, Chain) else list(chains)
    have = tables_of(tables)
    definitions = dict(definitions or {})
    lacking: dict[str, list[str]] = {}
    for chain in chains:
        for name in outcomes:
            if name == "end_to_end":
                if start_table(chain) not in have:
                    kpi = "time_to_first_contact" if chain.start == "order_placed" else "time_to_resolution"
                    lacking.setdefault(kpi, [start_table(chain)])
            elif needs := missing_inputs(name, have, definitions.get(name)):
                lacking.setdefault(name, needs)
    for item in current_kpis:
        if needs := missing_inputs(item["kpi"], have, item.get("definition")):
            lacking.setdefault(item["kpi"], needs)
    return lacking


def sample_current_kpis() -> list[dict[str, Any]]:
    """The sample provider's own KPIs, :data:`kpilib.synth.INTERNAL_TARGETS` in the ``current_kpis`` shape."""
    from kpilib.synth import INTERNAL_TARGETS as T

    sl = dict(T["service_level"])
    return [
        {"team": "first_line", "kpi": "service_level", "target": sl.pop("target"), "definition": sl},
        {"team": "first_line", "kpi": "average_handle_time", "target": T["average_handle_time_s"],
         "definition": {"channel": "phone"}},
        {"team": "first_line", "kpi": "agent_resolved_rate", "target": T["resolved_tick"], "definition": {}},
        {"team": "second_line", "kpi": "stays_within_norm", "target": T["second_line_within_norm"],
         "definition": {"norm_days": T["second_line_norm_days"]}},
    ]


# -- helpers -----------------------------------------------------------------------------------

def _field(item: Mapping[str, Any], key: str, i: int) -> str:
    value = item.get(key) if isinstance(item, Mapping) else None
    if not isinstance(value, str) or not value:
        raise ParameterError(f"`current_kpis[{i}]` must be a mapping with `team`, `kpi`, `target` and "
                             f"`definition`; `{key}` is {value!r}")
    return value


def _has_team(entry, have: Mapping[str, Any]) -> bool:
    """Whether the KPI's first input table present has a ``team`` column."""
    for options in entry.inputs.values():
        found = next((have[t] for t in options if t in have), None)
        if found is not None and "team" in found.columns:
            return True
    return False


def _has_team_id(kpi: str, have: Mapping[str, Any]) -> bool:
    from kpilib.kpis.catalogue import load_catalogue

    entry = load_catalogue().entry(kpi)
    return kpi == "stays_within_norm" or _has_team(entry, have)


def _teams_of(tables: Mapping[str, Any]) -> list[str]:
    """The teams the chain's cases pass through: in its events, else its contacts."""
    source = tables.get("events") if tables.get("events") is not None else tables.get("contacts")
    if source is None:
        return []
    from kpilib.chains._stays import event_input

    inp = event_input(source)
    got = backend.execute(inp.table.select("team").distinct(), con=inp.con, time_zone=inp.time_zone)
    return sorted(got["team"].dropna().astype(str))
