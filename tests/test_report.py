"""What day notebooks show: escaped tables and narrative, readable numbers, the day summary."""

from __future__ import annotations

import re
from unittest import mock

import pandas as pd
import pytest

import kpilib
from kpilib.exceptions import ParameterError
from kpilib.report.narration import SUMMARY_MIME, collapsible, day_summary, format_value, narrate, show_table


@pytest.mark.parametrize("value, text", [
    (12345, "12,345"),               # whole numbers: the language's thousands separator
    (0.8234, "0.82"),                # other numbers: two decimals
    (305.4, "305"),                  # from 100 on: none
    (float("nan"), "–"),
    (True, "yes"),
    (["resolution", "speed"], "resolution, speed"),
    ({"resolution_days": 3, "callback_hours": 24}, "resolution_days: 3; callback_hours: 24"),
    ([{"team": "a", "definition": {}}, {"team": "b", "definition": {"norm_days": 20}}],
     "team=a, definition=(default) | team=b, definition=(norm_days=20)"),
])
def test_format_value(value, text):
    assert format_value(value) == text


def test_show_table_escapes_cells_headers_and_caption():
    frame = pd.DataFrame({"team <b>": ["<script>alert(1)</script>", "A & B"], "calls": [12345, 7]})
    html = show_table(frame, caption="<i>caption</i>").to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "A &amp; B" in html
    assert "team &lt;b&gt;" in html and "<b>" not in html
    assert "&lt;i&gt;caption&lt;/i&gt;" in html
    assert "12,345" in html                           # readable whole numbers
    assert 'class="row_heading' not in html           # the index is hidden


def test_show_table_formats_and_labels():
    frame = pd.DataFrame({"share_met": [0.5], "value": [0.83333], "at": [pd.Timestamp("2026-06-01 14:05")]})
    html = show_table(frame, formats={"share_met": "{:.0%}"}).to_html()
    assert "50%" in html and "0.833" in html and "01-06-2026 14:05" in html
    assert ">share met<" in html                      # underscores become spaces in the header


def test_show_table_is_the_same_html_twice():
    frame = pd.DataFrame({"a": [1.5, 2.5]})
    assert show_table(frame).to_html() == show_table(frame.copy()).to_html()


def test_show_table_rejects_formats_of_unknown_columns():
    with pytest.raises(ParameterError, match="`formats` or `headers` name columns the table does not have: valu; it has: value"):
        show_table(pd.DataFrame({"value": [1.0]}), formats={"valu": "{:.0%}"})


def test_narrate_escapes_the_values_not_the_markdown():
    text = narrate("**{name}** waited {share:.0%}", name="<b>first</b>", share=0.256).data
    assert text == "**&lt;b&gt;first&lt;/b&gt;** waited 26%"


def test_collapsible_folds_a_table_under_an_escaped_summary():
    html = collapsible("All <3> comments", show_table(pd.DataFrame({"comment": ["<b>"]}))).data
    assert html.startswith("<details><summary>All &lt;3&gt; comments</summary>")
    assert "&lt;b&gt;" in html


@pytest.fixture
def workshop(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "acme", client="ACME <Telecom>", start="2026-12-01")
    ws.decide("customer_values", ["resolution", "speed"], by="group")
    return ws


def _shown(ws, **kwargs) -> dict:
    with mock.patch("IPython.display.display") as display:
        day_summary(ws, **kwargs)
    (bundle,), options = display.call_args
    assert options == {"raw": True}
    return bundle


def test_day_summary_attaches_results_and_decisions(workshop):
    bundle = _shown(workshop, day=1, results={"Surveys": 1208, "Driver <b>": "resolution"},
                    decisions=["customer_values", "customer_norms"])
    summary = bundle[SUMMARY_MIME]
    assert summary["version"] == 1 and summary["day"] == 1
    assert summary["results"][0] == {"label": "Surveys", "value": 1208, "text": "1,208"}
    values, norms = summary["decisions"]
    assert values["value"] == ["resolution", "speed"] and values["default"] is False   # recorded
    assert norms["default"] is True                                                    # never decided
    assert norms["value"] == kpilib.DECISION_KEYS["customer_norms"].default
    assert values["items"] is None


