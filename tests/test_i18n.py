"""Dutch and English: every text has its translation, the notebooks hold each language once, numbers follow the language."""

from __future__ import annotations

import ast
import datetime as dt
import re
import string
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kpilib
from kpilib._i18n import (catalogue, cell_language, format_date, format_number, format_percent, format_points,
                          in_language, notebook_messages, plural_catalogue, tr, trn)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("day*.ipynb"))


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    kpilib.set_language("en")


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_is_english_followed_by_its_dutch(path):
    cells = nbformat.read(path, as_version=4).cells
    markdown = [i for i, c in enumerate(cells) if c.cell_type == "markdown"]
    untagged = [i for i in markdown if cell_language(cells[i]) is None]
    assert not untagged, f"{path.name}: Markdown cells {untagged} have no lang-en/lang-nl tag"
    for i in markdown:
        if cell_language(cells[i]) == "en":
            follower = cells[i + 1] if i + 1 < len(cells) else None
            assert follower is not None and cell_language(follower) == "nl", \
                f"{path.name}: cell {i} (English) is not followed by its Dutch cell"
            other = lambda c: sorted(t for t in c.metadata.get("tags", []) if not t.startswith("lang-"))  # noqa: E731
            assert other(follower) == other(cells[i]), f"{path.name}: cell {i + 1} lacks the tags of cell {i}"
        else:
            assert i > 0 and cell_language(cells[i - 1]) == "en", f"{path.name}: Dutch cell {i} has no English cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_text_of_a_day_has_its_dutch_translation_with_the_same_placeholders(path):
    dutch, plurals = catalogue("nl"), plural_catalogue("nl")
    missing = []
    for cell, text in notebook_messages(nbformat.read(path, as_version=4)):
        if isinstance(text, tuple):  # trn(singular, plural, n)
            if text not in plurals:
                missing.append(f"cell {cell}: {text[0][:60]!r} (plural)")
            else:
                assert all(_names(form) == _names(text[0]) for form in plurals[text]), f"{path.name}, cell {cell}"
        elif text not in dutch:
            missing.append(f"cell {cell}: {text[:60]!r}")
        else:
            assert _names(dutch[text]) == _names(text), f"{path.name}, cell {cell}: {dutch[text]!r} for {text!r}"
    assert not missing, f"{path.name}: no Dutch for\n" + "\n".join(missing)


