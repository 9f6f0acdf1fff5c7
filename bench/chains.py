"""Chain discovery on a generated case event log: kpilib (Ibis on DuckDB) against hand-written DuckDB SQL.

    nice -n 10 python bench/chains.py                   # 10 M events, both engines, 3 rounds
    nice -n 10 python bench/chains.py --rows 1000000    # another size

The event log is a ticket system's status log (one row per status change) of cases that follow
the sample provider's routes through first line, second line, field and billing; it is written to
Parquet chunk by chunk, so memory stays bounded by the chunk. Both engines load it into an
in-memory DuckDB table (not timed), then compute the same discovery: stays, handoffs with median
and p90 times in working and calendar hours, start and end teams, the first-line share,
ping-pong, backward handoffs, the top-10 variants and the waiting versus working time per team.
Each engine runs in its own process (its peak memory is its own), in rotating order; the median
time is reported. The two must agree on every number, otherwise the run fails. Results go to
bench/RESULTS-chains.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import own_peak_mb  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TIME_ZONE = "Europe/Amsterdam"
OPENING_HOURS = "08:00-18:00"
ORDER, OUTSIDE = ("first_line", "second_line", "field"), ("billing",)
WAITING, DONE = ("Toegewezen",), ("Opgelost", "Gesloten")
TOP = 10


# -- the event log --------------------------------------------------------------------------------

def events_file(rows: int, seed: int = 11, chunk_cases: int = 250_000) -> Path:
    """Write (once) a status log of exactly ``rows`` rows to bench/data, chunk by chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kpilib.synth import ROUTES, TEAMS

    path = DATA / f"events_{rows}_{seed}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    shares = np.array([0.42, 0.20, 0.08, 0.08, 0.05, 0.12, 0.05])
    routes = [np.array(r) for r in ROUTES]
    schema = pa.schema([("case_id", pa.string()), ("at", pa.timestamp("us", tz=TIME_ZONE)),
                        ("team", pa.string()), ("activity", pa.string()), ("agent_id", pa.string()),
                        ("seq", pa.int64())])
    statuses = np.array(["Nieuw", "Toegewezen", "In behandeling", "Opgelost", "Gesloten"])
    teams = np.array(TEAMS)
    start = np.datetime64("2026-04-01T06:00", "us").astype(np.int64)  # 08:00 local (CEST)
    written, chunk, tmp = 0, 0, path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        while written < rows:
            rng = np.random.default_rng([seed, chunk])
            n = chunk_cases
            route = rng.choice(len(routes), n, p=shares / shares.sum())
            case_team, case_status, case_gap, case_id = [], [], [], []
            for r, stays in enumerate(routes):
                ids = np.flatnonzero(route == r)
                for k, team in enumerate(stays):
                    first = k == 0
                    # a stay: its first status (new, or assigned), then in progress
                    for status in ((0, 2) if first else (1, 2)):
                        case_id.append(ids)
                        case_team.append(np.full(len(ids), team))
                        case_status.append(np.full(len(ids), status))
                        hours = rng.lognormal(0.0 if status == 2 else 2.5 if team == 1 else 0.5, 0.8, len(ids))
                        case_gap.append(np.where(first & (status == 0), 0.0, hours))
                for status, mean in ((3, 1.0), (4, 4.0)):  # solved at the last team, closed days later
                    case_id.append(ids)
                    case_team.append(np.full(len(ids), stays[-1]))
                    case_status.append(np.full(len(ids), status))
                    case_gap.append(rng.lognormal(mean, 0.5, len(ids)))
            ids, team, status, gap = (np.concatenate(x) for x in (case_id, case_team, case_status, case_gap))
            order = np.argsort(ids, kind="stable")  # rows of a case in the order they were appended
            ids, team, status, gap = ids[order], team[order], status[order], gap[order]
            opened = start + (rng.uniform(0, 90, n) * 86400e6).astype(np.int64)
            offset = np.cumsum(gap * 3600e6).astype(np.int64)
            first_row = np.r_[0, np.flatnonzero(np.diff(ids)) + 1]
            offset -= np.repeat(offset[first_row], np.diff(np.r_[first_row, len(ids)]))
            at = opened[ids] + offset
            take = min(len(ids), rows - written)
            seq = np.arange(written, written + take, dtype=np.int64)
            table = pa.table({
                "case_id": pa.array(np.char.add(f"C{chunk:04d}-", ids[:take].astype(str))),
                "at": pa.array(at[:take], type=pa.timestamp("us", tz=TIME_ZONE)),
                "team": pa.array(teams[team[:take]]), "activity": pa.array(statuses[status[:take]]),
                "agent_id": pa.nulls(take, pa.string()), "seq": pa.array(seq)}, schema=schema)
            writer.write_table(table)
            written += take
            chunk += 1
    tmp.rename(path)
    print(f"generated {rows:,} events in {time.perf_counter() - started:.0f} s -> {path}", file=sys.stderr)
    return path


