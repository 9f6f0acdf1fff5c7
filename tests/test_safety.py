"""Hostile text from the client's data or a decision: never a live script link, never a live formula."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

from kpilib._safe import cell_text, safe_url, sanitize_links, starts_formula
from kpilib.days._card import KpiCard, card_html, cards_html
from kpilib.days._card_output import write_workbook
from kpilib.importing import import_workshop
from kpilib.report import _pages
from kpilib.report.narration import _summary_html, narrate, show_table

LEVER = "[klik hier](javascript:alert(1))"
SIGN_OFF = "[teken](javascript:alert(1))"
HOSTILE_LINKS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)", "java\tscript:alert(1)",
    " javascript:alert(1)", "\x01javascript:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)",
    "java%09script:alert(1)", "vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "jav&#x0A;ascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
]
SAFE_LINKS = ["https://example.org/a?b=1", "HTTP://example.org", "mailto:kwaliteit@example.nl", "index.html",
              "day08_tactics.html", "#days", "?x=1", "/pack/index.html"]
# A live link or handler in HTML: an href/src/action with a scheme other than http(s)/mailto, or on...=
LIVE = re.compile(r"""<[^>]*\s(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(?!https?:|mailto:|data:image/png)"""
                  r"""[a-z0-9+.\-]+:|<[^>]*\son[a-z]+\s*=|<script""", re.IGNORECASE)


def assert_no_live_script(page: str) -> None:
    found = LIVE.search(page)
    assert found is None, f"live script in the HTML: {page[max(0, found.start() - 80):found.end() + 80]!r}"


# -- the one sanitising function ------------------------------------------------------------------

@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_hostile_links_are_refused(url):
    assert not safe_url(url)
    assert "href" not in sanitize_links(f'<a href="{url}">x</a>')
    assert "href" not in sanitize_links(f"<A HREF='{url}'>x</A>")


@pytest.mark.parametrize("url", SAFE_LINKS)
def test_http_mailto_and_links_inside_the_pack_survive(url):
    assert safe_url(url)
    assert sanitize_links(f'<a href="{url}">x</a>') == f'<a href="{url}">x</a>'


def test_sanitising_removes_handlers_keeps_figures_and_leaves_safe_html_unchanged():
    figure = '<img alt="plot" src="data:image/png;base64,iVBORw0KGgo=">'
    assert sanitize_links(figure) == figure
    assert sanitize_links('<img src="data:image/png;base64,AA" onerror="alert(1)">') == \
        '<img src="data:image/png;base64,AA">'
    assert sanitize_links('<img src="data:text/html,x">') == "<img>"
    assert sanitize_links('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>') == \
        "<svg><a><text>x</text></a></svg>"
    text = '<p class="a">1 &lt; 2</p>\n<a href="https://x.nl" title="&quot;q&quot;">x</a><br/>'
    assert sanitize_links(text) == text
    # the place of a tag is found on the right line, whatever the line endings before it
    assert sanitize_links('a\r\nb\u2028c\n<a href="javascript:1">x</a>') == 'a\r\nb\u2028c\n<a>x</a>'


# -- every path from data or a decision to HTML ---------------------------------------------------

def _markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


@pytest.mark.parametrize("value", [LEVER, SIGN_OFF, "[x](JaVaScRiPt:alert(1))", "![i](javascript:alert(1))",
                                   "<a href='javascript:alert(1)'>x</a>", "<script>alert(1)</script>",
                                   "[x]: javascript:alert(1)\n\n[x]"])
def test_narrate_never_turns_a_value_into_a_link_or_a_tag(value):
    markdown = narrate("Levers in force (recorded): {levers}.", levers=value).data
    page = _markdown_to_html(markdown)
    assert_no_live_script(page)
    assert "<a" not in page and "<img" not in page
    assert "&lt;script&gt;" in page or "<script" not in value


def test_narrate_keeps_the_authors_own_link_and_shows_the_value_as_typed():
    markdown = narrate("See [the manual](https://example.org): {lever}", lever=LEVER).data
    page = _markdown_to_html(markdown)
    assert '<a href="https://example.org">the manual</a>' in page
    assert "[klik hier](javascript:alert(1))" in page.replace("&#91;", "[").replace("&#93;", "]")


def test_day_summary_escapes_decisions():
    rows = [{"key": "levers", "title": "<script>t</script>", "description": "d", "value": [LEVER], "text": LEVER,
             "items": None, "default": False},
            {"key": "sign_off", "description": "d", "value": {}, "text": "x", "default": True,
             "items": [f"by={SIGN_OFF}", "<a href=javascript:alert(1)>a</a><script>alert(1)</script>"]}]
    html = _summary_html(8, [{"label": "<script>x</script>", "text": LEVER}], rows)
    assert_no_live_script(html)
    assert "&lt;script&gt;" in html


def test_show_table_escapes_cells_and_headers():
    frame = pd.DataFrame({"lever <script>": [LEVER, "<a href='javascript:alert(1)'>x</a>"], "n": [-1, 2]})
    html = show_table(frame, caption="<a href=javascript:alert(1)>c</a>").to_html()
    assert_no_live_script(html)
    assert "&lt;script&gt;" in html


def test_collapsible_content_has_no_live_link():
    from kpilib.report.narration import collapsible

    html = collapsible("<b>details</b>", f'<a href="JaVaScRiPt:alert(1)">{LEVER}</a><a href="https://x.nl">x</a>').data
    assert_no_live_script(html)
    assert '<a href="https://x.nl">x</a>' in html and "&lt;b&gt;details" in html


def _card(**fields) -> KpiCard:
    months = pd.date_range("2026-04-01", periods=2, freq="MS")
    monthly = pd.DataFrame({"month": months, "numerator": [-30.0, 40.0], "denominator": [100.0, 100.0],
                            "value": [-0.3, 0.4]})
    caveats = pd.DataFrame({"text": ['=HYPERLINK("http://x","y")', LEVER]})
    base = dict(kpi="nps", name="NPS", name_nl="NPS", question="Q?", chain="every chain", customer_value="speed",
                kind="result", formula="a / b", call="kpilib.f()", definition={}, definition_source="defaults",
                unit="nps", polarity="higher", customer_norm="-", internal_norms=("@SUM(A1:A9)",), target=-10.0,
                target_source="day 7", amber_band=0.1, owner='=HYPERLINK("http://x","y")', measured="+monthly",
                reviewed="-monthly", forum="\tchain meeting", value=-5.0, numerator=-5.0, denominator=100.0,
                monthly=monthly, caveats=caveats, gaming=("\r=1+1", SIGN_OFF))
    return KpiCard(**{**base, **fields})


def test_card_html_has_no_live_link():
    card = _card(name="<a href='JaVaScRiPt:alert(1)'>NPS</a>", question=LEVER)
    for html in (card_html(card), cards_html([card])):
        assert_no_live_script(html)
        assert "&lt;a href=" in html


def test_a_rendered_day_page_and_index_have_no_live_link():
    """A day page built by the report code from an executed notebook, with what day 8 and 10 show."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Levers\n\nThe levers in force are below."),
                nbformat.v4.new_code_cell("kpilib.narrate(...)"),
                nbformat.v4.new_code_cell("kpilib.day_summary(...)")]
    shown = narrate("Levers in force ({source}): {levers}.", source="recorded", levers=LEVER)
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": shown.data,
                                                                        "text/plain": "<Markdown>"})]
    # an output that is Markdown from somewhere else (a notebook author, a widget): the page sanitiser catches it
    nb.cells[1].outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/markdown": f"Sign-off: {SIGN_OFF} <a href='java&#x09;script:alert(1)'>x</a>"}))
    decisions = [{"key": "sign_off", "description": "who", "value": {"by": SIGN_OFF}, "text": f"by: {SIGN_OFF}",
                  "items": None, "default": False}]
    summary = {"version": 1, "day": 10, "results": [{"label": "Lever", "value": LEVER, "text": LEVER}],
               "decisions": decisions}
    nb.cells[2].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": _summary_html(10, summary["results"], decisions), _pages.SUMMARY_MIME: summary})]
    card = _pages.Card(10, "KPI cards", dt.date(2026, 12, 14), page="day10_kpi_cards.html",
                       notebook="day10_kpi_cards.ipynb")
    page = _pages.day_page(card, client="Glasvezel <b>Noord</b>", body=_pages.notebook_body(nb))
    assert "klik hier" in page and "teken" in page          # the text is still there, as text
    assert_no_live_script(page)
    index = _pages.index_page(_pages.IndexData(client="Glasvezel Noord"),
                              [dataclasses.replace(card, summary=_pages.read_summary(nb))],
                              rendered_at=dt.datetime(2026, 12, 14, 17, 0))
    assert 'href="day10_kpi_cards.html"' in index
    assert_no_live_script(index)


