"""Working days, working seconds and the workshop schedule (kpilib.data.calendar).

Calendar of the dates used below (2026 unless said otherwise):
  Fri 3 Apr Good Friday · Mon 6 Apr Easter Monday · Mon 27 Apr King's Day · Thu 14 May Ascension
  Mon 25 May Whit Monday · Fri 25 Dec Christmas · Sat 26 Dec Second Day of Christmas
  Fri 1 Jan 2027 New Year · Sun 29 Mar and Sun 25 Oct: summer time starts / ends.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.data.calendar import WorkingCalendar
from kpilib.exceptions import ParameterError, WorkshopError

AMS = "Europe/Amsterdam"
NL = WorkingCalendar()
NL_HOURS = WorkingCalendar(opening_hours="08:00-18:00")
H = 3600


def local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=AMS)


# -- working days: holidays -------------------------------------------------------------------

@pytest.mark.parametrize(("t1", "t2", "expected"), [
    # Mon 27 Apr (King's Day) .. Sun 3 May: Tue 28, Wed 29, Thu 30 Apr, Fri 1 May = 4
    ("2026-04-27", "2026-05-04", 4),
    # Liberation Day is a day off every fifth year only: Mon 4 .. Fri 8 May 2026: 4, 5, 6, 7 = 4
    ("2026-05-04", "2026-05-08", 4),
    # ... and in 2025 Mon 5 May is off: Mon 5 .. Fri 9 May 2025: 6, 7, 8 = 3
    ("2025-05-05", "2025-05-09", 3),
    # Thu 24 Dec 2026 .. Sun 3 Jan 2027: 24, 28, 29, 30, 31 = 5 (25 Dec and 1 Jan are off)
    ("2026-12-24", "2027-01-04", 5),
    # Thu 2 .. Wed 8 Apr: 2, 7, 8 = 3 (Good Friday 3 Apr and Easter Monday 6 Apr are off)
    ("2026-04-02", "2026-04-09", 3),
    # Fri 22 .. Mon 25 May: 22 = 1 (Whit Monday 25 May is off)
    ("2026-05-22", "2026-05-26", 1),
    # Mon 11 .. Sun 17 May: 11, 12, 13, 15 = 4 (Ascension Thu 14 May is off)
    ("2026-05-11", "2026-05-18", 4),
    # Sat 9 .. Sun 10 May: a weekend, 0
    ("2026-05-09", "2026-05-11", 0),
    # Fri 8 .. Sun 10 May: the Friday, 1
    ("2026-05-08", "2026-05-11", 1),
])
def test_working_days_around_holidays(t1, t2, expected):
    assert NL.working_days(t1, t2) == expected


def test_kings_day_moves_to_saturday_26_april_when_27_is_a_sunday():
    # 27 April 2025 and 27 April 2031 are Sundays
    assert NL.holidays_between("2025-04-26", "2025-04-27") == {dt.date(2025, 4, 26): "King's Day"}
    assert NL.holidays_between("2031-04-26", "2031-04-27") == {dt.date(2031, 4, 26): "King's Day"}
    assert NL.holidays_between("2026-04-26", "2026-04-27") == {dt.date(2026, 4, 27): "King's Day"}


def test_holidays_between_lists_weekend_holidays_and_closed_days():
    cal = WorkingCalendar(closed=["2026-12-24", "2026-12-31"])
    assert cal.holidays_between(dt.date(2026, 12, 24), dt.date(2027, 1, 1)) == {
        dt.date(2026, 12, 24): "Closed",
        dt.date(2026, 12, 25): "Christmas Day",
        dt.date(2026, 12, 26): "Second Day of Christmas",  # a Saturday
        dt.date(2026, 12, 31): "Closed",
        dt.date(2027, 1, 1): "New Year's Day",
    }


def test_holiday_names_in_dutch():
    cal = WorkingCalendar(language="nl")
    assert cal.holidays_between("2026-04-27", "2026-04-27") == {dt.date(2026, 4, 27): "Koningsdag"}


def test_closed_day_is_not_a_working_day():
    cal = WorkingCalendar(closed=[dt.date(2026, 12, 24)])
    # Thu 24 Dec closed, Fri 25 Christmas, weekend: 0 working days before Mon 28
    assert cal.working_days("2026-12-24 09:00", "2026-12-28 09:00") == 0
    assert NL.working_days("2026-12-24 09:00", "2026-12-28 09:00") == 1
    assert cal.is_working_day("2026-12-24") is False
    assert NL.is_working_day("2026-12-24") is True
    # a date and its ISO text make the same calendar
    assert cal == WorkingCalendar(closed=["2026-12-24"])
    assert hash(cal) == hash(WorkingCalendar(closed=("2026-12-24",)))


def test_subdivision_with_a_regional_holiday():
    bavaria = WorkingCalendar(country="DE", subdivision="BY", time_zone="Europe/Berlin")
    germany = WorkingCalendar(country="DE", time_zone="Europe/Berlin")
    # Mon 5 .. Fri 9 Jan 2026, Epiphany Tue 6 Jan is a holiday in Bavaria only
    assert bavaria.working_days("2026-01-05", "2026-01-09") == 3  # 5, 7, 8
    assert germany.working_days("2026-01-05", "2026-01-09") == 4  # 5, 6, 7, 8
    # Corpus Christi Thu 4 Jun 2026: Mon 1 .. Fri 5 Jun
    assert bavaria.working_days("2026-06-01", "2026-06-06") == 4  # 1, 2, 3, 5
    # names and aliases of subdivisions in any case
    assert WorkingCalendar(country="de", subdivision="bayern").subdivision == "BY"
    assert WorkingCalendar(country="de", subdivision="by").country == "DE"


def test_dutch_subdivisions_only_spread_school_holidays():
    # Noord, Midden, Zuid are school-holiday regions; the public holidays of 2026 are the same 10
    year = ("2026-01-01", "2026-12-31")
    north = WorkingCalendar(subdivision="Noord").holidays_between(*year)
    assert north == NL.holidays_between(*year)
    assert len(north) == 10


# -- working days: times, order, missing values, time zones -------------------------------------

def test_same_instant_same_day_and_over_the_weekend():
    assert NL.working_days("2026-05-08 10:00", "2026-05-08 10:00") == 0
    assert NL.working_days("2026-05-08 09:00", "2026-05-08 17:00") == 0
    # Fri 17:00 -> Mon 09:00: the Friday counts, 1
    assert NL.working_days("2026-05-08 17:00", "2026-05-11 09:00") == 1


def test_reversed_order_is_negative():
    assert NL.working_days("2026-05-11 09:00", "2026-05-08 17:00") == -1
    # Mon 4 Jan 2027 -> Thu 24 Dec 2026: minus the 5 of the Christmas test
    assert NL.working_days("2027-01-04", "2026-12-24") == -5
    # Sat 9 May -> Mon 4 May: minus (Mon 4 .. Fri 8) = -5, as the table join gives
    # (numpy's busday_count alone counts (4 May, 9 May] = Tue .. Fri = -4)
    assert NL.working_days("2026-05-09", "2026-05-04") == -5
    assert NL.working_days("2026-05-04", "2026-05-09") == 5


def test_missing_values_give_nan():
    assert np.isnan(NL.working_days(pd.NaT, "2026-05-08"))
    assert np.isnan(NL.working_days("2026-05-08", None))
    t1 = pd.Series(pd.to_datetime(["2026-05-08 17:00", None, "2026-05-08 17:00"]))
    t2 = pd.Series(pd.to_datetime(["2026-05-11 09:00", "2026-05-11 09:00", None]))
    got = NL.working_days(t1, t2)
    pd.testing.assert_series_equal(got, pd.Series([1.0, np.nan, np.nan]))


def test_dates_are_local_dates_of_aware_timestamps():
    # 23:30 UTC on Fri 27 Mar is 00:30 CET on Sat 28 Mar: Fri 27 counts, 1 (the UTC date would give 0)
    assert NL.working_days(local("2026-03-27 10:00"), pd.Timestamp("2026-03-27 23:30", tz="UTC")) == 1
    # 22:30 UTC on Tue 30 Jun is 00:30 CEST on Wed 1 Jul: Tue 30 counts, 1
    assert NL.working_days(local("2026-06-30 09:00"), pd.Timestamp("2026-06-30 22:30", tz="UTC")) == 1
    # naive values are local times: 23:30 is still Fri 27
    assert NL.working_days("2026-03-27 10:00", "2026-03-27 23:30") == 0


def test_dst_change_days_do_not_change_working_days():
    # Fri 27 Mar 12:00 -> Mon 30 Mar 12:00 over Sun 29 Mar (23 h): the Friday, 1
    assert NL.working_days(local("2026-03-27 12:00"), local("2026-03-30 12:00")) == 1
    # Fri 23 Oct 12:00 -> Mon 26 Oct 12:00 over Sun 25 Oct (25 h): the Friday, 1
    assert NL.working_days(local("2026-10-23 12:00"), local("2026-10-26 12:00")) == 1


def test_vectorised_shapes():
    t1 = np.array(["2026-05-08T17:00", "2026-04-27T09:00"], dtype="datetime64[s]")
    t2 = np.array(["2026-05-11T09:00", "2026-05-04T09:00"], dtype="datetime64[s]")
    np.testing.assert_array_equal(NL.working_days(t1, t2), [1.0, 4.0])
    # a scalar pairs with every element; the Series keeps its index
    stamps = pd.Series(pd.to_datetime(["2026-04-27", "2026-05-04"]).tz_localize(AMS), index=[7, 9])
    got = NL.working_days(stamps, "2026-05-11")
    # 27 Apr -> 11 May: 28, 29, 30 Apr, 1, 4, 5, 6, 7, 8 May = 9;  4 May -> 11 May: 5
    pd.testing.assert_series_equal(got, pd.Series([9.0, 5.0], index=[7, 9]))
    assert NL.working_days([dt.datetime(2026, 5, 8, 17)], [dt.date(2026, 5, 11)]).tolist() == [1.0]
    # offsets that differ with summer time (+01:00, +02:00) are read as instants
    iso = pd.Series(["2026-03-27T12:00+01:00", "2026-03-30T12:00+02:00"])
    assert NL.working_days(iso, "2026-04-01").tolist() == [3.0, 2.0]  # 27, 30, 31 / 30, 31


# -- working seconds ------------------------------------------------------------------------------

@pytest.mark.parametrize(("cal", "t1", "t2", "expected"), [
    # Fri 17:00 -> Mon 09:00: Fri 17-18 + Mon 08-09 = 2 h
    (NL_HOURS, "2026-05-08 17:00", "2026-05-11 09:00", 2 * H),
    # without opening hours: Fri 17-24 (7 h) + Mon 00-09 (9 h) = 16 h
    (NL, "2026-05-08 17:00", "2026-05-11 09:00", 16 * H),
    # over King's Day: Fri 24 Apr 17-18 + Tue 28 Apr 08-09 = 2 h
    (NL_HOURS, "2026-04-24 17:00", "2026-04-28 09:00", 2 * H),
    # before opening and after closing on one day: 0 and 10 h
    (NL_HOURS, "2026-05-11 06:00", "2026-05-11 07:00", 0),
    (NL_HOURS, "2026-05-11 07:00", "2026-05-11 19:00", 10 * H),
    # same day 09:00 -> 11:30: 2.5 h;  same instant: 0
    (NL_HOURS, "2026-05-11 09:00", "2026-05-11 11:30", 2.5 * H),
    (NL_HOURS, "2026-05-11 09:00", "2026-05-11 09:00", 0),
    # reversed: -2 h
    (NL_HOURS, "2026-05-11 09:00", "2026-05-08 17:00", -2 * H),
    # over the spring change: Fri 27 Mar 12-18 (6 h) + Mon 30 Mar 08-12 (4 h) = 10 h
    (NL_HOURS, "2026-03-27 12:00", "2026-03-30 12:00", 10 * H),
    # ... without opening hours: Fri 12-24 (12 h) + Mon 00-12 (12 h) = 24 h; Sunday's 23 h are weekend
    (NL, "2026-03-27 12:00", "2026-03-30 12:00", 24 * H),
])
def test_working_seconds(cal, t1, t2, expected):
    assert cal.working_seconds(t1, t2) == expected


SIX_DAYS = WorkingCalendar(weekend=(5,))  # Sunday to Friday
SIX_DAYS_HOURS = WorkingCalendar(weekend=(5,), opening_hours="08:00-18:00")


@pytest.mark.parametrize(("cal", "day", "expected"), [
    (SIX_DAYS, "2026-03-29", 23 * H),        # 00:00 -> 24:00 with 02:00 -> 03:00 skipped
    (SIX_DAYS, "2026-10-25", 25 * H),        # 03:00 -> 02:00 repeated
    (SIX_DAYS_HOURS, "2026-03-29", 10 * H),  # 08:00 -> 18:00, the change was at night
    (SIX_DAYS_HOURS, "2026-10-25", 10 * H),
])
def test_working_seconds_on_a_dst_change_working_day(cal, day, expected):
    start = pd.Timestamp(day)
    assert cal.working_seconds(start, start + pd.Timedelta(days=1)) == expected


def test_working_seconds_is_real_elapsed_time():
    # Sun 29 Mar 01:00 CET (00:00 UTC) -> 04:00 CEST (02:00 UTC) = 2 h
    assert SIX_DAYS.working_seconds("2026-03-29 01:00", "2026-03-29 04:00") == 2 * H
    # the same instants given in UTC
    utc = pd.to_datetime(["2026-03-29 00:00", "2026-03-29 02:00"]).tz_localize("UTC")
    assert SIX_DAYS.working_seconds(utc[0], utc[1]) == 2 * H


def test_working_seconds_missing_and_series():
    t1 = pd.Series(pd.to_datetime(["2026-05-08 17:00", None]).tz_localize(AMS), index=["a", "b"])
    got = NL_HOURS.working_seconds(t1, local("2026-05-11 09:00"))
    pd.testing.assert_series_equal(got, pd.Series([2.0 * H, np.nan], index=["a", "b"]))
    assert np.isnan(NL_HOURS.working_seconds(None, "2026-05-11"))


# -- is_working_day, schedule, table --------------------------------------------------------------

def test_is_working_day():
    assert NL.is_working_day(dt.date(2026, 4, 27)) is False   # King's Day
    assert NL.is_working_day("2026-04-28") is True             # Tuesday
    assert NL.is_working_day("2026-05-09") is False            # Saturday
    # 23:30 UTC on Sun 26 Apr is 01:30 CEST on Mon 27 Apr, King's Day
    assert NL.is_working_day(pd.Timestamp("2026-04-26 23:30", tz="UTC")) is False
    days = pd.Series(pd.to_datetime(["2026-04-27", "2026-04-28", None]))
    pd.testing.assert_series_equal(NL.is_working_day(days), pd.Series([False, True, False]))


def test_ten_day_schedule_over_christmas():
    expected = [
        dt.date(2026, 12, 24),  # Thu  (Fri 25 Christmas, Sat 26, Sun 27)
        dt.date(2026, 12, 28),  # Mon
        dt.date(2026, 12, 29),  # Tue
        dt.date(2026, 12, 30),  # Wed
        dt.date(2026, 12, 31),  # Thu  (Fri 1 Jan New Year, Sat 2, Sun 3)
        dt.date(2027, 1, 4),    # Mon
        dt.date(2027, 1, 5),    # Tue
        dt.date(2027, 1, 6),    # Wed
        dt.date(2027, 1, 7),    # Thu
        dt.date(2027, 1, 8),    # Fri
    ]
    assert NL.next_working_days(dt.date(2026, 12, 24), 10) == expected
    # closed on 24 Dec: the schedule starts Mon 28 Dec and its tenth day is Mon 11 Jan
    closed = WorkingCalendar(closed=["2026-12-24"]).next_working_days("2026-12-24", 10)
    assert closed == expected[1:] + [dt.date(2027, 1, 11)]
    assert NL.next_working_days("2026-12-26", 1) == [dt.date(2026, 12, 28)]  # from a Saturday
    assert NL.next_working_days("2026-12-24", 0) == []


def test_table_by_hand():
    got = NL_HOURS.table("2026-04-24", dt.date(2026, 4, 28))
    expected = pd.DataFrame({
        "date": pd.to_datetime(["2026-04-24", "2026-04-25", "2026-04-26", "2026-04-27",
                                "2026-04-28"]).as_unit("us"),
        "is_working_day": [True, False, False, False, True],  # Fri, Sat, Sun, King's Day, Tue
        "working_days_before": np.array([0, 1, 1, 1, 1], dtype=np.int64),
        "holiday": pd.Series([None, None, None, "King's Day", None], dtype=object),
        "open_seconds": np.array([10 * H, 0, 0, 0, 10 * H], dtype=np.int64),
        "working_seconds_before": np.array([0, 10 * H, 10 * H, 10 * H, 10 * H], dtype=np.int64),
    })
    pd.testing.assert_frame_equal(got.drop(columns="opens_at"), expected)
    assert got["opens_at"].iloc[0] == local("2026-04-24 08:00")  # 06:00 UTC
    assert got["opens_at"].iloc[0].value // 10**9 == 1_777_010_400  # 2026-04-24 06:00 UTC


MINUTES = st.lists(st.tuples(st.integers(0, 600 * 24 * 60), st.integers(0, 600 * 24 * 60)),
                   min_size=1, max_size=30)
START = pd.Timestamp("2025-12-01", tz=AMS)


@settings(max_examples=40, deadline=None)
@given(pairs=MINUTES, hours=st.sampled_from([None, "08:00-18:00", "07:30-22:00"]))
def test_table_gives_the_same_counts_as_the_functions(pairs, hours):
    cal = WorkingCalendar(opening_hours=hours, closed=["2026-12-24"])
    m1, m2 = (np.array(m, dtype="int64") for m in zip(*pairs))
    t1 = pd.Series(START + pd.to_timedelta(m1, unit="min"))
    t2 = pd.Series(START + pd.to_timedelta(m2, unit="min"))
    table = cal.table(START.date(), (START + pd.Timedelta(days=601)).date()).set_index("date")

    def look(t, column):
        return table[column].reindex(t.dt.tz_localize(None).dt.normalize().dt.as_unit("us")).to_numpy()

    before = look(t2, "working_days_before") - look(t1, "working_days_before")
    np.testing.assert_array_equal(cal.working_days(t1, t2).to_numpy(), before)

    def worked(t):
        since_open = (t - pd.Series(look(t, "opens_at"), index=t.index)).dt.total_seconds()
        return look(t, "working_seconds_before") + np.clip(since_open, 0, look(t, "open_seconds"))

    np.testing.assert_allclose(cal.working_seconds(t1, t2).to_numpy(), worked(t2) - worked(t1))
    # counts add up along a chain t1 -> t2 -> t1 and working time never exceeds elapsed time
    assert (cal.working_days(t1, t2) + cal.working_days(t2, t1) == 0).all()
    assert (cal.working_seconds(t1, t2).abs() <= (t2 - t1).dt.total_seconds().abs()).all()


# -- configuration ----------------------------------------------------------------------------------

WORKSHOP_YAML = """
client: Glasvezel Noord BV
time_zone: Europe/Amsterdam
calendar:
  country: NL
  subdivision: null
  closed: [2026-12-24]
  opening_hours: "08:00-18:00"
