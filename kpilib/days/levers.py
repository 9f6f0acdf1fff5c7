"""What-if replay on the historical cases (day 8): what a lever would have saved, counted on history.

Each replay applies one rule to what really happened and counts what would then not have
happened: the customer's contacts saved, the working days (or working hours) of waiting saved,
and the cases (or requests) affected. Nothing is simulated and no effect is assumed as a
percentage: every figure is a count or a sum over real rows, under the assumptions that each
function's docstring states. The replays are upper bounds of what the rule can save in the
stated respect, and say nothing about its cost (more work for the next line, more call-backs).

Staffing for a service-level target (Erlang C and A per hour of the week) is in
:mod:`kpilib.days.staffing`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pandas as pd

from kpilib._i18n import tr
from kpilib.data import backend
from kpilib.data._aggregate import normalise_by, seconds_between
from kpilib._checks import check_argument, check_number
from kpilib._docstrings import fill
from kpilib.data._inputs import canonical, same_backend
from kpilib.exceptions import ParameterError
from kpilib.kpis.resolution import MATCHES
from kpilib.kpis.timeliness import _as_of, _calendar

__all__ = ["TACTICS", "callback_options", "callback_replay", "escalation_options", "escalation_replay",
           "tactics_table"]

#: The three value disciplines (Treacy & Wiersema) an organisation can compete on, with what each
#: asks of the customer chain. The keys are the allowed values of the day-8 ``tactic`` decision.
TACTICS = {
    "operational_excellence": (
        "Operational excellence (operationele uitmuntendheid)",
        "reliable, fast and low-cost service in standard steps",
        "first-time right and speed at low cost: resolution within the norm, contacts per case, handle time"),
    "customer_intimacy": (
        "Customer intimacy (klantintimiteit)",
        "one owner solves the customer's whole problem, however many teams it takes",
        "the customer's outcome end to end: resolved within the norm, repeat contacts, promises kept"),
    "product_leadership": (
        "Product leadership (productleiderschap)",
        "the best product, and service that keeps up with what is new",
        "time to first contact after an order, delivery promises, satisfaction with the new product"),
}

ESCALATION_COLUMNS = ("cases", "inbound_contacts", "cases_triggered", "cases_affected", "contacts_saved",
                      "working_days_saved")
CALLBACK_COLUMNS = ("requests", "requests_late", "cases_affected", "contacts_saved", "working_hours_saved")


def _teams(first_line: str | Sequence[str]) -> list[str]:
    teams = [first_line] if isinstance(first_line, str) else list(first_line)
    if not teams or not all(isinstance(x, str) for x in teams):
        raise ParameterError(f"`first_line` must be a team name or a list of team names; got {first_line!r}")
    return teams


def _check_by(names: list[str], allowed: Sequence[str], table: str) -> None:
    for name in names:
        if name not in allowed:
            options = ", ".join(repr(a) for a in allowed)
            raise ParameterError(f"`by` must name {table} columns among {options}; got {name!r}")


def _summarise(per_unit: pd.DataFrame, names: list[str], sums: dict[str, tuple[str, str]],
               columns: Sequence[str]) -> pd.DataFrame:
    """Aggregate the per-case (per-request) columns per group; one row when ``names`` is empty."""
    groups = names or ["_all"]
    data = per_unit if names else per_unit.assign(_all=0)
    result = data.groupby(groups, dropna=False, sort=True).agg(**sums).reset_index()
    if not names and result.empty:
        result = pd.DataFrame({name: [0] for name in sums})
    for name in columns:
        result[name] = result[name].astype("float64" if name.startswith("working_") else "int64")
    return result[[*names, *columns]]


@fill
def escalation_replay(contacts, cases, *, attempts: int = 2, first_line: str | Sequence[str],
                      calendar=None, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Replay "after ``attempts`` inbound contacts without resolution, the next line takes over at once".

    The rule: when a customer has contacted the organisation ``attempts`` times about a case
    (its inbound contacts, any channel, in order of ``arrived_at`` then ``contact_id``) and the
    case is still not resolved when that contact ends, a team beyond the first line (a
    technician, the second line) gets in touch at once, instead of when it really did.

    Assumptions, counted per case:

    - *triggered*: the case has at least ``attempts`` inbound contacts and ``resolved_at`` is
      null or later than the end (``ended_at``, else ``arrived_at``) of contact number
      ``attempts``; that moment is T.
    - the moment the next line really got in touch, H, is the first contact of the case (either
      direction) at a team not in ``first_line``. A case whose next line was already in touch at
      or before T is not changed by the rule.
    - H after T: the customer's inbound contacts that arrived after T and before H are saved,
      and the working days from T to H (the calendar's count) are saved: the next line starts
      that much earlier and everything after H is assumed to go as it went, only sooner.
    - no H (the next line never contacted the customer): the inbound contacts after T up to
      ``resolved_at`` (all of them when the case is still open) are saved, assuming the next
      line resolves the case without the customer having to come back; no working days are
      counted, since history does not tell how long the next line would have taken.
    - *affected*: a triggered case with a contact or a working day saved.

    The population is the cases of ``cases`` with at least one inbound contact; contacts whose
    ``case_id`` is null or not in ``cases`` belong to no case here and are not counted.

    Parameters
    ----------
    {contacts}
    cases : pandas.DataFrame or ibis Table
        Canonical cases: the population (cases with an inbound contact) and ``resolved_at``.
    attempts : int
        N: the rule acts after this many inbound contacts (>= 1).
    first_line : str or list of str
        The team name(s) of the first line; every other team is a next line.
    {calendar}
    by : None, str or list of str
        Case columns to group by (for example ``"category"`` or ``"team_opened"``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``cases`` (cases with an inbound contact), ``inbound_contacts``
        (theirs), ``cases_triggered``, ``cases_affected``, ``contacts_saved`` and
        ``working_days_saved``.
    """
    check_number("attempts", attempts, minimum=1, integer=True)
    teams = _teams(first_line)
    calendar = _calendar(calendar)
    ci = canonical(contacts, "contacts", required=("contact_id", "case_id", "direction", "team", "arrived_at"))
    ca = canonical(cases, "cases", required=("case_id", "opened_at"))
    con, time_zone = same_backend(ci, ca)
    names = normalise_by(by)
    _check_by(names, [c for c in ca.table.columns if c != "case_id"], "cases")
    c = ci.table.filter(lambda t: t.case_id.notnull())
    inbound = c.filter(c.direction == "inbound")
    order = ibis.window(group_by=inbound.case_id, order_by=[inbound.arrived_at, inbound.contact_id])
    ranked = inbound.mutate(_n=ibis.row_number().over(order) + 1)
    nth = ranked.filter(ranked._n == int(attempts)).select(
        _c1="case_id", _t=ranked.ended_at.coalesce(ranked.arrived_at))
    nxt = c.filter(~c.team.isin(teams)).group_by(_c2=c.case_id).aggregate(_h=c.arrived_at.min())
    k = ca.table.select("case_id", "resolved_at", *names)
    per_case = k.left_join(nth, k.case_id == nth._c1).left_join(nxt, k.case_id == nxt._c2)
    per_case = per_case.drop("_c1", "_c2")
    triggered = per_case._t.notnull() & (per_case.resolved_at.isnull() | (per_case.resolved_at > per_case._t))
    changes = triggered & (per_case._h.isnull() | (per_case._h > per_case._t))
    per_case = per_case.mutate(_triggered=triggered, _changes=changes.fill_null(False),
                               _end=per_case._h.coalesce(per_case.resolved_at))
    counted = ranked.join(per_case, ranked.case_id == per_case.case_id)
    later = (counted._changes & (counted._n > int(attempts))
             & (counted._end.isnull() | (counted.arrived_at < counted._end)))
    counts = counted.group_by(_c3=counted.case_id).aggregate(
        _inbound=counted.count(), _saved=counted.count(where=later))
    table = per_case.join(counts, per_case.case_id == counts._c3)  # cases with an inbound contact
    frame = backend.execute(table.select(*names, "_t", "_h", "_triggered", "_changes", "_inbound", "_saved"),
                            con=con, time_zone=time_zone)
    moved = frame["_changes"] & frame["_h"].notna()
    days = pd.Series(0.0, index=frame.index)
    if moved.any():
        days[moved] = calendar.working_days(frame.loc[moved, "_t"], frame.loc[moved, "_h"]).astype("float64")
    frame["_days"] = days
    frame["_affected"] = frame["_changes"] & ((frame["_saved"] > 0) | (frame["_days"] > 0))
    frame["_one"] = 1
    sums = {"cases": ("_one", "sum"), "inbound_contacts": ("_inbound", "sum"),
            "cases_triggered": ("_triggered", "sum"), "cases_affected": ("_affected", "sum"),
            "contacts_saved": ("_saved", "sum"), "working_days_saved": ("_days", "sum")}
    return _summarise(frame, names, sums, ESCALATION_COLUMNS)


