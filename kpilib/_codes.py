"""The words for the codes kpilib writes into its tables and controls.

A definition's parameters (``clock``, ``abandoned``) and their choices (``queue``, ``fail``), a KPI's
direction (``higher``), its view (``customer_seen``) and its timing (``lead``) are codes: what is
computed and recorded keeps them, what a reader sees is the words below, in the workshop's language
(:func:`code_words`). One vocabulary, used by the tables of a page and by the controls of the live room.
"""

from __future__ import annotations

from typing import Any

from kpilib._i18n import tr

__all__ = ["CHOICE_WORDS", "CODE_WORDS", "PARAMETER_WORDS", "choice_words", "code_words", "parameter_words",
           "reader_name"]

#: The words for a definition parameter (the parameter stays what is recorded).
PARAMETER_WORDS = {
    "threshold_s": "Threshold (s)", "clock": "The wait starts", "abandoned": "Abandoned calls",
    "short_abandon_s": "Short abandons left out, up to (s)", "method": "Method", "window_days": "Window (days)",
    "window_unit": "Days counted as", "match": "The same customer by", "norm_days": "Norm (working days)",
    "short_abandon_clock": "Short abandons measured from", "count": "Counted",
}
#: The words for a choice of a definition parameter.
CHOICE_WORDS = {
    ("clock", "queue"): "after the phone menu", ("clock", "arrival"): "when the customer calls",
    ("abandoned", "exclude"): "left out", ("abandoned", "fail"): "not in time",
    ("abandoned", "fail_after_threshold"): "not in time after the threshold, else left out",
    ("abandoned", "pass_within_threshold"): "in time when within the threshold",
    ("method", "repeat_window"): "no new contact within the window", ("method", "case"): "case closed at first contact",
    ("method", "survey"): "the customer says so (survey)",
    ("window_unit", "24h"): "24 hours", ("window_unit", "calendar_day"): "calendar days",
    ("window_unit", "working_day"): "working days",
    ("match", "customer"): "customer number", ("match", "case"): "case number", ("short_abandon_s", 0): "none (0 s)",
    ("short_abandon_clock", None): "the same start as the wait", ("short_abandon_clock", "queue"): "entering the queue",
    ("short_abandon_clock", "arrival"): "the customer's call",
    ("count", "interactions"): "every interaction", ("count", "entries"): "each customer call once",
}
#: The words for the codes of a KPI (its direction, view, timing, source, customer value) and of a verdict.
CODE_WORDS = {
    "customer": "customer", "internal": "internal", "customer_seen": "seen by the customer",
    "higher": "higher is better", "lower": "lower is better", "lead": "leading", "lag": "lagging",
    "green": "green", "amber": "amber", "red": "red", "no target": "no target", "no data": "no data",
    "resolution": "resolution", "effort": "effort", "speed": "speed", "friendliness": "friendliness",
    "reliability": "reliability",
    "requested": "requested", "attempted": "attempted", "reached": "reached", "resolved": "resolved",
    "on time": "on time", "late by up to 1 working hour": "late by up to 1 working hour",
    "late by 1 to 4 working hours": "late by 1 to 4 working hours", "late by 4 to 8 working hours":
    "late by 4 to 8 working hours", "late by more than 8 working hours": "late by more than 8 working hours",
    "not attempted, overdue": "not attempted, overdue", "not yet due": "not yet due",
    "customer_outcome": "customer outcome (day 4)", "team_kpi": "team KPI today (day 3)", "catalogue": "catalogue",
}


def parameter_words(name: str) -> str:
    """A definition parameter in words: ``clock`` → "The wait starts"."""
    return tr(PARAMETER_WORDS.get(name, name.replace("_", " ")))


def choice_words(name: str, value: Any) -> str:
    """A parameter's choice in words: (``clock``, ``queue``) → "after the phone menu"; else the value as is."""
    try:
        words = CHOICE_WORDS.get((name, value))
    except TypeError:  # an unhashable value (a list of statuses) has no words of its own
        words = None
    return tr(words) if words is not None else str(value)


def code_words(value: Any, column: str | None = None) -> str | None:
    """The words for a code in a table's ``column``, or None when ``value`` is no code kpilib writes."""
    if not isinstance(value, str):
        return None
    if column is not None and (column, value) in CHOICE_WORDS:
        return tr(CHOICE_WORDS[column, value])
    if value in CODE_WORDS:
        return tr(CODE_WORDS[value])
    if value in PARAMETER_WORDS:
        return tr(PARAMETER_WORDS[value])
    return None


def reader_name(text: Any) -> str:
    """A team, a path of teams or a chain from the client's data as a reader reads it.

    ``first_line`` reads "first line", ``first_line -> second_line`` and ``first_line > billing``
    read "first line → second line"; the name itself stays as the client wrote it.
    """
    return str(text).replace("_", " ").replace(" -> ", " → ").replace(" > ", " → ")
