"""The words for the codes kpilib writes into its tables and controls.

A definition's parameters (``clock``, ``abandoned``) and their choices (``queue``, ``fail``), a KPI's
direction (``higher``), its view (``customer_seen``) and its timing (``lead``) are codes: what is
computed and recorded keeps them, what a reader sees is the words below, in the workshop's language
(:func:`code_words`). One vocabulary, used by the tables of a page and by the controls of the live room.

The codes of the client's data are words too: a team (``first_line``) reads "first line" ("eerste lijn"),
a chain (``fault``) its name, a case category (``fault``) "fault" ("storing"). A workshop names its own
teams and chains in ``workshop.yaml``; :func:`kpilib.open_workshop` hands those names here
(:func:`use_workshop_names`), and they go before the common words below. A code with no words keeps its
reading with ``_`` as a space.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpilib._i18n import LANGUAGES, current_language, tr

__all__ = ["CATEGORY_WORDS", "CHOICE_WORDS", "CODE_WORDS", "PARAMETER_WORDS", "TEAM_WORDS", "category_words",
           "chain_name", "choice_words", "code_words", "language_names", "parameter_words", "reader_name",
           "team_name", "use_workshop_names"]

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
    ("scope", "team"): "the team's own", ("scope", "all"): "the whole organisation",
}
#: The words for the teams a mapping commonly produces; a workshop's ``teams:`` block goes first.
TEAM_WORDS = {
    "first_line": "first line", "second_line": "second line", "third_line": "third line", "field": "field service",
    "billing": "billing", "sales": "sales", "complaints": "complaints", "planning": "planning",
}
#: The words for the case categories a mapping commonly produces.
CATEGORY_WORDS = {
    "fault": "fault", "order": "order", "complaint": "complaint", "move": "move", "billing": "billing",
    "change": "subscription change", "information": "information",
}
#: The team (``teams``) and chain (``chains``) names of the open workshop: code → a name, or language → name.
_WORKSHOP_NAMES: dict[str, dict[str, str | Mapping[str, str]]] = {"teams": {}, "chains": {}}
#: How a path of teams is written in the data, and how a reader reads it.
_PATH_SEPARATORS = (" -> ", " > ")
_ARROW = " \u2192 "
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


def language_names(value: Any) -> str | dict[str, str] | None:
    """A name as ``workshop.yaml`` may write it: a text, or one per language (``{en: …, nl: …}``).

    Returns the text (stripped) or the mapping of language → text; None when ``value`` is neither,
    or names a language other than :data:`kpilib._i18n.LANGUAGES`, or holds an empty name.
    """
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping) and value and all(
            k in LANGUAGES and isinstance(v, str) and v.strip() for k, v in value.items()):
        return {k: v.strip() for k, v in value.items()}
    return None


def in_language(name: str | Mapping[str, str], language: str | None = None) -> str:
    """A name of :func:`language_names` in ``language`` (default the current one), else in English, else any."""
    if isinstance(name, str):
        return name
    language = language or current_language()
    return name.get(language) or name.get("en") or next(iter(name.values()))


def use_workshop_names(*, teams: Mapping[str, Any] | None = None, chains: Mapping[str, Any] | None = None) -> None:
    """Read the open workshop's team and chain codes by the names it gives them (code → :func:`language_names`).

    :func:`kpilib.open_workshop` calls it with the ``teams:`` and ``chains:`` blocks of ``workshop.yaml``;
    each call replaces the names of the workshop opened before.
    """
    _WORKSHOP_NAMES["teams"] = dict(teams or {})
    _WORKSHOP_NAMES["chains"] = dict(chains or {})


def team_name(code: Any) -> str:
    """A team code in words: the workshop's name for it, else :data:`TEAM_WORDS`, else with ``_`` as a space.

    >>> team_name("first_line")
    'first line'
    """
    text = str(code)
    own = _WORKSHOP_NAMES["teams"].get(text)
    if own is not None:
        return in_language(own)
    return tr(TEAM_WORDS[text]) if text in TEAM_WORDS else text.replace("_", " ")


def category_words(code: Any) -> str:
    """A case category in words: ``fault`` → "fault" ("storing"); another category with ``_`` as a space."""
    text = str(code)
    return tr(CATEGORY_WORDS[text]) if text in CATEGORY_WORDS else text.replace("_", " ")


def chain_name(code: Any) -> str:
    """A chain id as its name: the workshop's name, else the words of the case category it is named after.

    Without a ``chains:`` block every case category is a chain of its own, named after it: ``fault`` → "Fault".
    """
    text = str(code)
    own = _WORKSHOP_NAMES["chains"].get(text)
    if own is not None:
        return in_language(own)
    words = category_words(text)
    return words[:1].upper() + words[1:]


def reader_name(text: Any) -> str:
    """A team or a path of teams from the client's data as a reader reads it, in the workshop's language.

    ``first_line`` reads "first line" ("eerste lijn" in Dutch, or the name the workshop's ``teams:`` block
    gives it, see :func:`team_name`); ``first_line -> second_line`` and ``first_line > billing`` read
    "first line → second line". Any other text stays as the client wrote it, with ``_`` as a space.
    """
    text = str(text)
    for separator in _PATH_SEPARATORS:
        text = text.replace(separator, _ARROW)
    return _ARROW.join(team_name(part) for part in text.split(_ARROW))
