"""The pack in the workshop's language, for its audience, on paper: Dutch and English packs of the sample."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from kpilib._i18n import cell_language
from kpilib.report.render import day_notebooks, render

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def _text(page: Path) -> str:
    """What a reader sees of a page: no markup, no style or script, no embedded images."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"data:image/[^\"')]+", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _first_line(cell) -> str:
    """The first line of a Markdown cell as it reads on a page (without heading marks and emphasis)."""
    line = next(line for line in cell.source.splitlines() if line.strip())
    line = re.sub(r"<[^>]+>", "", line).lstrip("#").strip()
    return re.sub(r"[*_`]", "", line)[:50].strip()


def test_every_page_says_its_language(sample_pack, sample_pack_nl):
    for pack, language in ((sample_pack, "en"), (sample_pack_nl, "nl")):
        for page in pack.out.glob("*.html"):
            assert f'<html lang="{language}">' in page.read_text(encoding="utf-8"), page.name


def test_the_dutch_pack_shows_each_days_dutch_narrative_and_not_its_english(sample_pack_nl):
    assert not sample_pack_nl.failed, [p.error for p in sample_pack_nl.failed]
    for day, path in day_notebooks().items():
        cells = nbformat.read(path, as_version=4).cells
        page = _text(next(sample_pack_nl.out.glob(f"day{day:02d}_*.html")))
        page = " ".join(page.split())
        for i, cell in enumerate(cells):
            if cell.cell_type != "markdown" or cell_language(cell) != "en" or "facilitator" in cell.metadata.get(
                    "tags", []):
                continue
            english, dutch = _first_line(cell), _first_line(cells[i + 1])
            assert english == dutch or english not in page, f"day {day}: English on the Dutch page: {english!r}"
        heading = _first_line(cells[0 if cell_language(cells[0]) == "nl" else 1])
        assert heading in page, f"day {day}: no Dutch heading {heading!r}"


def test_the_index_and_dates_read_in_dutch(sample_pack_nl):
    index = " ".join(_text(sample_pack_nl.index).split())
    for words in ("De workshop in één oogopslag", "Planning", "De dagen", "De gegevens", "Besluiten",
                  "dinsdag 1 december 2026", "Dag 1: Klantwaarden en verwachtingen"):
        assert words in index, words
    for english in ("The workshop at a glance", "Schedule", "Tuesday", "Decisions in force", "Open the day"):
        assert english not in index, english


# what a number may not look like on a page of each language (dates and times use - and :)
_WRONG_NUMBERS = {
    "en": [r"\d\u00a0%", r"\d,\d{1,2}(?![\d,])", r"\d\u2009\d"],       # 84 %, 0,82, 7 749
    "nl": [r"(?<![\d.,])\d+%", r"\d\.\d{1,2}(?![\d.])", r"\d\u2009\d"],  # 84%, 0.82, 7 749
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_page_writes_numbers_the_languages_way(sample_pack, sample_pack_nl, language):
    pack = sample_pack if language == "en" else sample_pack_nl
    wrong = []
    for page in sorted(pack.out.glob("*.html")):
        text = _text(page)
        for pattern in _WRONG_NUMBERS[language]:
            wrong += [f"{page.name}: …{m.string[max(0, m.start() - 30):m.end() + 10]!r}…"
                      for m in re.finditer(pattern, text)]
    assert not wrong, "\n".join(wrong[:20])
    thousands = {"en": "20,822", "nl": "20.822"}[language]           # the contacts of the sample, on the index
    assert thousands in _text(pack.index)


def test_the_client_pack_leaves_out_the_facilitators_material(sample_pack, sample_pack_nl):
    for pack, words in ((sample_pack, ("For the facilitator", "In facilitator mode")),
                        (sample_pack_nl, ("Voor de begeleider", "begeleidersmodus"))):
        for page in pack.out.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert not [w for w in words if w in text], page.name
            assert "kpi-facilitator" not in text and ".ipynb" not in text, page.name
        assert list(pack.out.glob("day*.ipynb"))                        # the executed notebooks are still kept


def test_the_facilitators_pack_keeps_it_and_prints_to_pdf(sample_workshop, tmp_path):
    pack = render(sample_workshop, days="1", out=tmp_path / "pack", progress=False, audience="facilitator",
                  pdf=True)
    page = (tmp_path / "pack" / "day01_customer_values.html").read_text(encoding="utf-8")
    assert "For the facilitator" in page and "In facilitator mode" in page
    assert 'href="day01_customer_values.ipynb"' in page
    pdf = (tmp_path / "pack" / "pack.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert not pack.failed


def test_the_pdf_holds_the_index_and_every_page(sample_pack, tmp_path):
    from kpilib.report._pdf import write_pdf

    import weasyprint

    pages = [sample_pack.index, sample_pack.pages[2].html]              # the index and day 3
    one_by_one = sum(len(weasyprint.HTML(filename=str(p)).render().pages) for p in pages)
    assert write_pdf(tmp_path / "two.pdf", pages) == one_by_one >= 2
    assert (tmp_path / "two.pdf").stat().st_mode & 0o044                # readable by others, as the pages are


def test_every_figure_says_what_it_shows_in_the_pages_language(sample_pack, sample_pack_nl):
    for pack, lead in ((sample_pack, "Chart: "), (sample_pack_nl, "Grafiek: ")):
        figures = 0
        for page in pack.out.glob("day*.html"):
            for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
                figures += 1
                alt = re.search(r'alt="([^"]*)"', tag)
                assert alt and alt.group(1).startswith(lead), f"{page.name}: {tag[-200:]}"
        assert figures >= 10                                             # the sample's days draw charts


def _cells(page: Path) -> list[str]:
    """The text of every table cell of a page."""
    text = page.read_text(encoding="utf-8")
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", text, flags=re.S)]


def test_no_code_of_kpilib_reaches_a_table_cell_of_either_pack(sample_pack, sample_pack_nl):
    from kpilib._codes import CHOICE_WORDS, CODE_WORDS, PARAMETER_WORDS

    # the codes kpilib writes (customer_seen, threshold_s, fail_after_threshold, ...), not words a reader uses
    codes = {c for c in [*CODE_WORDS, *PARAMETER_WORDS, *(v for _, v in CHOICE_WORDS if isinstance(v, str))]
             if "_" in c or c in ("higher", "lower", "lead", "lag")}
    for pack in (sample_pack, sample_pack_nl):
        for page in sorted(Path(pack.index).parent.glob("*.html")):
            found = sorted({cell for cell in _cells(page) if cell in codes})
            assert not found, (page.name, found)
            assert not [c for c in _cells(page) if re.search(r"\b[a-z]+_[a-z_]+ -> ", c)], page.name  # team paths as codes


def test_teams_chains_and_categories_read_as_words_in_the_pages_language(sample_pack, sample_pack_nl):
    # the sample's codes (first_line, field, fault, ...) in English words, and its chains' English names
    english = {"first line", "second line", "field", "field service", "billing", "fault", "order", "complaint",
               "move", "change", "all", "Fault repaired", "Complaint resolved", "New connection ordered"}
    pages = sorted(Path(sample_pack_nl.index).parent.glob("day*.html"))
    for page in pages:
        assert not sorted({c for c in _cells(page) if c in english}), page.name
        text = _text(page)
        assert not re.search(r"\b(first|second) line\b|Fault repaired|category = |: fault\b", text), page.name
    chains_nl = _text(next(p for p in pages if p.name.startswith("day02")))
    assert "eerste lijn → tweede lijn" in chains_nl and "Storing verholpen" in chains_nl
    assert "zaakcategorie: storing" in chains_nl
    assert "buitendienst: streefwaarde 85" in _text(next(p for p in pages if p.name.startswith("day10")))
    chains_en = _text(next(Path(sample_pack.index).parent.glob("day02*.html")))
    assert "first line → second line" in chains_en and "Fault repaired" in chains_en
    assert "case category: fault" in chains_en and "category = " not in chains_en


def test_no_column_code_reaches_a_table_header_of_either_pack(sample_pack, sample_pack_nl):
    from kpilib.report.narration import COLUMN_LABELS

    codes = {name.replace("_", " ") for name in COLUMN_LABELS} - {"team a", "team b"}  # "kpis", "aht s", "p90 hours"
    for pack in (sample_pack, sample_pack_nl):
        for page in sorted(Path(pack.index).parent.glob("day*.html")):
            headers = re.findall(r"<th\b[^>]*>(.*?)</th>", page.read_text(encoding="utf-8"), flags=re.S)
            found = sorted({h.strip() for h in headers} & codes)
            assert not found, (page.name, found)


def test_every_table_fits_the_page_at_1280_px_in_both_packs(sample_pack, sample_pack_nl):
    import os
    import shutil

    chromium = os.environ.get("KPI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium: install Debian's `chromium` package (or set KPI_CHROMIUM to the browser)")
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    # a table wider than its output area is cut off at the page's edge (days 2, 4 and 8 were, by 60-90 px)
    too_wide = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
        .filter(e => e.querySelector('table') && e.scrollWidth > e.clientWidth + 1)
        .map(e => (e.querySelector('caption') || e.querySelector('th')).textContent.trim().slice(0, 60))"""
    wrong = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for pack in (sample_pack, sample_pack_nl):
            for day in sorted(Path(pack.index).parent.glob("day*.html")):
                page.goto(day.as_uri())
                wrong += [f"{'en' if pack is sample_pack else 'nl'} {day.name}: {caption}" for caption in page.evaluate(too_wide)]
                assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280, day.name
        browser.close()
    assert not wrong, "\n".join(wrong)


def test_no_page_of_either_pack_names_the_settings_file(sample_pack, sample_pack_nl):
    # a client reads where a decision comes from ("set in the workshop's settings"), not a file name
    for pack in (sample_pack, sample_pack_nl):
        for page in sorted(Path(pack.index).parent.glob("day*.html")):
            assert "workshop.yaml" not in _text(page), page.name
    tactics_nl = _text(next(Path(sample_pack_nl.index).parent.glob("day08*.html")))
    assert "(vastgelegd in de instellingen van de workshop)" in tactics_nl
