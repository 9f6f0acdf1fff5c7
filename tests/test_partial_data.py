"""Every day renders on what a client brings: the sample with tables left out, page by page.

A real client has some of the six canonical tables. For each subset below the sample workshop is
imported without the other tables' sources and the ten days are rendered: every day must finish,
no page may show a traceback, and a day that lacks data says which table it needs, in its summary
and on the index.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kpilib.report.sections import day_status, section

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TABLES = ("contacts", "cases", "events", "surveys", "orders", "callbacks")

#: subset name → the tables kept
SUBSETS = {
    **{f"without_{name}": tuple(t for t in TABLES if t != name) for name in TABLES},
    "contacts_only": ("contacts",),
    "cases_and_events_only": ("cases", "events"),
    "events_only": ("events",),
    "without_orders_and_surveys": ("contacts", "cases", "events", "callbacks"),
}

#: subset → day → (status, a table the day must name as needed), checked on the rendered pack. "empty":
#: every part was left out and the day has no result; "partial": some parts, or the day still has results
#: (day 3 lists the inventory even when no KPI of it can be computed).
EXPECTED = {
    "contacts_only": {1: ("empty", "surveys"), 2: ("empty", "cases"), 3: ("partial", "orders"),
                      5: ("empty", "cases"), 6: ("partial", "surveys"), 8: ("partial", "callbacks")},
    "cases_and_events_only": {2: ("complete", None), 3: ("partial", "contacts"), 4: ("partial", "orders"),
                              5: ("partial", "callbacks"), 6: ("empty", "contacts")},
    "events_only": {1: ("empty", "surveys"), 2: ("empty", "cases"), 3: ("partial", "contacts"),
                    4: ("empty", "cases"), 5: ("empty", "cases"), 6: ("empty", "contacts")},
    "without_surveys": {1: ("partial", "surveys"), 2: ("complete", None), 4: ("partial", "surveys"),
                        5: ("partial", "surveys"), 6: ("partial", "surveys")},
    "without_orders": {3: ("partial", "orders"), 4: ("partial", "orders"), 5: ("partial", "orders"),
                       7: ("partial", "orders")},
    "without_orders_and_surveys": {4: ("partial", "surveys"), 5: ("partial", "orders"), 8: ("complete", None),
                                   10: ("partial", "orders")},
    "without_callbacks": {5: ("partial", "callbacks"), 8: ("partial", "callbacks")},
    # events derived from contacts: every day but day 3, whose stays within the norm read the status log's statuses
    "without_events": {d: ("complete", None) if d != 3 else ("partial", "events") for d in range(1, 11)},
    # day 4 without cases still follows the call-back requests
    "without_cases": {2: ("empty", "cases"), 4: ("partial", "cases"), 8: ("partial", "cases")},
    "without_contacts": {3: ("partial", "contacts"), 6: ("empty", "contacts"), 8: ("partial", "contacts")},
}


#: subset → day → (texts the page must show, texts it must not): what is shown and what is said to be left out.
PAGES = {
    "without_orders_and_surveys": {
        # first-contact resolution by repeat contact reads the contacts only: still measured per chain
        4: (["First-contact resolution</th>", "Not shown: the customer outcomes Complaints resolved to satisfaction, "
             "Time to first contact after an order.</strong> No orders or customer surveys have been supplied."],
            # the order chain cannot be measured end to end: no row of empty figures, no code column
            ['">order</td>', ">missing<"]),
        5: (["Not shown: the team KPIs and customer outcomes"], []),
        # the group decided on five KPIs; three can be measured and get a card
        10: (["holds <strong>5 KPIs</strong>; the workshop's data can measure <strong>3</strong> of them"],
             ["holds <strong>3 KPIs</strong>"]),
    },
    "contacts_only": {10: (["holds <strong>5 KPIs</strong>; the workshop's data can measure <strong>1</strong>"],
                           []),
                      # events made of the calls hold channels, not statuses: no stays judged on them
                      3: (["Stays within the team's norm (second line)", "No case status changes (the status log)"],
                          ["(second_line)", "1,001"])},
}


def _workshop(folder: Path, keep: tuple[str, ...]) -> Path:
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("store.duckdb*", "decisions.sqlite*",
                                                                  "quarantine", ".kpi-key", "kpi_cards.xlsx"))
    config = yaml.safe_load((folder / "workshop.yaml").read_text(encoding="utf-8"))
    config["sources"] = {name: spec for name, spec in config["sources"].items() if name in keep}
    (folder / "workshop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("subset", sorted(SUBSETS))
def test_every_day_finishes_and_names_what_it_needs(subset, tmp_path):
    import kpilib
    from kpilib.report.render import render

    folder = _workshop(tmp_path / subset, SUBSETS[subset])
    kpilib.import_workshop(folder)
    pack = render(folder, out=tmp_path / "pack", jobs=1, progress=False)

    assert not pack.failed, [(p.day, p.error) for p in pack.failed]
    assert [p.day for p in pack.pages] == list(range(1, 11))
    index = pack.index.read_text(encoding="utf-8")
    for page in pack.pages:
        html = page.html.read_text(encoding="utf-8")
        assert "Traceback" not in html and 'class="kpi-failed-banner"' not in html, (page.day, subset)
        summary = page.summary
        assert summary is not None, f"day {page.day} has no summary"
        if summary["status"] != "complete":
            assert summary["needs"], f"day {page.day} is {summary['status']} but names nothing it needs"
            assert "Not shown:" in html, f"day {page.day}: no box says what is left out"
    for day, (status, table) in EXPECTED.get(subset, {}).items():
        summary = next(p.summary for p in pack.pages if p.day == day)
        assert summary["status"] == status, (subset, day, summary["status"], summary["needs"])
        if table is not None:
            assert any(table in need for need in summary["needs"]), (subset, day, summary["needs"])
    for day, (shown, not_shown) in PAGES.get(subset, {}).items():
        html = next(p.html for p in pack.pages if p.day == day).read_text(encoding="utf-8")
        assert all(text in html for text in shown), (subset, day, [t for t in shown if t not in html])
        assert not any(text in html for text in not_shown), (subset, day, [t for t in not_shown if t in html])
    partial = [p for p in pack.pages if p.summary["status"] != "complete"]
    assert index.count('class="kpi-partial"') == len(partial)


# -- the mechanism, on a fake workshop --------------------------------------------------------------

class _Store:
    def __init__(self, missing):
        self._missing = set(missing)

    def missing(self, needs):
        return [n for n in needs if n in self._missing]


class _Workshop:
    def __init__(self, missing=()):
        self.store, self.sections = _Store(missing), []


def test_a_section_with_its_data_is_true_and_shows_nothing(capsys):
    ws = _Workshop()
    part = section(ws, "drivers", needs=["surveys"], shows="what drives satisfaction")
    assert part and part.missing == ()
    assert ws.sections == [part]
    assert day_status(ws.sections) == {"status": "complete", "needs": []}


def test_a_section_without_its_table_is_false_and_names_the_table_once():
    ws = _Workshop(missing={"surveys", "surveys.csat", "surveys.comment"})
    part = section(ws, "drivers", needs=["surveys", "surveys.csat"], shows="what drives satisfaction")
    assert not part
    assert part.missing == ("surveys",)  # the column need is covered by its missing table
    assert "Not shown: what drives satisfaction.</strong> No customer surveys have been supplied." in part.box_html()
    other = section(ws, "norms", needs=["cases|orders"], shows="the norms")
    assert other  # only surveys are missing
    assert day_status(ws.sections) == {"status": "partial", "needs": ["surveys"]}
    # a column alone of a table that is not there: the table is what is missing, said once
    comments = section(ws, "comments", needs=["surveys.comment"], shows="the comments")
    assert comments.missing == ("surveys",)
    assert "Not shown: the comments.</strong> No customer surveys have been supplied.<p" in comments.box_html()


def test_a_box_tells_the_client_why_and_the_facilitator_what_to_map():
    import kpilib
    from kpilib.report.render import without_facilitator_notes

    ws = _Workshop(missing={"orders", "callbacks.promised_by"})
    part = section(ws, "late", needs=["orders", "callbacks", "callbacks.promised_by"], shows="the late orders")
    box = part.box_html()
    assert ("No orders have been supplied. The call-back requests have been supplied without the promised time."
            in box)
    note = box[box.index('<p class="kpi-facilitator"'):]
    assert "this part reads orders, callbacks.promised_by" in note and "workshop.yaml" in note
    # the client's pack keeps the box and its reasons, not the note
    nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/html": box}}]}]}
    client = without_facilitator_notes(nb)["cells"][0]["outputs"][0]["data"]["text/html"]
    assert "No orders have been supplied." in client and client.endswith("</div>")
    assert "workshop.yaml" not in client and "callbacks.promised_by" not in client and "kpi-facilitator" not in client
    assert "workshop.yaml" in nb["cells"][0]["outputs"][0]["data"]["text/html"]  # the notebook itself is kept
    kpilib.set_language("nl")
    try:
        box = section(ws, "late", needs=["orders", "callbacks.promised_by"], shows="x").box_html()
    finally:
        kpilib.set_language("en")
    assert ("Niet getoond: x.</strong> Er zijn geen bestellingen aangeleverd. De terugbelverzoeken zijn aangeleverd "
            "zonder het beloofde tijdstip.") in box


def test_a_need_reads_in_the_readers_words_without_names_of_the_code():
    from kpilib.report.sections import describe_need, missing_reason, missing_reasons

    assert describe_need("surveys.comment") == "customer surveys with comments"
    assert describe_need("cases|orders") == "cases (tickets) or orders"
    assert describe_need("contacts.queue_id") == "contacts (calls, chats, e-mails) with a field this part reads"
    assert missing_reason("cases|orders") == "No cases (tickets) or orders have been supplied."
    assert missing_reasons(["callbacks", "orders", "surveys", "surveys.csat"]) == (
        "No call-back requests, orders or customer surveys have been supplied. "
        "The customer surveys have been supplied without a satisfaction score.")
    assert missing_reason("events.team") == ("The case status changes (the status log) have been supplied without "
                                             "the team of each status change.")


def test_a_section_escapes_what_it_shows():
    ws = _Workshop(missing={"callbacks"})
    part = section(ws, "late", needs=["callbacks"], shows="<b>call-backs</b> of team A&B")
    assert "&lt;b&gt;call-backs&lt;/b&gt; of team A&amp;B" in part.box_html()


def test_a_section_key_must_be_a_name():
    from kpilib.exceptions import ParameterError

    with pytest.raises(ParameterError, match="`key` must be letters, digits and _; got 'a b'"):
        section(_Workshop(), "a b", needs=[], shows="x")


def test_a_day_whose_every_part_is_missing_is_empty():
    ws = _Workshop(missing={"cases"})
    section(ws, "chains", needs=["cases"], shows="the chains")
    assert day_status(ws.sections) == {"status": "empty", "needs": ["cases"]}


def test_the_store_knows_which_tables_and_columns_hold_data(tmp_path):
    import pandas as pd

    import kpilib
    from kpilib.data.backend import Store

    con = kpilib.connect()
    # contacts: 3 rows; case_id filled in 1 of 3 (C1), queued_at in none
    con.create_table("contacts", pd.DataFrame({"contact_id": ["a", "b", "c"], "case_id": ["C1", None, None],
                                               "queued_at": pd.Series([None] * 3, dtype="datetime64[us]")}))
    con.create_table("orders", pd.DataFrame({"order_id": pd.Series([], dtype="string")}))  # imported empty
    store = Store(con, "Europe/Amsterdam", tmp_path / "store.duckdb")
    assert store.filled("contacts") == {"": 3, "contact_id": 3, "case_id": 1, "queued_at": 0}
    assert store.available("contacts") and store.available("contacts.case_id")
    assert not store.available("contacts.queued_at")  # mapped, but empty in every row
    assert not store.available("orders")  # a table with no rows counts as missing
    assert not store.available("surveys")  # never imported
    assert store.available("surveys|contacts")  # either will do
    assert store.missing(["contacts", "orders", "contacts.queued_at", "cases|orders"]) == [
        "orders", "contacts.queued_at", "cases|orders"]
    assert store.get("orders") is None and store.get("contacts") is not None


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.slow
@pytest.mark.parametrize("name, complete_day", [("status_log_only", 2), ("queue_log", 3)])
def test_a_workshop_of_one_real_export_renders_every_day(name, complete_day, tmp_path):
    # A status log alone (cases derived from it) and an Asterisk queue_log alone, each mapped with
    # workshop.yaml only: ten days finish; the day the export serves is complete, the others say what to map.
    import kpilib
    from kpilib.report.render import render

    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder, ignore=shutil.ignore_patterns("store.duckdb*", ".kpi-key"))
    kpilib.import_workshop(folder)
    pack = render(folder, out=tmp_path / "pack", jobs=1, progress=False)
    assert not pack.failed, [(p.day, p.error) for p in pack.failed]
    statuses = {p.day: p.summary["status"] for p in pack.pages}
    assert statuses[complete_day] == "complete", statuses
    assert sum(s != "complete" for s in statuses.values()) >= 5, statuses
    for page in pack.pages:
        html = page.html.read_text(encoding="utf-8")
        assert "Traceback" not in html
        if page.summary["status"] != "complete":  # the client reads why; how to map it is the facilitator's
            assert "Not shown:" in html and "have been supplied" in html
            assert "docs/mapping.md" not in html and 'class="kpi-facilitator"' not in html


def test_late_callbacks_without_callbacks_say_which_table_to_map():
    import pandas as pd

    from kpilib import chains
    from kpilib.exceptions import WorkshopError

    with pytest.raises(WorkshopError, match=r"late call-backs need the call-back requests \(table callbacks\)"):
        chains.late_callbacks({"contacts": pd.DataFrame({"contact_id": ["a"]})})


def test_unmeasured_kpis_get_one_box_naming_each_and_the_union_of_their_needs():
    from kpilib.report.sections import unmeasured

    ws = _Workshop(missing={"orders", "cases|events"})
    # two KPIs lack tables (one as a list, one as the text of a `missing` column); one is measurable
    part = unmeasured(ws, "cards", {"time to first contact": ["orders"], "handoffs": "orders, cases|events",
                                    "service level": ""}, shows="the cards of")
    assert not part
    assert part.missing == ("cases|events", "orders")
    assert part.shows == "the cards of time to first contact, handoffs"
    assert unmeasured(_Workshop(), "cards", {"service level": "", "csat": []}, shows="x") is None
    assert len(ws.sections) == 1
