"""Local times to instants: formats, the workshop time zone, and the two DST changes of the year."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import duckdb
import pytest

from kpilib.exceptions import DataError
from kpilib.importing import check_workshop, import_workshop
from kpilib.importing._zones import local_to_instant

YAML = """
time_zone: {zone}
sources:
  contacts:
    file: contacts.csv
    columns:
      contact_id: id
      channel: {{value: phone}}
      direction: {{value: inbound}}
      team: {{value: Noord}}
      arrived_at: start
"""


def workshop(folder: Path, starts: list[str], zone: str = "Europe/Amsterdam") -> Path:
    folder.mkdir()
    (folder / "workshop.yaml").write_text(YAML.format(zone=zone))
    lines = ["id,start"] + [f"C{i},{s}" for i, s in enumerate(starts, start=1)]
    (folder / "contacts.csv").write_text("\n".join(lines) + "\n")
    return folder


def stored(folder: Path, zone: str = "Europe/Amsterdam") -> list[str]:
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    con.execute(f"SET TimeZone = '{zone}'")
    rows = con.execute("SELECT arrived_at::VARCHAR FROM contacts ORDER BY contact_id").fetchall()
    con.close()
    return [r[0] for r in rows]


def test_the_repeated_hour_is_read_as_summer_time_and_counted(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", ["25-10-2026 01:30:00", "25-10-2026 02:30:00", "25-10-2026 03:30:00"])
    report = import_workshop(folder)
    # 02:30 happens twice that night; the first time is still summer time (+02:00)
    assert stored(folder) == ["2026-10-25 01:30:00+02", "2026-10-25 02:30:00+02", "2026-10-25 03:30:00+01"]
    assert report.sources[0].repeated_hour == (("start", 1),)
    assert ("1 time in `start` in the hour that repeats when summer time ends was read as summer time"
            in check_workshop(folder).to_text())


def test_a_time_in_the_spring_gap_is_an_error(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", ["29-03-2026 01:59:59", "29-03-2026 02:00:00", "29-03-2026 03:00:00"])
    with pytest.raises(DataError, match=r"contacts.csv, column `start`, row 3: expected a time that exists in "
                                        r"Europe/Amsterdam, found '29-03-2026 02:00:00 \(skipped when summer time "
                                        r"starts\)'\."):
        import_workshop(folder)


def test_local_times_are_read_in_the_workshop_time_zone(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", ["05-01-2026 09:00:00", "05-07-2026 09:00:00"], zone="America/New_York")
    import_workshop(folder)
    # New York is UTC-5 in January and UTC-4 in July
    assert stored(folder, "UTC") == ["2026-01-05 14:00:00+00", "2026-07-05 13:00:00+00"]


def test_times_with_an_offset_are_instants(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", ["2026-01-05T09:00:00+01:00", "2026-01-05T08:00:00Z",
                                        "2026-10-25T02:30:00+01:00"])
    import_workshop(folder)
    # the offset says which 02:30 it is: +01:00 is the second one, after the clocks went back
    assert stored(folder) == ["2026-01-05 09:00:00+01", "2026-01-05 09:00:00+01", "2026-10-25 02:30:00+01"]


@pytest.mark.parametrize(("values", "expected"), [
    (["31/12/2026 14:05", "1/2/2026 9:05"], ["2026-12-31 14:05:00+01", "2026-02-01 09:05:00+01"]),
    (["2026-12-31T14:05:00", "2026-02-01T09:05:00"], ["2026-12-31 14:05:00+01", "2026-02-01 09:05:00+01"]),
    (["31-12-2026", "01-02-2026"], ["2026-12-31 00:00:00+01", "2026-02-01 00:00:00+01"]),
    (["2026-12-31 14:05:00.250", "2026-02-01 09:05:00.5"], ["2026-12-31 14:05:00.25+01", "2026-02-01 09:05:00.5+01"]),
])
def test_the_format_is_detected(tmp_path: Path, values: list[str], expected: list[str]) -> None:
    folder = workshop(tmp_path / "ws", values)
    import_workshop(folder)
    assert stored(folder) == expected


def test_a_two_digit_year_is_not_read_as_year_26(tmp_path: Path) -> None:
    folder = workshop(tmp_path / "ws", ["05-01-26 09:00"])
    with pytest.raises(DataError, match=r"row 2: expected a date like 31-12-2026 14:05:00, found '05-01-26 09:00'\."):
        import_workshop(folder)


def _sql_instants(zone: str, locals_: list[dt.datetime]) -> list[tuple[str | None, float | None]]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    values = ", ".join(f"(TIMESTAMP '{v:%Y-%m-%d %H:%M:%S}')" for v in locals_)
    con.execute(f"CREATE TABLE t AS SELECT * FROM (VALUES {values}) v(l)")
    items = ", ".join(f"{sql} AS {alias}" for alias, sql in local_to_instant("l", "__x", zone))
    rows = con.execute(f"SELECT __x_dst, epoch(__x) FROM (SELECT l, {items} FROM t) ORDER BY l").fetchall()
    con.close()
    return rows


def _python_instants(zone: str, locals_: list[dt.datetime]) -> list[tuple[str | None, float | None]]:
    tz = zoneinfo.ZoneInfo(zone)
    out = []
    for local in sorted(locals_):
        first = local.replace(tzinfo=tz, fold=0)
        if first.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) != local:
            out.append(("gap", None))
        elif local.replace(tzinfo=tz, fold=1).utcoffset() != first.utcoffset():
            out.append(("repeat", first.timestamp()))
        else:
            out.append((None, first.timestamp()))
    return out


@pytest.mark.parametrize(("zone", "gaps", "repeats"), [
    ("Europe/Amsterdam", 3, 3),      # 02:00-03:00 on 29 March and 25 October: 3 samples 20 minutes apart
    ("America/New_York", 3, 3),
    ("Australia/Lord_Howe", 2, 1),   # the clocks move 30 minutes: 02:00-02:30 (gap), 01:30-02:00 (repeat)
    ("Asia/Tokyo", 0, 0),
])
def test_dst_rules_match_zoneinfo(zone: str, gaps: int, repeats: int) -> None:
    start = dt.datetime(2026, 1, 1)
    locals_ = [start + dt.timedelta(minutes=20 * i) for i in range(365 * 72)]
    locals_ += [dt.datetime(1985, 10, 27, 2, 30), dt.datetime(2075, 3, 31, 2, 30)]   # outside the table: ICU
    got = _sql_instants(zone, locals_)
    assert got == _python_instants(zone, locals_)
    assert sum(d == "gap" for d, _ in got[1:-1]) == gaps
    assert sum(d == "repeat" for d, _ in got[1:-1]) == repeats