def test_day_summary_keeps_the_order_of_list_items(workshop):
    inventory = [{"team": "field", "kpi": "time_to_first_contact", "definition": {"norm_days": 20}, "target": 0.85}]
    workshop.decide("current_kpis", inventory)
    bundle = _shown(workshop, day=3, decisions=["current_kpis"])
    (row,) = bundle[SUMMARY_MIME]["decisions"]
    # in words, team first, then the KPI by name, its definition as a sentence, its target (0.85 → 85%)
    assert row["items"] == ["field service: Time to first contact after an order (within 20 working days), target 85%"]
    assert "<li>field service: Time to first contact after an order" in bundle["text/html"]
    assert "norm_days" not in bundle["text/html"] and "kpi=" not in bundle["text/html"]   # no parameter names


def test_day_summary_says_visibly_when_a_default_is_used(workshop):
    html = _shown(workshop, day=1, decisions=["customer_values", "customer_norms"])["text/html"]
    assert html.count("documented default") == 1          # customer_norms only
    assert "<strong>customer norms</strong><span" in html


def test_day_summary_escapes_labels_and_values(workshop):
    html = _shown(workshop, day=2, results={"Team <b>": "<script>x</script>"})["text/html"]
    assert "Team &lt;b&gt;" in html and "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html


def test_day_summary_checks_day_and_keys(workshop):
    with pytest.raises(ParameterError, match="`day` must be <= 10; got 11"):
        day_summary(workshop, day=11)
    with pytest.raises(ParameterError, match="`decisions` must be one of 'customer_values'"):
        day_summary(workshop, day=1, decisions=["customer_value"])


def test_an_empty_table_says_none_yet_in_its_caption():
    frame = pd.DataFrame({"kpi": pd.Series([], dtype=object), "definition": pd.Series([], dtype=object)})
    assert "The definitions in force: none yet</caption>" in show_table(frame, caption="The definitions in force").to_html()
    assert "The definitions in force</caption>" in show_table(frame.reindex([0]).fillna("x"),
                                                             caption="The definitions in force").to_html()


def test_day_summary_says_who_recorded_a_decision_when_and_why(workshop):
    workshop.decide("tactic", "customer_intimacy", by="MT <board>", note="customers first")
    bundle = _shown(workshop, day=8, decisions=["tactic", "levers"])
    tactic, levers = bundle[SUMMARY_MIME]["decisions"]
    assert re.fullmatch(r"recorded by MT <board> on \d\d-\d\d-\d{4} \d\d:\d\d — customers first", tactic["recorded"])
    assert levers["recorded"] is None                                   # not recorded: the default stands
    assert "recorded by MT &lt;board&gt; on " in bundle["text/html"]    # escaped on the page
    assert tactic["text"] == "Customer intimacy"


@pytest.mark.parametrize("language, expected", [
    ("en", ["KPIs", "handle time (s)", "agents (Erlang C)", "p90 (hours)", "calls per hour"]),
    ("nl", ["KPI's", "afhandeltijd (s)", "medewerkers (Erlang C)", "p90 (uren)", "gesprekken per uur"])])
def test_column_names_that_are_codes_get_a_label_in_both_languages(language, expected):
    import html

    frame = pd.DataFrame({"kpis": ["a"], "aht_s": [300], "agents_c": [6], "p90_hours": [2.5], "calls_per_hour": [34.6]})
    kpilib.set_language(language)
    try:
        headers = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', show_table(frame).to_html())
    finally:
        kpilib.set_language("en")
    assert [html.unescape(h) for h in headers] == expected  # never "kpis", "aht s" or "agents c"
