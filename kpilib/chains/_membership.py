"""Which cases belong to a chain, and the rows of a canonical table that belong to those cases."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from kpilib.data._inputs import canonical
from kpilib.chains._config import Chain
from kpilib.exceptions import ParameterError


def chain_case_ids(chain: Chain, *, cases=None, contacts=None, events=None) -> Table | None:
    """The ``case_id`` of every case that belongs to ``chain`` (one column), or None for all cases.

    ``category`` reads ``cases.category``; ``reason`` the reason of the case's first inbound
    contact (ordered by ``arrived_at``, then ``contact_id``); ``first_team`` the team of the case's
    first event (ordered by ``at``, then ``seq``), or of its first contact when there are no
    events. A case belongs when it matches every rule the chain sets.
    """
    found: list[Table] = []
    if chain.category is not None:
        if cases is None:
            raise ParameterError(f"chain {chain.id!r} selects cases by category: pass `cases`")
        k = canonical(cases, "cases", required=("case_id", "category")).table
        found.append(k.filter(k.category.isin(list(chain.category))).select("case_id"))
    if chain.reason is not None:
        if contacts is None:
            raise ParameterError(f"chain {chain.id!r} selects cases by contact reason: pass `contacts`")
        c = canonical(contacts, "contacts", required=("case_id", "contact_id", "arrived_at")).table
        c = c.filter((c.direction == "inbound") & c.case_id.notnull())
        first = _first_rows(c, c.case_id, [c.arrived_at, c.contact_id])
        found.append(first.filter(first.reason.isin(list(chain.reason))).select("case_id"))
    if chain.first_team is not None:
        if events is not None:
            e = canonical(events, "events", required=("case_id", "at", "team")).table
            first = _first_rows(e, e.case_id, [e.at, e.seq])
        elif contacts is not None:
            c = canonical(contacts, "contacts", required=("case_id", "contact_id", "arrived_at", "team")).table
            c = c.filter(c.case_id.notnull())
            first = _first_rows(c, c.case_id, [c.arrived_at, c.contact_id])
        else:
            raise ParameterError(f"chain {chain.id!r} selects cases by first team: pass `events` or `contacts`")
        found.append(first.filter(first.team.isin(list(chain.first_team))).select("case_id"))
    if not found:
        return None
    ids = found[0]
    for other in found[1:]:
        ids = ids.filter(ids.case_id.isin(other.case_id))
    return ids.distinct()


def in_chain(table: Table, ids: Table | None) -> Table:
    """The rows of ``table`` whose ``case_id`` is among ``ids`` (all rows when ``ids`` is None)."""
    if ids is None:
        return table
    return table.filter(table.case_id.isin(ids.case_id))


def chain_events(events, chain: Chain, *, cases=None, contacts=None) -> Table:
    """The events (or contacts) of the cases that belong to ``chain``, as an Ibis table.

    Parameters
    ----------
    events : pandas.DataFrame or ibis Table
        Canonical events, or contacts.
    chain : Chain
        The chain (:func:`kpilib.chains.load_chains`).
    cases, contacts : pandas.DataFrame or ibis Table, optional
        Needed when the chain selects cases by category (cases) or by reason (contacts).
    """
    is_events = "at" in events.columns and "arrived_at" not in events.columns
    name = "events" if is_events else "contacts"
    table = canonical(events, name).table
    ids = chain_case_ids(chain, cases=cases, contacts=contacts if contacts is not None else (
        None if is_events else events), events=events if is_events else None)
    return in_chain(table, ids)


def _first_rows(table: Table, key, order) -> Table:
    window = ibis.window(group_by=key, order_by=order)
    return table.mutate(_rank=ibis.row_number().over(window)).filter(lambda t: t._rank == 0).drop("_rank")