@fill
def callback_replay(callbacks, contacts, *, within_hours: float = 4, match: str = "case", as_of=None,
                    calendar=None, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Replay "every call-back request is attempted within ``within_hours`` hours of the request".

    Assumptions, counted per call-back request:

    - the deadline is ``requested_at`` + ``within_hours`` elapsed hours. Requests whose deadline
      is after ``as_of`` are left out (they could not be late yet).
    - *late*: ``attempted_at`` is null or after the deadline. A late request's wait ends at
      ``attempted_at``, or at ``as_of`` when it was never attempted (a lower bound: the wait
      had not ended at the export). Default ``as_of``: the latest request or attempt.
    - the customer's inbound contacts of the same case (``match="case"``) or customer
      (``"customer"``) that arrived after the deadline and before the wait ended are saved: an
      attempt at the deadline is assumed to answer what the customer called about. A contact
      in the window of two requests is counted once.
    - the working hours from the deadline to the end of the wait are saved (the calendar's
      working seconds: its opening hours on working days, or the whole working day when it has
      none).

    Parameters
    ----------
    callbacks : pandas.DataFrame or ibis Table
        Canonical call-back requests.
    {contacts}
    within_hours : float
        X: the proactive call-back is made within this many hours of the request (> 0).
    match : {{'case', 'customer'}}
        Which of the customer's contacts belong to a request: those of its case or its customer.
    {as_of}
    {calendar}
    by : None, str or list of str
        Call-back columns to group by (for example ``"team"``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``requests`` (due under the rule), ``requests_late``,
        ``cases_affected`` (distinct cases of the late requests), ``contacts_saved`` and
        ``working_hours_saved``.
    """
    check_number("within_hours", within_hours, minimum=0, strict_minimum=True)
    check_argument("match", match, MATCHES)
    calendar = _calendar(calendar)
    key = "case_id" if match == "case" else "customer_id"
    cb = canonical(callbacks, "callbacks", required=("callback_id", "requested_at", key))
    ci = canonical(contacts, "contacts", required=("contact_id", "direction", "arrived_at", key))
    con, time_zone = same_backend(cb, ci)
    names = normalise_by(by)
    _check_by(names, [c for c in cb.table.columns if c not in ("callback_id", "case_id")], "callbacks")
    t = cb.table
    if as_of is None:  # a promise can lie after the export; a request or an attempt cannot
        latest = ibis.greatest(t.requested_at, t.attempted_at).max()
        last = backend.execute(t.aggregate(last=latest), con=con, time_zone=time_zone)["last"].iloc[0]
        stamp = None if pd.isna(last) else pd.Timestamp(last)
    else:
        stamp = _as_of(as_of, time_zone)
    window_s = float(within_hours) * 3600
    if stamp is None:
        return _summarise(pd.DataFrame(columns=[*names, "_one", "_late", "_late_case", "_hours"]), names, _callback_sums(), CALLBACK_COLUMNS)
    as_of_lit = ibis.literal(stamp.to_pydatetime())
    due = t.filter(seconds_between(t.requested_at, as_of_lit) >= window_s)
    late = due.attempted_at.isnull() | (seconds_between(due.requested_at, due.attempted_at) > window_s)
    due = due.mutate(_late=late, _end=due.attempted_at.coalesce(as_of_lit))
    c = ci.table
    inbound = c.filter((c.direction == "inbound") & c[key].notnull()).select(_key=key, _id="contact_id",
                                                                            _at="arrived_at")
    pairs = due.filter(due._late & due[key].notnull())
    pairs = pairs.join(inbound, [pairs[key] == inbound._key,
                                 seconds_between(pairs.requested_at, inbound._at) > window_s,
                                 inbound._at < pairs._end])
    saved = backend.execute(pairs.select(*names, "_id").distinct(), con=con, time_zone=time_zone)
    frame = backend.execute(due.select(*names, "case_id", "requested_at", "_late", "_end"),
                            con=con, time_zone=time_zone)
    hours = pd.Series(0.0, index=frame.index)
    lates = frame["_late"].astype(bool)
    if lates.any():
        deadline = frame.loc[lates, "requested_at"] + pd.Timedelta(seconds=window_s)
        hours[lates] = calendar.working_seconds(deadline, frame.loc[lates, "_end"]) / 3600
    frame["_hours"] = hours
    frame["_one"] = 1
    frame["_late_case"] = frame["case_id"].where(lates)
    result = _summarise(frame, names, _callback_sums(), [c for c in CALLBACK_COLUMNS if c != "contacts_saved"])
    if names:
        per_group = saved.groupby(names, dropna=False).size().rename("contacts_saved").reset_index()
        result = result.merge(per_group, on=names, how="left")
        result["contacts_saved"] = result["contacts_saved"].fillna(0).astype("int64")
    else:
        result["contacts_saved"] = saved["_id"].nunique()
    return result[[*names, *CALLBACK_COLUMNS]]


def _callback_sums() -> dict[str, tuple[str, str]]:
    return {"requests": ("_one", "sum"), "requests_late": ("_late", "sum"),
            "cases_affected": ("_late_case", "nunique"), "working_hours_saved": ("_hours", "sum")}


def tactics_table() -> pd.DataFrame:
    """The three tactics: ``tactic`` (the decision value), ``name``, ``promise`` and ``kpis`` (what to steer on)."""
    return pd.DataFrame([{"tactic": key, "name": tr(TACTICS[key][0]), "promise": tr(TACTICS[key][1]),
                          "kpis": tr(TACTICS[key][2])} for key in TACTICS])


def _options(replay, name: str, values: Sequence[float], *args, **options) -> pd.DataFrame:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ParameterError(f"`{name}` must be a non-empty list of values to compare; got {values!r}")
    frames = [replay(*args, **{name: value}, **options).assign(**{name: value}) for value in values]
    result = pd.concat(frames, ignore_index=True)
    return result[[name, *[c for c in result.columns if c != name]]]


def escalation_options(contacts, cases, *, attempts: Sequence[int] = (1, 2, 3), **options) -> pd.DataFrame:
    """:func:`escalation_replay` for several ``attempts`` side by side, one row per value (and group).

    ``options`` are those of :func:`escalation_replay` (``first_line`` is required).
    """
    return _options(escalation_replay, "attempts", attempts, contacts, cases, **options)


def callback_options(callbacks, contacts, *, within_hours: Sequence[float] = (2, 4, 8, 24),
                     **options) -> pd.DataFrame:
    """:func:`callback_replay` for several ``within_hours`` side by side, one row per value (and group)."""
    return _options(callback_replay, "within_hours", within_hours, callbacks, contacts, **options)
