"""The machine a benchmark ran on, and bench/RESULTS.md written from the kept results."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from importlib import metadata
from pathlib import Path

SECTIONS = {
    "kpi_set": ("Full contact KPI set", "contacts", "Full contact KPI set (`kpilib.kpi_set`: 10 KPIs, default "
                "definitions) on generated contacts in Parquet, queried in place; kpilib, hand-written DuckDB "
                "SQL and idiomatic pandas in the same run, each in its own process; all agree on every "
                "numerator and denominator. Target at 10 M: ≤ 1.0× the SQL time, ≤ 1,500 MB peak."),
    "import": ("Import", "contacts", "`kpi-workshop import` (every check, pseudonymised ids, the store "
               "file written) against DuckDB's own `read_csv` of the same file into a DuckDB file, no "
               "checks and no mapping. The CSV is the sample's telephony export format (semicolons, "
               "decimal commas, dd-mm-yyyy dates, separate time columns, h:mm:ss), imported with the "
               "sample's mapping."),
}
OTHER_SCRIPTS = {
    "slider": "Slider change (service level for a new threshold by team, 1 M contacts; target median ≤ 20 ms): "
              "measured by `bench/slider.py`, which writes its table to [SLIDER.md](SLIDER.md)",
    "render": "Rendering the ten-day pack against the floor of as many empty notebooks through the papermill "
              "command line, two at a time (target ≤ 1.3×): measured by `bench/render.py`, which writes "
              "[RESULTS_render.md](RESULTS_render.md)",
    "live": "The live room in headless Chromium (every control of days 6, 7 and 9, from the change in the page to "
            "the first change of the day's output; target median ≤ 100 ms): measured by `bench/live.py`, whose "
            "table of an earlier run, with its notes, is [LIVE.md](LIVE.md)",
}
_VERSIONS = ("duckdb", "ibis-framework", "pandas", "pyarrow", "pyspark")


def own_peak_mb() -> float:
    """This process's peak resident memory in MB since it started its program.

    ``VmHWM`` of /proc/self/status belongs to the program's own address space. ``ru_maxrss`` is
    not enough on Linux: it starts from the parent's resident size at the fork, so a child of a
    large benchmark process would report at least the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict:
    """Cores, memory, CPU, versions and the load when the run started (the machine is shared)."""
    meminfo = Path("/proc/meminfo").read_text().splitlines() if Path("/proc/meminfo").exists() else []
    total = next((int(line.split()[1]) / 1024 / 1024 for line in meminfo if line.startswith("MemTotal")), math.nan)
    cpu = "unknown CPU"
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    versions = {}
    for name in _VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {"cores": os.cpu_count(), "memory_gb": round(total, 1), "cpu": cpu,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.machine()}",
            "versions": versions, "load": [round(x, 1) for x in os.getloadavg()],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def _key(row: dict) -> tuple:
    return row["section"], row.get("rows"), row.get("engine"), row.get("file", "")[:7]


def write_results(store: Path, out: Path, results: list[dict], started: dict, repeat: int) -> None:
    """Merge ``results`` into ``store`` (replacing the rows measured again) and write ``out``."""
    kept = json.loads(store.read_text()) if store.exists() else {"rows": []}
    for row in results:
        row.setdefault("machine", started)
    fresh = {_key(r) for r in results}
    rows = [r for r in kept["rows"] if _key(r) not in fresh] + results
    rows.sort(key=lambda r: (r["section"], r.get("rows") or 0, r.get("engine", "")))
    store.write_text(json.dumps({"rows": rows}, indent=1) + "\n")
    out.write_text(render(rows, repeat))


def _machine_line(m: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    return (f"{m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['system']}, Python {m['python']}, "
            f"{versions}; run of {m['date']}, load average at its start {m['load'][0]} "
            f"(the machine is shared, so times vary by a factor of two between runs)")


def render(rows: list[dict], repeat: int) -> str:
    lines = ["# Benchmark results", "", "Written by `make bench` (`bench/run.py`); `--sizes 1M` runs the quick size. "
             f"Times are the median of up to {repeat} runs per row (the number is `runs` in "
             "bench/results.json; one run from 50 M contacts on); CPU s = user + "
             "system seconds of that process (steadier than wall time on a shared machine); peak = "
             "maximum resident memory of that process.", ""]
    machines = {json.dumps(r["machine"], sort_keys=True): r["machine"] for r in rows if "machine" in r}
    lines += ["Machines:", ""] + [f"- {_machine_line(m)}" for m in machines.values()] + [""]
    for section, (title, unit, text) in SECTIONS.items():
        part = [r for r in rows if r["section"] == section]
        if not part:
            continue
        lines += [f"## {title}", "", text, "",
                  f"| {unit} | engine | input | memory limit | seconds | vs baseline | CPU s | CPU vs baseline "
                  "| peak MB | run on |",
                  "|---:|---|---|---|---:|---:|---:|---:|---:|---|"]
        for r in part:
            ratio = "" if math.isnan(r["ratio"]) else f"{r['ratio']:.2f}×"
            cpu_ratio = "" if math.isnan(r.get("cpu_ratio", math.nan)) else f"{r['cpu_ratio']:.2f}×"
            cpu = "" if math.isnan(r.get("cpu_s", math.nan)) else f"{r['cpu_s']:.1f}"
            lines.append(f"| {r['rows']:,} | {r['engine']} | {r.get('file', 'Parquet')} | "
                         f"{r.get('memory_limit') or 'default'} | {r['seconds']:.2f} | {ratio} | "
                         f"{cpu} | {cpu_ratio} | {r['peak_mb']:,.0f} | {r['machine']['date']} |")
        lines.append("")
    for name, text in OTHER_SCRIPTS.items():
        found = [r for r in rows if r["section"] == name]
        lines += [f"## {name.capitalize()}", ""]
        if found:
            lines += [text + "; its output in this run:", "", "```", found[-1]["output"], "```", ""]
        else:
            lines += [text + " (not run by the run that wrote this file).", ""]
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():  # what the figures mean and what limits them, written by hand
        lines += [notes.read_text()]
    return "\n".join(lines)
