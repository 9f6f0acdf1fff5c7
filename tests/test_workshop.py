"""A workshop folder: its blocks of workshop.yaml, the schedule, and which decision is in force."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

import kpilib
from kpilib.workshop.decisions import DECISION_KEYS
from kpilib.exceptions import ParameterError, WorkshopError
from kpilib.workshop.schedule import build_schedule
from kpilib.workshop.folder import DEFAULT_NORMS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
D = dt.date


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample's workshop.yaml on its own (no exports needed to open a workshop)."""
    folder = tmp_path / "sample"
    folder.mkdir()
    shutil.copy(SAMPLE / "workshop.yaml", folder)
    return folder


def workshop(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir(exist_ok=True)
    (folder / "workshop.yaml").write_text("client: ACME Telecom\nsources: {}\n" + text)
    return folder


# -- the schedule -------------------------------------------------------------------------------

def test_the_sample_schedule_is_the_first_ten_working_days_of_december():
    ws = kpilib.open_workshop(SAMPLE)
    # Tue 1 Dec 2026 .. Fri 4, Mon 7 .. Fri 11, Mon 14: no holidays in between
    assert [d.date for d in ws.schedule] == [D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4),
                                             D(2026, 12, 7), D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 10),
                                             D(2026, 12, 11), D(2026, 12, 14)]
    assert str(ws.day(4)) == "Day 4 — Friday 4 December"
    assert (ws.day(4).theme, ws.day(4).notebook) == ("The customer's view", "day04_customer_view")
    assert [d.notebook for d in ws.schedule] == [
        "day01_customer_values", "day02_customer_chains", "day03_todays_kpis", "day04_customer_view",
        "day05_islands", "day06_definitions", "day07_norms_targets", "day08_tactics", "day09_kpi_set",
        "day10_kpi_cards"]
    with pytest.raises(ParameterError, match=r"`day` must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10; got 11"):
        ws.day(11)


def test_christmas_and_new_year_are_skipped(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, "start: 2026-12-21\n"))
    # Mon 21 - Thu 24 Dec; Fri 25 Christmas, Sat 26 / Sun 27 weekend; Mon 28 - Thu 31;
    # Fri 1 Jan New Year, weekend; Mon 4, Tue 5 Jan
    assert [d.date for d in ws.schedule] == [D(2026, 12, 21), D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24),
                                             D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31),
                                             D(2027, 1, 4), D(2027, 1, 5)]
    assert ws.skipped() == {D(2026, 12, 25): "Christmas Day", D(2027, 1, 1): "New Year's Day"}


def test_kings_day_and_ascension_are_skipped_and_extra_dates_too():
    # 2027: King's Day Tue 27 Apr, Ascension Thu 6 May (Easter 28 Mar + 39 days); 4 May skipped by the group
    days = build_schedule(kpilib.WorkingCalendar(), "2027-04-26", skip=["2027-05-04"])
    assert [d.date for d in days] == [D(2027, 4, 26), D(2027, 4, 28), D(2027, 4, 29), D(2027, 4, 30),
                                      D(2027, 5, 3), D(2027, 5, 5), D(2027, 5, 7), D(2027, 5, 10),
                                      D(2027, 5, 11), D(2027, 5, 12)]


def test_a_start_on_a_holiday_moves_to_the_next_working_day():
    days = build_schedule(kpilib.WorkingCalendar(), "2026-12-25", days=2)
    assert [d.date for d in days] == [D(2026, 12, 28), D(2026, 12, 29)]


def test_dutch_headings_and_themes(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, "start: 2026-12-01\nlanguage: nl\nschedule: {days: 5}\n"))
    assert [str(d) for d in ws.schedule] == ["Dag 1 — dinsdag 1 december", "Dag 2 — woensdag 2 december",
                                             "Dag 3 — donderdag 3 december", "Dag 4 — vrijdag 4 december",
                                             "Dag 5 — maandag 7 december"]
    assert ws.day(4).theme == "Door de ogen van de klant"


def test_no_start_means_no_schedule_but_the_workshop_opens(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, ""))
    with pytest.raises(WorkshopError, match=r"no start date, so no schedule. Add a line such as `start: 2026-12-01`"):
        ws.schedule


# -- the blocks of workshop.yaml ----------------------------------------------------------------

