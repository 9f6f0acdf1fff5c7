"""The decisions store loses nothing, and every decision value is checked with a clear message."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kpilib.workshop.decisions import DECISION_KEYS, DecisionStore, validate_decision, write_export
from kpilib.exceptions import ParameterError, WorkshopError


@pytest.fixture
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore(tmp_path / "decisions.sqlite")


# -- the registry and its checks ----------------------------------------------------------------

def test_every_key_of_the_ten_days_is_registered_with_a_valid_default():
    expected = {"customer_values": 1, "customer_norms": 1, "chains": 2, "chain_owners": 2, "current_kpis": 3,
                "customer_outcomes": 4, "handover_points": 5, "definitions": 6, "norms": 7, "targets": 7,
                "tactic": 8, "levers": 8, "criteria_weights": 9, "kpi_set": 9, "sign_off": 10}
    assert {k: spec.day for k, spec in DECISION_KEYS.items()} == expected
    for key, (day, description, validator, default) in DECISION_KEYS.items():
        assert description
        if default is not None:
            assert validate_decision(key, default) == default, key


def test_an_unknown_key_lists_the_known_ones():
    with pytest.raises(ParameterError, match=r"`tactics` is not a decision of the workshop; the decisions are "
                                             r"customer_values, customer_norms, chains, .*, sign_off"):
        validate_decision("tactics", "customer_intimacy")


@pytest.mark.parametrize("key, value, message", [
    ("customer_values", [], r"`customer_values` must list at least one name; got an empty list"),
    ("customer_values", "speed", r"`customer_values` must be a list of names; got 'speed'"),
    ("customer_values", ["speed", "speed"], r"`customer_values` lists 'speed' more than once"),
    ("customer_norms", {"resolution_days": -1},
     r"`customer_norms.resolution_days` must be a positive number of working days; got -1"),
    ("customer_norms", {"resolution_days": "3"},
     r"`customer_norms.resolution_days` must be a positive number of working days; got '3'"),
    ("customer_norms", {"callback_hours": 0}, r"`customer_norms.callback_hours` must be a positive number of hours"),
    ("chain_owners", {"fault": ""}, r"`chain_owners.fault` must be a non-empty text; got ''"),
    ("current_kpis", [{"team": "first_line", "kpi": "service_level", "target": 80}],
     r"`current_kpis\[0\].target` must be between 0 and 1 \(share\); got 80"),
    ("current_kpis", [{"team": "first_line", "kpi": "service_level", "target": 0.8, "definition": {"clock": "ivr"}}],
     r"service_level: `clock` must be one of 'queue', 'arrival'; got 'ivr'"),
    ("customer_outcomes", ["time_to_resolution", "first_call_resolution"],
     r"`customer_outcomes\[1\]` must be a KPI id of the catalogue \(service_level, abandonment_rate, "
     r".*\); got 'first_call_resolution'"),
    ("handover_points", ["first_line to second_line"],
     r"each handover point must read 'team_a -> team_b' with two different teams; got 'first_line to second_line'"),
    ("handover_points", ["first_line -> first_line"], r"two different teams"),
    ("definitions", {"service_level": {"treshold_s": 20}},
     r"`treshold_s` is not a definition parameter of `service_level`; its parameters are `threshold_s`, `clock`, "
     r"`abandoned`, `short_abandon_s`, `short_abandon_clock`, `channel`"),
    ("definitions", {"first_contact_resolution": {"method": "agent_tick"}},
     r"first_contact_resolution: `method` must be one of 'repeat_window', 'case', 'survey'; got 'agent_tick'"),
    ("definitions", {"complaints_resolved_to_satisfaction": {"min_csat": 6}},
     r"`min_csat` must be <= 5; got 6"),
    ("definitions", {"csat": {"threshold": 4}}, r"its parameters are none: it has a single definition"),
    ("norms", {"time_to_resolution": 0},
     r"`norms.time_to_resolution` \(norm_days\) must be a positive number of working days; got 0"),
    ("norms", {"csat": 4}, r"`csat` has no norm; the KPIs with a norm are service_level, repeat_contact_rate, "
                           r"first_contact_resolution, time_to_first_contact, time_to_resolution, stays_within_norm"),
    ("targets", {"nps": 120}, r"`targets.nps` must be between -100 and 100 \(nps\); got 120"),
    ("tactic", "cheapest", r"`tactic` must be one of 'operational_excellence', 'customer_intimacy', "
                           r"'product_leadership'; got 'cheapest'"),
    ("criteria_weights", {"cost": 0}, r"at least one criterion a weight above 0"),
    ("criteria_weights", {"cost": -1}, r"`criteria_weights.cost` must be >= 0; got -1"),
    ("kpi_set", [{"kpi": "csat", "owner": "x", "score": 3}, {"kpi": "csat", "owner": "y", "score": 2}],
     r"the KPIs of `kpi_set` lists 'csat' more than once"),
    ("sign_off", {"by": "director", "date": "14-12-2026"},
     r"`sign_off.date` must be a date such as 2026-12-14; got '14-12-2026'"),
])
def test_a_wrong_value_is_refused_with_a_clear_message(key, value, message):
    with pytest.raises(ParameterError, match=message):
        validate_decision(key, value)


def test_values_are_normalised_to_what_the_store_keeps():
    import datetime as dt

    assert validate_decision("sign_off", {"by": " director ", "date": dt.date(2026, 12, 14)}) == {
        "by": "director", "date": "2026-12-14"}
    assert validate_decision("handover_points", ("first_line->second_line",)) == ["first_line -> second_line"]
    assert validate_decision("definitions", {"escalation_rate": {"first_line": ("a", "b")}}) == {
        "escalation_rate": {"first_line": ["a", "b"]}}


# -- recording, undoing, the history ----------------------------------------------------------

def test_a_store_that_does_not_exist_yet_has_no_decisions_and_is_not_created_by_reading(store):
    assert store.rows() == [] and store.in_force() == {} and store.current("tactic") is None
    assert not store.path.exists()


def test_undo_appends_a_row_and_brings_back_the_decision_before(store):
    first = store.record("tactic", "customer_intimacy", by="group", note="after the discussion")
    second = store.record("tactic", "product_leadership", by="director")
    assert store.current("tactic").value == "product_leadership"
    undo = store.undo("tactic", by="facilitator")
    assert (undo.action, undo.undoes) == ("undo", second.id)
    assert store.current("tactic") == first
    store.undo("tactic")
    assert store.current("tactic") is None
    with pytest.raises(ParameterError, match=r"`tactic`: there is no recorded decision to undo"):
        store.undo("tactic")
    assert [(r.action, r.value, r.undoes) for r in store.rows("tactic")] == [
        ("decide", "customer_intimacy", None), ("decide", "product_leadership", None),
        ("undo", None, second.id), ("undo", None, first.id)]


def test_the_log_refuses_changes_and_deletions(store):
    store.record("levers", ["call back on the promised day"])
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE decisions SET value = '[]'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM decisions")
    con.close()
    assert store.current("levers").value == ["call back on the promised day"]


def test_the_store_runs_in_wal_mode(store):
    store.create()
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_refused_value_writes_nothing(store):
    with pytest.raises(ParameterError):
        store.record("norms", {"time_to_resolution": -3})
    assert store.rows() == []


def test_a_file_that_is_not_a_store_gives_a_clear_error(tmp_path):
    path = tmp_path / "decisions.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(WorkshopError, match=r"decisions.sqlite: could not open the decisions store \(file is not a "
                                            r"database\)\. Keep a copy"):
        DecisionStore(path).rows()


# -- it loses nothing: a killed writer, two writers at once -------------------------------------

_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kpilib.workshop.decisions import DecisionStore

    store, name, go, n = DecisionStore(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    for i in range(n):
        d = store.record("levers", [f"{name} {i}"], by=name)
        print(d.id, flush=True)
""")


