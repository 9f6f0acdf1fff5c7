"""Why two definitions of one KPI give different numbers: the contacts each switch moves.

:func:`reconcile` walks from definition ``a`` to definition ``b`` one switch at a time (the clock,
the abandon rule, short abandons, the threshold, the channel, the window, the matching), and at
each step says which contacts enter or leave the numerator and the denominator, counted and with
a sample. The last step's value is the KPI under ``b``, exactly as the KPI function computes it.

It works on the contact KPIs whose every row is one contact: the service level, the abandonment
rate, the repeat-contact rate and first-contact resolution by the repeat window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpilib.data import backend
from kpilib.data._aggregate import KpiMeasures, ratio
from kpilib.data._inputs import canonical
from kpilib.exceptions import ParameterError
from kpilib.kpis.queue import QUEUE_COLUMNS, _abandonment, _queue, _service_level
from kpilib.kpis.resolution import _fcr_window, _with_follow_up

__all__ = ["PRESETS", "RECONCILED", "reconcile"]

#: The parameters each KPI switches, in the order of the steps: how the wait is measured first,
#: then which calls count, then the threshold or the window.
RECONCILED = {
    "service_level": ("clock", "abandoned", "short_abandon_s", "short_abandon_clock", "channel", "threshold_s"),
    "abandonment_rate": ("short_abandon_s", "short_abandon_clock", "channel"),
    "repeat_contact_rate": ("match", "window_unit", "window_days"),
    "first_contact_resolution": ("window_unit", "window_days"),
}

#: Definitions named after what a client's reporting tool documents, with where it says so.
#: Each holds only the switches that documentation states; the rest stays the caller's.
PRESETS = {
    # Cisco ICM/UCCE, CTI Server user guide, "Service Level Type": abandoned calls "can be ignored
    # (and removed from the number of calls you had the opportunity to answer)", "affect the Service
    # Level negatively (and be treated as lost opportunities)" or "positively (and be counted as
    # answered calls)".
    "cisco_abandons_ignored": {"abandoned": "exclude"},
    "cisco_abandons_negative": {"abandoned": "fail"},
    "cisco_abandons_positive": {"abandoned": "pass_within_threshold"},
    # Talkdesk data dictionary, "Short-Abandoned Calls": the short-abandon "timer starts counting when
    # the call enters the system"; the threshold is the account admin's (give short_abandon_s too).
    "talkdesk_short_abandons": {"short_abandon_clock": "arrival"},
    # RingCentral call-queue service-level settings: with includeAbandonedCalls false abandoned calls
    # are not in the calculation; abandonedThresholdSeconds 0 "means that abandoned calls of any
    # duration will be included".
    "ringcentral_abandons_excluded": {"abandoned": "exclude"},
    "ringcentral_abandons_included": {"abandoned": "fail", "short_abandon_s": 0},
}

_STEP_COLUMNS = ["step", "parameter", "before", "after", "numerator", "denominator", "value",
                 "numerator_in", "numerator_out", "denominator_in", "denominator_out", "sample_in", "sample_out"]


def _definition(kpi: str, given: Mapping[str, Any] | str | None) -> dict[str, Any]:
    from kpilib.kpis.catalogue import load_catalogue

    if isinstance(given, str):
        if given not in PRESETS:
            raise ParameterError(f"`{given}` is not a preset; the presets are {', '.join(sorted(PRESETS))}")
        given = PRESETS[given]
    entry = load_catalogue().entry(kpi)
    chosen = entry.check_definition(dict(given or {}))
    return entry.defaults() | chosen


def _rows(kpi: str, inp, definition: Mapping[str, Any]) -> pd.DataFrame:
    """Per contact: ``contact_id``, whether it is in the numerator and in the denominator."""
    t = inp.table
    if kpi in ("service_level", "abandonment_rate"):
        q = _queue(t, clock=definition.get("clock", "queue"), short_abandon_s=definition["short_abandon_s"],
                   channel=definition["channel"], short_abandon_clock=definition.get("short_abandon_clock"))
        measures = (_service_level(q, definition["threshold_s"], definition["abandoned"])
                    if kpi == "service_level" else _abandonment(q))
    else:
        if kpi == "first_contact_resolution" and definition.get("method", "repeat_window") != "repeat_window":
            raise ParameterError("first-contact resolution is reconciled contact by contact, so both definitions "
                                 "must use method='repeat_window'; by case or by survey it counts cases or surveys")
        q, base, repeat = _with_follow_up(t, window_days=definition["window_days"],
                                          match=definition.get("match", "customer"),
                                          window_unit=definition.get("window_unit", "24h"),
                                          calendar=definition.get("calendar"), con=inp.con, time_zone=inp.time_zone)
        measures = _fcr_window(q, base, repeat) if kpi == "first_contact_resolution" else KpiMeasures(repeat, base)
    expr = q.select(contact_id=q.contact_id, _num=measures.numerator, _den=measures.denominator)
    frame = backend.execute(expr, con=inp.con, time_zone=inp.time_zone)
    frame["_num"] = frame["_num"].eq(True)
    frame["_den"] = frame["_den"].eq(True)
    return frame.drop_duplicates("contact_id").set_index("contact_id")


def _pseudonym(contact_id: Any) -> str:
    """A contact's id as a short stable pseudonym ("k-" and 10 hex digits) for a page."""
    return "k-" + hashlib.sha256(str(contact_id).encode("utf-8")).hexdigest()[:10]


