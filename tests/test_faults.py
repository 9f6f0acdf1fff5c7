"""Faults a workshop survives: concurrent deciders lose nothing, a killed render leaves no page that looks complete."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from kpilib.exceptions import WorkshopError
from kpilib.report import _pages, render
from kpilib.workshop.decisions import DecisionStore

KPI_WORKSHOP = [sys.executable, "-c", "import sys; from kpilib.cli import main; sys.argv[0] = 'kpi-workshop'; main()"]
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

DECIDER = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    from kpilib.workshop.decisions import DecisionStore
    path, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = DecisionStore(path)
    Path(f"{go}.{name}").touch()  # imported and ready: the test starts both at once
    while not go.exists():
        time.sleep(0.005)
    for i in range(200):
        if i % 50 == 0:  # a waypoint: both write in each quarter, whatever the scheduler does
            while sum(r.by != name for r in store.rows("levers")) < i:
                time.sleep(0.002)
        store.record("levers", [f"{name}-{i}"], by=name, note=str(i))
""")


@pytest.mark.slow
def test_two_processes_deciding_200_times_each_at_once_lose_nothing(tmp_path):
    path = tmp_path / "decisions.sqlite"
    DecisionStore(path).create()
    go = tmp_path / "go"
    deciders = [subprocess.Popen([sys.executable, "-c", DECIDER, str(path), name, str(go)], env=ENV,
                                 stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}.{name}").exists() for name in ("a", "b")) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both start writing at the same moment, once both have imported kpilib
    for p in deciders:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    rows = DecisionStore(path).rows("levers")
    assert len(rows) == 400                                      # 2 × 200
    for name in ("a", "b"):
        mine = [r for r in rows if r.by == name]
        assert [r.value for r in mine] == [[f"{name}-{i}"] for i in range(200)]   # all there, in order
    assert len({r.id for r in rows}) == 400
    # the waypoints put both writers in each quarter of the rows: at least one switch per quarter
    switches = sum(1 for x, y in zip(rows, rows[1:]) if x.by != y.by)
    assert switches >= 4


# -- pages written whole or not at all ----------------------------------------------------------

def test_a_page_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    page = tmp_path / "index.html"
    page.write_text("<!DOCTYPE html>old, complete</html>\n", encoding="utf-8")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render.os, "replace", crash)
    with pytest.raises(WorkshopError, match=r"index.html: could not write the page \(No space left on device\)"):
        render._write(page, "<!DOCTYPE html>new" + "x" * 10_000)
    assert page.read_text(encoding="utf-8") == "<!DOCTYPE html>old, complete</html>\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]      # no half-written file left


def test_the_index_written_when_a_render_starts_says_it_is_not_finished():
    data = _pages.IndexData(client="Glasvezel Noord")
    cards = [_pages.Card(3, "Today's KPIs", dt.date(2026, 12, 3), rendered=False, running=True)]
    page = _pages.index_page(data, cards, rendered_at=dt.datetime(2026, 12, 3, 9, 0), in_progress=True)
    assert "This report pack is not finished." in page
    assert '<span class="kpi-status running">not finished</span>' in page
    assert "Render started <time" in page
    done = _pages.index_page(data, [_pages.Card(3, "Today's KPIs", None, summary={"results": [{"label": "a", "text": "1"}]})],
                             rendered_at=dt.datetime(2026, 12, 3, 9, 0))
    assert "not finished" not in done and "Rendered <time" in done


def _looks_complete(text: str) -> bool:
    return text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the render and every process it started (its kernels), by their ids."""
    try:
        family = [process.pid] + [c.pid for c in psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = [process.pid]
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


@pytest.mark.slow
def test_a_render_killed_mid_way_leaves_no_page_that_looks_complete(sample_workshop, tmp_path):
    out = tmp_path / "pack"
    render_ = subprocess.Popen([*KPI_WORKSHOP, "render", str(sample_workshop), "--days", "1-3", "--out", str(out)],
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not list(out.glob("day01_*.html")) and render_.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert render_.poll() is None, "the render ended before it could be killed"
        time.sleep(0.5)  # into day 2
    finally:
        _kill_tree(render_)
    assert render_.returncode == -signal.SIGKILL

    pages = sorted(out.glob("*.html"))
    assert (out / "index.html") in pages
    for page in pages:
        assert _looks_complete(page.read_text(encoding="utf-8")), f"{page.name} is half written"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "This report pack is not finished." in index              # the index does not claim a complete pack
    assert index.count('<span class="kpi-status running">not finished</span>') >= 2   # days 2 and 3 at least
    for notebook in out.glob("*.ipynb"):
        if not notebook.name.startswith("."):
            nbformat.read(notebook, as_version=4)                     # every executed notebook is whole

    # the next render needs no clean-up by hand: it removes the leftovers and writes a finished index
    done = subprocess.run([*KPI_WORKSHOP, "render", str(sample_workshop), "--days", "1", "--out", str(out)],
                          env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "not finished" not in index and _looks_complete(index)
