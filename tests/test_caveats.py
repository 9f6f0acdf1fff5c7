"""Data caveats of a KPI card: shares with their numerator and denominator."""

from __future__ import annotations

from _fixtures import contact, contacts, frame
from kpilib.kpis.caveats import data_caveats, survey_response_rate


def tables():
    return {
        "contacts": contacts([
            contact("a", "2026-03-02 09:00", wait=5, talk=60, customer_id="C1", case_id="K1"),
            contact("b", "2026-03-02 10:00", wait=5, talk=60, case_id="K2"),  # no customer
            contact("c", "2026-03-02 11:00", wait=5, talk=60),  # no customer, no case
            contact("d", "2026-03-02 12:00", wait=5, talk=60, customer_id="C1", case_id="K1"),
            contact("e", "2026-03-02 12:00", ivr=None, wait=0, talk=60, direction="outbound"),  # not inbound
        ]),
        "cases": frame("cases", [
            dict(case_id="K1", opened_at="2026-03-02 09:00", resolved_at="2026-03-03 09:00"),
            dict(case_id="K2", opened_at="2026-03-02 10:00", resolved_at="2026-03-04 09:00"),
            dict(case_id="K3", opened_at="2026-03-02 11:00", resolved_at="2026-03-04 09:00"),
            dict(case_id="K4", opened_at="2026-03-02 12:00"),  # open
        ]),
        "surveys": frame("surveys", [
            dict(survey_id="S1", case_id="K1", csat=4), dict(survey_id="S2", case_id="K1", csat=5),
            dict(survey_id="S3", case_id="K4", csat=2),  # an open case: not in the rate
        ]),
    }


def test_survey_response_rate():
    t = tables()
    # resolved cases K1, K2, K3; with a survey: K1 (twice, counted once) → 1 / 3
    assert survey_response_rate(t["cases"], t["surveys"]) == (1, 3)


def test_caveats_of_the_tables_a_kpi_reads():
    result = data_caveats(tables(), sources=["contacts", "surveys", "cases", "orders"])
    got = [(r.table, r.caveat, r.numerator, r.denominator) for r in result.itertuples()]
    # inbound a–d: without customer b, c → 2 / 4; without case c → 1 / 4; surveys 1 / 3; open K4 → 1 / 4
    assert got == [("contacts", "no customer id", 2, 4), ("contacts", "no case id", 1, 4),
                   ("surveys", "response rate", 1, 3), ("cases", "open at export", 1, 4)]
    assert result["text"].iloc[0].startswith("50% of the inbound contacts (2 of 4) have no customer number")
    assert data_caveats(tables(), sources=["orders"]).empty
