"""The record-decision button, wired without a browser: set values, press, read what was stored and shown."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from kpilib.exceptions import ParameterError
from kpilib.widgets import record_decision


class FakeWorkshop:
    """Stands in for kpilib.open_workshop(...): ``decide`` validates like the real store (contract)."""

    def __init__(self):
        self.recorded = []

    def decide(self, key, value, *, by=None, note=None):
        if key == "targets" and not all(isinstance(v, (int, float)) for v in value.values()):
            raise ParameterError("`targets` must map KPI ids to numbers; got 'high' for 'service_level'")
        self.recorded.append((key, value, by, note))
        return {"key": key, "value": value}


def test_the_button_records_the_widget_value_with_who_and_note():
    ws = FakeWorkshop()
    slider = widgets.IntSlider(value=20)
    box = record_decision(ws, "norms", slider, by="Anna")
    slider.value = 30
    box.note.value = "customers told us half a minute"
    box.button.click()
    assert ws.recorded == [("norms", 30, "Anna", "customers told us half a minute")]
    assert "Recorded" in box.message.value and "30" in box.message.value and "Anna" in box.message.value
    assert box.decision == {"key": "norms", "value": 30}


def test_a_callable_is_called_when_the_button_is_pressed_and_empty_fields_become_none():
    ws = FakeWorkshop()
    state = {"chains": ["order_to_activation"]}
    box = record_decision(ws, "chains", lambda: state["chains"])
    state["chains"] = ["order_to_activation", "fault_to_repair"]
    box.record()
    assert ws.recorded == [("chains", ["order_to_activation", "fault_to_repair"], None, None)]
    # the chains by name, as the room reads them (no chains declared: each id reads as a category in words)
    assert "Order to activation, Fault to repair" in box.message.value


def test_a_refused_value_shows_the_message_escaped_and_keeps_what_was_typed():
    ws = FakeWorkshop()
    box = record_decision(ws, "targets", lambda: {"service_level": "high"}, by="<b>Piet</b>")
    box.note.value = "first try"
    assert box.record() is None
    assert ws.recorded == []
    assert "Not recorded" in box.message.value
    assert "`targets` must map KPI ids to numbers" in box.message.value
    assert "Traceback" not in box.message.value
    assert box.who.value == "<b>Piet</b>" and box.note.value == "first try"


def test_recorded_text_from_the_group_is_escaped():
    ws = FakeWorkshop()
    box = record_decision(ws, "customer_values", lambda: ["<script>x</script>"], by="<i>Anna</i>")
    box.record()
    assert "<script>" not in box.message.value and "&lt;script&gt;" in box.message.value
    assert "<i>" not in box.message.value


def test_a_value_that_is_neither_a_widget_nor_callable_is_refused_when_building():
    with pytest.raises(TypeError, match="widget or a callable"):
        record_decision(FakeWorkshop(), "norms", 5)


def test_with_a_real_workshop_the_decision_is_stored_and_a_bad_one_explained(tmp_path):
    import kpilib

    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    targets = widgets.FloatText(value=1.5)
    box = record_decision(ws, "targets", lambda: {"service_level": targets.value}, by="Anna")
    box.record()
    # a share above 1 is refused by the store's validator; the message names the key
    assert "Not recorded" in box.message.value and "targets.service_level" in box.message.value
    assert ws.decision_source("targets") == "default"
    targets.value = 0.8
    decision = box.record()
    assert decision.value == {"service_level": 0.8} and decision.by == "Anna"
    assert kpilib.open_workshop(tmp_path / "acme").decision("targets") == {"service_level": 0.8}


def test_the_log_shows_who_when_and_note_and_undo_puts_the_earlier_decision_back(tmp_path):
    """Two recordings and an undo, on a real store: the log lists all three, newest first; undo's result shows."""
    import kpilib

    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    tactic = widgets.Dropdown(options=["customer_intimacy", "operational_excellence"], value="customer_intimacy")
    box = record_decision(ws, "tactic", tactic)
    assert "Not recorded yet." in box.history.value and box.undo_button.layout.display == "none"
    assert box.button.description == "Record tactic"
    box.who.value, box.note.value = "Anna", "customers want one contact person"
    box.button.click()
    tactic.value = "operational_excellence"
    box.who.value, box.note.value = "Bram", "<b>cheaper</b>"
    box.button.click()
    assert box.undo_button.layout.display is None
    rows = box.history.value.split("<tr")[2:]                      # after the header row, newest first
    assert len(rows) == 2 and "Bram" in rows[0] and "&lt;b&gt;cheaper&lt;/b&gt;" in rows[0]
    assert 'Operational excellence (in force)' in rows[0] and "font-weight:bold" in rows[0]
    assert "Anna" in rows[1] and "customers want one contact person" in rows[1] and "(in force)" not in rows[1]
    box.who.value, box.note.value = "Bram", "taken back"
    box.undo()
    assert ws.decision("tactic") == "customer_intimacy"
    assert 'Undone. In force now for the tactic: Customer intimacy' in box.message.value
    rows = box.history.value.split("<tr")[2:]
    assert len(rows) == 3 and 'undone: Operational excellence' in rows[0] and "taken back" in rows[0]
    assert 'Customer intimacy (in force)' in rows[2]
    box.undo()
    box.undo()                                                  # nothing left: said, not raised
    assert box.message.value.startswith('<div style="color:#b00020">Not undone:')
    assert box.undo_button.layout.display == "none" and ws.decision("tactic") is None


def test_the_log_gives_the_time_in_the_workshops_zone(tmp_path):
    import datetime as dt

    from zoneinfo import ZoneInfo

    from kpilib.widgets._record import _log_html
    from kpilib.workshop.decisions import Decision

    at = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.timezone.utc)      # 01:30 CET; DST starts at 02:00 local
    later = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone.utc)   # 03:30 CEST
    rows = [Decision(1, "tactic", "decide", "customer_intimacy", "Anna", None, at),
            Decision(2, "tactic", "decide", "product_leadership", None, None, later)]
    text = _log_html(rows, {2}, ZoneInfo("Europe/Amsterdam"))
    assert text.index("29-03-2026 03:30") < text.index("29-03-2026 01:30")


def test_the_decision_log_reads_in_the_workshops_language(tmp_path):
    import kpilib

    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    box = record_decision(ws, "tactic", widgets.Dropdown(options=["customer_intimacy"], value="customer_intimacy"))
    box.button.click()
    assert " in Acme" in box.message.value
    kpilib.set_language("nl")
    try:
        box.show_log()
        assert "<th>Wanneer</th><th>Wie</th><th>Wat</th><th>Toelichting</th>" in box.history.value
    finally:
        kpilib.set_language("en")
