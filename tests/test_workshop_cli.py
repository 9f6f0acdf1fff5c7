"""`kpi-workshop new`, `schedule`, `decisions` and `lab`: output, files and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import kpilib
from kpilib.cli import cli
from kpilib.exceptions import WorkshopError
from kpilib.workshop.folder import open_workshop
from kpilib.report.live import lab_server, prepare_live

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="kpi-workshop")


@pytest.mark.parametrize("command", ["new", "schedule", "decisions", "lab", "present"])
def test_every_command_has_help_with_the_exit_codes(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.output and "WORKSHOP" in result.output


def test_new_then_schedule(tmp_path):
    result = run("new", tmp_path / "acme", "--client", "ACME Telecom", "--start", "2026-12-21")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [f"Created {tmp_path / 'acme' / 'workshop.yaml'}",
                                              "ACME Telecom: 10 days",
                                              "  Day 1 — Monday 21 December     Customer values & expectations  "
                                              "  notebooks/day01_customer_values.ipynb"]
    result = run("schedule", tmp_path / "acme")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split("  ")[1].strip() for line in lines[1:11]][4] == "Day 5 — Monday 28 December"
    assert lines[-1] == "Not a workshop day: Friday 25 December (Christmas Day); Friday 1 January (New Year's Day)"


def test_new_in_dutch(tmp_path):
    result = run("new", tmp_path / "acme", "--client", "ACME", "--start", "2026-12-01", "--language", "nl")
    assert result.exit_code == 0
    assert "  Dag 4 — vrijdag 4 december" in result.output and "Door de ogen van de klant" in result.output


def test_new_refuses_an_existing_workshop_without_a_traceback(tmp_path):
    assert run("new", tmp_path / "acme", "--client", "ACME", "--start", "2026-12-01").exit_code == 0
    result = run("new", tmp_path / "acme", "--client", "ACME", "--start", "2026-12-01")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'acme'}: already holds a workshop (workshop.yaml, "
                                    f"decisions.sqlite); nothing was changed.")
    assert "Traceback" not in result.output


def test_a_bad_start_and_a_missing_option(tmp_path):
    result = run("new", tmp_path / "acme", "--client", "ACME", "--start", "1 december")
    assert (result.exit_code, result.output) == (1, "Error: `start` must be a date such as 2026-12-01; "
                                                    "got '1 december'\n")
    result = run("new", tmp_path / "acme", "--start", "2026-12-01")
    assert result.exit_code == 2 and "Missing option '--client'" in result.output


def test_decisions_lists_and_exports(tmp_path):
    folder = tmp_path / "sample"
    folder.mkdir()
    shutil.copy(SAMPLE / "workshop.yaml", folder)
    kpilib.open_workshop(folder).decide("tactic", "operational_excellence", by="group", note="cost pressure")
    result = run("decisions", folder)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 15
    assert lines[10] == 'day  8  tactic             recorded      "operational_excellence"'
    assert lines[0] == 'day  1  customer_values    workshop.yaml ["resolution", "speed", "effort", "friendliness"]'
    history = run("decisions", folder, "--history")
    assert history.output.endswith('tactic by group: "operational_excellence"  (cost pressure)\n')
    result = run("decisions", folder, "--export", tmp_path / "out.yaml", "--history")
    assert (result.exit_code, result.output) == (0, f"Wrote {tmp_path / 'out.yaml'}\n")
    exported = yaml.safe_load((tmp_path / "out.yaml").read_text())
    assert exported["decisions"]["tactic"]["source"] == "recorded" and len(exported["history"]) == 1
    result = run("decisions", folder, "--export", tmp_path / "out.txt")
    assert result.exit_code == 1 and "must end in .yaml, .yml or .md" in result.output


def test_schedule_of_a_missing_folder(tmp_path):
    result = run("schedule", tmp_path / "nowhere")
    assert result.exit_code == 1 and "no such workshop folder" in result.output


def test_lab_opens_the_workshops_live_copies_with_its_parameters(tmp_path, sample_workshop):
    shutil.copytree(sample_workshop, tmp_path / "acme", ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    server = lab_server(tmp_path / "acme", port=8899, browser=False)
    assert server.argv[:5] == [sys.executable, "-m", "jupyter", "lab", str((tmp_path / "acme" / "live").resolve())]
    assert "--port=8899" in server.argv and "--no-browser" in server.argv and "--ServerApp.port_retries=0" in server.argv
    assert server.env["WORKSHOP"] == str((tmp_path / "acme").resolve())
    day6 = json.loads((server.folder / "day06_definitions.ipynb").read_text())
    injected = next(c for c in day6["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    text = "".join(injected["source"])
    assert f'workshop = "{(tmp_path / "acme").resolve()}"' in text and "interactive = True" in text
    result = run("lab", sample_workshop, "--notebooks", tmp_path / "missing")
    assert result.exit_code == 1 and "no notebooks folder" in result.output


def test_a_changed_live_copy_is_kept_not_overwritten(tmp_path, sample_workshop):
    shutil.copytree(sample_workshop, tmp_path / "acme", ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    _, folder, moved = prepare_live(tmp_path / "acme")
    assert moved == []
    day3 = folder / "day03_todays_kpis.ipynb"
    nb = json.loads(day3.read_text())
    nb["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]  # outputs only
    day3.write_text(json.dumps(nb))
    assert prepare_live(tmp_path / "acme")[2] == []
    nb["cells"][-1]["source"] = "print('the facilitator changed this')"
    day3.write_text(json.dumps(nb))
    _, _, moved = prepare_live(tmp_path / "acme")
    assert len(moved) == 1 and moved[0].parent == folder / "edited"
    assert "the facilitator changed this" in moved[0].read_text()


def test_a_busy_port_is_an_error_not_another_port(sample_workshop):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("present", sample_workshop, "--port", taken.getsockname()[1], "--no-browser")
    assert result.exit_code == 1 and "is in use" in result.output


def test_a_notebook_without_a_workshop_says_how_to_choose_one(monkeypatch):
    monkeypatch.delenv("WORKSHOP", raising=False)
    with pytest.raises(WorkshopError, match="kpi-workshop lab PATH"):
        open_workshop("")
    monkeypatch.setenv("WORKSHOP", str(SAMPLE))
    assert open_workshop("").path.resolve() == SAMPLE.resolve()


def test_help_lists_the_commands_in_the_order_a_workshop_uses_them():
    output = run("--help").output
    listed = [line.split()[0] for line in output.split("Commands:\n")[1].split("\n\n")[0].splitlines()]
    assert listed[:8] == ["new", "check", "import", "schedule", "present", "lab", "decisions", "render"]


def test_lab_passes_options_after_a_double_dash_to_jupyterlab(tmp_path, monkeypatch, sample_workshop):
    from kpilib.report import live

    seen = {}

    def run_server(server, **_):
        seen.update(argv=server.argv, workshop=server.env["WORKSHOP"])
        return 0

    monkeypatch.setattr(live, "run_server", run_server)
    shutil.copytree(sample_workshop, tmp_path / "acme", ignore=shutil.ignore_patterns("live", "decisions.sqlite*"))
    result = run("lab", tmp_path / "acme", "--no-browser", "--", "--ip=0.0.0.0")
    assert result.exit_code == 0, result.output
    assert seen["argv"][-2:] == ["--no-browser", "--ip=0.0.0.0"]
    assert seen["workshop"] == str((tmp_path / "acme").resolve())


@pytest.mark.slow
def test_ctrl_c_stops_the_server_even_when_another_thread_receives_it(tmp_path):
    """The signal of Ctrl-C goes to any thread of the process (DuckDB keeps several); the server stops anyway.

    A stand-in server listens on a port; 1 s after it answers, a second thread sends SIGINT to itself.
    A wait that only the main thread's signal could end would hang here for the server's 60 s.
    """
    import subprocess
    import textwrap
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = tmp_path / "room.py"
    script.write_text(textwrap.dedent(f"""
        import signal, sys, threading, time
        from pathlib import Path
        from kpilib.report.live import LiveServer, run_server

        server = [sys.executable, "-c", "import socket, time; s = socket.socket(); "
                  "s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(60)"]
        def interrupt():
            time.sleep(1.5)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)   # to this thread, not the main one
        threading.Thread(target=interrupt, daemon=True).start()
        code = run_server(LiveServer(server, {{}}, "http://localhost:{port}", {port}, Path("."), [], "present"),
                          open_browser=False)
        print("stopped", code)
    """))
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=50,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert "Stopping the server" in done.stdout and "stopped" in done.stdout, done.stdout + done.stderr
    assert time.monotonic() - started < 30