# -- formulas ------------------------------------------------------------------------------------

def test_cell_text_neutralises_what_a_spreadsheet_runs():
    for text in ('=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-cmd|' /C calc'!A0"):
        assert starts_formula(text) and cell_text(text) == "'" + text
    for text in ("-12", "-12,5", "+3.5", "-1e3", "first_line", "a=b", ""):
        assert not starts_formula(text) and cell_text(text) == text


def test_the_workbook_has_no_formula_and_keeps_numbers(tmp_path):
    path = write_workbook([_card(name='=HYPERLINK("http://x","y")', kpi="=cmd")], tmp_path / "cards.xlsx")
    book = load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
    assert not formulas, f"formulas in the workbook: {formulas}"
    overview = book["Overview"]
    assert overview["B2"].value == '=HYPERLINK("http://x","y")' and overview["B2"].quotePrefix
    assert overview["D2"].value == '=HYPERLINK("http://x","y")' and overview["D2"].data_type == "s"
    sheet = book.worksheets[1]
    values = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(1, 31)}
    assert values["Target"].value == -10 and values["Target"].data_type == "n"        # a number stays a number
    assert values["Whole period: numerator"].value == -5 and values["Whole period: numerator"].data_type == "n"
    assert values["Measured"].value == "+monthly" and values["Measured"].quotePrefix
    assert values["Latest value"].data_type == "n"