# -- the two engines ------------------------------------------------------------------------------

def _calendar():
    from kpilib.data.calendar import WorkingCalendar

    return WorkingCalendar(opening_hours=OPENING_HOURS, time_zone=TIME_ZONE)


def run_kpilib(con) -> dict:
    from kpilib import chains

    lines = chains.Lines(order=ORDER, outside=OUTSIDE, waiting=WAITING, done=DONE)
    found = chains.discover(con.table("events"), lines=lines, calendar=_calendar(), top=TOP)
    lost = found.time_lost
    return {
        "cases": found.cases,
        "handoffs": [[r.from_team, r.to_team, int(r.handoffs), int(r.cases), r.median_hours, r.p90_hours,
                      r.median_working_hours, r.p90_working_hours, r.median_wait_working_hours]
                     for r in found.handoffs.itertuples(index=False)],
        "starts": {r.team: [int(r.starts), int(r.ends)] for r in found.start_end.itertuples(index=False)},
        "first_line": int(found.first_line["numerator"].iloc[0]),
        "ping_pong": [[r.team_a, r.team_b, int(r.bounces), int(r.cases)] for r in found.ping_pong.itertuples()],
        "ping_pong_cases": int(found.ping_pong_cases["numerator"].iloc[0]),
        "backward": [[r.from_team, r.to_team, int(r.handoffs), int(r.cases)] for r in found.backward.itertuples()],
        "backward_cases": int(found.backward_cases["numerator"].iloc[0]),
        "variants": [[r.path, int(r.cases)] for r in found.variants.itertuples()],
        "time_lost": {r.team: [int(r.stays), r.waiting_hours, r.working_hours, r.waiting_calendar_hours,
                               r.working_calendar_hours] for r in lost.itertuples(index=False)},
    }


def _quoted(names) -> str:
    return ", ".join(f"'{n}'" for n in names)