def _writer(store: DecisionStore, name: str, go: Path, n: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(store.path), name, str(go), str(n)],
                            stdout=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_writer_killed_mid_loop_leaves_every_returned_decision(store, tmp_path):
    store.create()
    go = tmp_path / "go"
    go.touch()
    child = _writer(store, "killed", go, 100_000)
    assert child.stdout.readline() == "ready\n"
    returned = [int(child.stdout.readline()) for _ in range(40)]
    os.kill(child.pid, signal.SIGKILL)  # in the middle of the loop: it never stops by itself
    rest = child.stdout.read().split()
    child.wait()
    assert child.returncode == -signal.SIGKILL
    returned += [int(i) for i in rest]
    rows = {r.id: r for r in DecisionStore(store.path).rows()}  # a fresh reader, as a new kernel would be
    assert set(returned) <= set(rows)
    for i, row_id in enumerate(returned):
        assert rows[row_id].value == [f"killed {i}"] and rows[row_id].by == "killed"
    # the store still takes decisions afterwards
    assert store.record("tactic", "customer_intimacy").id == max(rows) + 1


@pytest.mark.slow
def test_two_writers_at_once_both_succeed_and_both_are_in_the_history(store, tmp_path):
    go = tmp_path / "go"
    n = 30  # each waits for the other's lock now and then: SQLite's busy handler backs off up to 100 ms
    children = [_writer(store, name, go, n) for name in ("kernel_a", "kernel_b")]
    assert [c.stdout.readline() for c in children] == ["ready\n"] * 2  # both wait for the start signal
    go.touch()
    outputs = [c.communicate(timeout=120)[0].split() for c in children]
    assert [c.returncode for c in children] == [0, 0]
    assert [len(o) for o in outputs] == [n, n]
    rows = store.rows("levers")
    assert len(rows) == 2 * n
    for name, output in zip(("kernel_a", "kernel_b"), outputs):
        mine = [r for r in rows if r.by == name]
        assert [r.value for r in mine] == [[f"{name} {i}"] for i in range(n)]  # each writer's order is kept
        assert sorted(int(i) for i in output) == [r.id for r in mine]


# -- export -----------------------------------------------------------------------------------

def test_export_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ParameterError, match=r"the export file must end in .yaml, .yml or .md; got 'out.txt'"):
        write_export(tmp_path / "out.txt", [], client=None)