def test_every_mistake_in_the_blocks_is_listed_with_its_line(tmp_path):
    folder = workshop(tmp_path, """\
start: 1 December
language: fr
schedule:
  days: 12
  skip: [2026-12-08, next week]
norms:
  resolution_days: -3
parameters:
  threshold s: 20
decisions:
  tactic: cheapest
  kpi_sets: []
""")
    with pytest.raises(WorkshopError) as err:
        kpilib.open_workshop(folder)
    text = str(err.value)
    assert text.startswith("workshop.yaml has 8 problems:\n")
    lines = text.splitlines()[1:]
    for expected, line in zip([
        "workshop.yaml, line 3 (start): expected the first day of the workshop as a date such as 2026-12-01; "
        "found '1 December'.",
        "workshop.yaml, line 4 (language): expected one of en, nl; found 'fr'.",
        "workshop.yaml, line 6 (schedule.days): expected a whole number of days from 1 to 10; found 12.",
        "workshop.yaml, line 7 (schedule.skip.1): expected a date such as 2026-12-24; found 'next week'.",
        "workshop.yaml, line 9 (norms.resolution_days): `customer_norms.resolution_days` must be a positive "
        "number of working days; got -3.",
        "workshop.yaml, line 11 (parameters.threshold s): `threshold s` is not a parameter name",
        "workshop.yaml, line 13 (decisions.tactic): `tactic` must be one of 'operational_excellence', "
        "'customer_intimacy', 'product_leadership'; got 'cheapest'.",
        "workshop.yaml, line 14 (decisions.kpi_sets): `kpi_sets` is not a decision of the workshop; the decisions "
        "are customer_values,",
    ], lines):  # in the order of the file
        assert line.startswith(f"  - {expected}"), (expected, line)


def test_norms_and_parameters_come_from_the_file_over_the_defaults(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, "norms: {resolution_days: 5, first_call_s: 30}\n"
                                                  "parameters: {first_line: helpdesk, threshold_s: 20}\n"))
    assert ws.norms == {**DEFAULT_NORMS, "resolution_days": 5, "first_call_s": 30}
    assert DEFAULT_NORMS["resolution_days"] == 3  # the defaults themselves are untouched
    assert ws.parameters == {"first_line": "helpdesk", "threshold_s": 20}


def test_the_sample_holds_a_valid_batch_decision_for_every_key():
    ws = kpilib.open_workshop(SAMPLE)
    frame = ws.decisions()
    assert list(frame["key"]) == list(DECISION_KEYS)
    assert set(frame["source"]) == {"workshop.yaml"}
    assert ws.decision("current_kpis")[0] == {"team": "first_line", "kpi": "service_level", "target": 0.8,
                                              "definition": {"threshold_s": 20, "clock": "queue",
                                                             "abandoned": "exclude"}}
    assert ws.language == "en" and ws.start == D(2026, 12, 1) and ws.client == "Glasvezel Noord BV"


def test_the_store_needs_an_import(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, ""))
    with pytest.raises(WorkshopError, match=r"store.duckdb: no store yet. Run `kpi-workshop import"):
        ws.store


def test_a_missing_folder_is_a_workshop_error(tmp_path):
    with pytest.raises(WorkshopError, match=r"no such workshop folder"):
        kpilib.open_workshop(tmp_path / "nowhere")


# -- which decision is in force -------------------------------------------------------------------

def test_recorded_beats_workshop_yaml_beats_the_default(sample):
    ws = kpilib.open_workshop(sample)
    assert ws.decision("tactic") == "customer_intimacy" and ws.decision_source("tactic") == "workshop.yaml"
    ws.decide("tactic", "operational_excellence", by="group", note="cost pressure")
    assert ws.decision("tactic") == "operational_excellence" and ws.decision_source("tactic") == "recorded"
    ws.undo("tactic")
    assert ws.decision("tactic") == "customer_intimacy"
    assert ws.defaults_used == {}
    history = ws.history("tactic")
    assert list(history["action"]) == ["decide", "undo"]
    assert list(history["value"]) == ["operational_excellence", "operational_excellence"]
    assert list(history["in_force"]) == [False, False]
    assert history["undoes"].isna()[0] and history["undoes"][1] == history["id"][0]


def test_a_default_is_listed_in_defaults_used_until_a_decision_is_taken(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, "decisions: {tactic: product_leadership}\n"))
    assert ws.decision("customer_outcomes") == DECISION_KEYS["customer_outcomes"].default
    assert ws.decision("levers", default=["one owner per case"]) == ["one owner per case"]
    assert ws.decision("tactic") == "product_leadership"
    assert ws.defaults_used == {"customer_outcomes": DECISION_KEYS["customer_outcomes"].default,
                                "levers": ["one owner per case"]}
    ws.decide("levers", ["call back on the promised day"])
    assert ws.decision("levers") == ["call back on the promised day"]
    assert list(ws.defaults_used) == ["customer_outcomes"]
    # a notebook's own default is checked like a decision
    with pytest.raises(ParameterError, match=r"`norms.csat`|`csat` has no norm"):
        ws.decision("norms", default={"csat": 4})


def test_a_returned_value_is_a_copy(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, ""))
    ws.decision("customer_values").append("price")
    assert ws.decision("customer_values") == DECISION_KEYS["customer_values"].default


