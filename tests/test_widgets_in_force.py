"""What a page says about a decision in force follows the record button in the live room, and is untouched in the pack."""

from __future__ import annotations

import ipywidgets as widgets

import kpilib
from kpilib.exceptions import ParameterError
from kpilib.widgets import InForce, in_force, record_decision


def _said(shown: InForce) -> str:
    (output,) = shown.outputs
    return output["data"]["text/markdown"]


def _tactic_text(ws):
    return lambda: kpilib.narrate("The tactic in force is **{tactic}** ({source}).",
                                  tactic=kpilib.decision_text("tactic", ws.decision("tactic")) if ws.decision("tactic")
                                  else kpilib.tr("not chosen yet"), source=kpilib.source_words(ws.decision_source("tactic")))


def test_in_batch_mode_the_text_is_shown_as_it_is(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    text = kpilib.narrate("The tactic in force is **{tactic}**.", tactic="x")
    assert in_force(ws, "tactic", lambda: text, interactive=False) is text   # the pack's output is the same object


def test_recording_and_undoing_redraw_the_text_of_that_decision_only(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    other = kpilib.new_workshop(tmp_path / "other", client="Other", start="2026-12-01")
    tactic = in_force(ws, "tactic", _tactic_text(ws), interactive=True)
    levers = in_force(ws, ["levers"], lambda: kpilib.narrate("Levers: {n}", n=len(ws.decision("levers"))),
                      interactive=True)
    elsewhere = in_force(other, "tactic", _tactic_text(other), interactive=True)
    assert _said(tactic) == "The tactic in force is **not chosen yet** (the default)."
    assert tactic.get_state()["outputs"] == tactic.outputs and repr(tactic)   # a widget the page can show

    choice = widgets.Dropdown(options=["customer_intimacy", "operational_excellence"], value="operational_excellence")
    box = record_decision(ws, "tactic", choice)
    box.button.click()
    assert _said(tactic) == "The tactic in force is **Operational excellence** (recorded in the workshop)."
    assert _said(levers) == "Levers: 0"
    assert _said(elsewhere) == "The tactic in force is **not chosen yet** (the default)."   # another workshop's page

    box.undo()
    assert _said(tactic) == "The tactic in force is **not chosen yet** (the default)."


def test_a_refused_recording_leaves_the_text_and_a_failing_text_says_why(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "acme", client="Acme", start="2026-12-01")
    tactic = in_force(ws, "tactic", _tactic_text(ws), interactive=True)
    record_decision(ws, "tactic", lambda: "cheapest").record()           # not a tactic: refused by the store
    assert _said(tactic) == "The tactic in force is **not chosen yet** (the default)."

    def broken():
        raise ParameterError("`tactic` must be one of 'customer_intimacy'; got 'cheapest'")

    shown = in_force(ws, "tactic", broken, interactive=True)
    (output,) = shown.outputs
    assert "Cannot be shown: `tactic` must be one of" in output["data"]["text/html"]