def stays_sql() -> str:
    return f"""
    CREATE OR REPLACE TEMP TABLE stays AS
    WITH e AS (
        SELECT e.case_id, e."at", e.team, e.activity, e.seq,
               c.working_seconds_before + least(greatest((epoch_ms(e."at") - epoch_ms(c.opens_at)) / 1000.0, 0),
                                                c.open_seconds) AS w
        FROM events e LEFT JOIN cal c ON CAST(e."at" AS DATE) = c.date),
    m AS (
        SELECT *, lag(team) OVER w AS prev, lead("at") OVER w AS next_at, lead(w) OVER w AS next_w
        FROM e WINDOW w AS (PARTITION BY case_id ORDER BY "at", seq)),
    s AS (
        SELECT *, sum(CASE WHEN prev IS NULL OR prev <> team THEN 1 ELSE 0 END)
                      OVER (PARTITION BY case_id ORDER BY "at", seq ROWS UNBOUNDED PRECEDING) - 1 AS stay,
               coalesce(next_w - w, 0) AS seg_w,
               coalesce((epoch_ms(next_at) - epoch_ms("at")) / 1000.0, 0) AS seg_c,
               coalesce(activity, '') IN ({_quoted(DONE)}) AS done,
               coalesce(activity, '') IN ({_quoted(WAITING)}) AND coalesce(activity, '') NOT IN ({_quoted(DONE)})
                   AS waiting
        FROM m),
    g AS (
        SELECT case_id, stay, any_value(team) AS team, min("at") AS started_at, min(w) AS w0,
               min("at") FILTER (done) AS done_at, min(w) FILTER (done) AS done_w,
               coalesce(sum(seg_w) FILTER (waiting), 0) AS waiting_s,
               coalesce(sum(seg_w) FILTER (NOT done AND NOT waiting), 0) AS working_s,
               coalesce(sum(seg_c) FILTER (waiting), 0) AS waiting_c,
               coalesce(sum(seg_c) FILTER (NOT done AND NOT waiting), 0) AS working_c
        FROM s GROUP BY case_id, stay)
    SELECT *, lead(team) OVER p AS next_team, lag(team) OVER p AS prev_team, lag(team, 2) OVER p AS prev2_team,
           coalesce(lead(started_at) OVER p, done_at) AS ended_at, coalesce(lead(w0) OVER p, done_w) AS w1,
           lead(waiting_s) OVER p AS next_wait, count(*) OVER (PARTITION BY case_id) AS n_stays
    FROM g WINDOW p AS (PARTITION BY case_id ORDER BY stay)"""


def run_sql(con) -> dict:
    raw = con.con  # the DuckDB connection under Ibis
    days = _calendar().table(*raw.execute('SELECT min(CAST("at" AS DATE)), max(CAST("at" AS DATE)) FROM events').fetchone())
    cal = days.assign(date=days["date"].dt.date)[["date", "opens_at", "open_seconds", "working_seconds_before"]]
    raw.register("cal_frame", cal)
    raw.execute("CREATE OR REPLACE TEMP TABLE cal AS SELECT * FROM cal_frame")
    raw.execute(stays_sql())
    q = lambda sql: raw.execute(sql).fetchall()  # noqa: E731
    rank = "CASE {} " + " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(ORDER)) + " ELSE -1 END"
    back = f"{rank.format('next_team')} >= 0 AND {rank.format('next_team')} < {rank.format('team')}"
    handoffs = q("""
        SELECT team, next_team, count(*), count(DISTINCT case_id),
               median((epoch_ms(ended_at) - epoch_ms(started_at)) / 3600000.0),
               quantile_cont((epoch_ms(ended_at) - epoch_ms(started_at)) / 3600000.0, 0.9),
               median((w1 - w0) / 3600.0), quantile_cont((w1 - w0) / 3600.0, 0.9), median(next_wait / 3600.0)
        FROM stays WHERE next_team IS NOT NULL GROUP BY ALL ORDER BY 3 DESC, 1, 2""")
    starts = q("""SELECT team, count(*) FILTER (stay = 0), count(*) FILTER (next_team IS NULL)
                  FROM stays GROUP BY team""")
    lost = q("""SELECT team, count(*), sum(waiting_s) / 3600, sum(working_s) / 3600, sum(waiting_c) / 3600,
                       sum(working_c) / 3600 FROM stays GROUP BY team""")
    return {
        "cases": q("SELECT count(*) FROM stays WHERE stay = 0")[0][0],
        "handoffs": [list(r) for r in handoffs],
        "starts": {t: [s, e] for t, s, e in starts},
        "first_line": q(f"SELECT count(*) FROM stays WHERE stay = 0 AND n_stays = 1 AND team = '{ORDER[0]}'")[0][0],
        "ping_pong": [list(r) for r in q("""
            SELECT team, prev_team, count(*), count(DISTINCT case_id) AS n FROM stays WHERE prev2_team = team
            GROUP BY team, prev_team ORDER BY n DESC, team || ' -> ' || prev_team || ' -> ' || team""")],
        "ping_pong_cases": q("SELECT count(DISTINCT case_id) FROM stays WHERE prev2_team = team")[0][0],
        "backward": [list(r) for r in q(f"""
            SELECT team, next_team, count(*) AS n, count(DISTINCT case_id) FROM stays
            WHERE next_team IS NOT NULL AND {back} GROUP BY ALL ORDER BY n DESC, team""")],
        "backward_cases": q(f"SELECT count(DISTINCT case_id) FROM stays WHERE next_team IS NOT NULL AND {back}")[0][0],
        "variants": [list(r) for r in q(f"""
            SELECT path, count(*) AS n FROM (
                SELECT case_id, string_agg(team, ' > ' ORDER BY stay) AS path FROM stays GROUP BY case_id)
            GROUP BY path ORDER BY n DESC, path LIMIT {TOP}""")],
        "time_lost": {r[0]: list(r[1:]) for r in lost},
    }


