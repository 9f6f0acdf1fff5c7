"""The workshop's ten days: dates, themes and notebooks.

The days are the first working days from the start date in the workshop's calendar: weekends,
the country's public holidays and the calendar's closed days are skipped, and so are the extra
dates of the ``schedule:`` block. Each day has a theme and a notebook (``notebooks/day04_customer_view.ipynb``)
and is written as reports show it: "Day 4 — Thursday 4 December" ("Dag 4 — donderdag 4 december").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import babel.dates
import pandas as pd

from kpilib._checks import check_argument, check_number
from kpilib._i18n import LANGUAGES
from kpilib.data.calendar import WorkingCalendar

__all__ = ["DAYS", "LANGUAGES", "ScheduleDay", "build_schedule"]

_WORD = {"en": "Day", "nl": "Dag"}

#: The ten days: (notebook stem, English theme, Dutch theme).
DAYS = (
    ("day01_customer_values", "Customer values & expectations", "Klantwaarden en verwachtingen"),
    ("day02_customer_chains", "Map the customer chains", "De klantketens in kaart"),
    ("day03_todays_kpis", "Today's KPIs", "De KPI's van vandaag"),
    ("day04_customer_view", "The customer's view", "Door de ogen van de klant"),
    ("day05_islands", "Islands", "Eilanden"),
    ("day06_definitions", "Definitions matter", "Definities doen ertoe"),
    ("day07_norms_targets", "Norms and targets", "Normen en doelen"),
    ("day08_tactics", "Tactics and levers", "Tactiek en hefbomen"),
    ("day09_kpi_set", "Choose the KPI set", "De KPI-set kiezen"),
    ("day10_kpi_cards", "KPI cards & dashboard", "KPI-kaarten en dashboard"),
)


@dataclasses.dataclass(frozen=True)
class ScheduleDay:
    """One workshop day.

    Attributes
    ----------
    number
        1 to 10.
    date
        The working day it falls on.
    theme
        The day's theme, in the workshop's language.
    notebook
        The notebook's stem, ``day04_customer_view``.
    language
        ``"en"`` or ``"nl"``.
    """

    number: int
    date: dt.date
    theme: str
    notebook: str
    language: str = "en"

    @property
    def date_text(self) -> str:
        """``Thursday 4 December`` (``donderdag 4 december``)."""
        return babel.dates.format_date(self.date, "EEEE d MMMM", locale=self.language)

    @property
    def heading(self) -> str:
        """``Day 4 — Thursday 4 December`` (``Dag 4 — donderdag 4 december``)."""
        return f"{_WORD[self.language]} {self.number} — {self.date_text}"

    @property
    def notebook_file(self) -> str:
        """The notebook's path in the project, ``notebooks/day04_customer_view.ipynb``."""
        return f"notebooks/{self.notebook}.ipynb"

    def __str__(self) -> str:
        return self.heading


def build_schedule(calendar: WorkingCalendar, start: dt.date | str, *, days: int = len(DAYS),
                   skip: Sequence[dt.date | str] = (), language: str = "en") -> list[ScheduleDay]:
    """The workshop days: the first ``days`` working days from ``start`` on, ``start`` included.

    Parameters
    ----------
    calendar
        The workshop's calendar (weekends, public holidays, closed days).
    start
        The first day (moved to the next working day when it is not one).
    days
        How many days, 1 to 10; the themes are taken in order.
    skip
        Extra dates on which the workshop does not meet.
    language
        ``"en"`` or ``"nl"``: the language of the themes and the dates.

    Returns
    -------
    list of ScheduleDay

    Examples
    --------
    >>> [str(d) for d in build_schedule(WorkingCalendar(), "2026-12-24", days=2)]
    ['Day 1 — Thursday 24 December', 'Day 2 — Monday 28 December']
    """
    check_number("days", days, minimum=1, maximum=len(DAYS), integer=True)
    check_argument("language", language, LANGUAGES)
    if skip:
        calendar = dataclasses.replace(calendar, closed=(*calendar.closed, *skip))
    dates = calendar.next_working_days(start, int(days))
    return [ScheduleDay(number=i + 1, date=d, theme=DAYS[i][1 + LANGUAGES.index(language)], notebook=DAYS[i][0],
                        language=language)
            for i, d in enumerate(dates)]


def schedule_frame(schedule: Sequence[ScheduleDay]) -> pd.DataFrame:
    """The schedule as a table: ``day``, ``date``, ``heading``, ``theme``, ``notebook``."""
    return pd.DataFrame([{"day": d.number, "date": d.date, "heading": d.heading, "theme": d.theme,
                          "notebook": d.notebook_file} for d in schedule],
                        columns=["day", "date", "heading", "theme", "notebook"])


def skipped_days(calendar: WorkingCalendar, schedule: Sequence[ScheduleDay],
                 skip: Sequence[dt.date] = ()) -> dict[dt.date, str]:
    """The weekdays between the first and last day on which the workshop does not meet, and why."""
    if not schedule:
        return {}
    first, last = schedule[0].date, schedule[-1].date
    names = {d: n for d, n in calendar.holidays_between(first, last).items() if d.weekday() not in calendar.weekend}
    names.update({d: "skipped in workshop.yaml" for d in skip if first <= d <= last})
    return dict(sorted(names.items()))
