"""Codes from the client's data (teams, chains, case categories) read as words, in the workshop's language."""

from __future__ import annotations

import pandas as pd
import pytest

import kpilib
from kpilib._codes import category_words, chain_name, reader_name, team_name
from kpilib.exceptions import WorkshopError


def workshop(tmp_path, text: str, language: str = "en"):
    folder = tmp_path / "ws"
    folder.mkdir(exist_ok=True)
    (folder / "workshop.yaml").write_text(f"client: ACME Telecom\nlanguage: {language}\nsources: {{}}\n" + text,
                                          encoding="utf-8")
    return folder


TEAMS_AND_CHAINS = """\
teams:
  field: {en: Field engineers, nl: Monteurs}
  helpdesk: Klantenservice
chains:
  fault:
    name: {en: Fault repaired, nl: Storing verholpen}
    cases: {category: fault}
  billing:
    name: Bill corrected
    cases: {category: billing}
"""


@pytest.mark.parametrize("language, first, path, category, rule", [
    ("en", "first line", "first line → second line → field service", "subscription change", "case category: fault"),
    ("nl", "eerste lijn", "eerste lijn → tweede lijn → buitendienst", "abonnementswijziging",
     "zaakcategorie: storing"),
])
def test_common_codes_read_as_words_in_the_language(language, first, path, category, rule):
    from kpilib.chains import Chain
    from kpilib.chains._summary import membership_words

    kpilib.set_language(language)
    try:
        assert team_name("first_line") == first
        # both ways the data writes a path: "a -> b" (handoffs) and "a > b" (variants)
        assert reader_name("first_line -> second_line > field") == path
        assert category_words("change") == category
        assert membership_words(Chain(id="fault", name="Fault", category=("fault",))) == rule
        # a code without words keeps today's reading
        assert reader_name("back_office") == "back office"
        assert team_name("back_office") == "back office"
    finally:
        kpilib.set_language("en")


@pytest.mark.parametrize("language, field, helpdesk, fault, billing", [
    ("en", "Field engineers", "Klantenservice", "Fault repaired", "Bill corrected"),
    ("nl", "Monteurs", "Klantenservice", "Storing verholpen", "Bill corrected"),   # a plain name in every language
])
def test_a_workshop_names_its_own_teams_and_chains(tmp_path, language, field, helpdesk, fault, billing):
    from kpilib.chains import load_chains
    from kpilib.workshop.wording import decision_text

    ws = kpilib.open_workshop(workshop(tmp_path, TEAMS_AND_CHAINS, language))
    try:
        assert ws.teams == {"field": {"en": "Field engineers", "nl": "Monteurs"}, "helpdesk": "Klantenservice"}
        assert reader_name("helpdesk -> field") == f"{helpdesk} → {field}"
        assert [c.name for c in load_chains(ws.config)] == [fault, billing]
        assert chain_name("fault") == fault
        assert decision_text("chains", ["fault", "billing"]) == f"{fault}, {billing}"
        assert decision_text("chain_owners", {"fault": "Ann"}) == f"{fault}: Ann"
        assert decision_text("handover_points", ["helpdesk -> field"]) == f"{helpdesk} → {field}"
    finally:
        kpilib.set_language("en")


def test_a_table_shows_chains_categories_and_team_paths_in_words(tmp_path):
    kpilib.open_workshop(workshop(tmp_path, TEAMS_AND_CHAINS, "nl"))
    try:
        frame = pd.DataFrame({"chain": ["fault"], "category": ["move"], "pattern": ["first_line -> field"],
                              "name": ["<b>x</b>"]})
        html = kpilib.show_table(frame).to_html()
    finally:
        kpilib.set_language("en")
    assert ">Storing verholpen<" in html and ">verhuizing<" in html
    # the arrow of the path is read before escaping: "->" in the data, "→" on the page
    assert ">eerste lijn → Monteurs<" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_the_default_chains_are_named_after_their_category_in_words(tmp_path):
    from kpilib.chains import default_chains

    cases = pd.DataFrame({"case_id": ["1", "2", "3"], "category": ["fault", "fault", "move"]})
    kpilib.set_language("nl")
    try:
        # fault has 2 cases, move 1: most cases first
        assert [(c.id, c.name) for c in default_chains(cases)] == [("fault", "Storing"), ("move", "Verhuizing")]
    finally:
        kpilib.set_language("en")


def test_a_wrong_team_or_chain_name_is_reported_with_its_line(tmp_path):
    from kpilib.chains import load_chains

    folder = workshop(tmp_path, """\
teams:
  field: {en: Field engineers, de: Monteure}
  billing: 3
chains:
  fault:
    name: {en: Fault repaired, nl: ""}
    cases: {category: fault}
""")
    with pytest.raises(WorkshopError) as err:
        kpilib.open_workshop(folder)
    lines = str(err.value).splitlines()
    assert lines[0] == "workshop.yaml has 2 problems:"
    assert lines[1] == ("  - workshop.yaml, line 5 (teams.field): expected the team's name as text, or one per "
                        "language such as {en: Field service, nl: Buitendienst} (languages en, nl); found "
                        "{'en': 'Field engineers', 'de': 'Monteure'}.")
    assert lines[2].startswith("  - workshop.yaml, line 6 (teams.billing): expected the team's name as text")
    assert lines[2].endswith("found 3.")
    (folder / "workshop.yaml").write_text((folder / "workshop.yaml").read_text().split("teams:")[0]
                                          + "chains:" + (folder / "workshop.yaml").read_text().split("chains:")[1])
    from kpilib.data.config import load_config

    with pytest.raises(WorkshopError, match=r"line 6 \(chains\.fault\.name\): expected the chain's name as text, "
                                            r"or one per language such as \{en: Fault repaired, nl: Storing "
                                            r"verholpen\} \(languages `en`, `nl`\); found \{'en': 'Fault repaired', "
                                            r"'nl': ''\}"):
        load_chains(load_config(folder, require_sources=False))


@pytest.mark.parametrize("language, expected", [("en", "within 5 working days; the stays at team second line"),
                                                ("nl", "binnen 5 werkdagen; de verblijftijd bij team tweede lijn")])
def test_a_definition_names_its_team_in_words(language, expected):
    from kpilib.kpis.wording import definition_sentence

    kpilib.set_language(language)
    try:
        assert definition_sentence("stays_within_norm", {"norm_days": 5, "team": "second_line"}) == expected
    finally:
        kpilib.set_language("en")