def engine(name: str, data: Path) -> dict:
    import kpilib

    con = kpilib.connect(time_zone=TIME_ZONE)
    con.raw_sql(f"SET threads = 2; CREATE TABLE events AS SELECT * FROM read_parquet('{data}')")
    started = time.perf_counter()
    result = (run_kpilib if name == "kpilib" else run_sql)(con)
    seconds = time.perf_counter() - started
    peak_mib = own_peak_mb()
    return {"engine": name, "seconds": seconds, "peak_mib": peak_mib, "result": result}


# -- the comparison -------------------------------------------------------------------------------

def same(a, b, path="") -> list[str]:
    """Where two results differ (numbers to 1e-6 relative), as readable paths."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} rows != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in same(x, y, f"{path}[{i}]")]
    if isinstance(a, float) or isinstance(b, float):
        ok = abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))
        return [] if ok else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=["kpilib", "sql"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(engine(args.engine, args.data)))
        return
    data = events_file(args.rows)
    runs: dict[str, list[dict]] = {"kpilib": [], "sql": []}
    for i in range(args.repeat):
        for name in (["kpilib", "sql"] if i % 2 == 0 else ["sql", "kpilib"]):
            out = subprocess.run([sys.executable, __file__, "--engine", name, "--data", str(data)],
                                 check=True, capture_output=True, text=True).stdout
            runs[name].append(json.loads(out.strip().splitlines()[-1]))
            print(f"round {i + 1}: {name} {runs[name][-1]['seconds']:.1f} s", file=sys.stderr)
    differences = same(runs["kpilib"][0]["result"], runs["sql"][0]["result"])
    if differences:
        sys.exit("kpilib and SQL disagree:\n  " + "\n  ".join(differences[:20]))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mib"] for r in v) for k, v in runs.items()}
    result = runs["kpilib"][0]["result"]
    def n(x: float) -> str:
        return f"{x:,.0f}".replace(",", " ")

    text = "\n".join([
        "# Chain discovery benchmark", "",
        f"{n(args.rows)} status-log rows, {n(result['cases'])} cases; {platform.machine()}, DuckDB threads = 2; "
        f"median of {args.repeat} runs, each engine in its own process (`nice -n 10 python bench/chains.py`).", "",
        "| engine | seconds | peak memory (MiB) |", "|---|---|---|",
        f"| kpilib (Ibis on DuckDB) | {med['kpilib']:.1f} | {n(peak['kpilib'])} |",
        f"| hand-written DuckDB SQL | {med['sql']:.1f} | {n(peak['sql'])} |", "",
        f"kpilib / SQL time: {med['kpilib'] / med['sql']:.2f}. Both give the same numbers (checked).", "",
    ])
    (HERE / "RESULTS-chains.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
