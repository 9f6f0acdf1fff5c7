"""Slider latency on 1 M contacts: a threshold (or window) change through the explorer vs a recompute.

    nice -n 10 python bench/slider.py              # 1 M generated contacts
    nice -n 10 python bench/slider.py --rows 200000

The contacts are loaded once into an in-memory DuckDB store (kpilib.connect), as a workshop store
holds them. Per slider step the benchmark times, in the same run:

- recompute: ``kpilib.service_level`` from scratch (a DuckDB query), the baseline;
- explorer: ``ServiceLevelExplorer.service_level`` (binary searches on precomputed sorted waits);
- widget: the full slider update (explorer plus the HTML table the facilitator sees);

and the same for the repeat window (``repeat_contact_rate`` vs ``RepeatExplorer``). Every explorer
result is checked to equal the recomputed one. Results are written to bench/SLIDER.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import contacts_file  # noqa: E402

import kpilib  # noqa: E402
from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer  # noqa: E402
from kpilib.widgets import threshold_slider, window_slider  # noqa: E402


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def median_ms(seconds: list[float]) -> float:
    return 1000 * statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description="slider latency benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", default=str(HERE / "SLIDER.md"))
    args = parser.parse_args()
    path = contacts_file(args.rows)
    con = kpilib.connect()
    con.raw_sql(f"CREATE TABLE contacts AS SELECT * FROM read_parquet('{path}')")
    contacts = con.table("contacts")
    thresholds = list(range(0, 125, 5))
    windows = [1, 2, 3, 5, 7, 10, 14, 21, 28]
    build_sl, explorer = timed(lambda: ServiceLevelExplorer(contacts, by="team"))
    build_rep, repeats = timed(lambda: RepeatExplorer(contacts, by="team"))
    sl_recompute, sl_explore, sl_widget = [], [], []
    slider = threshold_slider(explorer, threshold_s=20)
    for t in thresholds:
        s, fresh = timed(lambda: kpilib.service_level(contacts, threshold_s=t, by="team"))
        sl_recompute.append(s)
        s, fast = timed(lambda: explorer.service_level(threshold_s=t))
        sl_explore.append(s)
        pd.testing.assert_frame_equal(fast, fresh)
        s, _ = timed(lambda: setattr(slider.slider, "value", t))  # the observer recomputes and redraws
        sl_widget.append(s)
    rep_recompute, rep_explore, rep_widget = [], [], []
    wslider = window_slider(repeats, window_days=7)
    for w in windows:
        s, fresh = timed(lambda: kpilib.repeat_contact_rate(contacts, window_days=w, by="team"))
        rep_recompute.append(s)
        s, fast = timed(lambda: repeats.repeat_contact_rate(window_days=w))
        rep_explore.append(s)
        pd.testing.assert_frame_equal(fast, fresh)
        s, _ = timed(lambda: setattr(wslider.slider, "value", w))
        rep_widget.append(s)
    rows = [
        ("service level, threshold change", len(thresholds), build_sl, sl_recompute, sl_explore, sl_widget),
        ("repeat rate, window change", len(windows), build_rep, rep_recompute, rep_explore, rep_widget),
    ]
    lines = [
        "# Slider latency",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}; {args.rows:,} generated contacts in an in-memory DuckDB store, "
        "`by=\"team\"`. Median over the slider steps, all in one run; every explorer result equals the "
        "recomputed one.",
        "",
        "| slider | steps | explorer built once (s) | recompute (ms) | explorer (ms) | widget update (ms) "
        "| recompute / explorer |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, steps, build, recompute, explore, widget in rows:
        ratio = statistics.median(recompute) / statistics.median(explore)
        lines.append(f"| {name} | {steps} | {build:.2f} | {median_ms(recompute):.1f} | "
                     f"{median_ms(explore):.2f} | {median_ms(widget):.2f} | {ratio:.0f}× |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
