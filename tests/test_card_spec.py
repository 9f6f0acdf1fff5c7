"""A card's fingerprint, decision date and change log, and its metric specification."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpilib
from kpilib.data.calendar import WorkingCalendar
from kpilib.days._card_spec import decided_text, definition_changes, fingerprint, spec_rows

NL = WorkingCalendar(country="NL")
AT = pd.Timestamp("2026-12-08 10:00", tz="Europe/Amsterdam")


def test_the_fingerprint_is_the_definition_the_zone_and_the_calendar():
    base = fingerprint("service_level", {"threshold_s": 20, "clock": "queue"}, time_zone="Europe/Amsterdam", calendar=NL)
    assert base.startswith("d-") and len(base) == len("d-xxxx-xxxx-xxxx")
    # the same inputs in another order, or 20.0 for 20: the same number, the same fingerprint
    assert fingerprint("service_level", {"clock": "queue", "threshold_s": 20.0}, time_zone="Europe/Amsterdam",
                       calendar=NL) == base
    # any switch changes it: a parameter, the time zone, an extra closed day
    others = {
        fingerprint("service_level", {"threshold_s": 30, "clock": "queue"}, time_zone="Europe/Amsterdam", calendar=NL),
        fingerprint("service_level", {"threshold_s": 20, "clock": "arrival"}, time_zone="Europe/Amsterdam", calendar=NL),
        fingerprint("service_level", {"threshold_s": 20, "clock": "queue"}, time_zone="Europe/Brussels", calendar=NL),
        fingerprint("service_level", {"threshold_s": 20, "clock": "queue"}, time_zone="Europe/Amsterdam",
                    calendar=WorkingCalendar(country="NL", closed=["2026-12-24"])),
        fingerprint("abandonment_rate", {"threshold_s": 20, "clock": "queue"}, time_zone="Europe/Amsterdam", calendar=NL),
    }
    assert base not in others and len(others) == 5


def test_the_change_log_follows_the_recorded_definitions_and_their_undos():
    history = pd.DataFrame([
        {"at": AT, "action": "decide", "by": "MT", "value": {"service_level": {"threshold_s": 20}}},
        # another KPI changes: no change for the service level
        {"at": AT + pd.Timedelta(hours=1), "action": "decide", "by": "MT",
         "value": {"service_level": {"threshold_s": 20}, "repeat_contact_rate": {"window_days": 3}}},
        {"at": AT + pd.Timedelta(days=1), "action": "decide", "by": "Anna", "value": {"service_level": {"threshold_s": 30}}},
        # the undo brings back the second recording: the service level goes back to 20 s
        {"at": AT + pd.Timedelta(days=2), "action": "undo", "by": "Bram", "value": None},
    ])
    got = definition_changes(history, "service_level")
    assert [(c["by"], c["definition"]) for c in got] == [
        ("MT", {"threshold_s": 20}), ("Anna", {"threshold_s": 30}), ("Bram", {"threshold_s": 20})]
    assert decided_text(got, "recorded") == "recorded on 10 December 2026 (Bram)"
    assert decided_text([], "workshop.yaml") == "set in the workshop's settings"
    assert decided_text([], "default") == "not decided: the catalogue's definition"


def test_the_specification_says_the_clock_the_spine_the_filters_and_what_to_watch():
    rows = dict(spec_rows("service_level", {"threshold_s": 20, "clock": "arrival", "channel": "phone"},
                          calendar=NL, time_zone="Europe/Amsterdam"))
    assert rows["Clock"] == "the wait starts when the customer calls"
    assert rows["Filters"] == "only phone contacts"
    assert rows["Watch next to it"] == "Abandonment rate"
    # the zone and the country in words, not as the codes the configuration holds
    assert rows["Time spine"] == ("calendar months in Central European Time; working days: Monday to Friday "
                                  "without public holidays (Netherlands)")
    assert rows["Empty periods"].startswith("a month without anything to count has no value (not 0)")
    kpilib.set_language("nl")
    try:
        rows = dict(spec_rows("time_to_resolution", {"norm_days": 3}, calendar=NL, time_zone="Europe/Amsterdam"))
        assert rows["Filters"] == "geen" and rows["Watch next to it"] == "Percentage herhaalcontact"
        assert "werkdagen" in rows["Clock"]
        assert rows["Time spine"] == ("kalendermaanden in de Midden-Europese tijd; werkdagen: maandag tot en met "
                                      "vrijdag zonder feestdagen (Nederland)")
        utc = dict(spec_rows("time_to_resolution", {}, calendar=NL, time_zone="UTC"))["Time spine"]
        assert utc.startswith("kalendermaanden in de Gecoördineerde Universele Tijd (UTC);")
    finally:
        kpilib.set_language("en")


def test_a_card_carries_its_fingerprint(sample_workshop):
    ws = kpilib.open_workshop(sample_workshop)
    card = kpilib.build_card(ws, "repeat_contact_rate")
    assert card.fingerprint == fingerprint("repeat_contact_rate", card.definition, time_zone=ws.config.time_zone,
                                           calendar=ws.calendar)
    html = kpilib.cards_html([card])
    assert card.fingerprint in html and "Watch next to it" in html and "Time spine" in html
