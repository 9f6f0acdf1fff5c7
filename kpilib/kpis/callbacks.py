"""The call-back funnel: requested → attempted → reached → resolved, how punctual, and who called meanwhile.

"Call-backs on time" says whether the first attempt came before the promised moment. The funnel
says what became of the requests: attempted at all, the customer reached (a call-back abandon when
not), resolved (reached, and no new inbound contact about the same case, else from the same customer,
within the window after the attempt). Punctuality puts each due request in a bucket of how late its
first attempt came, in working hours of the calendar (the export holds the promised deadline, not the
start of a slot, so "early" cannot be told from "on time"). And the contacts a customer made while
the call-back was pending are the repeat contacts the promise did not prevent.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd

from kpilib._checks import check_number
from kpilib._docstrings import fill
from kpilib.data import backend
from kpilib.data._aggregate import check_by, normalise_by, seconds_between
from kpilib.data._inputs import canonical, same_backend
from kpilib.kpis.timeliness import _as_of, _calendar

__all__ = ["FUNNEL_STAGES", "PUNCTUALITY", "callback_funnel", "callback_punctuality", "callback_requests", "funnel_facts"]

#: The stages of the funnel, in order.
FUNNEL_STAGES = ("requested", "attempted", "reached", "resolved")
#: The punctuality buckets of a call-back, in order (working hours late of the first attempt).
PUNCTUALITY = ("on time", "late by up to 1 working hour", "late by 1 to 4 working hours",
               "late by 4 to 8 working hours", "late by more than 8 working hours", "not attempted, overdue",
               "not yet due")


def _moment(t, as_of, time_zone, con):
    if as_of is not None:
        return _as_of(as_of, time_zone)
    latest = ibis.greatest(t.requested_at, t.promised_by.coalesce(t.requested_at), t.attempted_at.coalesce(t.requested_at))
    last = backend.execute(t.aggregate(last=latest.max()), con=con, time_zone=time_zone)["last"].iloc[0]
    return None if pd.isna(last) else pd.Timestamp(last)


@fill
def callback_requests(callbacks, contacts=None, *, window_days: float = 7, as_of=None,
                      calendar=None) -> pd.DataFrame:
    """One row per call-back request with its fate: the basis of the funnel and of punctuality.

    Columns: ``callback_id``, ``team``, ``requested_at``, ``promised_by``, ``attempted_at``, ``reached``,
    ``due`` (promised by ``as_of``), ``late_working_hours`` (working hours from the promise to the first
    attempt, 0 when on time; to ``as_of`` when overdue and not attempted), ``contacts_while_pending``
    (inbound contacts about the same case, else from the same customer, after the request and before the
    first attempt or ``as_of``) and ``contacts_after`` (answered inbound contacts so matched within
    ``window_days`` × 24 h after the attempt); the last two are NaN without ``contacts``.

    Parameters
    ----------
    callbacks : pandas.DataFrame or ibis Table
        Canonical call-back requests.
    contacts : pandas.DataFrame or ibis Table, optional
        Canonical contacts, for the contacts while pending and after the call-back.
    window_days : float
        The window after the attempt in which a new contact means the call-back did not resolve.
    {as_of}
    {calendar}
    """
    check_number("window_days", window_days, minimum=0, strict_minimum=True)
    inp = canonical(callbacks, "callbacks", required=("requested_at",))
    t = inp.table
    moment = _moment(t, as_of, inp.time_zone, inp.con)
    columns = ["callback_id", "case_id", "customer_id", "team", "requested_at", "promised_by", "attempted_at",
               "reached"]
    frame = backend.execute(t.select(*columns), con=inp.con, time_zone=inp.time_zone)
    if contacts is not None:
        cinp = canonical(contacts, "contacts", required=("direction", "arrived_at", "answered_at"))
        same_backend(inp, cinp)
        frame = frame.merge(_contacts_around(t, cinp, moment, window_days), on="callback_id", how="left")
    else:
        frame["contacts_while_pending"] = np.nan
        frame["contacts_after"] = np.nan
    stamp = moment if moment is not None else pd.Timestamp.max.tz_localize("UTC")
    frame["due"] = frame["promised_by"].notna() & (frame["promised_by"] <= stamp)
    cal = _calendar(calendar)
    late_to = frame["attempted_at"].where(frame["attempted_at"].notna(), stamp if moment is not None else pd.NaT)
    late = frame["promised_by"].notna() & late_to.notna() & (late_to > frame["promised_by"])
    hours = pd.Series(0.0, index=frame.index)
    if late.any():
        hours[late] = np.asarray(cal.working_seconds(frame.loc[late, "promised_by"], late_to[late]), dtype=float) / 3600
    frame["late_working_hours"] = hours.where(frame["due"], np.nan)
    return frame.drop(columns=["case_id", "customer_id"])


def _contacts_around(t, cinp, moment, window_days: float) -> pd.DataFrame:
    """Per call-back: inbound contacts while it was pending, and answered ones within the window after it."""
    c = cinp.table.filter(cinp.table.direction == "inbound")
    cb = t.select("callback_id", "case_id", "customer_id", "requested_at", "attempted_at")
    end = cb.attempted_at if moment is None else cb.attempted_at.coalesce(ibis.literal(moment.to_pydatetime()))
    cb = cb.mutate(_until=end)
    other = c.select(_case=c.case_id, _customer=c.customer_id, _at=c.arrived_at, _answered=c.answered_at)
    joined = cb.join(other, ((cb.case_id.notnull() & (cb.case_id == other._case))
                             | (cb.case_id.isnull() & cb.customer_id.notnull() & (cb.customer_id == other._customer))),
                     how="left")
    pending = (joined._at > joined.requested_at) & (joined._at < joined._until)
    after_gap = seconds_between(joined.attempted_at, joined._at)
    after = joined._answered.notnull() & (after_gap > 0) & (after_gap <= window_days * 86400)
    counts = joined.group_by("callback_id").aggregate(
        contacts_while_pending=joined.count(where=pending.fill_null(False)),
        contacts_after=joined.count(where=after.fill_null(False)))
    return backend.execute(counts, con=cinp.con, time_zone=cinp.time_zone)


def callback_funnel(requests: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The funnel of :func:`callback_requests`: per stage the requests that reached it and their share.

    requested: every request; attempted: a first attempt; reached: the customer reached (unknown counts as
    not reached); resolved: reached and no answered contact within the window after (needs contacts).
    The call-back abandons are attempted minus reached.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``stage``, ``requests`` and ``share`` (of the requested).
    """
    names = normalise_by(by)
    check_by(names, requests.columns)
    stages = {
        "requested": pd.Series(True, index=requests.index),
        "attempted": requests["attempted_at"].notna(),
        "reached": requests["attempted_at"].notna() & requests["reached"].eq(True),
        "resolved": requests["attempted_at"].notna() & requests["reached"].eq(True) & requests["contacts_after"].eq(0),
    }
    if requests["contacts_after"].isna().all():
        stages.pop("resolved")
    groups = requests.groupby(names, dropna=False, sort=True) if names else [((), requests)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        total = len(part)
        for stage, mask in stages.items():
            n = int(mask[part.index].sum())
            rows.append({**dict(zip(names, key)), "stage": stage, "requests": n, "share": n / total if total else np.nan})
    return pd.DataFrame(rows, columns=[*names, "stage", "requests", "share"])


def callback_punctuality(requests: pd.DataFrame) -> pd.DataFrame:
    """How late the first attempts came, in working hours: one row per bucket of :data:`PUNCTUALITY`.

    Returns
    -------
    pandas.DataFrame
        ``punctuality``, ``requests`` and ``share`` (of the requests with a promise).
    """
    promised = requests[requests["promised_by"].notna()]
    hours = promised["late_working_hours"]
    attempted = promised["attempted_at"].notna()
    due = promised["due"]
    buckets = {
        "on time": due & attempted & (hours == 0),
        "late by up to 1 working hour": due & attempted & (hours > 0) & (hours <= 1),
        "late by 1 to 4 working hours": due & attempted & (hours > 1) & (hours <= 4),
        "late by 4 to 8 working hours": due & attempted & (hours > 4) & (hours <= 8),
        "late by more than 8 working hours": due & attempted & (hours > 8),
        "not attempted, overdue": due & ~attempted,
        "not yet due": ~due,
    }
    total = len(promised)
    return pd.DataFrame([{"punctuality": name, "requests": int(mask.sum()),
                          "share": int(mask.sum()) / total if total else np.nan} for name, mask in buckets.items()])


def funnel_facts(requests: pd.DataFrame, funnel: pd.DataFrame, punctuality: pd.DataFrame) -> dict:
    """The funnel's headline numbers for a sentence: requests, shares attempted / reached / resolved and on time,
    the call-back abandons (attempted, not reached), and the requests with a contact while pending.

    ``funnel`` and ``punctuality`` are :func:`callback_funnel` and :func:`callback_punctuality` of ``requests``.
    """
    funnel = funnel.set_index("stage")
    punctual = punctuality.set_index("punctuality")
    due = int(requests["due"].sum())
    pending = requests["contacts_while_pending"]
    return {
        "requested": int(funnel.loc["requested", "requests"]),
        "attempted": float(funnel.loc["attempted", "share"]), "reached": float(funnel.loc["reached", "share"]),
        "resolved": float(funnel.loc["resolved", "share"]) if "resolved" in funnel.index else float("nan"),
        "abandons": int(funnel.loc["attempted", "requests"] - funnel.loc["reached", "requests"]),
        "on_time": int(punctual.loc["on time", "requests"]) / due if due else float("nan"),
        "late_over_8h": int(punctual.loc["late by more than 8 working hours", "requests"]),
        "with_pending_contact": int((pending > 0).sum()) if pending.notna().any() else 0,
        "pending_contacts": int(pending.sum()) if pending.notna().any() else 0,
    }
