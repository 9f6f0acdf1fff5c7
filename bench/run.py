"""Benchmarks: the KPI set at several sizes, the import, and the slider, render and live-room scripts.

    python bench/run.py                          # 1 M, 10 M and 100 M contacts, import of 10 M
    python bench/run.py --sizes 1M               # quick: the KPI set and the import at 1 M
    make bench BENCH_SIZES=1M

KPI set: each engine (kpilib on DuckDB, hand-written DuckDB SQL, idiomatic pandas) runs in its own
process (so its peak memory is its own), in rotating order, ``--repeat`` times (once from 50 M
contacts on); the median time is reported. The engines must agree on every numerator and
denominator, otherwise the run fails. pandas runs only up to ``--pandas-max`` contacts (at
100 M it would need ~27 GB). From ``--spill-from`` contacts on, the DuckDB engines get
``memory_limit`` = ``--memory-limit`` and spill to bench/data/spill.

Import: ``kpi-workshop import`` of a Dutch-style CSV (the sample's telephony export format, with the
sample's mapping) against DuckDB's own ``read_csv`` of the same file into a DuckDB file. With
``--big-import``, sizes from 50 M on are also imported, from Parquet, under the memory limit,
with the largest disk use of the workshop folder (scratch database, spill, store) sampled
each second; ``--no-kpi-set`` runs only that import.

Results are kept per measurement in bench/results.json (a run replaces the rows it measured) and
written as tables to bench/RESULTS.md. Generated data lives in bench/data/ (git-ignored);
``--keep-data`` keeps it, otherwise files larger than 10 M contacts are deleted after use.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results.json"
FIRST_LINE = os.environ.get("BENCH_FIRST_LINE")
BIN = Path(sys.executable).parent

sys.path.insert(0, str(HERE))
from _report import machine, write_results  # noqa: E402


def parse_size(text: str) -> int:
    """``1M`` → 1 000 000, ``500K`` → 500 000, ``2500`` → 2 500."""
    text = text.strip().upper().replace("_", "")
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


#: Above this size, data are the file of this size repeated as independent segments (see replicate).
SEGMENT = 10_000_000


def contacts_file(rows: int, seed: int = 7) -> Path:
    from kpilib import synth

    path = DATA / f"contacts_{rows}_{seed}.parquet"
    if not path.exists() and rows > SEGMENT and rows % SEGMENT == 0:
        replicate(contacts_file(SEGMENT, seed), path, rows // SEGMENT)
    elif not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        synth.write_contacts_parquet(tmp, rows, seed=seed)
        tmp.rename(path)
        print(f"generated {rows:,} contacts in {time.perf_counter() - start:.1f} s → {path}", file=sys.stderr)
    return path


def replicate(segment: Path, path: Path, copies: int) -> None:
    """Write ``copies`` of ``segment`` as independent segments: every identifier gets the copy's prefix.

    write_contacts_parquet builds large files the same way (independent segments of customers
    over one period), but simulates each one: 100 M contacts would take some 40 minutes on two
    cores, the copies take a few. Streamed by DuckDB in bounded memory.
    """
    import duckdb

    start = time.perf_counter()
    ids = ("contact_id", "customer_id", "case_id", "agent_id")
    replace = ", ".join(f"CASE WHEN {c} IS NULL THEN NULL ELSE 's' || i || '-' || {c} END AS {c}" for c in ids)
    con = duckdb.connect(config={"memory_limit": "4GB", "temp_directory": str(DATA / "spill")})
    con.execute("SET enable_progress_bar = false")
    tmp = path.with_suffix(".tmp")
    con.execute(f"""COPY (SELECT * EXCLUDE (i) REPLACE ({replace})
                          FROM range({copies}) AS r(i), read_parquet('{segment}'))
                    TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")
    con.close()
    tmp.rename(path)
    print(f"wrote {copies} segments of {segment.name} in {time.perf_counter() - start:.1f} s → {path}",
          file=sys.stderr)


