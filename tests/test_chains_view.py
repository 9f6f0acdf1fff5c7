"""The chain view, "green inside, red outside", on a small hand-written workshop; the green/red table.

June 2026, Mon 1 to Fri 5: five ordinary working days. Working days from t1 to t2 count the
working dates d with date(t1) <= d < date(t2).
"""

from __future__ import annotations

import pytest

from _fixtures import frame
from kpilib import chains
from kpilib.chains import Chain, Lines

L1, L2 = "first_line", "second_line"
FAULT = Chain(id="fault", name="Fault repaired", category=("fault",), norm_days=3)
BILLING = Chain(id="billing", name="<b>Bill</b> corrected", category=("billing",), norm_days=3)
LINES = Lines(order=(L1, L2), done=("Opgelost",))
CURRENT = [
    {"team": L1, "kpi": "agent_resolved_rate", "target": 0.7, "definition": {}},
    {"team": L2, "kpi": "stays_within_norm", "target": 0.5, "definition": {"norm_days": 2}},
]


def tables() -> dict:
    cases = frame("cases", [
        # F1: Mon 09:00 -> Thu 10:00 = Mon, Tue, Wed = 3 working days (within 3)
        {"case_id": "F1", "category": "fault", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-04 10:00"},
        # F2: Mon -> Fri = 4 working days (breach)
        {"case_id": "F2", "category": "fault", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-05 10:00"},
        # B1: resolved the same day (0)
        {"case_id": "B1", "category": "billing", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-01 12:00"},
    ])

    def e(case, at, team, seq, activity):
        return {"case_id": case, "at": at, "team": team, "seq": seq, "activity": activity}

    events = frame("events", [
        e("F1", "2026-06-01 09:00", L1, 1, "Nieuw"), e("F1", "2026-06-01 10:00", L2, 2, "Toegewezen"),
        e("F1", "2026-06-04 10:00", L2, 3, "Opgelost"),
        e("F2", "2026-06-01 09:00", L1, 1, "Nieuw"), e("F2", "2026-06-01 10:00", L2, 2, "Toegewezen"),
        e("F2", "2026-06-03 10:00", L1, 3, "Toegewezen"), e("F2", "2026-06-05 10:00", L1, 4, "Opgelost"),
        e("B1", "2026-06-01 09:00", L1, 1, "Nieuw"), e("B1", "2026-06-01 12:00", L1, 2, "Opgelost"),
    ])

    def c(cid, case, at, outcome):
        return {"contact_id": cid, "case_id": case, "team": L1, "channel": "phone", "direction": "inbound",
                "arrived_at": at, "answered_at": at, "outcome": outcome}

    contacts = frame("contacts", [
        c("c1", "F1", "2026-06-01 09:00", "resolved"),      # ticked resolved, yet handed to L2
        c("c2", "F1", "2026-06-02 09:00", "transferred"),
        c("c3", "F2", "2026-06-01 09:00", "resolved"),
        c("c4", "B1", "2026-06-01 09:00", "resolved"),
    ])
    callbacks = frame("callbacks", [
        # F1: promised Tue 17:00, first attempt Thu: late; F2: attempted Tue 11:00: on time
        {"callback_id": "k1", "case_id": "F1", "team": L2, "requested_at": "2026-06-01 10:00",
         "promised_by": "2026-06-02 17:00", "attempted_at": "2026-06-04 10:00"},
        {"callback_id": "k2", "case_id": "F2", "team": L2, "requested_at": "2026-06-01 10:00",
         "promised_by": "2026-06-02 17:00", "attempted_at": "2026-06-02 11:00"},
    ])
    return {"cases": cases, "events": events, "contacts": contacts, "callbacks": callbacks}


def cells(view, chain):
    part = view[view.chain == chain]
    return {(r.team, r.kpi): (r.numerator, r.denominator, round(r.value, 4), r.verdict)
            for r in part.itertuples(index=False)}


def test_teams_green_inside_the_chain_red_outside():
    view = chains.chain_view(tables(), [FAULT, BILLING], current_kpis=CURRENT, lines=LINES)
    assert cells(view, "fault") == {
        # first line: answered c1..c4, ticked resolved c1, c3, c4 -> 3 / 4 = 0.75 >= 0.7
        (L1, "agent_resolved_rate"): (3, 4, 0.75, "green"),
        # second line stays: F1 Mon 10:00 -> 'Opgelost' Thu = 3 wd > 2; F2 Mon -> Wed (back to L1) = 2 wd
        # -> 1 / 2 = 0.5 >= 0.5
        (L2, "stays_within_norm"): (1, 2, 0.5, "green"),
        # the customer: F1 within 3 wd, F2 not -> 1 / 2 < 0.8
        ("customer", "time_to_resolution"): (1, 2, 0.5, "red"),
        # contacts: F1 2, F2 1 -> 3 / 2 = 1.5 <= 1.5 (the default target): green, on the line
        ("customer", "contacts_per_case"): (3, 2, 1.5, "green"),
        # handoffs: F1 L1>L2 = 1, F2 L1>L2>L1 = 2 -> 3 / 2 = 1.5 > 0.5
        ("customer", "handoffs_per_case"): (3, 2, 1.5, "red"),
        # call-backs: k2 on time, k1 late -> 1 / 2 < 0.9
        ("customer", "callback_timeliness"): (1, 2, 0.5, "red"),
    }
    # billing passes the first line only: no second-line KPI; B1 within, 1 contact, no handoff
    assert cells(view, "billing") == {
        (L1, "agent_resolved_rate"): (3, 4, 0.75, "green"),
        ("customer", "time_to_resolution"): (1, 1, 1.0, "green"),
        ("customer", "contacts_per_case"): (1, 1, 1.0, "green"),
        ("customer", "handoffs_per_case"): (0, 1, 0.0, "green"),
    }
    verdicts = chains.chain_verdicts(view).set_index("chain")
    assert verdicts.loc["fault", ["team_green", "team_judged", "customer_green", "customer_judged"]].tolist() \
        == [2, 2, 1, 4]
    assert bool(verdicts.loc["fault", "paradox"]) and not bool(verdicts.loc["billing", "paradox"])


def test_a_team_kpi_on_the_chain_cases_only():
    view = chains.chain_view(tables(), [FAULT], current_kpis=CURRENT, lines=LINES, team_scope="chain")
    # only the fault chain's contacts c1, c2, c3: resolved c1, c3 -> 2 / 3 < 0.7
    assert cells(view, "fault")[(L1, "agent_resolved_rate")] == (2, 3, 0.6667, "red")


def test_targets_and_polarity_decide_the_verdict():
    view = chains.chain_view(tables(), [FAULT], current_kpis=CURRENT, lines=LINES,
                             targets={"contacts_per_case": 1.4, "time_to_resolution": 0.5})
    got = cells(view, "fault")
    assert got[("customer", "contacts_per_case")][-1] == "red"       # 1.5 > 1.4, lower is better
    assert got[("customer", "time_to_resolution")][-1] == "green"    # 0.5 >= 0.5, higher is better
    assert chains.verdict(float("nan"), 0.5, "higher") == "no data"
    assert chains.verdict(0.4, None, "higher") == "no target"


def test_end_to_end_working_days_per_chain():
    days = chains.end_to_end_days(tables(), [FAULT, BILLING]).set_index("chain")
    # fault: 3 and 4 working days -> median 3.5, p90 3 + 0.9 * 1 = 3.9, within 3: 1 of 2
    assert days.loc["fault", ["needs", "fulfilled", "median_days", "p90_days", "within_norm"]].tolist() == \
        pytest.approx([2, 2, 3.5, 3.9, 0.5])
    assert days.loc["billing", "median_days"] == 0


def test_an_open_need_past_the_norm_counts_as_late_as_in_the_outcome():
    extra = tables()
    extra["cases"] = frame("cases", [
        # F1 (3 working days, within the norm), F2 (4, late) and B1 as in tables()
        {"case_id": "F1", "category": "fault", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-04 10:00"},
        {"case_id": "F2", "category": "fault", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-05 10:00"},
        {"case_id": "B1", "category": "billing", "opened_at": "2026-06-01 09:00", "resolved_at": "2026-06-01 12:00"},
        # F3: open since Mon 09:00; on Fri 12:00 that is Mon..Thu = 4 working days, past the norm of 3: late
        {"case_id": "F3", "category": "fault", "opened_at": "2026-06-01 09:00", "resolved_at": None},
        # F4: open since Thu 09:00: Thu = 1 working day, still within the norm: not judged yet
        {"case_id": "F4", "category": "fault", "opened_at": "2026-06-04 09:00", "resolved_at": None},
    ])
    days = chains.end_to_end_days(extra, [FAULT], as_of="2026-06-05 12:00").set_index("chain")
    # needs 4, met 2 (F1 in 3 days, F2 in 4); within the norm: F1 = 1 of (2 met + 1 open and late) = 1/3
    assert days.loc["fault", ["needs", "fulfilled", "within_norm"]].tolist() == pytest.approx([4, 2, 1 / 3])
    outcome = chains.chain_view(extra, [FAULT], current_kpis=[], lines=LINES, as_of="2026-06-05 12:00")
    end_to_end = outcome[(outcome["side"] == "customer") & (outcome["kpi"] == "time_to_resolution")]
    assert end_to_end["value"].iloc[0] == pytest.approx(1 / 3)


def test_the_green_red_table_escapes_every_text():
    view = chains.chain_view(tables(), [BILLING], current_kpis=CURRENT, lines=LINES)
    html = chains.style_chain_view(view, chain="billing").to_html()
    assert "&lt;b&gt;Bill&lt;/b&gt; corrected" in html and "<b>Bill</b>" not in html
    assert "75%" in html and "≥ 70%" in html and "#c8e6c9" in html
    with pytest.raises(Exception, match="`chain` must be one of 'billing'; got 'fault'"):
        chains.style_chain_view(view, chain="fault")


def test_the_verdict_matrix_and_late_call_backs():
    view = chains.chain_view(tables(), [FAULT, BILLING], current_kpis=CURRENT, lines=LINES)
    matrix = chains.style_verdict_matrix(view).data
    # one row per chain, one column per customer outcome; billing has no call-backs: a dash
    assert list(matrix.index) == ["Fault repaired", "<b>Bill</b> corrected"]
    assert matrix.loc["Fault repaired", "Call-backs on time"] == "50%"
    assert matrix.loc["<b>Bill</b> corrected", "Call-backs on time"] == "–"
    assert "&lt;b&gt;Bill" in chains.style_verdict_matrix(view).to_html()
    # the second line: k2 on time, k1 late -> 1 / 2
    late = chains.late_callbacks(tables())
    assert late[["team", "numerator", "denominator", "value"]].values.tolist() == [[L2, 1, 2, 0.5]]



def _with_customers() -> dict:
    t = tables()
    contacts = t["contacts"].copy()
    contacts["customer_id"] = ["A", "A", "B", "C"]  # c1, c2 by customer A; c3 by B; c4 by C
    return {**t, "contacts": contacts}


def test_first_contact_resolution_by_repeat_contact_needs_no_surveys():
    # no surveys table: FCR by repeat contact (the default) reads the contacts alone
    view = chains.chain_view(_with_customers(), [FAULT], current_kpis=[], lines=LINES)
    got = cells(view, "fault")
    # fault contacts c1, c2 (A, a day apart), c3 (B): c1 has a repeat within 7 days, c2 was transferred,
    # c3 resolved without a repeat -> 1 / 3, below 0.80: red
    assert got[("customer", "first_contact_resolution")] == (1, 3, 0.3333, "red")
    # repeat contacts: c2 follows c1 within 7 days -> 1 / 3
    assert got[("customer", "repeat_contact_rate")] == (1, 3, 0.3333, "red")
    assert "complaints_resolved_to_satisfaction" not in {kpi for _, kpi in got}  # needs the surveys


def test_what_the_chain_view_cannot_measure_is_named_with_the_tables_it_lacks():
    order = Chain(id="order", name="New connection ordered", category=("order",), start="order_placed",
                  fulfilled="first_contact", norm_days=5)
    current = [*CURRENT, {"team": "field", "kpi": "time_to_first_contact", "target": 0.8, "definition": {}}]
    # contacts, cases, events and callbacks, no orders and no surveys
    assert chains.unmeasured_outcomes(_with_customers(), [FAULT, order], current_kpis=current) == {
        "complaints_resolved_to_satisfaction": ["surveys"], "time_to_first_contact": ["orders"]}
    # FCR decided by survey needs the surveys, by case the cases as well as the contacts
    assert chains.unmeasured_outcomes(_with_customers(), [FAULT], outcomes=["first_contact_resolution"],
                                      definitions={"first_contact_resolution": {"method": "survey"}}) == {
        "first_contact_resolution": ["surveys"]}
    only_cases = {"cases": tables()["cases"]}
    assert chains.unmeasured_outcomes(only_cases, [FAULT], outcomes=["first_contact_resolution", "end_to_end"],
                                      definitions={"first_contact_resolution": {"method": "case"}}) == {
        "first_contact_resolution": ["contacts"]}
    assert chains.unmeasured_outcomes(tables(), [FAULT], outcomes=["end_to_end", "contacts_per_case"]) == {}
