"""The live room in a real browser: `kpi-workshop present` on a copy of the sample, driven with Playwright.

Chromium is Debian's package (`apt-get install chromium`; `.ci/run` installs it); Playwright does
not download a browser. Without one, the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = os.environ.get("KPI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(arguments: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """`kpi-workshop ARGUMENTS` in its own session, once it answers on ``port``; its output goes to ``log``.

    A file, not a pipe: nobody reads a pipe while the test runs, and a server whose log fills it blocks.
    Ctrl-C is made to work as in a terminal: a test worker may ignore SIGINT, and a child inherits that.
    """
    server = subprocess.Popen([sys.executable, "-m", "kpilib.cli", *arguments], env=env,
                              stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    assert server.poll() is None, log.read_text()
    return server


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium: install Debian's `chromium` package (or set KPI_CHROMIUM to the browser)")
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def app(sample_workshop, tmp_path):
    """`kpi-workshop present` on a copy of the sample (a client other than data/sample), its port and process."""
    folder = tmp_path / "clients" / "x"
    shutil.copytree(sample_workshop, folder, ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = _start(["present", str(folder), "--port", str(port), "--no-browser"], env, port, tmp_path / "app.log")
    import psutil

    kernels = lambda: psutil.Process(server.pid).children(recursive=True)  # noqa: E731
    yield folder, port, server
    started = kernels()
    assert started, "the app started no kernel"
    server.send_signal(signal.SIGINT)             # what Ctrl-C in the terminal sends
    server.wait(timeout=60)
    assert not [k for k in started if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], \
        "kernels outlived the app"


@pytest.fixture
def presented(app):
    """`kpi-workshop present` on a copy of the sample, and its port."""
    folder, port, _ = app
    return folder, port


def _kernels(server: subprocess.Popen) -> list:
    import psutil

    return [p for p in psutil.Process(server.pid).children(recursive=True)
            if "ipykernel" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE]


def _sample_decisions() -> tuple[bool, float | None]:
    path = SAMPLE / "decisions.sqlite"
    return path.exists(), path.stat().st_mtime if path.exists() else None


def test_day6_in_the_app_shows_no_code_moves_the_numbers_and_records_in_the_right_workshop(browser, presented):
    folder, port = presented
    before = _sample_decisions()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"http://127.0.0.1:{port}/voila/render/day06_definitions.ipynb", timeout=120_000)
    record = page.get_by_role("button", name="Record definitions")
    record.wait_for(timeout=180_000)
    assert page.locator(".kpi-live-bar").count() == 1          # the day picker, with the day's date
    assert "Day 6" in page.locator(".kpi-live-bar").inner_text()
    text = page.inner_text("body")
    assert "import kpilib" not in text and "interactive = True" not in text   # no code on the page
    assert "Traceback" not in page.content()
    assert page.evaluate("document.documentElement.lang") == "en"   # the workshop's language, for the browser

    # the first definition chooser's threshold: the table under it follows the choice
    chooser = page.locator(".widget-dropdown select").first
    table = page.locator(".widget-html-content table").nth(1)
    shown = table.inner_text()
    options = chooser.locator("option").all_inner_texts()
    chooser.select_option(label=options[-1])
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[table.element_handle(), shown],
                           timeout=30_000)

    page.get_by_placeholder("who decided").first.fill("Team leads")
    record.click()
    page.get_by_text("(by Team leads)").wait_for(timeout=30_000)   # the recorder's confirmation, nothing else
    with sqlite3.connect(folder / "decisions.sqlite") as con:
        rows = con.execute("SELECT key, by FROM decisions WHERE key = 'definitions'").fetchall()
    assert rows == [("definitions", "Team leads")]
    assert _sample_decisions() == before                        # nothing of data/sample changed


@pytest.fixture
def lab(sample_workshop, tmp_path):
    """`kpi-workshop lab` on a copy of the sample (client x), without a token, and its port."""
    folder = tmp_path / "clients" / "x"
    shutil.copytree(sample_workshop, folder, ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime")}
    server = _start(["lab", str(folder), "--port", str(port), "--no-browser", "--", "--IdentityProvider.token=",
                     "--ServerApp.password=", "--LabApp.news_url=",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                     *(["--allow-root"] if os.geteuid() == 0 else [])], env, port,          # CI runs as root
                    tmp_path / "lab.log")
    import psutil

    yield folder, port
    started = psutil.Process(server.pid).children(recursive=True)
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:                # JupyterLab asks to confirm a first Ctrl-C
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert not [k for k in started if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], \
        "kernels outlived JupyterLab"


def _lab_state(page, folder: Path) -> str:
    """What JupyterLab showed and logged, for a test that failed: the status bar, the notebook's end, the log's end."""
    page.screenshot(path=str(folder.parent.parent / "lab.png"), full_page=True)
    status = page.locator(".jp-StatusBar-Widget").first.inner_text()
    # textContent, not innerText: a cell scrolled out of view renders no text
    cells = page.locator(".jp-Notebook .jp-Cell").evaluate_all("cells => cells.map(c => c.textContent)")
    shown = "\n".join(f"[{i}] {' '.join(text.split())[:400]}" for i, text in enumerate(cells[:10]))
    log = (folder.parent.parent / "lab.log").read_text(errors="replace").splitlines()
    return f"status bar: {' '.join(status.split())}\nfirst cells:\n{shown}\nlab.log (end):\n" + "\n".join(log[-40:])


def test_day8_in_jupyterlab_runs_as_is_and_records_in_the_right_workshop(browser, lab):
    """Run All on the live copy, nothing edited: the tactic buttons record into clients/x, not data/sample."""
    folder, port = lab
    before = _sample_decisions()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"http://127.0.0.1:{port}/lab/tree/day08_tactics.ipynb", timeout=120_000)
    page.locator(".jp-Notebook").wait_for(timeout=120_000)
    # the kernel is connected and idle (the status bar says so), as a user waits before Run All
    page.wait_for_function("() => /\\| Idle/.test(document.querySelector('.jp-StatusBar-Widget')?.innerText ?? '')",
                           timeout=120_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()        # the notebook has the focus, as after a click
    try:
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).first.click(timeout=10_000)
        record = page.get_by_role("button", name="Record tactic")
        record.wait_for(timeout=240_000)
    except Exception as error:
        pytest.fail(f"{error}\n{_lab_state(page, folder)}")
    assert "Traceback" not in page.inner_text(".jp-Notebook")
    page.get_by_role("button", name="Product leadership").click()
    page.get_by_placeholder("who decided").first.fill("Management team")
    record.click()
    confirmation = page.get_by_text("(by Management team)")
    confirmation.wait_for(timeout=60_000)
    assert str(folder) in confirmation.inner_text()                # it says where it was recorded
    with sqlite3.connect(folder / "decisions.sqlite") as con:
        rows = con.execute("SELECT key, value, by FROM decisions").fetchall()
    assert rows == [("tactic", '"product_leadership"', "Management team")]
    assert _sample_decisions() == before


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_stops_the_app_and_every_kernel_it_started(sample_workshop, tmp_path, stop):
    """A service manager's SIGTERM, or the terminal closing (SIGHUP), stops everything, as Ctrl-C does."""
    import urllib.request

    import psutil

    folder = tmp_path / "acme"
    shutil.copytree(sample_workshop, folder, ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    port = _free_port()
    server = _start(["present", str(folder), "--port", str(port), "--no-browser"],
                    {**os.environ, "PYTHONPATH": str(ROOT)}, port, tmp_path / "app.log")
    # a page runs its notebook in a kernel of its own; the whole page is sent once the notebook has run
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/day09_kpi_set.ipynb", timeout=240) as page:
        assert b"Record" in page.read()
    started = psutil.Process(server.pid).children(recursive=True)
    assert any("ipykernel" in " ".join(p.cmdline()) for p in started), "the page started no kernel"
    server.send_signal(getattr(signal, stop))
    assert server.wait(timeout=60) is not None
    _, alive = psutil.wait_procs(started, timeout=15)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], \
        f"{stop} left running: {[' '.join(p.cmdline()[:3]) for p in alive]}\n" + (tmp_path / "app.log").read_text()


