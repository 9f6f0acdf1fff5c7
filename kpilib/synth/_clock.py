"""Time for the generator: instants, local wall-clock time, working days and opening hours.

Instants are float64 milliseconds since the epoch in UTC (NaN = missing); wall-clock times are
float64 milliseconds since the epoch of the *local* clock. Durations are added to instants, so
a call that spans the night summer time starts lasts what it lasts; times of day ("pick the
ticket up tomorrow between 08:30 and 17:00") are chosen on the wall clock and converted, which
makes the generator correct across daylight-saving changes for any start date.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
import pandas as pd

SECOND = 1_000.0
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

#: Relative call volume per hour of the phone and chat opening hours (08:00-18:00).
OFFICE_PROFILE = np.array([0.8, 1.4, 1.5, 1.3, 1.0, 1.1, 1.2, 1.0, 0.8, 0.5])
#: Relative volume per hour of the whole day (e-mail, web orders).
DAY_PROFILE = np.array([0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.3, 0.7, 1.2, 1.4, 1.4, 1.3,
                        1.2, 1.3, 1.3, 1.2, 1.1, 1.0, 1.0, 1.1, 1.2, 1.0, 0.6, 0.3])
#: Relative volume per weekday, Monday first.
WEEKDAY_PROFILE = np.array([1.35, 1.1, 1.0, 1.0, 0.9, 1.0, 1.0])


class Clock:
    """The calendar of one generated period.

    Parameters
    ----------
    start : datetime.date
        First local date of the period.
    months : int
        Length of the period in calendar months; the data are exported at local midnight
        after its last day (:attr:`as_of`).
    time_zone : str
        IANA time zone of the provider.
    country : str
        Public holidays of this country close the phone and chat queues and the back office.
    """

    def __init__(self, start: dt.date, months: int, time_zone: str, country: str = "NL") -> None:
        self.time_zone = time_zone
        end = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
        self.start_day = _day_number(start)
        self.end_day = _day_number(end)
        first, last = start - dt.timedelta(days=14), end + dt.timedelta(days=400)
        closed = holidays.country_holidays(country, years=range(first.year, last.year + 1))
        days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D"))
        is_work = np.is_busday(days, holidays=np.array(sorted(closed), dtype="datetime64[D]"))
        #: Day numbers (days since 1970-01-01) of the working days, sorted.
        self.workdays = days[is_work].astype(np.int64)
        in_period = (self.workdays >= self.start_day) & (self.workdays < self.end_day)
        #: Day numbers of the working days inside the period.
        self.period_workdays = self.workdays[in_period]
        #: The export moment: local midnight at the end of the period, as an instant.
        self.as_of = float(self.instant(np.array([self.end_day * DAY]))[0])

    # -- conversions ---------------------------------------------------------------------

    def instant(self, wall: np.ndarray) -> np.ndarray:
        """Instants of local wall-clock times; a time in the repeated autumn hour is read as
        the first (summer-time) one, a time in the skipped spring hour moves forward."""
        wall = np.asarray(wall, dtype=float)
        out = np.full(wall.shape, np.nan)
        ok = ~np.isnan(wall)
        local = pd.DatetimeIndex(wall[ok].astype(np.int64).astype("datetime64[ms]"))
        aware = local.tz_localize(self.time_zone, ambiguous=np.ones(len(local), dtype=bool),
                                  nonexistent="shift_forward")
        out[ok] = aware.tz_convert("UTC").tz_localize(None).as_unit("ms").asi8
        return out

    def wall(self, instant: np.ndarray) -> np.ndarray:
        """Local wall-clock times of instants."""
        instant = np.asarray(instant, dtype=float)
        out = np.full(instant.shape, np.nan)
        ok = ~np.isnan(instant)
        utc = pd.DatetimeIndex(instant[ok].astype(np.int64).astype("datetime64[ms]")).tz_localize("UTC")
        out[ok] = utc.tz_convert(self.time_zone).tz_localize(None).as_unit("ms").asi8
        return out

    # -- working days --------------------------------------------------------------------

    def workday_at_or_after(self, day: np.ndarray) -> np.ndarray:
        """Index into :attr:`workdays` of the first working day on or after each day number."""
        return np.searchsorted(self.workdays, day, side="left")

    def later_working_time(self, rng: np.random.Generator, instant: np.ndarray, days: np.ndarray,
                           opens: float = 8.5, closes: float = 17.0) -> np.ndarray:
        """A moment ``days`` working days (whole part) after ``instant``, in working hours.

        With 0 days the moment falls later on the same working day when the office is
        still open, else on the next working day. The result is always later than
        ``instant``; both in milliseconds, the result on whole seconds.
        """
        wall = self.wall(instant)
        day = np.floor(wall / DAY)
        time_of_day = wall - day * DAY
        first = self.workday_at_or_after(day.astype(np.int64))
        same_day = self.workdays[first] == day
        index = first + np.floor(np.asarray(days, dtype=float)).astype(np.int64)
        pick = rng.uniform(opens, closes, len(wall)) * HOUR
        today = same_day & (index == first)
        bumped = time_of_day + rng.uniform(10, 120, len(wall)) * MINUTE
        pick = np.where(today & (pick <= time_of_day), bumped, pick)
        overflow = today & (pick > closes * HOUR)
        index = np.where(overflow, index + 1, index)
        pick = np.where(overflow, rng.uniform(opens, opens + 2, len(wall)) * HOUR, pick)
        result = self.instant(self.workdays[index] * DAY + np.floor(pick / SECOND) * SECOND)
        return np.maximum(result, np.ceil(instant / SECOND) * SECOND + SECOND)

    def working_days_between(self, earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
        """Working dates d with date(earlier) <= d < date(later) (busday_count semantics)."""
        first = np.floor(self.wall(earlier) / DAY).astype(np.int64)
        last = np.floor(self.wall(later) / DAY).astype(np.int64)
        return self.workday_at_or_after(last) - self.workday_at_or_after(first)

    # -- sampling arrival times ----------------------------------------------------------

    def office_arrivals(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Instants of ``n`` arrivals in the phone and chat opening hours of the period."""
        days = self.period_workdays
        weights = WEEKDAY_PROFILE[(days + 3) % 7]
        day = rng.choice(days, size=n, p=weights / weights.sum())
        hour = 8 + rng.choice(len(OFFICE_PROFILE), size=n, p=OFFICE_PROFILE / OFFICE_PROFILE.sum())
        return self.instant(day * DAY + hour * HOUR + rng.integers(0, 3600, n) * SECOND)

    def any_time_arrivals(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Instants of ``n`` arrivals at any time of any day of the period (e-mail, web)."""
        days = np.arange(self.start_day, self.end_day)
        weights = WEEKDAY_PROFILE[(days + 3) % 7]
        day = rng.choice(days, size=n, p=weights / weights.sum())
        hour = rng.choice(24, size=n, p=DAY_PROFILE / DAY_PROFILE.sum())
        return self.instant(day * DAY + hour * HOUR + rng.integers(0, 3600, n) * SECOND)


def _day_number(date: dt.date) -> int:
    return int(np.datetime64(date, "D").astype(np.int64))


def weekday(day_number: np.ndarray) -> np.ndarray:
    """Monday = 0 for day numbers (1970-01-01 was a Thursday)."""
    return (np.asarray(day_number) + 3) % 7
