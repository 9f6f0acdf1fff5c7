"""Exercises 6-8 (days 5 to 7): handoffs in the event log, working days to first contact, complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

import kpilib
from kpilib.exercises._spec import Data, Mistake, Part, Spec, kpi_value


def _distinct_teams(d: Data) -> float:
    return float((d.events.groupby("case_id").team.nunique() - 1).mean())


def _across_cases(d: Data) -> float:
    e = d.events.sort_values(["at", "seq"])
    changes = (e.team != e.team.shift()) & e.team.shift().notna()
    return float(changes.sum() / e.case_id.nunique())


HANDOFFS = Spec(
    6, "handoffs", "Handoffs per case from the event log", 5,
    parts=(Part(lambda d: kpi_value(kpilib.handoffs_per_case(d.store.events)), kind="number",
                label="the mean number of handoffs per case", mistakes=(
        Mistake("You counted every event after the first as a handoff. Consecutive events at the same "
                "team are one stay: a handoff is a change of team.",
                lambda d: kpi_value(kpilib.handoffs_per_case(d.events.assign(team=d.events.seq.astype(str))))),
        Mistake("You counted the distinct teams per case minus one. A case that goes first line -> second "
                "line -> first line has two handoffs (ping-pong), not one.", _distinct_teams),
        Mistake("You compared each event with the previous row of the whole log. Compare within a case "
                "only: `groupby('case_id')` before `shift()`.", _across_cases),
        Mistake("You used the contacts table. This exercise reads the ticket system's event log "
                "(`store.events`), where the case moves between the support lines.",
                lambda d: kpi_value(kpilib.handoffs_per_case(d.store.contacts))),
    )),),
    hints=(
        "Sort the events by `case_id`, `at` and `seq`.",
        "Per case, compare each event's team with the previous event's: "
        "`groupby('case_id').team.shift()`.",
        "A handoff: a previous team exists and differs. Sum per case, then take the mean over all cases.",
    ),
)


def _contacted(d: Data) -> pd.DataFrame:
    return d.orders[d.orders.first_contact_at.notna()]


def _working_days_mean(d: Data) -> float:
    o = _contacted(d)
    return float(np.mean(d.calendar.working_days(o.ordered_at, o.first_contact_at)))


def _local_dates(stamps: pd.Series) -> np.ndarray:
    return stamps.dt.tz_localize(None).dt.normalize().values.astype("datetime64[D]")


def _calendar_days(d: Data) -> float:
    o = _contacted(d)
    return float((_local_dates(o.first_contact_at) - _local_dates(o.ordered_at)).astype(int).mean())


def _weekdays_only(d: Data) -> float:
    o = _contacted(d)
    return float(np.busday_count(_local_dates(o.ordered_at), _local_dates(o.first_contact_at)).mean())


def _elapsed_days(d: Data) -> float:
    o = _contacted(d)
    return float(((o.first_contact_at - o.ordered_at).dt.total_seconds() / 86_400).mean())


def _utc_dates(d: Data) -> float:
    o = _contacted(d)
    utc = o[["ordered_at", "first_contact_at"]].apply(lambda s: s.dt.tz_convert("UTC").dt.tz_localize(None))
    return float(np.mean(d.calendar.working_days(utc.ordered_at, utc.first_contact_at)))


def _within_norm(d: Data, orders=None, norm_days: float = 5) -> float:
    return kpi_value(kpilib.time_to_first_contact(d.store.orders if orders is None else orders,
                                                  norm_days=norm_days, calendar=d.calendar))


WORKING_DAYS = Spec(
    7, "working_days", "Working days from order to first contact, with Dutch holidays", 6,
    parts=(
        Part(_working_days_mean, name="mean_days", kind="number",
             label="the mean number of working days to the first contact", mistakes=(
                 Mistake("You counted calendar days: weekends and holidays are not working days.", _calendar_days),
                 Mistake("You skipped the weekends but not the Dutch public holidays. Pass them to "
                         "`np.busday_count(..., holidays=...)`.", _weekdays_only),
                 Mistake("You measured elapsed time in days of 24 hours. Working days count dates: an order on "
                         "Friday evening first called on Monday morning took one working day.", _elapsed_days),
                 Mistake("You took the dates in UTC. A call at 00:30 in Amsterdam is on the previous date in "
                         "UTC: convert with `.dt.tz_convert('Europe/Amsterdam')` first.", _utc_dates),
             )),
        Part(_within_norm, name="within_norm", label="the share of orders first contacted within 5 working days",
             mistakes=(
                 Mistake("You left out the orders nobody has called yet. An order older than the norm without "
                         "a first contact is a breach: count it in the denominator.",
                         lambda d: _within_norm(d, orders=_contacted(d))),
                 Mistake("You used `< 5` working days; the norm 'within 5 working days' includes the fifth "
                         "(`<= 5`).", lambda d: _within_norm(d, norm_days=4)),
             )),
    ),
    hints=(
        "Take local dates: `.dt.tz_convert('Europe/Amsterdam').dt.tz_localize(None)`, then "
        "`.values.astype('datetime64[D]')`.",
        "`np.busday_count(start, end, holidays=...)` counts working dates start <= d < end; the Dutch "
        "holidays come from `holidays.country_holidays('NL', years=2026)`.",
        "For the share: the denominator is the contacted orders plus the orders not contacted whose "
        "working days up to the last moment in the export already exceed 5.",
    ),
)


def _complaints(d: Data, cases=None, surveys=None, **options) -> float:
    return kpi_value(kpilib.complaints_resolved_to_satisfaction(
        d.store.cases if cases is None else cases, d.store.surveys if surveys is None else surveys, **options))


COMPLAINTS = Spec(
    8, "complaints", "Complaints resolved to the customer's satisfaction", 7,
    parts=(Part(_complaints, label="the share of resolved complaints resolved to satisfaction", mistakes=(
        Mistake("You only checked the customer's 'resolved' answer. Resolved to satisfaction also needs a "
                "csat of 4 or 5.", lambda d: _complaints(d, d.cases, d.surveys.assign(csat=5))),
        Mistake("You only checked the csat. Friendly is not resolved: the customer must also answer "
                "'resolved' = True.", lambda d: _complaints(d, d.cases, d.surveys.assign(resolved=True))),
        Mistake("You counted resolved complaints without a survey as not satisfied. This exercise asks for "
                "the share of the answered ones (nonresponse excluded).",
                lambda d: _complaints(d, nonresponse="unsatisfied")),
        Mistake("You took every resolved case, not only the complaints (`category == 'complaint'`).",
                lambda d: _complaints(d, d.cases.assign(category="complaint"), d.surveys)),
        Mistake("You required a csat above 4; 4 ('satisfied') counts as satisfied too.",
                lambda d: _complaints(d, min_csat=5)),
    )),),
    hints=(
        "Population: cases with `category == 'complaint'` and a `resolved_at`.",
        "Per case take its latest survey (`sort_values('answered_at').groupby('case_id').last()` or "
        "`drop_duplicates('case_id', keep='last')`).",
        "Satisfied: `resolved` is True and `csat >= 4`; divide by the complaints that have a survey.",
    ),
)

SPECS = (HANDOFFS, WORKING_DAYS, COMPLAINTS)