def test_day8_says_the_tactic_just_recorded_and_a_reloaded_page_gives_its_kernel_back(browser, app):
    """…and asks nothing of the internet: a client's room may have none (Font Awesome came from a CDN)."""
    from urllib.parse import urlsplit

    folder, port, server = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if urlsplit(request.url).hostname not in {"127.0.0.1", "localhost", None} else None)
    page.goto(f"http://127.0.0.1:{port}/voila/render/day08_tactics.ipynb", timeout=120_000)
    record = page.get_by_role("button", name="Record tactic")
    record.wait_for(timeout=180_000)
    assert "The tactic in force is Customer intimacy (set in the workshop's settings)" in page.inner_text("body")

    page.get_by_role("button", name="Operational excellence").first.click()
    record.click()
    # the sentence above the control says it at once, without a reload
    page.get_by_text("The tactic in force is Operational excellence (recorded in the workshop)").wait_for(timeout=30_000)

    for _ in range(3):       # each load runs the notebook in a new kernel; the page that went away stops its own
        page.reload(timeout=120_000)
        record.wait_for(timeout=180_000)
    assert "The tactic in force is Operational excellence (recorded in the workshop)" in page.inner_text("body")
    deadline = time.monotonic() + 20
    while len(_kernels(server)) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(_kernels(server)) == 1, "kernels of pages that were reloaded are still running"
    assert outside == []
    # the buttons' icons are Font Awesome's, from the fonts Voilà serves itself
    assert page.evaluate("[...document.fonts].some(f => f.family.includes('Font Awesome 5 Free') && f.status === 'loaded')")
