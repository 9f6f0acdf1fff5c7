"""The KPI catalogue: every entry matches its kpilib function, and compute_kpi runs it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest
import yaml

import kpilib
from kpilib import synth
from kpilib.kpis.catalogue import CATALOGUE_FILE, NOT_DEFINITION, UNITS, compute_kpi, load_catalogue
from kpilib.exceptions import ParameterError, WorkshopError

from _fixtures import frame

#: The KPI ids every part of kpi-workshop shares.
IDS = ["service_level", "abandonment_rate", "average_speed_of_answer", "average_handle_time", "repeat_contact_rate",
       "first_contact_resolution", "transfer_rate", "contacts_per_case", "handoffs_per_case", "escalation_rate",
       "time_to_first_contact", "time_to_resolution", "complaints_resolved_to_satisfaction", "callback_timeliness",
       "csat", "nps", "ces", "agent_resolved_rate", "stays_within_norm"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """A small generated provider: every canonical table, every KPI has rows to count."""
    return synth.generate(seed=7, months=1, customers=1_500)


def test_the_catalogue_holds_every_shared_kpi_id(catalogue):
    assert catalogue.ids == IDS
    assert len(catalogue) == len(IDS) and "service_level" in catalogue and "sla" not in catalogue


def test_every_entry_matches_its_function(catalogue):
    for entry in catalogue:
        function = getattr(kpilib, entry.id)
        params = inspect.signature(function).parameters
        definitional = [n for n, p in params.items() if p.kind == p.KEYWORD_ONLY
                        and n not in NOT_DEFINITION and n not in entry.inputs]
        assert list(entry.definition) == definitional, entry.id
        for name, parameter in entry.definition.items():
            own = params[name].default
            if own is not inspect.Parameter.empty:
                assert parameter.default == own, (entry.id, name)
        assert set(entry.inputs) <= set(params), entry.id
        assert set(entry.sources) <= {"contacts", "cases", "events", "orders", "surveys", "callbacks"}
        assert entry.unit in UNITS and entry.polarity in ("higher", "lower")
        assert entry.name["en"] and entry.name["nl"] and entry.question.endswith("?") and entry.gaming
        assert entry.norm is None or entry.norm in entry.definition


def test_every_allowed_choice_runs_and_a_wrong_one_is_refused_as_the_function_refuses_it(catalogue, tables):
    for entry in catalogue:
        for name, parameter in entry.definition.items():
            if parameter.choices is None:
                continue
            for choice in parameter.choices:
                result = compute_kpi(entry.id, tables, **{name: choice})
                assert list(result.columns) == ["numerator", "denominator", "value"], (entry.id, name, choice)
            with pytest.raises(ParameterError) as ours:
                entry.check_definition({name: "no such choice"})
            with pytest.raises(ParameterError) as theirs:
                arguments = {k: tables[v[0]] for k, v in entry.inputs.items()}
                entry.function(**arguments, **{name: "no such choice"})
            assert str(ours.value) == f"{entry.id}: {theirs.value}"


def test_the_calls_read_as_kpilib_code(catalogue):
    assert catalogue.entry("time_to_resolution").call({"norm_days": 5}) == "kpilib.time_to_resolution(cases, norm_days=5)"
    assert catalogue.entry("complaints_resolved_to_satisfaction").call() == (
        "kpilib.complaints_resolved_to_satisfaction(cases, surveys, nonresponse='exclude', min_csat=4)")
    frame_ = catalogue.frame()
    assert list(frame_["id"]) == IDS
    assert frame_.set_index("id").loc["service_level", "sources"] == "contacts"
    assert frame_.set_index("id").loc["handoffs_per_case", "sources"] == "events, contacts"


def test_an_unknown_id_lists_the_valid_ones(catalogue):
    with pytest.raises(ParameterError, match=r"`kpi` must be a KPI id of the catalogue \(service_level, "
                                             r"abandonment_rate, .*\); got 'sla'"):
        catalogue.entry("sla")


# -- compute_kpi on hand-made tables -----------------------------------------------------------

CASES = frame("cases", [
    {"case_id": "K1", "opened_at": "2026-12-07 10:00", "resolved_at": "2026-12-10 09:00"},  # Mon->Thu: 3 wd
    {"case_id": "K2", "opened_at": "2026-12-07 10:00", "resolved_at": "2026-12-11 16:00"},  # Mon->Fri: 4 wd
    # Mon 21 -> Mon 28 Dec: 21, 22, 23, 24 (25 Christmas, 26/27 weekend) = 4 wd
    {"case_id": "K3", "opened_at": "2026-12-21 09:00", "resolved_at": "2026-12-28 09:00"},
    # still open; opened Tue 22 Dec, at 31 Dec: 22, 23, 24, 28, 29, 30 = 6 wd elapsed
    {"case_id": "K4", "opened_at": "2026-12-22 09:00"},
])


@pytest.mark.parametrize("norm_days, numerator, denominator", [
    (3, 1, 4),   # K1 within; K2, K3 late; K4 open past the norm (6 > 3) counts as a breach: 1 / 4
    (4, 3, 4),   # K1, K2, K3 within; K4 breach (6 > 4): 3 / 4
    (6, 3, 3),   # K4 open but not past the norm (6 is not > 6): left out, 3 / 3
])
def test_compute_kpi_runs_the_entry_with_the_chosen_definition(norm_days, numerator, denominator):
    result = compute_kpi("time_to_resolution", {"cases": CASES}, norm_days=norm_days, as_of="2026-12-31 12:00")
    assert result.to_dict("records") == [{"numerator": numerator, "denominator": denominator,
                                          "value": numerator / denominator}]


def test_compute_kpi_takes_the_catalogue_default_where_the_function_has_none():
    # the catalogue's default norm_days for time_to_resolution is 3: as the first case above, 1 / 4
    result = compute_kpi("time_to_resolution", {"cases": CASES}, as_of="2026-12-31 12:00")
    assert (result["numerator"].item(), result["denominator"].item()) == (1, 4)


def test_escalation_rate_defaults_its_first_line_to_the_team_where_most_cases_start():
    events = frame("events", [
        {"case_id": "A", "at": "2026-12-07 09:00", "team": "helpdesk"},
        {"case_id": "A", "at": "2026-12-07 10:00", "team": "second_line"},
        {"case_id": "B", "at": "2026-12-07 09:30", "team": "helpdesk"},
        {"case_id": "C", "at": "2026-12-07 11:00", "team": "billing"},
    ])
    # A and B start at the helpdesk (2 of 3 cases), so it is the first line; A and C reach another team: 2 / 3
    result = compute_kpi("escalation_rate", {"events": events})
    assert (result["numerator"].item(), result["denominator"].item()) == (2, 3)
    # naming the first line: with billing also counted as first line, only A escalates: 1 / 3
    result = compute_kpi("escalation_rate", {"events": events}, first_line=["helpdesk", "billing"])
    assert (result["numerator"].item(), result["denominator"].item()) == (1, 3)


def test_compute_kpi_names_what_is_missing_or_wrong():
    with pytest.raises(WorkshopError, match=r"`time_to_first_contact` needs the table `orders`; the tables given are "
                                            r"cases\. Map a source to it"):
        compute_kpi("time_to_first_contact", {"cases": CASES})
    with pytest.raises(ParameterError, match=r"`norm_day` is not a definition parameter of `time_to_resolution`; "
                                             r"its parameters are `norm_days`"):
        compute_kpi("time_to_resolution", {"cases": CASES}, norm_day=3)
    with pytest.raises(ParameterError, match=r"`csat` does not take `calendar`"):
        compute_kpi("csat", {}, calendar=kpilib.WorkingCalendar())


# -- checking the file --------------------------------------------------------------------------

def _entries() -> list[dict]:
    return yaml.safe_load(CATALOGUE_FILE.read_text())


def test_a_broken_catalogue_lists_every_problem(tmp_path: Path):
    entries = _entries()
    entries[0]["id"] = "service_levels"
    entries[1]["definition"]["threshold_s"] = {"minimum": 0}
    del entries[2]["definition"]["clock"]
    entries[3]["unit"] = "minutes"
    entries[4]["definition"]["match"] = {"choices": "kpilib.kpis.resolution.MATCHERS"}
    late = [e["id"] for e in entries].index("time_to_resolution")
    entries[late]["definition"]["norm_days"] = {"minimum": 0}
    entries.append(entries[-1])
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(entries, sort_keys=False))
    with pytest.raises(WorkshopError) as err:
        load_catalogue(path)
    assert str(err.value).splitlines() == [
        "catalogue.yaml has 7 problems:",
        "  - entry 1 (`service_levels`): `service_levels` is not a kpilib function; an id is the name of the "
        "function that computes the KPI",
        "  - entry 2 (`abandonment_rate`): `threshold_s` is not a definition parameter of kpilib.abandonment_rate",
        "  - entry 3 (`average_speed_of_answer`): kpilib.average_speed_of_answer has definition parameters the "
        "entry does not list: clock",
        "  - entry 4 (`average_handle_time`): `unit` must be one of share, seconds, per_case, nps, ces; found 'minutes'",
        "  - entry 5 (`repeat_contact_rate`): `choices` names 'kpilib.kpis.resolution.MATCHERS', which does not "
        "exist in kpilib",
        f"  - entry {late + 1} (`time_to_resolution`): `norm_days`: kpilib.time_to_resolution has no default; give "
        "one with `default`",
        "  - `stays_within_norm` is listed twice",
    ]


def test_first_contact_resolution_needs_the_tables_of_its_method():
    import pandas as pd

    from kpilib.kpis.catalogue import INPUTS_BY_CHOICE, missing_inputs
    from kpilib.kpis.resolution import FCR_METHODS

    assert set(INPUTS_BY_CHOICE["first_contact_resolution"][1]) == set(FCR_METHODS)
    contacts = {"contacts": pd.DataFrame({"contact_id": ["a"]})}
    assert missing_inputs("first_contact_resolution", contacts) == []  # by repeat contact, the default
    assert missing_inputs("first_contact_resolution", {}) == ["contacts"]
    assert missing_inputs("first_contact_resolution", contacts, {"method": "case"}) == ["cases"]
    assert missing_inputs("first_contact_resolution", contacts, {"method": "survey"}) == ["surveys"]
