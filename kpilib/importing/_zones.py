"""Local wall-clock times to instants in SQL, DST-correct, without a time-zone lookup per row.

The offset changes of the workshop's time zone between 1990 and 2060 are
taken from :mod:`zoneinfo` and written into the SQL as a balanced ``CASE``
tree over the local times at which they happen.  A local time then costs a
few comparisons instead of ICU calls.  Times outside that window fall back to
DuckDB's ``timezone()`` (ICU), which reads a repeated time as its second
occurrence; the fallback corrects that by one hour.

Rules (docs/mapping.md): a time skipped when summer time starts is an error
(``dst = 'gap'``, value NULL); a time in the hour that repeats when it ends is
read as the first, summer-time occurrence (``dst = 'repeat'``).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from kpilib.importing._sql import lit

WINDOW = (1990, 2060)
_UTC = dt.timezone.utc
_HOUR_US = 3_600_000_000


@functools.lru_cache(maxsize=8)
def transitions(time_zone: str) -> tuple[tuple[dt.datetime, int, int], ...]:
    """(UTC instant, offset before, offset after) of each offset change in :data:`WINDOW`, offsets in seconds."""
    zone = zoneinfo.ZoneInfo(time_zone)

    def offset(t: dt.datetime) -> int:
        return int(t.astimezone(zone).utcoffset().total_seconds())

    out = []
    t = dt.datetime(WINDOW[0], 1, 1, tzinfo=_UTC)
    end = dt.datetime(WINDOW[1], 1, 1, tzinfo=_UTC)
    before = offset(t)
    while t < end:
        following = t + dt.timedelta(days=1)
        after = offset(following)
        if after != before:
            lo, hi = t, following          # offset(lo) == before, offset(hi) == after
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + dt.timedelta(seconds=(hi - lo).total_seconds() // 2)
                lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
            out.append((hi, before, after))
            before = after
        t = following
    return tuple(out)


def _ts(value: dt.datetime | None) -> str:
    return "NULL" if value is None else f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


def _tree(local: str, bounds: list[str], lo: int, hi: int) -> str:
    """SQL: ``lo`` + the number of ``bounds[lo:hi]`` at or before ``local`` (bounds sorted)."""
    if lo == hi:
        return str(lo)
    mid = (lo + hi) // 2
    return (f"CASE WHEN {local} < {bounds[mid]} THEN {_tree(local, bounds, lo, mid)} "
            f"ELSE {_tree(local, bounds, mid + 1, hi)} END")


def local_to_instant(local: str, prefix: str, time_zone: str) -> list[tuple[str, str]]:
    """Select-list items that turn the local TIMESTAMP ``local`` into an instant.

    Yields ``{prefix}_seg`` (which stretch between offset changes, NULL outside
    the window), ``{prefix}_icu`` (the fallback), ``{prefix}_dst`` ('gap',
    'repeat' or NULL) and ``{prefix}`` (TIMESTAMPTZ).
    """
    changes = transitions(time_zone)
    naive = lambda t, seconds: (t + dt.timedelta(seconds=seconds)).replace(tzinfo=None)  # noqa: E731
    start = dt.datetime(WINDOW[0], 1, 1, tzinfo=_UTC)
    first = int(start.astimezone(zoneinfo.ZoneInfo(time_zone)).utcoffset().total_seconds())
    offsets = [first] + [after for _, _, after in changes]
    bounds = [naive(t, before) for t, before, _ in changes]           # local time of each change
    gaps: list[dt.datetime | None] = [None]                            # a stretch starts with a gap ...
    repeats: list[dt.datetime | None] = []                             # ... or ends with a repeated hour
    for (t, before, after), bound in zip(changes, bounds):
        gaps.append(bound + dt.timedelta(seconds=after - before) if after > before else None)
        repeats.append(bound - dt.timedelta(seconds=before - after) if after < before else None)
    repeats.append(None)
    end = dt.datetime(WINDOW[1], 1, 1, tzinfo=_UTC)
    window = f"{local} >= {_ts(naive(start, first))} AND {local} < {_ts(naive(end, offsets[-1]))}"
    tz = lit(time_zone)
    seg, icu, dst = f"{prefix}_seg", f"{prefix}_icu", f"{prefix}_dst"
    tree = _tree(local, [_ts(b) for b in bounds], 0, len(bounds))
    offset_list = "[" + ", ".join(str(o) for o in offsets) + "]"
    checks = []
    if any(gaps):
        checks.append(f"WHEN {local} < [{', '.join(_ts(g) for g in gaps)}][{seg} + 1] THEN 'gap'")
    if any(repeats):
        checks.append(f"WHEN {local} >= [{', '.join(_ts(r) for r in repeats)}][{seg} + 1] THEN 'repeat'")
    in_window = f"CASE {' '.join(checks)} END" if checks else "NULL"
    return [
        (seg, f"CASE WHEN {window} THEN {tree} END"),
        (icu, f"CASE WHEN {seg} IS NULL AND {local} IS NOT NULL THEN timezone({tz}, {local}) END"),
        (dst, f"CASE WHEN {seg} IS NOT NULL THEN {in_window} "
              f"WHEN timezone({tz}, {icu}) <> {local} THEN 'gap' "
              f"WHEN timezone({tz}, make_timestamptz(epoch_us({icu}) - {_HOUR_US})) = {local} THEN 'repeat' END"),
        (prefix, f"CASE WHEN {dst} = 'gap' THEN NULL "
                 f"WHEN {seg} IS NOT NULL THEN make_timestamptz(epoch_us({local}) "
                 f"- CAST({offset_list}[{seg} + 1] AS BIGINT) * 1000000) "
                 f"WHEN {dst} = 'repeat' THEN make_timestamptz(epoch_us({icu}) - {_HOUR_US}) ELSE {icu} END"),
    ]
