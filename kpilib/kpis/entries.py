"""Entries and interactions: one customer call handled by three queues is one entry and three interactions.

A transfer ends one interaction and starts the next at another team; every queue counts its own
interaction, so the teams' reports add up to more calls than customers made. An *entry* is the
customer's call: its first interaction and the interactions it was transferred into. The contacts
export holds no call id that links them, so an interaction continues an entry when the customer's
(else the case's) previous inbound interaction ended as ``transferred`` and this one arrived at most
``transfer_gap_s`` seconds after that ended.

The contact KPIs take ``count="interactions"`` (every row, the default: nothing is dropped) or
``count="entries"`` (only the interaction that starts each entry: the customer's own call, its own
queue and wait).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd
from ibis.expr.types import Table

from kpilib._checks import check_argument, check_number
from kpilib._docstrings import fill
from kpilib.data._aggregate import check_by, normalise_by, seconds_between, tidy
from kpilib.data._inputs import canonical

__all__ = ["COUNTS", "TRANSFER_GAP_S", "entries_and_interactions", "first_interactions", "mark_entries"]

#: What a contact KPI counts: every interaction, or one per customer call.
COUNTS = ("interactions", "entries")
#: The longest gap, in seconds, between a transferred interaction's end and the next one's arrival.
TRANSFER_GAP_S = 60


def mark_entries(contacts: Table, *, transfer_gap_s: float = TRANSFER_GAP_S) -> Table:
    """``contacts`` with ``_starts_entry``: true for an interaction that starts a customer's call.

    An outbound contact, or one without customer and case, always starts its own entry.
    """
    check_number("transfer_gap_s", transfer_gap_s, minimum=0)
    t = contacts
    key = t.customer_id.coalesce(t.case_id)
    window = ibis.window(group_by=[key, t.direction], order_by=[t.arrived_at, t.contact_id])
    gap = seconds_between(t.ended_at.lag().over(window), t.arrived_at)
    continues = (key.notnull() & (t.direction == "inbound") & (t.outcome.lag().over(window) == "transferred")
                 & (gap <= transfer_gap_s) & (gap >= -transfer_gap_s))
    return t.mutate(_starts_entry=~continues.fill_null(False))


def first_interactions(contacts: Table, count: str, *, transfer_gap_s: float = TRANSFER_GAP_S) -> Table:
    """The contacts a KPI with ``count`` counts: all of them, or the interaction starting each entry."""
    check_argument("count", count, COUNTS)
    if count == "interactions":
        return contacts
    marked = mark_entries(contacts, transfer_gap_s=transfer_gap_s)
    return marked.filter(marked._starts_entry).drop("_starts_entry")


@fill
def entries_and_interactions(contacts, *, transfer_gap_s: float = TRANSFER_GAP_S,
                             by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """How much transfers inflate the volume: inbound interactions per customer call (entry).

    numerator = inbound interactions, denominator = the entries they belong to, value = interactions per
    entry (1.0: no transfers). By ``team`` an interaction counts at the team that handled it and an entry
    at the team where the customer's call arrived first, so the first line's row says how many calls its
    customers made and how many interactions its reports hold.

    Parameters
    ----------
    {contacts}
    transfer_gap_s : float
        At most this many seconds from a transferred interaction's end to the next one's arrival.
    {by}

    Returns
    -------
    {returns}
    """
    inp = canonical(contacts, "contacts", required=("direction", "arrived_at"))
    names = normalise_by(by)
    check_by(names, inp.table.columns)
    t = mark_entries(inp.table.filter(inp.table.direction == "inbound"), transfer_gap_s=transfer_gap_s)
    return tidy(t, by=names, anchor=t.arrived_at, numerator=True, denominator=t._starts_entry,
                con=inp.con, time_zone=inp.time_zone)