def _library_texts() -> list[tuple[str, str]]:
    """Every literal kpilib passes to ``tr``: (where, text)."""
    found = []
    for path in sorted((ROOT / "kpilib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value))
    return found


def _library_plural_texts() -> list[tuple[str, tuple[str, str]]]:
    """Every pair of literals kpilib passes to ``trn``: (where, (singular, plural))."""
    found = []
    for path in sorted((ROOT / "kpilib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "trn" and len(node.args) >= 2:
                assert all(isinstance(a, ast.Constant) for a in node.args[:2]), f"{path}:{node.lineno}"
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", (node.args[0].value, node.args[1].value)))
    return found


def test_every_library_text_has_its_dutch_translation():
    texts = _library_texts()
    assert len(texts) > 40                                       # the pages, the summary, the boxes at least
    missing = [f"{where}: {text!r}" for where, text in texts if text not in catalogue("nl")]
    plurals = _library_plural_texts()
    assert len(plurals) >= 3                                     # day 9's balance check at least
    missing += [f"{where}: {pair[0]!r}" for where, pair in plurals if pair not in plural_catalogue("nl")]
    assert not missing, "no Dutch for\n" + "\n".join(missing)


def test_every_translation_keeps_its_placeholders():
    wrong = [(k, v) for k, v in catalogue("nl").items() if _names(k) != _names(v)]
    wrong += [(k, v) for k, v in plural_catalogue("nl").items() if any(_names(k[0]) != _names(f) for f in v)]
    assert not wrong


@pytest.mark.parametrize("language, one, five, none", [
    ("en", "1 of the 5 KPIs leads: it moves before the results do.",
     "2 of the 5 KPIs lead: they move before the results do.", "0 of the 5 KPIs lead: they move before the results do."),
    ("nl", "1 van de 5 KPI's is voorlopend: die beweegt voordat de resultaten dat doen.",
     "2 van de 5 KPI's zijn voorlopend: ze bewegen voordat de resultaten dat doen.",
     "0 van de 5 KPI's zijn voorlopend: ze bewegen voordat de resultaten dat doen.")])
def test_a_count_chooses_the_singular_or_the_plural(language, one, five, none):
    singular, plural = ("{lead} of the {n} KPIs leads: it moves before the results do.",
                        "{lead} of the {n} KPIs lead: they move before the results do.")
    kpilib.set_language(language)
    assert [trn(singular, plural, lead).format(lead=lead, n=5) for lead in (1, 2, 0)] == [one, five, none]
    # a text the catalogue does not have: the English form for the count
    assert trn("{n} thing", "{n} things", 1) == "{n} thing" and trn("{n} thing", "{n} things", 3) == "{n} things"


def test_the_balance_check_of_one_leading_kpi_reads_in_the_singular():
    from kpilib.days.scoring import balance_check

    kpilib.set_language("nl")
    selection = pd.DataFrame({"kpi": list("abcde"), "name": list("abcde"), "chains": [()] * 5, "timing": ["lead"] + ["lag"] * 4,
                              "view": ["customer_seen"] * 4 + ["internal"]})
    findings = dict(zip(*balance_check(selection).pipe(lambda f: (f["check"], f["finding"]))))
    # 1 of 5 leads and 5 - 4 = 1 is internal: both singular; 4 are seen by the customer
    assert findings["voorlopend"] == "1 van de 5 KPI's is voorlopend: die beweegt voordat de resultaten dat doen."
    assert findings["intern"] == "1 van de 5 KPI's is een intern stuurgetal voor de teams."
    assert findings["zichtbaar voor de klant"] == "4 van de 5 KPI's merkt de klant zelf."


def test_tr_translates_in_the_current_language_and_keeps_what_it_does_not_know():
    kpilib.set_language("nl")
    assert tr("Schedule") == "Planning"
    assert tr("Surely no such text") == "Surely no such text"
    kpilib.set_language("en")
    assert tr("Schedule") == "Schedule"
    assert tr("Schedule", "nl") == "Planning"
    with pytest.raises(kpilib.ParameterError, match="`language` must be one of 'en', 'nl'; got 'de'"):
        kpilib.set_language("de")


def test_opening_a_workshop_sets_its_language(tmp_path):
    ws = kpilib.new_workshop(tmp_path / "w", client="Klant X", start="2026-12-07", language="nl")
    kpilib.open_workshop(ws.path)
    assert kpilib.current_language() == "nl"


@pytest.mark.parametrize("language, whole, decimal, share, share1, points", [
    ("en", "7,749", "1,234.5", "84%", "84.5%", "-71.2\u00a0percentage points"),
    ("nl", "7.749", "1.234,5", "84\u00a0%", "84,5\u00a0%", "-71,2\u00a0procentpunt"),
])
def test_numbers_follow_the_language(language, whole, decimal, share, share1, points):
    assert format_number(7749, language=language) == whole
    assert format_number(1234.5, 1, language) == decimal
    assert format_percent(0.84, language=language) == share            # 0.84 × 100 = 84
    assert format_percent(0.845, 1, language) == share1                # 0.845 × 100 = 84.5
    assert format_points(-0.712, language=language) == points         # 0.712 × 100 = 71.2 points down


def test_dates_follow_the_language():
    assert format_date(dt.date(2026, 12, 7), "EEEE d MMMM y", "en") == "Monday 7 December 2026"
    assert format_date(dt.date(2026, 12, 7), "EEEE d MMMM y", "nl") == "maandag 7 december 2026"


def test_narrative_numbers_follow_the_language():
    kpilib.set_language("nl")
    text = kpilib.narrate("{share:.0%} of {n:,} calls, {wait:.1f} s, {count}", share=0.843, n=12345, wait=3.5,
                          count=1208).data
    assert text == "84\u00a0% of 12.345 calls, 3,5 s, 1.208"
    # {:g}: as many decimals as the number has, in the language (a criterion weight of 0.5 reads 0,5)
    assert kpilib.narrate("{a:g}, {b:g}, {c:g}", a=0.5, b=3, c=1234.25).data == "0,5, 3, 1.234,25"
    weights = kpilib.show_table(pd.DataFrame({"weight": [0.5, 2.0]}), formats={"weight": "{:g}"}).to_html()
    assert ">0,5<" in weights and ">2<" in weights
    kpilib.set_language("en")
    assert kpilib.narrate("{share:.0%} of {n:,} calls", share=0.843, n=12345).data == "84% of 12,345 calls"
    assert kpilib.narrate("{a:g}, {b:g}", a=0.5, b=3).data == "0.5, 3"


def test_a_notebook_in_one_language_keeps_its_code_and_that_language_only():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Hello", metadata={"tags": ["lang-en"]}),
        nbformat.v4.new_markdown_cell("Hallo", metadata={"tags": ["lang-nl"]}),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    assert [c.source for c in in_language(nb, "nl").cells] == ["Hallo", "x = 1"]
    assert [c.source for c in in_language(nb, "en").cells] == ["Hello", "x = 1"]
    assert len(nb.cells) == 3                                            # the notebook itself is not changed


def test_the_glossary_gives_every_term_of_the_method():
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in ("klantketen", "klantwaarden", "eiland-denken", "ketenoverleg", "servicelevel", "wachttijd",
                 "afgebroken gesprek", "kort afgebroken gesprek", "eerste-contactoplossing", "herhaalcontact",
                 "terugbelverzoek", "doorverbinding", "overdracht", "norm", "streefwaarde", "eigenaar"):
        assert re.search(rf"\| [^|]*\b{re.escape(term)}\b", glossary), term


def test_every_word_list_a_reader_sees_has_its_dutch_translation():
    from kpilib import _codes
    from kpilib.chains import _config, _outcomes
    from kpilib.chains import _summary as chain_summary
    from kpilib.days import definitions, levers, scoring
    from kpilib.kpis import wording as kpi_wording
    from kpilib.report import _pages, sections
    from kpilib.widgets import _explore, _fields
    from kpilib.workshop import wording

    lists = {"decision titles": wording.DECISION_TITLES, "decision meanings": wording.DECISION_MEANINGS,
             "tactics": wording._TACTICS, "criteria": wording._CRITERIA, "customer norms": wording._CUSTOMER_NORMS, "norm names": wording._CUSTOMER_NORM_NAMES,
             "abandon rules": kpi_wording._ABANDONED, "methods": kpi_wording._METHOD,
             "directions": kpi_wording._DIRECTION, "clocks": kpi_wording._CLOCK_WAIT,
             "tables": sections.TABLE_NAMES, "columns": sections.COLUMN_NAMES, "page statuses": _pages.STATUS_LABELS,
             "chain norms": dict(enumerate(t for texts in _config._NORM_WORDS.values() for t in texts)),
             "scoring criteria": scoring.CRITERIA, "FCR methods": definitions._FCR_LABELS,
             "abandon words": definitions._ABANDON_WORDS, "clock words": definitions._CLOCK_WORDS,
             "tactics table": dict(enumerate(t for texts in levers.TACTICS.values() for t in texts)),
             "end to end": {"label": _outcomes.END_TO_END_LABEL},
             "parameter words": _codes.PARAMETER_WORDS, "choice words": _codes.CHOICE_WORDS,
             "code words": _codes.CODE_WORDS, "team words": _codes.TEAM_WORDS,
             "category words": _codes.CATEGORY_WORDS,
             "chain rules": {k: words for k, (words, _) in chain_summary._RULE_WORDS.items()},
             "service-level headers": _explore.SERVICE_LEVEL_HEADERS, "units": dict(_fields._UNITS)}
    missing = [f"{name}: {text!r}" for name, words in lists.items() for text in words.values()
               if text not in catalogue("nl")]
    assert not missing, "no Dutch for\n" + "\n".join(missing)


def test_a_definition_reads_as_a_sentence_in_both_languages():
    from kpilib.kpis.wording import definition_sentence

    definition = {"threshold_s": 20, "clock": "queue", "abandoned": "fail", "short_abandon_s": 5}
    assert definition_sentence("service_level", definition) == (
        "answered within 20 s of entering the queue; abandoned calls count as not in time; "
        "calls abandoned within 5 s are left out; only phone contacts")
    kpilib.set_language("nl")
    assert definition_sentence("service_level", definition) == (
        "opgenomen binnen 20 s na binnenkomst in de wachtrij; afgebroken gesprekken tellen als niet op tijd; "
        "gesprekken die binnen 5 s werden afgebroken tellen niet mee; alleen contacten via telefoon")
    # first-contact resolution by the case: no window, since the method does not use one
    assert definition_sentence("first_contact_resolution", {"method": "case"}) == \
        "opgelost als de zaak na het eerste contact werd gesloten"


def test_a_decision_reads_as_words_in_both_languages():
    from kpilib.workshop.wording import decision_text

    inventory = [{"team": "first_line", "kpi": "service_level", "target": 0.8,
                  "definition": {"threshold_s": 30, "clock": "arrival", "abandoned": "exclude"}}]
    assert decision_text("current_kpis", inventory) == (
        "first line: Service level (answered within 30 s of the customer's call (the phone menu included); "
        "abandoned calls are left out; only phone contacts), target 80%")
    kpilib.set_language("nl")
    assert decision_text("targets", {"service_level": 0.8, "average_handle_time": 360}) == \
        "Servicelevel: 80\u00a0%; Gemiddelde afhandeltijd: 360 s"
    assert decision_text("tactic", "customer_intimacy") == "Klantintimiteit"
    assert decision_text("sign_off", {"by": "directie", "date": "2026-12-14"}) == \
        "vastgesteld door directie op 14 december 2026"
    assert decision_text("kpi_set", []) == "nog niet besloten"


def test_a_text_in_two_catalogues_has_one_translation():
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((ROOT / "kpilib" / "locale" / "nl").glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file):
                if message.id and message.string:
                    first = seen.setdefault(message.id, (path.name, message.string))
                    if first[1] != message.string:
                        clashes.append(f"{message.id!r}: {first} vs {(path.name, message.string)}")
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize("language, expected", [("en", ["50%", "April 2026", "–"]),
                                                ("nl", ["50\u00a0%", "april 2026", "–"])])
def test_table_formats_follow_the_language(language, expected):
    import pandas as pd

    kpilib.set_language(language)
    frame = pd.DataFrame({"share": [0.5, None], "month": [pd.Timestamp("2026-04-01"), pd.NaT]})
    html = kpilib.show_table(frame, formats={"share": "{:.0%}", "month": "{:%B %Y}"}).to_html()
    cells = re.findall(r">([^<>]+)</td>", html)
    assert cells[:3] == expected


@pytest.mark.parametrize("language, rise, spread, fall", [
    ("en", "+3.5\u00a0percentage points", "72.1\u00a0percentage points", "-71.2\u00a0percentage points"),
    ("nl", "+3,5\u00a0procentpunt", "72,1\u00a0procentpunt", "-71,2\u00a0procentpunt")])
def test_differences_of_shares_read_as_percentage_points(language, rise, spread, fall):
    import pandas as pd

    kpilib.set_language(language)
    try:
        # 0.845 - 0.810 = 0.035 → 3.5 points up; 0.842 - 0.121 = 0.721 → a spread of 72.1 points, no sign
        assert kpilib.narrate("{d:+.1pp}; {r:.1pp}", d=0.845 - 0.810, r=0.842 - 0.121).data == f"{rise}; {spread}"
        frame = pd.DataFrame({"difference": [0.130 - 0.842], "range": [0.721]})  # 13.0 % - 84.2 % = -71.2 points
        html = kpilib.show_table(frame, formats={"difference": "{:+.1pp}", "range": "{:.1pp}"}).to_html()
        assert re.findall(r">([^<>]+)</td>", html) == [fall, spread]
    finally:
        kpilib.set_language("en")


def test_first_contact_resolution_has_the_glossarys_one_dutch_name_everywhere():
    import json

    kpilib.set_language("nl")
    assert kpilib.kpi_name("first_contact_resolution") == "Eerste-contactoplossing"  # the glossary's term
    # no synonym in a catalogue, the KPI catalogue or a Dutch cell of a day
    texts = list(catalogue("nl").values()) + [(ROOT / "kpilib" / "kpis" / "catalogue.yaml").read_text(encoding="utf-8")]
    for path in NOTEBOOKS:
        texts += ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                  if cell_language(c) == "nl"]
    synonyms = [t for t in texts if re.search(r"oplossing bij (het )?eerste contact", t, re.I)]
    assert not synonyms


@pytest.mark.parametrize("language, one, three", [
    ("en", ["within 1 working day", "1 working day", "within 1 calendar day of"],
     ["within 3 working days", "3 working days", "within 3 calendar days of"]),
    ("nl", ["binnen 1 werkdag", "1 werkdag", "binnen 1 kalenderdag na"],
     ["binnen 3 werkdagen", "3 werkdagen", "binnen 3 kalenderdagen na"])])
def test_a_norm_of_one_day_reads_in_the_singular(language, one, three):
    from kpilib.kpis.wording import definition_sentence, norm_in_unit

    kpilib.set_language(language)
    for days, (norm, unit, window) in ((1, one), (3, three)):
        assert definition_sentence("time_to_resolution", {"norm_days": days}) == norm
        assert norm_in_unit("time_to_resolution", days) == unit
        assert window in definition_sentence("repeat_contact_rate", {"window_days": days, "window_unit": "calendar_day"})
