"""Read and check the blocks of ``workshop.yaml`` that the workshop itself uses.

``start``, ``language``, ``schedule``, ``teams``, ``norms``, ``parameters`` and ``decisions``: each reader
appends its problems, each naming its line (``workshop.yaml, line 12 (norms.resolution_days)``), so
that :class:`kpilib.workshop.Workshop` can report them all at once, in the order of the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kpilib._codes import language_names
from kpilib.workshop import _decision_values as values
from kpilib.data.config import WorkshopConfig
from kpilib.workshop.decisions import validate_decision
from kpilib.exceptions import KpiError, ParameterError
from kpilib._i18n import LANGUAGES
from kpilib.workshop.schedule import DAYS

_SCHEDULE_KEYS = ("days", "skip")


def line_of(problem: str) -> int:
    """The line number a problem names (``workshop.yaml, line 12 (...)``), 0 when it names none."""
    match = re.search(r"line (\d+)", problem)
    return int(match.group(1)) if match else 0


def language(config: WorkshopConfig, problems: list[str]) -> str:
    language = config.section("language", "en")
    if language not in LANGUAGES:
        problems.append(f"{config.where('language')}: expected one of {', '.join(LANGUAGES)}; found {language!r}.")
        return "en"
    return language


def date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def start(config: WorkshopConfig, problems: list[str]) -> dt.date | None:
    raw = config.section("start")
    if raw is None:
        return None
    start = date(raw)
    if start is None:
        problems.append(f"{config.where('start')}: expected the first day of the workshop as a date such as "
                        f"2026-12-01; found {raw!r}.")
    return start


def schedule(config: WorkshopConfig, problems: list[str]) -> tuple[int, tuple[dt.date, ...]]:
    block = config.section("schedule", {})
    if not isinstance(block, dict):
        problems.append(f"{config.where('schedule')}: expected keys `days` and `skip`; found {block!r}.")
        return len(DAYS), ()
    for key in block:
        if key not in _SCHEDULE_KEYS:
            problems.append(f"{config.where('schedule', key)}: unknown key `{key}`; expected days or skip.")
    days = block.get("days", len(DAYS))
    if not (isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= len(DAYS)):
        problems.append(f"{config.where('schedule', 'days')}: expected a whole number of days from 1 to "
                        f"{len(DAYS)}; found {days!r}.")
        days = len(DAYS)
    skip = block.get("skip") or []
    if not isinstance(skip, list):
        skip = [skip]
    dates = []
    for i, raw in enumerate(skip):
        day = date(raw)
        if day is None:
            problems.append(f"{config.where('schedule', 'skip', i)}: expected a date such as 2026-12-24; "
                            f"found {raw!r}.")
        else:
            dates.append(day)
    return days, tuple(dates)


def teams(config: WorkshopConfig, problems: list[str]) -> dict[str, str | dict[str, str]]:
    """The ``teams:`` block: team code → its name, a text or one per language (``{en: …, nl: …}``)."""
    block = config.section("teams", {})
    if not isinstance(block, dict):
        problems.append(f"{config.where('teams')}: expected team codes with a name each, such as "
                        f"`first_line: Helpdesk`; found {block!r}.")
        return {}
    out = {}
    for code, name in block.items():
        names = language_names(name)
        if names is None:
            problems.append(f"{config.where('teams', code)}: expected the team's name as text, or one per language "
                            f"such as {{en: Field service, nl: Buitendienst}} (languages {', '.join(LANGUAGES)}); "
                            f"found {name!r}.")
        else:
            out[str(code)] = names
    return out


def norms(config: WorkshopConfig, problems: list[str]) -> dict[str, Any]:
    block = config.section("norms", {})
    if not isinstance(block, dict):
        problems.append(f"{config.where('norms')}: expected norm names with a number each, such as "
                        f"`resolution_days: 3`; found {block!r}.")
        return {}
    out = {}
    for key, norm in block.items():
        try:
            out.update(values.customer_norms({key: norm}))
        except ParameterError as err:
            problems.append(f"{config.where('norms', key)}: {err}.")
    return out


def parameters(config: WorkshopConfig, problems: list[str]) -> dict[str, Any]:
    block = config.section("parameters", {})
    if not isinstance(block, dict):
        problems.append(f"{config.where('parameters')}: expected parameter names with a value each, such as "
                        f"`threshold_s: 20`; found {block!r}.")
        return {}
    out = {}
    for key, value in block.items():
        if not (isinstance(key, str) and key.isidentifier()):
            problems.append(f"{config.where('parameters', key)}: `{key}` is not a parameter name; use letters, "
                            f"digits and _ (such as `threshold_s`).")
        else:
            try:
                out[key] = json.loads(json.dumps(value, default=_iso))
            except (TypeError, ValueError):
                problems.append(f"{config.where('parameters', key)}: expected a number, text, true/false, a date "
                                f"or a list of those; found {value!r}.")
    return out


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def decisions(config: WorkshopConfig, problems: list[str]) -> dict[str, Any]:
    block = config.section("decisions", {})
    if not isinstance(block, dict):
        problems.append(f"{config.where('decisions')}: expected decision keys with their values; found {block!r}.")
        return {}
    out = {}
    for key, value in block.items():
        try:
            out[key] = validate_decision(key, value)
        except KpiError as err:
            problems.append(f"{config.where('decisions', key)}: {err}.")
    return out
