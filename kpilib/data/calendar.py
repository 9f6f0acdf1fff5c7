"""Working days and working time: the calendar the KPIs count in.

A :class:`WorkingCalendar` knows which dates are working days (Monday to
Friday minus the public holidays of a country, from the ``holidays`` package,
minus extra closed days) and, optionally, the opening hours.  It counts working
days and working seconds between timestamps, vectorised over whole columns, and
builds the workshop's own schedule of ten working days.

Working days from ``t1`` to ``t2`` are the working dates ``d`` with
``date(t1) <= d < date(t2)``, dates taken in the workshop's time zone, as
:func:`numpy.busday_count` counts them; when ``t2`` is before ``t1`` the count is
minus the count from ``t2`` to ``t1``, as a join with :meth:`WorkingCalendar.table` gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np
import pandas as pd

from kpilib._checks import check_argument, check_number
from kpilib._i18n import current_language, tr
from kpilib.data import _timestamps as ts
from kpilib.exceptions import ParameterError, WorkshopError

__all__ = ["WorkingCalendar"]

#: Name given to the extra closed days in :meth:`WorkingCalendar.holidays_between`.
CLOSED_NAME = "Closed"
_CONFIG_KEYS = ("country", "subdivision", "closed", "opening_hours", "weekend", "language")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY_S = 86_400
_US = 1_000_000


@dataclass(frozen=True)
class WorkingCalendar:
    """The working days and opening hours of an organisation.

    Parameters
    ----------
    country : str
        Country code of the public holidays, as the ``holidays`` package knows
        it (``holidays.list_supported_countries()``); case does not matter.
    subdivision : str or None
        Province or state with regional holidays (``"BY"`` for Bavaria in
        ``"DE"``).  The Dutch subdivisions of the package only spread school
        holidays, so for ``"NL"`` they change nothing.
    closed : sequence of date or str
        Extra closed days, as dates or ISO text (``"2026-12-24"``).
    opening_hours : str or None
        ``"08:00-18:00"``: working time runs between these local times on working
        days.  None: the whole working day counts.
    time_zone : str
        IANA time zone in which timestamps are read (``"Europe/Amsterdam"``).
    weekend : tuple of int
        Days of the week that are never working days, Monday = 0.
    language : str or None
        Language of the holiday names; None gives the workshop's language where the
        package has it, else English, else the country's own language.

    Examples
    --------
    >>> cal = WorkingCalendar(opening_hours="08:00-18:00")
    >>> cal.working_days("2026-04-24 17:00", "2026-04-28 09:00")  # Fri, King's Day Mon
    1
    >>> cal.working_seconds("2026-04-24 17:00", "2026-04-28 09:00") / 3600
    2.0
    """

    country: str = "NL"
    subdivision: str | None = None
    closed: tuple[dt.date, ...] = ()
    opening_hours: str | None = None
    time_zone: str = "Europe/Amsterdam"
    weekend: tuple[int, ...] = (5, 6)
    language: str | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = _country_holidays(self.country)
        subdivision = _subdivision(base, self.subdivision)
        if self.language is not None:
            check_argument("language", self.language, base.supported_languages)
        closed = (self.closed,) if isinstance(self.closed, (str, dt.date)) else self.closed or ()
        closed = tuple(sorted({_closed_date(d) for d in closed}))
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as err:
            raise ParameterError(
                f"`time_zone` must be an IANA time zone name such as 'Europe/Amsterdam'; "
                f"got {self.time_zone!r}"
            ) from err
        weekend = (self.weekend,) if isinstance(self.weekend, int) else tuple(self.weekend)
        for day in weekend:
            check_argument("weekend", day, range(7))
        weekend = tuple(sorted(set(weekend)))
        if len(weekend) == 7:
            raise ParameterError("`weekend` must leave at least one working day; got all seven")
        for name, value in [("country", base.country), ("subdivision", subdivision),
                            ("closed", closed), ("weekend", weekend),
                            ("opening_hours", _hours_text(self.opening_hours))]:
            object.__setattr__(self, name, value)

    @classmethod
    def from_config(cls, workshop: Mapping[str, Any]) -> "WorkingCalendar":
        """Build the calendar from a parsed ``workshop.yaml``.

        Reads the optional ``calendar:`` block (keys ``country``, ``subdivision``,
        ``closed``, ``opening_hours``, ``weekend``, ``language``) and the top-level
        ``time_zone``; what is missing takes the default.
        """
        block = workshop.get("calendar") or {}
        if not isinstance(block, Mapping):
            raise WorkshopError(
                f"workshop.yaml: `calendar` must be a block of keys "
                f"({', '.join(_CONFIG_KEYS)}); found {block!r}"
            )
        unknown = sorted(set(block) - set(_CONFIG_KEYS))
        if unknown:
            raise WorkshopError(
                f"workshop.yaml: unknown key{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))} in `calendar`; expected one of "
                f"{', '.join(map(repr, _CONFIG_KEYS))}")
        options = {k: v for k, v in block.items() if v is not None}
        if workshop.get("time_zone") is not None:
            options["time_zone"] = workshop["time_zone"]
        try:
            return cls(**options)
        except ParameterError as err:
            raise WorkshopError(f"workshop.yaml: {err}") from err

    # -- dates ---------------------------------------------------------------------------

    def is_working_day(self, d: Any) -> bool | np.ndarray | pd.Series:
        """Whether each date (or the local date of each timestamp) is a working day.

        A scalar gives a bool; an array or Series gives the same shape of bools,
        False where the value is missing.
        """
        if np.ndim(d) == 0 and not isinstance(d, (pd.Series, pd.Index)):
            day = np.datetime64(ts.to_date(d, "d", self.time_zone), "D")
            return bool(np.is_busday(day, busdaycal=self._busdaycal(day, day)))
        values, shape = ts.timestamps(d, "d")
        days, missing = ts.filled(ts.wall_days(values, self.time_zone))
        result = np.is_busday(days, busdaycal=self._busdaycal(days, days)) & ~missing
        return ts.shaped(result, shape)

    def holidays_between(self, start: Any, end: Any) -> dict[dt.date, str]:
        """Public holidays and closed days from ``start`` to ``end``, both included.

        Holidays on a weekend are listed too.  Returns ``{date: name}`` in date order.
        """
        first, last = ts.span(start, end, self.time_zone)
        names = self._holiday_names(first.year, last.year)
        return {d: names[d] for d in sorted(names) if first <= d <= last}

    def next_working_days(self, start: Any, n: int) -> list[dt.date]:
        """The first ``n`` working days from ``start`` on, ``start`` included.

        Examples
        --------
        >>> WorkingCalendar().next_working_days("2026-12-24", 3)
        [datetime.date(2026, 12, 24), datetime.date(2026, 12, 28), datetime.date(2026, 12, 29)]
        """
        check_number("n", n, minimum=0, integer=True)
        first = np.datetime64(ts.to_date(start, "start", self.time_zone), "D")
        years = 1 + int(n) // 100
        while True:
            last = first + np.timedelta64(366 * years, "D")
            cal = self._busdaycal(first, last)
            days = np.busday_offset(first, np.arange(int(n)), roll="forward", busdaycal=cal)
            if not len(days) or days[-1] <= last:
                return [d.item() for d in days]
            years += 1

    # -- counting ------------------------------------------------------------------------

    def working_days(self, t1: Any, t2: Any) -> Any:
        """Number of working dates ``d`` with ``date(t1) <= d < date(t2)``.

        Parameters
        ----------
        t1, t2 : timestamp, array or Series
            Instants or local times.  Naive values are local times in
            ``time_zone``; time-zone aware ones are converted to it first.
            A scalar pairs with every element of the other side; two Series
            must share their index.

        Returns
        -------
        int, float, numpy.ndarray or pandas.Series
            Negative when ``t2`` is before ``t1``: minus the count from ``t2``
            to ``t1``.  Scalars give an int (NaN when either side is missing);
            arrays and Series give floats, NaN where either side is missing.
        """
        (v1, v2), shape = ts.pair(t1, t2)
        d1, d2 = ts.wall_days(v1, self.time_zone), ts.wall_days(v2, self.time_zone)
        (d1, d2), missing = ts.filled(d1, d2)
        # min/max and a sign, so that reversing t1 and t2 gives exactly minus the count
        # (numpy alone counts a reversed interval as (date(t2), date(t1)])
        lo, hi = np.minimum(d1, d2), np.maximum(d1, d2)
        counts = np.busday_count(lo, hi, busdaycal=self._busdaycal(lo, hi))
        counts = np.where(d2 < d1, -counts, counts)
        return ts.shaped(np.where(missing, np.nan, counts), shape, whole=True)

    def working_seconds(self, t1: Any, t2: Any) -> Any:
        """Seconds from ``t1`` to ``t2`` that fall inside working time.

        Working time is the opening hours of each working day, or the whole
        working day when there are no opening hours, in real elapsed time: with
        ``"08:00-18:00"`` a working day holds 10 h, also on a summer-time change
        day (the clock changes at night), while a whole working day that is a
        change day holds 23 h or 25 h.  Inputs as in :meth:`working_days`.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Seconds; negative when ``t2`` is before ``t1``, NaN where either side
            is missing.
        """
        (v1, v2), shape = ts.pair(t1, t2)
        a1, a2 = ts.aware(v1, self.time_zone), ts.aware(v2, self.time_zone)
        (d1, d2), missing = ts.filled(ts.wall_days(a1, self.time_zone), ts.wall_days(a2, self.time_zone))
        first, last = min(d1.min(), d2.min()), max(d1.max(), d2.max())
        days = self._days(first, last)

        def worked(aware: pd.Series, day: np.ndarray) -> np.ndarray:
            idx = (day - first).astype(np.int64)
            micros = np.where(missing, days["opens"][idx], ts.micros(aware))
            inside = np.clip(micros - days["opens"][idx], 0, days["open_us"][idx])
            return days["before_us"][idx] + inside

        seconds = (worked(a2, d2) - worked(a1, d1)) / _US
        return ts.shaped(np.where(missing, np.nan, seconds), shape)

    def table(self, start: Any, end: Any) -> pd.DataFrame:
        """One row per date from ``start`` to ``end``, both included.

        Joining timestamps on their local date lets SQL and Ibis code count
        working time: ``working_days(t1, t2) = before[date(t2)] - before[date(t1)]``
        and ``working_seconds(t1, t2) = W(t2) - W(t1)`` with ``W(t) =
        working_seconds_before + clip(t - opens_at, 0, open_seconds)`` of the
        date of ``t``.

        Returns
        -------
        pandas.DataFrame
            ``date`` (naive, midnight), ``is_working_day``, ``working_days_before``
            (working dates from ``start`` up to, not including, ``date``),
            ``holiday`` (name, or None), ``opens_at`` (the instant working time
            starts, time-zone aware), ``open_seconds`` (0 on days off) and
            ``working_seconds_before`` (counted from ``start``).
        """
        first, last = ts.span(start, end, self.time_zone)
        days = self._days(np.datetime64(first, "D"), np.datetime64(last, "D"))
        holiday = np.full(len(days["day"]), None, dtype=object)
        names = self.holidays_between(first, last)
        positions = (np.array(list(names), dtype="datetime64[D]") - days["day"][0]).astype(int)
        holiday[positions] = list(names.values())
        opens = pd.to_datetime(days["opens"], unit="us", utc=True).tz_convert(self.time_zone)
        return pd.DataFrame({
            "date": pd.DatetimeIndex(days["day"].astype("datetime64[us]")),
            "is_working_day": days["work"],
            "working_days_before": days["before_days"],
            "holiday": pd.Series(holiday, dtype=object),
            "opens_at": opens,
            "open_seconds": days["open_us"] // _US,
            "working_seconds_before": days["before_us"] // _US,
        })

    # -- private -------------------------------------------------------------------------

    def _holiday_names(self, first_year: int, last_year: int) -> dict[dt.date, str]:
        """Public holidays and closed days of the years, ``{date: name}``."""
        language = self._language()
        names = self._cache.setdefault(("names", language), {})
        todo = [y for y in range(first_year, last_year + 1) if y not in names]
        if todo:
            found = holidays.country_holidays(
                self.country, subdiv=self.subdivision, years=todo, language=language)
            for year in todo:
                names[year] = {d: n for d, n in found.items() if d.year == year}
        result = {d: n for y in range(first_year, last_year + 1) for d, n in names[y].items()}
        for day in self.closed:
            if first_year <= day.year <= last_year:
                result.setdefault(day, tr(CLOSED_NAME))
        return result

    def _busdaycal(self, *days: np.ndarray) -> np.busdaycalendar:
        """A numpy business-day calendar holding every holiday of the years of ``days``."""
        years = [np.asarray(d, dtype="datetime64[D]").astype("datetime64[Y]") for d in days]
        valid = np.concatenate([y[~np.isnat(y)].ravel() for y in years])
        if not len(valid):
            valid = np.array(["1970"], dtype="datetime64[Y]")
        first, last = int(valid.min().astype(int)) + 1970, int(valid.max().astype(int)) + 1970
        key = ("busdaycal", first, last)
        if key not in self._cache:
            mask = [0 if i in self.weekend else 1 for i in range(7)]
            off = np.array(sorted(self._holiday_names(first, last)), dtype="datetime64[D]")
            self._cache[key] = np.busdaycalendar(weekmask=mask, holidays=off)
        return self._cache[key]

    def _days(self, first: np.datetime64, last: np.datetime64) -> dict[str, np.ndarray]:
        """Per-day arrays from ``first`` to ``last``: working day, opening instants (UTC µs)."""
        day = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
        work = np.is_busday(day, busdaycal=self._busdaycal(day))
        midnight = day.astype("datetime64[us]")
        opens, closes = (ts.micros(ts.aware(pd.Series(midnight + np.timedelta64(s, "s")), self.time_zone))
                         for s in _hours_seconds(self.opening_hours))
        open_us = np.where(work, closes - opens, 0)
        return {
            "day": day, "work": work, "opens": opens, "open_us": open_us,
            "before_days": np.concatenate(([0], np.cumsum(work)[:-1])).astype(np.int64),
            "before_us": np.concatenate(([0], np.cumsum(open_us)[:-1])).astype(np.int64),
        }

    def _language(self) -> str | None:
        if self.language is not None:
            return self.language
        base = _country_holidays(self.country)
        for wanted in (current_language(), "en"):
            found = [lang for lang in base.supported_languages if lang.split("_")[0] == wanted]
            if found:
                return found[0]
        return base.default_language


# -- validation of the settings --------------------------------------------------------------

def _country_holidays(country: Any) -> holidays.HolidayBase:
    codes = holidays.list_supported_countries()
    code = country.upper() if isinstance(country, str) else country
    if code not in codes:
        raise ParameterError(
            f"`country` must be a country code of the holidays package, such as 'NL', 'BE' "
            f"or 'DE'; got {country!r}. holidays.list_supported_countries() lists them all"
        )
    return holidays.country_holidays(code)


def _subdivision(base: holidays.HolidayBase, value: Any) -> str | None:
    if value is None:
        return None
    known = {s.lower(): s for s in base.subdivisions}
    for code, aliases in base.get_subdivision_aliases().items():
        known.update({a.lower(): code for a in aliases})
    if isinstance(value, str) and value.strip().lower() in known:
        return known[value.strip().lower()]
    if not base.subdivisions:
        allowed = f"None: the holidays package has no subdivisions for {base.country}"
    else:
        allowed = f"one of {', '.join(map(repr, base.subdivisions))} for {base.country}"
    raise ParameterError(
        f"`subdivision` must be {allowed}; got {value!r}. "
        f"holidays.list_supported_countries() lists the subdivisions of each country"
    )


def _closed_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except (AttributeError, ValueError) as err:
        raise ParameterError(
            f"`closed` must hold dates or ISO dates like '2026-12-24'; got {value!r}"
        ) from err


def _hours_seconds(text: str | None) -> tuple[int, int]:
    """``"08:00-18:00"`` as seconds after midnight, (28800, 64800); None is the whole day."""
    if text is None:
        return 0, _DAY_S
    match = _HOURS.match(text) if isinstance(text, str) else None
    if match:
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = 3600 * h1 + 60 * m1, 3600 * h2 + 60 * m2
        if h1 < 24 and m1 < 60 and m2 < 60 and start < end <= _DAY_S:
            return start, end
    raise ParameterError(
        f"`opening_hours` must be 'HH:MM-HH:MM' with the start before the end, such as "
        f"'08:00-18:00', or None for the whole day; got {text!r}"
    )


def _hours_text(text: str | None) -> str | None:
    if text is None:
        return None
    start, end = _hours_seconds(text)
    return f"{start // 3600:02d}:{start % 3600 // 60:02d}-{end // 3600:02d}:{end % 3600 // 60:02d}"
