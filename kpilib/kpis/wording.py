"""A KPI's definition as a sentence a client reads, in the workshop's language — never as parameters.

``{"threshold_s": 20, "clock": "queue", "abandoned": "fail", "short_abandon_s": 5}`` for the service
level reads "answered within 20 s of entering the queue; abandoned calls count as not in time; calls
abandoned within 5 s are left out" ("opgenomen binnen 20 s na binnenkomst in de wachtrij; afgebroken
gesprekken tellen als niet op tijd; gesprekken die binnen 5 s werden afgebroken tellen niet mee").

The catalogue's defaults fill what a definition leaves out, so a sentence always says the whole rule.
The exact kpilib call stays available to analysts (:meth:`kpilib.KpiEntry.call`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpilib._codes import reader_name
from kpilib._i18n import format_number, format_percent, tr, trn

__all__ = ["definition_sentence", "value_in_unit"]


def _number(value: Any) -> str:
    return format_number(value, 0 if float(value).is_integer() else 1)


def _names(values: Any) -> str:
    values = [values] if isinstance(values, str) else list(values)
    return ", ".join(f"“{v}”" for v in values)


def _service_level(d: Mapping[str, Any]) -> list[str]:
    threshold = _number(d.get("threshold_s", 20))
    if d.get("clock", "queue") == "arrival":
        return [tr("answered within {seconds} s of the customer's call (the phone menu included)")
                .format(seconds=threshold)]
    return [tr("answered within {seconds} s of entering the queue").format(seconds=threshold)]


_ABANDONED = {
    "fail": "abandoned calls count as not in time",
    "exclude": "abandoned calls are left out",
    "fail_after_threshold": "calls abandoned after the threshold count as not in time, earlier ones are left out",
    "pass_within_threshold": "calls abandoned within the threshold count as in time, later ones as not in time",
}
_METHOD = {
    "case": "resolved when the case was closed after its first contact",
    "survey": "resolved when the customer says so in the survey",
}
_DIRECTION = {"inbound": "contacts the customer started", "outbound": "contacts the organisation started",
              "any": "contacts in both directions"}
_CLOCK_WAIT = {"queue": "the wait counted from entering the queue",
               "arrival": "the wait counted from the customer's call (the phone menu included)"}


def _window(d: Mapping[str, Any]) -> str:
    count = d.get("window_days", 7)
    days = _number(count)
    who = tr("about the same case") if d.get("match") == "case" else tr("by the same customer")
    if d.get("window_unit", "24h") == "calendar_day":
        window = trn("within {days} calendar day", "within {days} calendar days", count).format(days=days)
    elif d.get("window_unit") == "working_day":
        window = trn("within {days} working day", "within {days} working days", count).format(days=days)
    else:
        window = tr("within {days} × 24 hours").format(days=days)
    if "method" in d:  # first-contact resolution
        return tr("resolved when no repeat contact {who} follows {window}").format(who=who, window=window)
    return tr("a repeat contact is a contact {who} {window} of the previous one").format(who=who, window=window)


def _clause(kpi: str, name: str, value: Any, d: Mapping[str, Any]) -> list[str]:
    """The words for one parameter of ``kpi``'s definition ``d`` (empty when another clause says it)."""
    if name in ("threshold_s", "clock") and kpi == "service_level":
        return _service_level(d) if name == "threshold_s" else []
    if name == "clock":
        return [tr(_CLOCK_WAIT.get(value, str(value)))]
    if name == "abandoned":
        return [tr(_ABANDONED.get(value, str(value)))]
    if name == "short_abandon_s":
        if d.get("abandoned") == "exclude":
            return []  # every abandoned call is left out already
        if not value:
            return [tr("every abandoned call counts")]
        other = d.get("short_abandon_clock")
        if other and other != d.get("clock", "queue"):
            words = ("calls abandoned within {seconds} s of the customer's call are left out" if other == "arrival"
                     else "calls abandoned within {seconds} s of entering the queue are left out")
            return [tr(words).format(seconds=_number(value))]
        return [tr("calls abandoned within {seconds} s are left out").format(seconds=_number(value))]
    if name == "short_abandon_clock":
        return []  # part of the short abandons' words
    if name == "count":  # every interaction is the default and goes without saying
        return [tr("each customer call once (the legs a transfer added left out)")] if value == "entries" else []
    if name == "channel":
        return [tr("all channels")] if value is None else [tr("only {channel} contacts").format(channel=tr(str(value)))]
    if name == "window_days":
        if d.get("method", "repeat_window") != "repeat_window":
            return []  # resolved by the case or the survey: no window
        return [_window(d)]
    if name in ("window_unit", "match"):
        return []  # part of the window's words
    if name == "method":
        return [tr(_METHOD.get(value, str(value)))] if value != "repeat_window" else []
    if name == "first_line":
        return [tr("first line: {team}").format(team=reader_name(value))] if value else [tr("first line: the team customers reach first")]
    if name == "norm_days":
        return [trn("within {days} working day", "within {days} working days", value).format(days=_number(value))]
    if name == "nonresponse":
        return [tr("complaints without a survey answer count as not satisfied") if value == "unsatisfied"
                else tr("complaints without a survey answer are left out")]
    if name == "min_csat":
        return [tr("satisfied means a score of {score} or more").format(score=_number(value))]
    if name == "direction":
        return [tr(_DIRECTION.get(value, str(value)))]
    if name == "team":
        return [tr("the stays at team {team}").format(team=reader_name(value))] if value else [tr("the stays at every team")]
    if name == "done":
        return [tr("done means the status {statuses}").format(statuses=_names(value))] if value else []
    return [f"{name.replace('_', ' ')}: {value}"]


def definition_sentence(kpi: str, definition: Mapping[str, Any] | None = None) -> str:
    """``kpi``'s definition (its catalogue defaults filled in) as one sentence in the current language.

    Examples
    --------
    >>> definition_sentence("service_level", {"threshold_s": 20, "short_abandon_s": 5})
    'answered within 20 s of entering the queue; abandoned calls count as not in time; calls abandoned within 5 s are left out; only phone contacts'
    """
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    given = dict(definition or {})
    if kpi not in catalogue:
        return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in given.items()) or tr("the default definition")
    full = catalogue.entry(kpi).defaults() | given
    clauses = [words for name, value in full.items() for words in _clause(kpi, name, value, full)]
    return "; ".join(clauses) or tr("the default definition")


def value_in_unit(kpi: str, value: float) -> str:
    """A value of ``kpi`` in its unit: a share as a percentage (``80%``), seconds with "s", others as a number."""
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    unit = catalogue.entry(kpi).unit if kpi in catalogue else ""
    if unit == "share":
        return format_percent(value)
    if unit == "seconds":
        return f"{format_number(value)} s"
    return format_number(value, 0 if float(value).is_integer() else 2)


def norm_in_unit(kpi: str, value: Any) -> str:
    """A norm of ``kpi`` in the unit of its norm parameter: "3 working days", "7 days", "20 s"."""
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    parameter = (catalogue.entry(kpi).norm or "") if kpi in catalogue else ""
    number = format_number(value, 0 if float(value).is_integer() else 2)
    if parameter == "norm_days":
        return trn("{n} working day", "{n} working days", value).format(n=number)
    if parameter.endswith("_days"):
        return trn("{n} day", "{n} days", value).format(n=number)
    if parameter.endswith("_s"):
        return f"{number} s"
    return number