def first_line_of(path: Path) -> str:
    if FIRST_LINE:
        return FIRST_LINE
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    row = con.execute(
        f"""SELECT team FROM (SELECT team, row_number() OVER (PARTITION BY case_id ORDER BY arrived_at, contact_id) r
            FROM read_parquet('{path}') WHERE case_id IS NOT NULL) WHERE r = 1
            GROUP BY team ORDER BY count(*) DESC, team LIMIT 1"""
    ).fetchone()
    return row[0]


#: Runs the command given as its arguments and writes the command's wall seconds, CPU seconds and
#: peak memory (wait4) to the file named first. The launcher is small, so the command's peak does
#: not start from this process's size (see _report.own_peak_mb).
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": time.perf_counter() - start, "code": os.waitstatus_to_exitcode(status),
               "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}, f)
"""


def measured(cmd: list[str]) -> tuple[float, float, float, str]:
    """Run ``cmd``; return its wall seconds, CPU seconds, own peak resident memory in MB and stdout."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.json"
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), *map(str, cmd)],
                              capture_output=True, text=True)
        usage = json.loads(report.read_text()) if report.exists() else {"code": done.returncode}
        if usage["code"] or done.returncode:
            raise SystemExit(f"{' '.join(map(str, cmd))} failed ({usage['code']}):\n{done.stderr[-3000:]}")
        return usage["seconds"], usage["cpu_s"], usage["peak_mb"], done.stdout


