"""Trainee exercises: the checks, their specific feedback, the generated notebooks and progress."""

from __future__ import annotations

import json
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest

from kpilib.exceptions import ParameterError
from kpilib.exercises import Exercise, generate, load, progress
from kpilib.exercises import __main__ as cli
from kpilib.exercises._catalogue import SPECS
from kpilib.exercises._feedback import PERCENTAGE, judge
from kpilib.exercises._notebooks import EXERCISES_DIR, solution_code, solution_notebooks, trainee_notebook
from kpilib.exercises._progress import PROGRESS_ENV
from kpilib.exercises._spec import Mistake, Part


@pytest.fixture(autouse=True)
def progress_in_tmp(tmp_path, monkeypatch):
    """Keep every test's progress out of the trainee's own file."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv(PROGRESS_ENV, str(path))
    return path


# -- the comparison, on made-up values --------------------------------------------------------------

HALF = Part(lambda d: 0.5, label="the share", mistakes=(Mistake("left out the abandoned calls", lambda d: 0.625),))
TWO = (Part(lambda d: 0.5, name="a"), Part(lambda d: 12.0, name="b", kind="number"))


@pytest.mark.parametrize(("answer", "status", "message"), [
    (0.5, "correct", "The share is 0.500"),
    (0.5004, "correct", "0.500"),          # rounded to three decimals still passes (|0.5004 - 0.5| <= 0.0005)
    (np.float64(0.5), "correct", "0.500"),
    (0.625, "mistake", "left out the abandoned calls"),
    (50, "mistake", PERCENTAGE),            # 50 / 100 = 0.5
    (62.5, "mistake", PERCENTAGE + " And: left out the abandoned calls"),
    (0.7, "wrong", "0.700 is not what kpilib computes"),
    (..., "not done", "Replace the `...`"),
    ("0.5", "invalid", "Expected a single number for the share; got the text '0.5'"),
    (pd.Series([0.5, 0.5]), "invalid", "a Series of shape (2,)"),
    (True, "invalid", "Expected a single number"),
    (float("nan"), "invalid", "Expected a single number"),
    (None, "invalid", "got a NoneType"),
])
def test_a_single_answer_gets_specific_feedback(answer, status, message):
    (feedback,) = judge(answer, (HALF,), data=None)
    assert feedback.status == status
    assert message in feedback.message


def test_a_dict_answer_is_judged_part_by_part():
    parts = judge({"a": 0.5, "b": ...}, TWO, data=None)
    assert [p.status for p in parts] == ["correct", "not done"]
    parts = judge({"a": 0.5, "b": 12.004, "c": 1}, TWO, data=None)  # 12.004 is within 0.005 of 12
    assert [p.status for p in parts] == ["correct", "correct", "invalid"]
    assert "Unknown keys 'c'" in parts[-1].message
    (wrong_type,) = judge(0.5, TWO, data=None)
    assert wrong_type.status == "invalid" and "a dict with the keys 'a', 'b'" in wrong_type.message
    assert [p.status for p in judge({"a": 0.5}, TWO, data=None)] == ["correct", "not done"]


# -- the mistaken variants written in pandas, on hand-made fixtures -----------------------------------

def _at(text):
    return pd.Timestamp(text, tz="Europe/Amsterdam")


def test_the_calendar_day_window_differs_from_seven_times_24_hours():
    import kpilib
    from kpilib.exercises._contacts import calendar_day_repeats

    # c1: Mon 17:00 -> next Mon 16:00 (6 d 23 h: a repeat either way); c2: Mon 17:00 -> next Mon 18:00
    # (7 d 1 h: no repeat in 7 x 24 h, but 7 dates later, so a repeat by calendar days); c3: one contact.
    stamps = ["2026-04-06 17:00", "2026-04-13 16:00", "2026-04-06 17:00", "2026-04-13 18:00", "2026-04-08 09:00"]
    contacts = pd.DataFrame({
        "contact_id": list("abcde"), "customer_id": ["c1", "c1", "c2", "c2", "c3"], "channel": "phone",
        "direction": "inbound", "team": "first_line", "arrived_at": [_at(t) for t in stamps],
        "answered_at": [_at(t) for t in stamps],
    })
    data = SimpleNamespace(contacts=contacts)
    assert calendar_day_repeats(data).repeat.mean() == pytest.approx(2 / 5)  # c1's and c2's first contact
    assert kpilib.repeat_contact_rate(contacts)["value"].iloc[0] == pytest.approx(1 / 5)  # c1's first only


def test_the_handoff_variants_count_what_their_mistake_counts():
    import kpilib
    from kpilib.exercises._chain import _across_cases, _distinct_teams

    # Case A: L1, L2, L1 (2 handoffs, 2 distinct teams); case B: L2, L1 (1 handoff). Interleaved in time,
    # the whole log reads L1, L2, L2, L1, L1: 2 changes of team over 2 cases.
    events = pd.DataFrame({
        "case_id": ["A", "B", "A", "B", "A"], "team": ["L1", "L2", "L2", "L1", "L1"], "seq": [1, 2, 3, 4, 5],
        "at": [_at(f"2026-04-06 0{h}:00") for h in range(1, 6)],
    })
    data = SimpleNamespace(events=events)
    assert kpilib.handoffs_per_case(events)["value"].iloc[0] == pytest.approx(1.5)  # (2 + 1) / 2
    assert _distinct_teams(data) == pytest.approx(1.0)  # ((2 - 1) + (2 - 1)) / 2
    assert _across_cases(data) == pytest.approx(1.0)  # 2 changes / 2 cases


def test_the_working_day_variants_count_what_their_mistake_counts():
    from kpilib.data.calendar import WorkingCalendar
    from kpilib.exercises._chain import _calendar_days, _elapsed_days, _utc_dates, _weekdays_only, _working_days_mean

    # Order 1: Fri 24-04 10:00 -> Tue 28-04 09:00 over King's Day (Mon 27-04): 1 working day (Fri 24),
    # 4 calendar days, 2 weekdays (Fri, Mon), 95 h elapsed; in UTC the dates are the same.
    # Order 2: Wed 29-04 00:30 -> Wed 29-04 15:00 local: 0 working days, 14.5 h; in UTC the order is on
    # Tue 28-04 22:30, so 1 working day. A third order was never contacted and is left out.
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3"],
        "ordered_at": [_at("2026-04-24 10:00"), _at("2026-04-29 00:30"), _at("2026-04-29 09:00")],
        "first_contact_at": [_at("2026-04-28 09:00"), _at("2026-04-29 15:00"), pd.NaT],
    })
    data = SimpleNamespace(orders=orders, calendar=WorkingCalendar())
    assert _working_days_mean(data) == pytest.approx(0.5)  # (1 + 0) / 2
    assert _calendar_days(data) == pytest.approx(2.0)  # (4 + 0) / 2
    assert _weekdays_only(data) == pytest.approx(1.0)  # (2 + 0) / 2
    assert _elapsed_days(data) == pytest.approx((95 + 14.5) / 24 / 2)
    assert _utc_dates(data) == pytest.approx(1.0)  # (1 + 1) / 2


# -- the checks on the sample workshop ----------------------------------------------------------------

@pytest.fixture(scope="module")
def exercises(sample_workshop):
    return {spec.id: Exercise(spec.id, sample_workshop) for spec in SPECS}


def _answer(spec, part, value):
    """An answer with ``value`` in ``part`` and the other parts not done."""
    if part.name is None:
        return value
    return {p.name: (value if p is part else ...) for p in spec.parts}


def _part_feedback(feedback, part):
    return next(p for p in feedback.parts if p.part == part.name)


MISTAKES = [(spec, part, i) for spec in SPECS for part in spec.parts for i in range(len(part.mistakes))]


@pytest.mark.parametrize(("spec", "part", "index"), MISTAKES,
                         ids=[f"{s.id}-{p.name or 'answer'}-{i}" for s, p, i in MISTAKES])
def test_every_known_mistake_gets_its_own_message(exercises, spec, part, index):
    q = exercises[spec.id]
    mistake = part.mistakes[index]
    wrong = q.data.value(mistake.compute)
    feedback = _part_feedback(q.check(_answer(spec, part, wrong)), part)
    assert (feedback.status, feedback.message) == ("mistake", mistake.message)


def _phone(contacts):
    return contacts[(contacts.channel == "phone") & (contacts.direction == "inbound") & contacts.queued_at.notna()]


def _message(feedback):
    return feedback.parts[0].message


def test_abandoned_calls_left_out_of_the_denominator_are_named(exercises):
    q = exercises["ex01"]
    phone = _phone(q.data.contacts)
    wait_s = (phone.answered_at - phone.queued_at).dt.total_seconds()
    within = phone.answered_at.notna() & (wait_s <= 20)
    assert q.check(within.sum() / len(phone)).correct
    assert "left the abandoned calls out of the denominator" in _message(q.check(within.sum() / phone.answered_at.notna().sum()))
    assert _message(q.check(100 * within.sum() / len(phone))) == PERCENTAGE


def test_ivr_time_counted_is_named(exercises):
    q = exercises["ex01"]
    phone = _phone(q.data.contacts)
    wait_s = (phone.answered_at - phone.arrived_at).dt.total_seconds()
    feedback = q.check((phone.answered_at.notna() & (wait_s <= 20)).sum() / len(phone))
    assert "IVR menu time is counted" in _message(feedback)


def test_short_abandons_not_removed_are_named(exercises):
    q = exercises["ex03"]
    phone = _phone(q.data.contacts)
    assert "You kept the short abandons" in _message(q.check(phone.answered_at.isna().mean()))


def test_a_repeat_window_of_seven_calendar_days_is_named(exercises):
    q = exercises["ex04"]
    c = q.data.contacts
    base = c[(c.direction == "inbound") & c.answered_at.notna() & c.customer_id.notna()]
    base = base.sort_values(["customer_id", "arrived_at"]).drop_duplicates(["customer_id", "arrived_at"])
    following = base.groupby("customer_id").arrived_at.shift(-1)
    by_24h = (following - base.arrived_at) <= pd.Timedelta(days=7)
    by_date = (following.dt.normalize() - base.arrived_at.dt.normalize()).dt.days <= 7  # local dates
    counts = base.groupby(["customer_id", "arrived_at"]).size().to_numpy()  # base rows per distinct arrival
    assert q.check(float((by_24h.to_numpy() * counts).sum() / counts.sum())).correct
    assert "7 calendar days" in _message(q.check(float((by_date.to_numpy() * counts).sum() / counts.sum())))


def test_transferred_contacts_counted_as_resolved_are_named(exercises):
    q = exercises["ex05"]
    repeat_rate = 1 - exercises["ex04"].spec.parts[0].expected(q.data)
    feedback = q.check({"repeat_window": repeat_rate, "case": ..., "survey": ...})
    assert "counted transferred" in feedback.parts[0].message


def test_weekends_and_holidays_counted_as_working_days_are_named(exercises):
    q = exercises["ex07"]
    o = q.data.orders.dropna(subset=["first_contact_at"])
    dates = {c: o[c].dt.tz_localize(None).values.astype("datetime64[D]") for c in ("ordered_at", "first_contact_at")}
    calendar_days = (dates["first_contact_at"] - dates["ordered_at"]).astype(int).mean()
    weekdays = np.busday_count(dates["ordered_at"], dates["first_contact_at"]).mean()
    feedback = q.check({"mean_days": calendar_days, "within_norm": ...})
    assert "You counted calendar days" in feedback.parts[0].message
    feedback = q.check({"mean_days": weekdays, "within_norm": ...})
    assert "not the Dutch public holidays" in feedback.parts[0].message


def test_the_staffing_exercise_states_its_figures(exercises):
    q = exercises["ex09"]
    assert q.given == {"calls": 150, "interval_s": 1800, "threshold_s": 20, "target": 0.80}


CARD = {"kpi": "time_to_resolution", "definition": {"norm_days": 3}, "customer_value": "My problem is fixed fast",
        "numerator": "cases resolved within 3 working days", "denominator": "cases resolved or overdue",
        "norm": "resolved within 3 working days", "target": 0.8, "owner": "Chain owner faults"}


def test_a_kpi_card_is_checked_against_kpilib_with_its_own_definition(exercises):
    import kpilib

    q = exercises["ex11"]
    value = kpilib.time_to_resolution(q.data.store.cases, norm_days=3, calendar=q.data.calendar)["value"].iloc[0]
    assert q.check(CARD | {"value": value}).correct
    assert "`target`: " + PERCENTAGE in _message(q.check(CARD | {"value": value, "target": 80}))
    assert "is not what `kpilib.time_to_resolution` computes" in _message(q.check(CARD | {"value": value + 0.1}))
    assert "`clock` is not a definition parameter of `time_to_resolution`; its parameters are `norm_days`" in _message(
        q.check(CARD | {"value": value, "definition": {"norm_days": 3, "clock": "queue"}}))
    assert "`owner` is empty" in _message(q.check(CARD | {"value": value, "owner": " "}))
    assert "`clock` must be one of 'queue', 'arrival'; got 'ivr'" in _message(
        q.check(CARD | {"kpi": "service_level", "definition": {"clock": "ivr"}, "value": 0.5}))
    assert q.check(CARD | {"value": ...}).status == "not done"


def test_hints_come_one_at_a_time_and_the_solution_is_the_solution_notebooks_code(exercises, capsys):
    q = load(3, exercises["ex03"].data.workshop)
    q.hint()
    q.hint()
    q.hint()
    q.hint()  # past the last one it repeats the last
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3", "Hint 3 of 3"]
    q.solution()
    assert "short = abandoned &" in capsys.readouterr().out


def test_an_unknown_exercise_is_a_clear_error(sample_workshop):
    with pytest.raises(ParameterError, match="`exercise` must be one of ex01, ex02, .*; got 'ex99'"):
        load("ex99", sample_workshop)


def test_progress_shows_the_latest_check_of_each_exercise(exercises, progress_in_tmp, capsys):
    q = exercises["ex02"]
    assert not progress().done.any()
    q.check({"queue": q.spec.parts[0].expected(q.data), "arrival": ..., "ivr_mean_s": ...})
    row = progress().set_index("exercise").loc["ex02"]
    assert (row.done, row.parts_correct) == (False, "1/3")
    q.check({p.name: p.expected(q.data) for p in q.spec.parts})
    assert progress().set_index("exercise").loc["ex02", "done"]
    assert json.loads(progress_in_tmp.read_text())["ex02"]["parts"] == {
        "queue": "correct", "arrival": "correct", "ivr_mean_s": "correct"}
    assert cli.main(["progress"]) == 0
    assert "1 of 11 exercises done" in capsys.readouterr().out


# -- the generated notebooks ----------------------------------------------------------------------------

def test_the_trainee_notebooks_are_up_to_date_with_their_solutions():
    stale = generate(check=True)
    assert not stale, f"out of date: {[p.name for p in stale]}; run `make exercises`"
    assert cli.main(["generate", "--check"]) == 0
    names = sorted(p.name for p in EXERCISES_DIR.glob("ex*.ipynb"))
    assert names == [p.name for p in solution_notebooks()] == [f"{s.notebook}.ipynb" for s in SPECS]


def test_solution_notebooks_are_committed_without_outputs():
    for path in solution_notebooks():
        cells = nbformat.read(path, as_version=4).cells
        assert not any(c.get("outputs") or c.get("execution_count") for c in cells if c.cell_type == "code"), path


def test_the_trainee_version_replaces_solutions_with_placeholders(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1\n### BEGIN SOLUTION\nhelper = 2\nanswer = helper * x\n### END SOLUTION\nanswer",
                                  outputs=[nbformat.v4.new_output("stream", text="2")],
                                  execution_count=3),
        nbformat.v4.new_markdown_cell("Because.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("q.check(answer)"),
    ]
    path = tmp_path / "ex99_demo.ipynb"
    nbformat.write(nb, path)
    cells = trainee_notebook(path).cells
    assert cells[0].source == "x = 1\n# your code here\nanswer = ...\nanswer"  # helper is not read later
    assert (cells[0].outputs, cells[0].execution_count) == ([], None)
    assert cells[1].source == "*Your answer here.*" and "tags" not in cells[1].metadata
    assert solution_code(path) == "helper = 2\nanswer = helper * x"


def test_an_unclosed_solution_block_names_the_notebook_and_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 1")]
    nbformat.write(nb, tmp_path / "ex98_broken.ipynb")
    with pytest.raises(ValueError, match=r"ex98_broken.ipynb, cell 1: `### BEGIN SOLUTION` on line 1 is never closed"):
        trainee_notebook(tmp_path / "ex98_broken.ipynb")


def test_the_report_and_the_notebook_suite_leave_the_exercises_out():
    from kpilib.report.render import NOTEBOOKS, day_notebooks

    assert EXERCISES_DIR.parent == NOTEBOOKS
    top_level = [p.name for p in NOTEBOOKS.glob("*.ipynb")] + [p.name for p in day_notebooks().values()]
    assert not [name for name in top_level if name.startswith("ex")]


# -- the notebooks run, as a trainee runs them ----------------------------------------------------------

def _run(notebook, workshop, tmp_path):
    import papermill

    papermill.execute_notebook(str(notebook), str(tmp_path / notebook.name), parameters={"workshop": str(workshop)},
                               kernel_name="python3", cwd=str(notebook.parent), progress_bar=False)


@pytest.mark.slow
@pytest.mark.xdist_group("exercise-solutions")
@pytest.mark.parametrize("notebook", solution_notebooks(), ids=lambda p: p.stem)
def test_every_solution_notebook_runs_and_passes_its_checks(notebook, sample_workshop, tmp_path, progress_in_tmp):
    _run(notebook, sample_workshop, tmp_path)
    spec = next(s for s in SPECS if s.notebook == notebook.stem)
    parts = json.loads(progress_in_tmp.read_text())[spec.id]["parts"]
    assert set(parts.values()) == {"correct"} and len(parts) == len(spec.parts)


@pytest.mark.slow
@pytest.mark.xdist_group("exercise-trainee")
@pytest.mark.parametrize("notebook", sorted(EXERCISES_DIR.glob("ex*.ipynb")), ids=lambda p: p.stem)
def test_every_trainee_notebook_runs_clean_and_reports_not_done(notebook, sample_workshop, tmp_path, progress_in_tmp):
    _run(notebook, sample_workshop, tmp_path)
    spec = next(s for s in SPECS if s.notebook == notebook.stem)
    parts = json.loads(progress_in_tmp.read_text())[spec.id]["parts"]
    assert set(parts.values()) == {"not done"} and len(parts) == len(spec.parts)

