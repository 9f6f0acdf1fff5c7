"""Benchmarks: the contact KPI set on generated data, three engines in the same run.

    python bench/run.py                  # 1 M and 10 M contacts
    python bench/run.py --rows 1000000   # one size

Each engine runs in its own process (so its peak memory is its own), in rotating order, `--repeat`
times; the median time is reported. The engines must agree on every numerator and denominator,
otherwise the run fails. Results are written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
FIRST_LINE = os.environ.get("BENCH_FIRST_LINE")


def contacts_file(rows: int, seed: int = 7) -> Path:
    from kpilib import synth

    path = DATA / f"contacts_{rows}_{seed}.parquet"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        synth.write_contacts_parquet(tmp, rows, seed=seed)
        tmp.rename(path)
        print(f"generated {rows:,} contacts in {time.perf_counter() - start:.1f} s → {path}", file=sys.stderr)
    return path


def first_line_of(path: Path) -> str:
    if FIRST_LINE:
        return FIRST_LINE
    import duckdb

    row = duckdb.sql(
        f"""SELECT team FROM (SELECT team, row_number() OVER (PARTITION BY case_id ORDER BY arrived_at, contact_id) r
            FROM read_parquet('{path}') WHERE case_id IS NOT NULL) WHERE r = 1
            GROUP BY team ORDER BY count(*) DESC, team LIMIT 1"""
    ).fetchone()
    return row[0]


def run_engine(engine: str, path: Path, first_line: str) -> dict:
    cmd = [sys.executable, str(HERE / "kpi_set.py"), "--engine", engine, "--data", str(path),
           "--first-line", first_line]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(results: dict[str, dict], rows: int) -> None:
    reference = results["sql"]["values"]
    for engine, result in results.items():
        for kpi, (num, den) in result["values"].items():
            ref_num, ref_den = reference[kpi]
            if den != ref_den or abs(num - ref_num) > 1e-6 * max(1.0, abs(ref_num)):
                raise SystemExit(f"{rows:,} rows: {engine} gives {kpi} = {num}/{den}, SQL gives {ref_num}/{ref_den}")


def main() -> None:
    parser = argparse.ArgumentParser(description="KPI-set benchmark")
    parser.add_argument("--rows", type=int, action="append", help="contacts per run (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-max", type=int, default=20_000_000, help="largest size pandas is run on")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    sizes = args.rows or [1_000_000, 10_000_000]
    lines = []
    for rows in sizes:
        path = contacts_file(rows)
        first_line = first_line_of(path)
        engines = ["kpilib", "sql"] + (["pandas"] if rows <= args.pandas_max else [])
        runs: dict[str, list[dict]] = {e: [] for e in engines}
        for i in range(args.repeat):
            order = engines[i % len(engines):] + engines[: i % len(engines)]
            for engine in order:
                runs[engine].append(run_engine(engine, path, first_line))
        results = {e: r[-1] for e, r in runs.items()}
        compare(results, rows)
        sql_time = statistics.median(r["seconds"] for r in runs["sql"])
        for engine in engines:
            seconds = statistics.median(r["seconds"] for r in runs[engine])
            peak = max(r["peak_mb"] for r in runs[engine])
            line = f"| {rows:>12,} | {engine:<7} | {seconds:8.2f} | {seconds / sql_time:5.2f}× | {peak:8.0f} |"
            print(line)
            lines.append(line)
    header = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}. Median of {args.repeat} runs, each engine in its own process; "
        "peak = maximum resident memory of that process.",
        "",
        "Full contact KPI set (10 KPIs, kpilib's default definitions) on generated contacts in Parquet; "
        "all engines agree on every numerator and denominator.",
        "",
        "| contacts | engine | seconds | vs SQL | peak MB |",
        "|---:|---|---:|---:|---:|",
    ]
    Path(args.out).write_text("\n".join(header + lines) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