QUARANTINE = """\
client: Formules
time_zone: Europe/Amsterdam
pseudonymise: false
sources:
  contacts:
    file: contacts.csv
    delimiter: ";"
    date_format: "%d-%m-%Y %H:%M:%S"
    columns:
      contact_id: id
      customer_id: klant
      arrived_at: start
      team: wachtrij
      direction: {value: inbound}
      channel: {value: phone}
"""


def test_the_quarantine_file_has_no_formula(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "workshop.yaml").write_text(QUARANTINE, encoding="utf-8")
    (folder / "contacts.csv").write_text(
        "id;klant;start;wachtrij\n"
        "C1;K1;05-01-2026 09:00:00;Noord\n"
        'C2;=HYPERLINK("http://x","y");2026/31/12;@SUM(A1)\n'
        "C3;-12;geen datum;+31 6 1234\n", encoding="utf-8")
    import_workshop(folder, quarantine=True)
    lines = (folder / "quarantine" / "contacts.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith('C2;"\'=HYPERLINK(""http://x"",""y"")";2026/31/12;\'@SUM(A1);'), lines
    assert lines[2].startswith("C3;-12;geen datum;'+31 6 1234;"), lines     # -12 is a number: left alone


def test_the_markdown_export_of_decisions_has_no_live_link(tmp_path):
    from kpilib.workshop.decisions import Decision, write_export

    records = [{"key": "levers", "day": 8, "description": "The levers.", "value": [LEVER, "```\n<script>x</script>"],
                "source": "recorded", "by": SIGN_OFF, "at": "2026-12-10", "note": f"zie {LEVER}\n<script>x</script>"}]
    history = [Decision(1, "levers", "decide", [LEVER], SIGN_OFF, LEVER, dt.datetime(2026, 12, 10))]
    text = write_export(tmp_path / "decisions.md", records, client="Glasvezel", history=history).read_text()
    page = _markdown_to_html(text)
    assert_no_live_script(page)
    assert not re.findall(r'<a (?!class="anchor-link")', page)   # the renderer's own heading anchors only