def test_an_unknown_key_is_refused_everywhere(tmp_path):
    ws = kpilib.open_workshop(workshop(tmp_path, ""))
    for call in (lambda: ws.decision("tacktic"), lambda: ws.decide("tacktic", "x"), lambda: ws.undo("tacktic"),
                 lambda: ws.history("tacktic")):
        with pytest.raises(ParameterError, match=r"`tacktic` is not a decision of the workshop"):
            call()


def test_export_writes_what_is_in_force_with_its_source(sample, tmp_path):
    ws = kpilib.open_workshop(sample)
    ws.decide("tactic", "operational_excellence", by="group", note="cost pressure")
    exported = yaml.safe_load(ws.export(tmp_path / "decisions.yaml", history=True).read_text())
    assert exported["client"] == "Glasvezel Noord BV"
    assert exported["decisions"]["tactic"]["value"] == "operational_excellence"
    assert exported["decisions"]["tactic"]["source"] == "recorded"
    assert exported["decisions"]["tactic"]["by"] == "group"
    assert exported["decisions"]["sign_off"] == {"day": 10, "value": {"by": "managing director",
                                                                      "date": "2026-12-14"},
                                                 "source": "workshop.yaml"}
    assert [h["key"] for h in exported["history"]] == ["tactic"]
    markdown = ws.export(tmp_path / "decisions.md").read_text()
    assert markdown.startswith("# Decisions of the KPI workshop — Glasvezel Noord BV\n")
    assert "### tactic\n" in markdown and "*recorded* (group, " in markdown and "> cost pressure" in markdown
    assert "## History" not in markdown


# -- a new workshop ---------------------------------------------------------------------------

def test_new_workshop_scaffolds_a_folder_that_opens(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "acme", client='ACME "Telecom": Noord', start="2026-12-21",
                             language="nl", country="BE")
    assert (tmp_path / "acme" / "exports").is_dir() and (tmp_path / "acme" / "decisions.sqlite").is_file()
    assert ws.client == 'ACME "Telecom": Noord' and ws.language == "nl" and ws.calendar.country == "BE"
    assert ws.norms == DEFAULT_NORMS and ws.config.sources == ()
    assert ws.calendar.time_zone == "Europe/Amsterdam"
    # Belgium: Christmas Fri 25 Dec and New Year Fri 1 Jan are skipped as in the Netherlands
    assert ws.day(10).date == D(2027, 1, 5)
    assert not any(r.key for r in ws.decision_store.rows())


def test_new_workshop_refuses_to_overwrite(tmp_path):
    kpilib.new_workshop(tmp_path / "acme", client="ACME", start="2026-12-01")
    before = (tmp_path / "acme" / "workshop.yaml").read_bytes()
    with pytest.raises(WorkshopError, match=r"acme: already holds a workshop \(workshop.yaml, decisions.sqlite\); "
                                            r"nothing was changed"):
        kpilib.new_workshop(tmp_path / "acme", client="Other", start="2027-01-04")
    assert (tmp_path / "acme" / "workshop.yaml").read_bytes() == before


def test_new_workshop_accepts_a_folder_that_holds_the_exports_already(tmp_path):
    (tmp_path / "acme" / "exports").mkdir(parents=True)
    (tmp_path / "acme" / "exports" / "calls.csv").write_text("id\n1\n")
    kpilib.new_workshop(tmp_path / "acme", client="ACME", start="2026-12-01")
    assert (tmp_path / "acme" / "exports" / "calls.csv").read_text() == "id\n1\n"


@pytest.mark.parametrize("kwargs, message", [
    ({"start": "01-12-2026"}, r"`start` must be a date such as 2026-12-01; got '01-12-2026'"),
    ({"language": "de"}, r"`language` must be one of 'en', 'nl'; got 'de'"),
    ({"country": "XX"}, r"`country` must be a country code of the holidays package"),
    ({"client": " "}, r"`client` must be a non-empty text"),
])
def test_new_workshop_checks_its_arguments_and_writes_nothing(tmp_path, kwargs, message):
    arguments = {"client": "ACME", "start": "2026-12-01", **kwargs}
    with pytest.raises(ParameterError, match=message):
        kpilib.new_workshop(tmp_path / "acme", **arguments)
    assert not (tmp_path / "acme").exists()


def test_where_a_decision_comes_from_reads_as_words_in_both_languages():
    from kpilib import set_language, source_words

    assert [source_words(s) for s in ("recorded", "workshop.yaml", "default")] == [
        "recorded in the workshop", "set in the workshop's settings", "the default"]
    set_language("nl")
    try:
        assert [source_words(s) for s in ("recorded", "workshop.yaml", "default")] == [
            "vastgelegd in de workshop", "vastgelegd in de instellingen van de workshop", "de standaardwaarde"]
    finally:
        set_language("en")
