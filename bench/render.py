"""The report pack's render time against its floor, measured in the same run.

    python bench/render.py              # --jobs 2, one round
    python bench/render.py --jobs 1 --repeat 3

pack  = `kpilib.report.render` of every day notebook on an imported copy of the sample workshop (papermill,
        nbconvert, index), as `make report` runs it;
floor = the same number of empty notebooks (a parameters cell only) through the papermill command line,
        as many at a time as the pack has jobs: the cost of running ten notebooks with papermill.
The ratio pack / floor is what the notebooks' own work and the pages add (target <= 1.3). A second,
stricter floor runs the empty notebooks through papermill's Python API in as many kept worker
processes (no Python start or papermill import per notebook); its ratio is reported beside. Rounds
alternate the floors and the pack; the median of each is reported and written to bench/RESULTS_render.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET = 1.3


def empty_notebooks(folder: Path, n: int) -> list[Path]:
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    paths = []
    for day in range(1, n + 1):
        cell = nbformat.v4.new_code_cell('workshop: str = "."  # workshop folder\n'
                                         "interactive: bool = False  # facilitator mode",
                                         metadata={"tags": ["parameters"]})
        path = folder / f"day{day:02d}_empty.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[cell], metadata=kernel), path)
        paths.append(path)
    return paths


def _papermill(args: tuple[Path, Path, str]) -> None:
    import papermill

    notebook, out, workshop = args
    papermill.execute_notebook(str(notebook), str(out / notebook.name), parameters={"workshop": workshop},
                               kernel_name="python3", progress_bar=False, cwd=str(notebook.parent))


def command_line_floor_seconds(notebooks: list[Path], out: Path, workshop: Path, jobs: int) -> float:
    """The empty notebooks through ``papermill`` on the command line, ``jobs`` at a time."""
    out.mkdir(parents=True, exist_ok=True)
    papermill = Path(sys.executable).parent / "papermill"

    def run(notebook: Path) -> int:
        return subprocess.run([str(papermill), "--no-progress-bar", "--log-level", "ERROR", "-k", "python3",
                               "--cwd", str(notebook.parent), "-p", "workshop", str(workshop), str(notebook),
                               str(out / notebook.name)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                              ).returncode

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(run, notebooks))
    seconds = time.perf_counter() - start
    if any(codes):
        sys.exit(f"papermill failed on an empty notebook (exit {max(codes)})")
    return seconds


def floor_seconds(notebooks: list[Path], out: Path, workshop: Path, jobs: int) -> float:
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(nb, out, str(workshop)) for nb in notebooks]
    start = time.perf_counter()
    if jobs <= 1:
        for task in tasks:
            _papermill(task)
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_papermill, tasks))
    return time.perf_counter() - start


def pack_seconds(workshop: Path, out: Path, jobs: int) -> tuple[float, int]:
    from kpilib.report.render import render

    start = time.perf_counter()
    result = render(workshop, out=out, jobs=jobs, progress=False)
    seconds = time.perf_counter() - start
    if result.failed:
        sys.exit("the pack failed: " + "; ".join(f"day {p.day}: {p.error}" for p in result.failed))
    return seconds, len(result.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    import kpilib
    from kpilib.report.render import day_notebooks

    sys.path.insert(0, str(HERE))
    from _report import machine

    started = machine()

    n = len(day_notebooks())
    with tempfile.TemporaryDirectory(prefix="kpi-bench-render-") as tmp:
        tmp = Path(tmp)
        workshop = tmp / "sample"
        shutil.copytree(ROOT / "data" / "sample", workshop,
                        ignore=shutil.ignore_patterns("store.duckdb*", "quarantine", ".kpi-key", "decisions*"))
        kpilib.import_workshop(workshop)
        empties = empty_notebooks(tmp / "empty", n)
        floors, api_floors, packs = [], [], []
        for round_ in range(args.repeat):
            floors.append(command_line_floor_seconds(empties, tmp / f"floor{round_}", workshop, args.jobs))
            api_floors.append(floor_seconds(empties, tmp / f"api_floor{round_}", workshop, args.jobs))
            packs.append(pack_seconds(workshop, tmp / f"pack{round_}", args.jobs)[0])
            print(f"round {round_ + 1}: floor {floors[-1]:.1f} s (API {api_floors[-1]:.1f} s), "
                  f"pack {packs[-1]:.1f} s", file=sys.stderr)
    floor, api_floor, pack = (statistics.median(x) for x in (floors, api_floors, packs))
    ratio = pack / floor
    verdict = "meets" if ratio <= TARGET else "misses"
    lines = [
        "# Render benchmark",
        "",
        f"`python bench/render.py --jobs {args.jobs} --repeat {args.repeat}` on {platform.machine()}, "
        f"Python {platform.python_version()}, {multiprocessing.cpu_count()} cores ({started['cpu']}, "
        f"{started['memory_gb']} GB); run of {started['date']}, load average at its start "
        f"{started['load'][0]} (the machine is shared).",
        "",
        "| what | notebooks | jobs | seconds (median) |",
        "|---|---|---|---|",
        f"| floor: empty notebooks through the papermill command line | {n} | {args.jobs} | {floor:.1f} |",
        f"| stricter floor: empty notebooks through papermill's API in kept processes | {n} | {args.jobs} | "
        f"{api_floor:.1f} |",
        f"| the report pack (`kpilib.report.render`) | {n} | {args.jobs} | {pack:.1f} |",
        "",
        f"Ratio pack / floor: **{ratio:.2f}** ({verdict} the target of {TARGET}); against the stricter "
        f"floor {pack / api_floor:.2f}.",
        "",
        "Rounds: " + "; ".join(f"{f:.1f} / {a:.1f} / {p:.1f} s" for f, a, p in zip(floors, api_floors, packs))
        + " (floor / stricter floor / pack).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (HERE / "RESULTS_render.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
