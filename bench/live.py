"""How long each control of the live room takes to show its effect, measured in a real browser (issue 14).

    python bench/live.py [--reps 15] [--chromium /usr/bin/chromium] [--days 6 7 9]

Imports a copy of the sample workshop into a scratch folder, starts ``kpi-workshop present`` on it and
opens the days in headless Chromium (Debian's package; Playwright drives it, it downloads nothing).
For every control of a day it changes the value ``--reps`` times, each time to a value not shown before,
and times in the page, with ``performance.now()``, from the change event to the first change of the
day's output (any HTML widget: the table or caption the control moves). Prints a table: per control the
median, the fastest and the slowest step, in milliseconds, and the page load. Nothing is cached between
steps but what the app itself keeps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOK = {6: "day06_definitions", 7: "day07_norms_targets", 9: "day09_kpi_set"}

#: Runs in the page: change the control, resolve with the milliseconds until an HTML widget changes.
MEASURE = """([el, kind, value]) => new Promise(resolve => {
  const outputs = [...document.querySelectorAll('.widget-html-content')].filter(o => !o.contains(el));
  let start;
  const seen = new MutationObserver(() => { seen.disconnect(); resolve(performance.now() - start); });
  for (const o of outputs) seen.observe(o, {childList: true, subtree: true, characterData: true});
  setTimeout(() => { seen.disconnect(); resolve(-1); }, 20000);
  start = performance.now();
  if (kind === 'key') {
    el.dispatchEvent(new KeyboardEvent('keydown', {key: value, bubbles: true}));
  } else {
    el.value = value;
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
  }
})"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workshop(scratch: Path) -> Path:
    import kpilib

    folder = scratch / "clients" / "bench"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(
        "store.duckdb*", "decisions.sqlite*", "quarantine", ".kpi-key", "live"))
    kpilib.import_workshop(folder)
    return folder


def _serve(folder: Path, port: int) -> subprocess.Popen:
    log = open(folder.parent / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "kpilib.cli", "present", str(folder), "--port", str(port),
                               "--no-browser"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.3)
    raise SystemExit("the app did not start")


def _controls(page, day: int, reps: int):
    """(name, element, kind, values) for each control of the day: the values it is set to, in turn."""
    found = []
    if day == 6:
        handle = page.locator(".widget-slider .noUi-handle").first
        found.append(("threshold slider (one step)", handle, "key",
                      ["ArrowRight" if i % 2 == 0 else "ArrowLeft" for i in range(reps)]))
        selects = page.locator(".widget-dropdown select")
        for i in range(selects.count()):
            select = selects.nth(i)
            label = select.evaluate("el => (el.closest('.widget-dropdown').querySelector('label') || {}).innerText")
            options = select.evaluate("el => [...el.options].map(o => o.value)")
            current = select.input_value()
            others = [o for o in options if o != current] or options
            # every other choice in turn, back to the one in force after each: the next control starts from it
            values = [others[k // 2 % len(others)] if k % 2 == 0 else current for k in range(reps + reps % 2)]
            found.append((f"{label} (choice)", select, "select", values))
    elif day == 9:
        inputs = page.locator(".widget-gridbox input[type=number]")
        for i in range(8):                        # the six weights, then the first KPI's first two scores
            field = inputs.nth(i)
            start = float(field.input_value())
            if i < 6:
                values = [f"{start + 0.5 * (k + 1):g}" for k in range(reps)]
            else:
                others = [v for v in range(1, 6) if v != start]
                values = [str(others[k // 2 % len(others)]) if k % 2 == 0 else f"{start:g}" for k in range(reps)]
            found.append((f"weight {i + 1}" if i < 6 else f"score {i - 5} of the first KPI", field, "number",
                          values))
    else:
        inputs = page.locator(".widget-inline-hbox input[type=number]")
        for i in range(inputs.count()):
            field = inputs.nth(i)
            label = field.evaluate("el => (el.closest('.widget-inline-hbox').querySelector('label') || {}).innerText")
            start = float(field.input_value())
            step = -1 if "target" in label and start > reps else 1
            values = [f"{start + step * (k + 1):g}" for k in range(reps)]
            found.append((label, field, "number", values))
    return found


def measure(chromium: str, days: list[int], reps: int) -> list[tuple[str, str, list[float]]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as p:
        folder = _workshop(Path(scratch))
        port = _free_port()
        server = _serve(folder, port)
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for day in days:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK[day]}.ipynb", timeout=240_000)
                page.get_by_role("button", name="Record").first.wait_for(timeout=240_000)
                rows.append((f"day {day}", "page shown, widgets live", [1000 * (time.perf_counter() - started)]))
                page.wait_for_timeout(1000)
                for name, element, kind, values in _controls(page, day, reps):
                    handle = element.element_handle()
                    times = []
                    for value in values:
                        times.append(page.evaluate(MEASURE, [handle, kind, value]))
                        page.wait_for_timeout(150)          # let the last messages settle
                    rows.append((f"day {day}", name, times))
                page.close()
        finally:
            browser.close()
            _stop(server)
    return rows


def _stop(server: subprocess.Popen) -> None:
    """Ctrl-C, as in the terminal; the server must be gone within a minute, else it is killed and said so."""
    started = time.perf_counter()
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        print("the app did not stop within 60 s of Ctrl-C; it was killed. Its last lines:", file=sys.stderr)
        print(Path(server.args[4]).parent.joinpath("server.log").read_text()[-3000:], file=sys.stderr)
        return
    print(f"the app stopped {time.perf_counter() - started:.1f} s after Ctrl-C", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--days", type=int, nargs="+", default=[6, 7, 9], choices=sorted(NOTEBOOK))
    args = parser.parse_args()
    rows = measure(args.chromium, args.days, args.reps)
    print("| day | control | steps | median (ms) | fastest (ms) | slowest (ms) | no effect seen |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for day, name, times in rows:
        seen = [t for t in times if t >= 0]
        if not seen:
            print(f"| {day} | {name} | {len(times)} | – | – | – | {len(times)} |")
            continue
        print(f"| {day} | {name} | {len(times)} | {statistics.median(seen):.0f} | {min(seen):.0f} | "
              f"{max(seen):.0f} | {len(times) - len(seen)} |")


if __name__ == "__main__":
    main()