def _sample(ids: pd.Index, n: int) -> list[str]:
    names = sorted(_pseudonym(i) for i in ids)
    return names[:n]


def reconcile(kpi: str, contacts, *, a: Mapping[str, Any] | str | None = None,
              b: Mapping[str, Any] | str | None = None, sample: int = 5, calendar=None) -> pd.DataFrame:
    """From ``kpi`` under definition ``a`` to ``kpi`` under ``b``, one definitional switch at a time.

    Parameters
    ----------
    kpi : {'service_level', 'abandonment_rate', 'repeat_contact_rate', 'first_contact_resolution'}
    contacts : pandas.DataFrame or ibis Table
        Canonical contacts (pseudonymised ids are shown as short hashes of ``contact_id``).
    a, b : mapping or str, optional
        The two definitions (the KPI's parameters; missing ones take the catalogue's defaults), or the
        name of a preset of :data:`PRESETS`.
    sample : int
        How many contacts to list per step and direction.
    calendar : WorkingCalendar, optional
        For windows in working days.

    Returns
    -------
    pandas.DataFrame
        Step 0 is ``a``; each further step switches one ``parameter`` from ``before`` to ``after``.
        ``numerator``, ``denominator`` and ``value`` are the KPI after the step; ``numerator_in`` /
        ``numerator_out`` and ``denominator_in`` / ``denominator_out`` count the contacts that entered or
        left; ``sample_in`` and ``sample_out`` list up to ``sample`` of the contacts entering and leaving
        the numerator (or, when the numerator does not move, the denominator). The last row's value is
        the KPI under ``b``.

    Examples
    --------
    >>> reconcile("service_level", store.contacts, a={"clock": "queue", "abandoned": "exclude"},
    ...           b={"clock": "arrival", "abandoned": "fail"})  # doctest: +SKIP
    """
    if kpi not in RECONCILED:
        raise ParameterError(f"`kpi` must be one of {', '.join(map(repr, RECONCILED))}; got {kpi!r}")
    inp = canonical(contacts, "contacts", required=QUEUE_COLUMNS if kpi in ("service_level", "abandonment_rate")
                    else ("direction", "arrived_at", "answered_at"))
    first, last = _definition(kpi, a), _definition(kpi, b)
    extra = {"calendar": calendar} if calendar is not None else {}
    current = dict(first)
    rows = _rows(kpi, inp, current | extra)
    steps = [_step(0, "", None, None, rows, None, sample)]
    for name in RECONCILED[kpi]:
        if first.get(name) == last.get(name):
            continue
        before, current = current, current | {name: last.get(name)}
        after = _rows(kpi, inp, current | extra)
        steps.append(_step(len(steps), name, before.get(name), current.get(name), after, rows, sample))
        rows = after
    frame = pd.DataFrame(steps, columns=_STEP_COLUMNS)
    for column in ("before", "after"):  # a parameter's own values, None at step 0 (not NaN)
        frame[column] = pd.Series([s[column] for s in steps], dtype=object)
    return frame


def _step(step: int, name, before, after, rows: pd.DataFrame, previous: pd.DataFrame | None,
          sample: int) -> dict[str, Any]:
    numerator, denominator = int(rows["_num"].sum()), int(rows["_den"].sum())
    moved: dict[str, Any] = {"numerator_in": 0, "numerator_out": 0, "denominator_in": 0, "denominator_out": 0,
                             "sample_in": [], "sample_out": []}
    if previous is not None:
        both = previous.add_suffix("_before").join(rows, how="outer")
        was_num, is_num = both["_num_before"].eq(True), both["_num"].eq(True)
        was_den, is_den = both["_den_before"].eq(True), both["_den"].eq(True)
        num_in, num_out = both.index[~was_num & is_num], both.index[was_num & ~is_num]
        den_in, den_out = both.index[~was_den & is_den], both.index[was_den & ~is_den]
        shown_in, shown_out = (num_in, num_out) if len(num_in) or len(num_out) else (den_in, den_out)
        moved = {"numerator_in": len(num_in), "numerator_out": len(num_out), "denominator_in": len(den_in),
                 "denominator_out": len(den_out), "sample_in": _sample(shown_in, sample),
                 "sample_out": _sample(shown_out, sample)}
    value = float(ratio(np.array([numerator]), np.array([denominator]))[0])
    return {"step": step, "parameter": name, "before": before, "after": after, "numerator": numerator,
            "denominator": denominator, "value": value, **moved}