class DiskWatch:
    """The largest disk use of a folder (its files' allocated blocks) while the block runs, sampled each second."""

    def __init__(self, folder: Path) -> None:
        import threading

        self.folder, self.peak_bytes = folder, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while True:
            used = 0
            for root, _, files in os.walk(self.folder):
                for name in files:
                    try:
                        used += os.stat(os.path.join(root, name)).st_blocks * 512
                    except OSError:  # a spill file removed while we looked
                        pass
            self.peak_bytes = max(self.peak_bytes, used)
            if self._done.wait(1.0):
                return

    def __enter__(self) -> "DiskWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def run_engine(engine: str, path: Path, first_line: str, spill: dict) -> dict:
    cmd = [sys.executable, str(HERE / "kpi_set.py"), "--engine", engine, "--data", str(path),
           "--first-line", first_line]
    for key, value in spill.items():
        cmd += [f"--{key.replace('_', '-')}", value]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{engine} on {path.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(results: dict[str, dict], rows: int) -> None:
    reference = results["sql"]["values"]
    for engine, result in results.items():
        for kpi, (num, den) in result["values"].items():
            ref_num, ref_den = reference[kpi]
            if den != ref_den or abs(num - ref_num) > 1e-6 * max(1.0, abs(ref_num)):
                raise SystemExit(f"{rows:,} rows: {engine} gives {kpi} = {num}/{den}, SQL gives {ref_num}/{ref_den}")


def bench_kpi_set(rows: int, args) -> list[dict]:
    path = contacts_file(rows)
    first_line = first_line_of(path)
    engines = ["kpilib", "sql"] + (["pandas"] if rows <= args.pandas_max else [])
    spill = {}
    if rows >= args.spill_from:
        (DATA / "spill").mkdir(parents=True, exist_ok=True)
        spill = {"memory_limit": args.memory_limit, "temp_directory": str(DATA / "spill")}
    repeat = 1 if rows >= 50_000_000 else args.repeat
    runs: dict[str, list[dict]] = {e: [] for e in engines}
    for i in range(repeat):
        order = engines[i % len(engines):] + engines[: i % len(engines)]
        for engine in order:
            runs[engine].append(run_engine(engine, path, first_line, spill))
            print(f"  {rows:,} {engine}: {runs[engine][-1]['seconds']:.2f} s, "
                  f"{runs[engine][-1]['peak_mb']:.0f} MB", file=sys.stderr)
    compare({e: r[-1] for e, r in runs.items()}, rows)
    sql_time = statistics.median(r["seconds"] for r in runs["sql"])
    sql_cpu = statistics.median(r["cpu_s"] for r in runs["sql"])
    out = []
    for engine in engines:
        seconds = statistics.median(r["seconds"] for r in runs[engine])
        cpu = statistics.median(r["cpu_s"] for r in runs[engine])
        out.append({"section": "kpi_set", "rows": rows, "engine": engine, "seconds": seconds,
                    "ratio": seconds / sql_time, "cpu_s": cpu, "cpu_ratio": cpu / sql_cpu,
                    "peak_mb": max(r["peak_mb"] for r in runs[engine]),
                    "runs": repeat, "memory_limit": spill.get("memory_limit", "")})
    return out


def import_workshop_folder(name: str, source: dict) -> Path:
    """A workshop folder under bench/data holding only a ``contacts`` source."""
    import yaml

    folder = DATA / name
    folder.mkdir(parents=True, exist_ok=True)
    # the export stays in bench/data, outside the workshop folder
    config = {"client": "Benchmark", "time_zone": "Europe/Amsterdam", "pseudonymise": True,
              "sources": {"contacts": {**source, "allow_outside": True}}}
    (folder / "workshop.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    for leftover in ("store.duckdb", ".kpi-key"):
        (folder / leftover).unlink(missing_ok=True)
    return folder


def sample_contacts_mapping(csv: Path) -> dict:
    """The sample workshop's mapping of its telephony export, pointed at ``csv`` (UTF-8)."""
    import yaml

    sample = yaml.safe_load((ROOT / "data" / "sample" / "workshop.yaml").read_text())
    mapping = dict(sample["sources"]["contacts"])
    mapping.update(file=str(csv), encoding="utf-8")
    return mapping


def bench_import_csv(rows: int, args) -> list[dict]:
    from kpilib import synth

    parquet = contacts_file(rows)
    csv = DATA / f"interactions_{rows}_7.csv"
    if not csv.exists():
        start = time.perf_counter()
        synth.write_interactions_csv(csv.with_suffix(".tmp"), parquet)
        csv.with_suffix(".tmp").rename(csv)
        print(f"wrote {csv.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    folder = import_workshop_folder(f"import_{rows}", sample_contacts_mapping(csv))
    limit = ["--memory-limit", args.memory_limit]
    seconds, cpu, peak, _ = measured([str(BIN / "kpi-workshop"), "import", str(folder), *limit])
    baseline_db = DATA / f"read_csv_{rows}.duckdb"
    baseline_db.unlink(missing_ok=True)
    script = (
        "import duckdb, sys\n"
        f"con = duckdb.connect({str(baseline_db)!r}, config={{'memory_limit': {args.memory_limit!r}}})\n"
        "con.execute('SET enable_progress_bar = false')\n"
        f"con.execute(\"CREATE TABLE contacts AS SELECT * FROM read_csv({str(csv)!r}, delim=';', "
        "decimal_separator=',', dateformat='%d-%m-%Y', header=true)\")\n"
    )
    base_seconds, base_cpu, base_peak, _ = measured([sys.executable, "-c", script])
    baseline_db.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    size_mb = csv.stat().st_size / 1e6
    return [
        {"section": "import", "rows": rows, "engine": "kpi-workshop import", "seconds": seconds,
         "ratio": seconds / base_seconds, "cpu_s": cpu, "cpu_ratio": cpu / base_cpu, "peak_mb": peak, "file": f"CSV, {size_mb:,.0f} MB",
         "memory_limit": args.memory_limit},
        {"section": "import", "rows": rows, "engine": "DuckDB read_csv", "seconds": base_seconds,
         "ratio": 1.0, "cpu_s": base_cpu, "cpu_ratio": 1.0, "peak_mb": base_peak, "file": f"CSV, {size_mb:,.0f} MB", "memory_limit": args.memory_limit},
    ]


def bench_import_parquet(rows: int, args) -> list[dict]:
    """Import canonical contacts from Parquet through the whole validated path, under the memory limit."""
    parquet = contacts_file(rows)
    from kpilib.data.schema import TABLES

    columns = {c: c for c in TABLES["contacts"].names}
    folder = import_workshop_folder(f"import_{rows}_parquet", {"file": str(parquet), "columns": columns})
    with DiskWatch(folder) as disk:  # the scratch database and its spill live in the workshop folder
        seconds, cpu, peak, _ = measured([str(BIN / "kpi-workshop"), "import", str(folder),
                                          "--memory-limit", args.memory_limit])
    store_mb = (folder / "store.duckdb").stat().st_size / 1e6
    shutil.rmtree(folder, ignore_errors=True)
    return [{"section": "import", "rows": rows, "engine": "kpi-workshop import", "seconds": seconds,
             "ratio": float("nan"), "cpu_s": cpu, "cpu_ratio": float("nan"), "peak_mb": peak,
             "memory_limit": args.memory_limit,
             "file": f"Parquet, {parquet.stat().st_size / 1e6:,.0f} MB (store {store_mb:,.0f} MB, "
                     f"at most {disk.peak_bytes / 1e9:,.1f} GB on disk in the workshop folder)"}]


#: The arguments each bench/<name>.py script runs with.
SCRIPT_ARGUMENTS = {"render": ["--jobs", "2", "--repeat", "3"]}


def bench_script(name: str) -> list[dict]:
    """Run bench/<name>.py when it exists; it prints JSON lines of results (or a table)."""
    script = HERE / f"{name}.py"
    if not script.exists():
        return []
    done = subprocess.run([sys.executable, str(script), *SCRIPT_ARGUMENTS.get(name, [])], capture_output=True,
                          text=True, cwd=ROOT)
    text = done.stdout.strip() if done.returncode == 0 else f"failed: {done.stderr.strip()[-500:]}"
    return [{"section": name, "output": text}]


def main() -> None:
    parser = argparse.ArgumentParser(description="kpi-workshop benchmarks")
    parser.add_argument("--sizes", default="1M,10M,100M", help="contacts per KPI-set run, e.g. 1M,10M")
    parser.add_argument("--import-rows", help="contacts in the CSV import benchmark (0: skip; "
                        "default: the largest size up to 10M)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-max", type=parse_size, default=20_000_000, help="largest size pandas is run on")
    parser.add_argument("--spill-from", type=parse_size, default=50_000_000,
                        help="from this size on, DuckDB gets --memory-limit and spills to disk")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit for spilling runs and imports")
    parser.add_argument("--big-import", action=argparse.BooleanOptionalAction, default=False,
                        help="from 50 M contacts on, also import the Parquet file (at 100 M it needs "
                             "tens of GB of scratch disk in the workshop folder: bench/NOTES.md)")
    parser.add_argument("--kpi-set", action=argparse.BooleanOptionalAction, default=True,
                        help="run the KPI set at each size (--no-kpi-set with --big-import: the import only)")
    parser.add_argument("--keep-data", action="store_true", help="keep generated files above 10 M contacts")
    parser.add_argument("--scripts", default="slider,render,live",
                        help="the bench/<name>.py scripts to run as well (empty: none)")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    import_rows = (parse_size(args.import_rows) if args.import_rows is not None
                   else min(SEGMENT, max(sizes, default=0)))
    started = machine()
    results: list[dict] = []
    for rows in sizes:
        if args.kpi_set:
            results += bench_kpi_set(rows, args)
        if rows >= 50_000_000 and args.big_import:
            results += bench_import_parquet(rows, args)
    if import_rows:
        results += bench_import_csv(import_rows, args)
    for name in filter(None, (n.strip() for n in args.scripts.split(","))):
        results += bench_script(name)
    write_results(RESULTS, Path(args.out), results, started, args.repeat)
    if not args.keep_data:
        for path in DATA.glob("*"):
            big = any(part.isdigit() and int(part) > 10_000_000 for part in path.stem.split("_"))
            if big or path.name == "spill":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
