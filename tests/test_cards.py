"""KPI cards: thresholds and trend by hand; on the sample workshop, the numbers, the HTML and the workbook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import kpilib
from kpilib.days.cards import (KpiCard, build_card, build_cards, card_kpis, cards_html, cards_overview, review_schedule, status_of,
                          thresholds, write_workbook)
from kpilib.kpis.caveats import data_end
from kpilib.exceptions import ParameterError


def test_status_against_the_target():
    # higher is better, target 0.80, band 10 %: amber from 0.80 - 0.08 = 0.72
    assert [status_of(v, 0.80, polarity="higher") for v in (0.80, 0.79, 0.72, 0.7199)] == [
        "green", "amber", "amber", "red"]
    # lower is better, target 0.15: amber up to 0.15 + 0.015 = 0.165
    assert [status_of(v, 0.15, polarity="lower") for v in (0.15, 0.16, 0.165, 0.17)] == [
        "green", "amber", "amber", "red"]
    # a band of 0 has no amber
    assert status_of(0.79, 0.80, polarity="higher", amber_band=0) == "red"
    assert status_of(0.5, None, polarity="higher") == "no target"
    assert status_of(float("nan"), 0.8, polarity="higher") == "no data"
    assert thresholds(0.80, polarity="higher", amber_band=0.10, unit="share") == {
        "green": "≥ 80.0%", "amber": "72.0% to 80.0%", "red": "< 72.0%"}
    assert thresholds(360, polarity="lower", amber_band=0.05, unit="seconds") == {
        "green": "≤ 360 s", "amber": "360 s to 378 s", "red": "> 378 s"}  # 360 × 1.05 = 378
    kpilib.set_language("nl")
    try:                                                                  # 0.8 × (1 - 0.1) = 0.72
        assert thresholds(0.80, polarity="higher", amber_band=0.10, unit="share") == {
            "green": "≥ 80,0\u00a0%", "amber": "72,0\u00a0% tot 80,0\u00a0%", "red": "< 72,0\u00a0%"}
    finally:
        kpilib.set_language("en")


def card(values, *, polarity="higher", target=0.5, name="Resolved <b>fast</b>") -> KpiCard:
    months = pd.date_range("2026-04-01", periods=len(values), freq="MS")
    monthly = pd.DataFrame({"month": months, "numerator": [v * 100 for v in values],
                            "denominator": [100] * len(values), "value": values})
    caveats = pd.DataFrame({"table": ["cases"], "caveat": ["x"], "numerator": [1], "denominator": [2],
                            "value": [0.5], "text": ["50% open & <i>unknown</i>"]})
    return KpiCard(kpi="time_to_resolution", name=name, name_nl="Opgelost", question="Q?", chain="every chain",
                   customer_value="speed", kind="result, lag, customer-seen", formula="a / b", call="kpilib.f()",
                   definition={"norm_days": 3}, definition_source="the default definition", unit="share",
                   polarity=polarity, customer_norm="3 working days", internal_norms=(), target=target,
                   target_source="decided on day 7", amber_band=0.1, owner="o", measured="monthly",
                   reviewed="monthly", forum="chain meeting", value=0.5, numerator=50, denominator=100,
                   monthly=monthly, caveats=caveats, gaming=("<script>alert(1)</script>",))


def test_trend_follows_the_polarity():
    # 0.40 → 0.50: +25 % relative, better when higher is better, worse when lower is
    assert card([0.40, 0.45, 0.50]).trend == "better"
    assert card([0.40, 0.45, 0.50], polarity="lower").trend == "worse"
    # 0.500 → 0.505: 1 % relative, below the 2 % of FLAT
    assert card([0.500, 0.6, 0.505]).trend == "flat"
    assert card([0.5]).trend == "not enough months"
    # the latest month with a value: NaN months are skipped
    c = card([0.40, 0.55, np.nan])
    assert (c.latest, c.latest_month, c.status) == (0.55, pd.Timestamp("2026-05-01"), "green")


def test_html_is_escaped_and_self_contained():
    text = cards_html([card([0.4, 0.5])])
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Resolved &lt;b&gt;fast&lt;/b&gt;" in text and "&lt;i&gt;unknown&lt;/i&gt;" in text
    assert "<svg" in text and "http" not in text  # the sparkline is inline; nothing is fetched


@pytest.fixture(scope="module")
def ws(sample_workshop):
    return kpilib.open_workshop(sample_workshop)


@pytest.fixture(scope="module")
def cards(ws):
    return build_cards(ws)


def test_cards_follow_the_kpi_set_and_equal_the_kpi_functions(ws, cards):
    assert [c.kpi for c in cards] == [item["kpi"] for item in ws.decision("kpi_set")]
    resolution = cards[0]
    assert resolution.kpi == "time_to_resolution"
    # norm_days from the day-6 definition and the day-7 norm (3); target 0.80 from day 7
    assert dict(resolution.definition) == {"norm_days": 3}
    assert resolution.definition_source == "decided on day 6; norm decided on day 7"
    assert resolution.target == 0.80 and resolution.owner == "manager technical support"
    expected = kpilib.time_to_resolution(ws.store.cases, norm_days=3, calendar=ws.calendar,
                                         as_of=data_end(ws.store))
    assert (resolution.numerator, resolution.denominator) == (expected["numerator"].iloc[0],
                                                              expected["denominator"].iloc[0])
    monthly = kpilib.time_to_resolution(ws.store.cases, norm_days=3, calendar=ws.calendar,
                                        as_of=data_end(ws.store), by="month")
    pd.testing.assert_frame_equal(resolution.monthly, monthly[["month", "numerator", "denominator", "value"]])
    callbacks = next(c for c in cards if c.kpi == "callback_timeliness")
    assert callbacks.definition_source == "not decided on day 6: the catalogue's definition"
    assert callbacks.reviewed == "weekly"  # a leading KPI


def test_internal_norm_next_to_the_customer_norm(ws, cards):
    order = next(c for c in cards if c.kpi == "time_to_first_contact")
    assert order.customer_norm == "5 working days"
    assert order.internal_norms == ("field service: target 85% (within 20 working days)",)  # the team's own: 0.85 → 85%
    assert [c.caveat for c in order.caveats.itertuples()] == ["not contacted at export"]


def test_workbook_sheets_and_cells(cards, tmp_path):
    path = write_workbook(cards, tmp_path / "kpi_cards.xlsx")
    book = load_workbook(path)
    # sheet names are the KPIs' names, cut to Excel's 31 characters (no trailing space)
    assert book.sheetnames == ["Overview", "Resolved within the norm", "Repeat contact rate",
                               "Complaints resolved to satisfac", "Call-backs on time", "Time to first contact after an"]
    overview = book["Overview"]
    assert [cell.value for cell in overview[1]][:3] == ["sheet", "kpi", "chain"]
    assert overview["A2"].value == "Resolved within the norm" and overview["B2"].value == "Resolved within the norm"
    assert overview["H2"].value == cards[0].status
    sheet = book["Resolved within the norm"]
    fields = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 31)}
    assert fields["Target"] == 0.80
    assert fields["Whole period: numerator"] == cards[0].numerator
    assert fields["Whole period: value"] == pytest.approx(cards[0].value)
    assert fields["Owner"] == "manager technical support"
    # the monthly table under the fields: April, May, June 2026 with the KPI's values
    header = next(r for r in range(1, 60) if sheet.cell(r, 1).value == "month")
    months = [(sheet.cell(r, 1).value, sheet.cell(r, 4).value) for r in range(header + 1, header + 1 + len(cards[0].monthly))]
    assert [m for m, _ in months] == [m.to_pydatetime() for m in cards[0].monthly["month"]]
    assert [v for _, v in months] == pytest.approx(cards[0].monthly["value"].tolist())


def test_workbook_refuses_a_wrong_name_and_an_empty_set(cards, tmp_path):
    with pytest.raises(ParameterError, match="must end in .xlsx"):
        write_workbook(cards, tmp_path / "cards.xls")
    with pytest.raises(ParameterError, match="no cards to write"):
        write_workbook([], tmp_path / "cards.xlsx")
    assert not list(tmp_path.iterdir())


def test_overview_and_review_schedule(ws, cards):
    overview = cards_overview(cards)
    assert overview["status"].tolist() == [c.status for c in cards]
    schedule = review_schedule(cards)
    # callback_timeliness leads (weekly, the owner's team); the four results lag (monthly, the chain)
    assert schedule[["frequency", "kpis"]].values.tolist() == [
        ["monthly", "Resolved within the norm, Repeat contact rate, Complaints resolved to satisfaction, "
                    "Time to first contact after an order"],
        ["weekly", "Call-backs on time"]]
    with pytest.raises(ParameterError, match="`amber_band` must be >= 0"):
        build_card(ws, "csat", amber_band=-1)


def test_without_a_kpi_set_the_customer_outcomes_get_cards(sample_workshop, tmp_path):
    import shutil

    folder = tmp_path / "ws"
    shutil.copytree(sample_workshop, folder, ignore=shutil.ignore_patterns("store.duckdb.wal"))
    text = (folder / "workshop.yaml").read_text()
    start = text.index("  kpi_set:")
    end = text.index("  sign_off:")
    (folder / "workshop.yaml").write_text(text[:start] + text[end:])
    ws = kpilib.open_workshop(folder)
    assert ws.decision("kpi_set") == []
    assert card_kpis(ws) == ws.decision("customer_outcomes")
    assert build_card(ws, "csat").owner == "to be agreed"


def test_the_workbook_speaks_the_workshop_language(cards, tmp_path):
    kpilib.set_language("nl")
    try:
        book = load_workbook(write_workbook(cards, tmp_path / "kpi_cards.xlsx"))
    finally:
        kpilib.set_language("en")
    assert book.sheetnames[:2] == ["Overzicht", "Opgelost binnen de norm"]
    overview = book["Overzicht"]
    assert [cell.value for cell in overview[1]][:4] == ["blad", "KPI", "keten", "eigenaar"]
    sheet = book["Opgelost binnen de norm"]
    fields = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 31)}
    assert fields["Streefwaarde"] == 0.80 and fields["Beter als"] == "hoger is beter"
    assert fields["Definitie"] == "binnen 3 werkdagen"
    # no parameter names or kpilib calls on the client's workbook
    texts = [c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if "norm_days" in t or "kpilib." in t or "=" in t]


def test_a_kpi_whose_first_line_is_found_in_the_data_gets_its_card(ws):
    # escalation_rate's first line defaults to None: the team where most cases start, as compute_kpi finds it;
    # the card used to check that None as a chosen value and failed day 10 for a set that held the KPI
    card = build_card(ws, "escalation_rate")
    expected = kpilib.compute_kpi("escalation_rate", ws.store)
    assert (card.numerator, card.denominator) == (expected["numerator"].iloc[0], expected["denominator"].iloc[0])
    assert card.denominator > 0