"""


def test_from_config():
    cal = WorkingCalendar.from_config(yaml.safe_load(WORKSHOP_YAML))
    assert cal == WorkingCalendar(closed=[dt.date(2026, 12, 24)], opening_hours="08:00-18:00")
    assert WorkingCalendar.from_config({}) == WorkingCalendar()
    berlin = WorkingCalendar.from_config({"time_zone": "Europe/Berlin",
                                          "calendar": {"country": "DE", "weekend": [6]}})
    assert (berlin.time_zone, berlin.weekend) == ("Europe/Berlin", (6,))


@pytest.mark.parametrize(("workshop", "message"), [
    ({"calendar": {"contry": "NL"}},
     r"workshop.yaml: unknown key 'contry' in `calendar`; expected one of 'country', "),
    ({"calendar": ["NL"]}, r"workshop.yaml: `calendar` must be a block of keys"),
    ({"calendar": {"country": "XX"}}, r"workshop.yaml: `country` must be a country code"),
    ({"time_zone": "Amsterdam"}, r"workshop.yaml: `time_zone` must be an IANA time zone"),
])
def test_from_config_errors(workshop, message):
    with pytest.raises(WorkshopError, match=message):
        WorkingCalendar.from_config(workshop)


# -- bad inputs --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("options", "message"), [
    ({"country": "XX"}, r"`country` must be a country code of the holidays package, such as 'NL', "
                        r"'BE' or 'DE'; got 'XX'. holidays.list_supported_countries\(\) lists them"),
    ({"subdivision": "ZZ"}, r"`subdivision` must be one of 'Midden', 'Noord', 'Zuid' for NL; got 'ZZ'"),
    ({"country": "LU", "subdivision": "North"},
     r"`subdivision` must be None: the holidays package has no subdivisions for LU; got 'North'"),
    ({"opening_hours": "18:00-08:00"}, r"`opening_hours` must be 'HH:MM-HH:MM' with the start "
                                       r"before the end, such as '08:00-18:00'.*got '18:00-08:00'"),
    ({"opening_hours": "8-18"}, r"`opening_hours` must be 'HH:MM-HH:MM'.*got '8-18'"),
    ({"opening_hours": "08:60-18:00"}, r"`opening_hours` must be .*got '08:60-18:00'"),
    ({"opening_hours": "08:00-24:30"}, r"`opening_hours` must be .*got '08:00-24:30'"),
    ({"time_zone": "Europe/Amsterdm"}, r"`time_zone` must be an IANA time zone name such as "
                                       r"'Europe/Amsterdam'; got 'Europe/Amsterdm'"),
    ({"weekend": (5, 7)}, r"`weekend` must be one of 0, 1, 2, 3, 4, 5, 6; got 7"),
    ({"weekend": range(7)}, r"`weekend` must leave at least one working day"),
    ({"closed": ["24-12-2026"]}, r"`closed` must hold dates or ISO dates like '2026-12-24'; "
                                 r"got '24-12-2026'"),
    ({"language": "xx"}, r"`language` must be one of 'en_US', 'fy', 'nl', 'th', 'uk'; got 'xx'"),
])
def test_bad_settings(options, message):
    with pytest.raises(ParameterError, match=message):
        WorkingCalendar(**options)


def test_settings_are_normalised():
    cal = WorkingCalendar(country="nl", opening_hours="8:00 - 18:00", weekend=[6, 5, 5],
                          closed="2026-12-24")
    assert (cal.country, cal.opening_hours, cal.weekend, cal.closed) == (
        "NL", "08:00-18:00", (5, 6), (dt.date(2026, 12, 24),))
    assert WorkingCalendar(opening_hours="00:00-24:00").opening_hours == "00:00-24:00"


def test_bad_timestamps():
    with pytest.raises(ParameterError, match=r"`t1` must hold timestamps .*found numbers of type int64"):
        NL.working_days(np.array([1, 2]), np.array([3, 4]))
    with pytest.raises(ParameterError, match=r"`t2` must hold timestamps"):
        NL.working_seconds("2026-05-08", "next monday")
    with pytest.raises(ParameterError, match=r"`t1` and `t2` must have the same length; got 2 and 3"):
        NL.working_days(pd.date_range("2026-05-01", periods=2).values,
                        pd.date_range("2026-05-01", periods=3).values)
    t1 = pd.Series(pd.date_range("2026-05-01", periods=2))
    with pytest.raises(ParameterError, match=r"`t1` and `t2` must share their index"):
        NL.working_days(t1, t1.set_axis([5, 6]))
    with pytest.raises(ParameterError, match=r"`end` must not be before `start` \(2026-05-08\); "
                                             r"got 2026-05-01"):
        NL.table("2026-05-08", "2026-05-01")
    with pytest.raises(ParameterError, match=r"`d` must be a date like '2026-12-24'; got None"):
        NL.is_working_day(None)
    with pytest.raises(ParameterError, match=r"`n` must be >= 0; got -1"):
        NL.next_working_days("2026-12-24", -1)
    with pytest.raises(ParameterError, match=r"`n` must be a whole number; got 1.5"):
        NL.next_working_days("2026-12-24", 1.5)
