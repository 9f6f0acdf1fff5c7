"""Customer chains as data: the `lines:` and `chains:` blocks of workshop.yaml, and their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from _fixtures import frame
from kpilib import chains
from kpilib.data.config import load_config
from kpilib.exceptions import WorkshopError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HEAD = ("sources:\n"
        "  cases:\n"
        "    file: exports/c.csv\n"
        "    columns: {case_id: id, opened_at: at}\n")


def workshop(tmp_path: Path, text: str):
    (tmp_path / "exports").mkdir(exist_ok=True)
    (tmp_path / "exports" / "c.csv").write_text("id,at\n1,2026-01-01\n")
    (tmp_path / "workshop.yaml").write_text(HEAD + text)
    return load_config(tmp_path)


def test_the_sample_declares_its_lines_and_five_chains():
    config = load_config(SAMPLE)
    lines = chains.load_lines(config)
    assert lines.order == ("first_line", "second_line", "field") and lines.outside == ("billing",)
    assert lines.teams == ("first_line", "second_line", "field", "billing")
    assert lines.first_line == "first_line" and lines.rank("field") == 2 and lines.rank("billing") is None
    found = chains.load_chains(config)
    assert [c.id for c in found] == ["fault", "order", "complaint", "move", "billing"]
    fault, order = found[0], found[1]
    assert fault.category == ("fault",) and fault.norm == "resolved within 3 working days of opening"
    assert (order.start, order.fulfilled, order.norm_days) == ("order_placed", "first_contact", 5)
    # every chain is named in both languages; an English workshop reads the English names
    from kpilib.chains._config import chain_names

    names = chain_names(config)
    assert all(set(name) == {"en", "nl"} for name in names.values()), names
    assert names["fault"] == {"en": "Fault repaired", "nl": "Storing verholpen"} and fault.name == "Fault repaired"


def test_chains_may_be_a_list_with_ids_and_select_by_reason_or_first_team(tmp_path):
    config = workshop(tmp_path, "chains:\n"
                                "  - id: outage\n"
                                "    cases: {reason: [Storing, Uitval], first_team: L1}\n"
                                "    fulfilled: closed\n")
    (outage,) = chains.load_chains(config)
    assert outage.reason == ("Storing", "Uitval") and outage.first_team == ("L1",)
    assert outage.name == "outage" and outage.fulfilled == "closed" and outage.norm_days == 3


def test_every_mistake_is_listed_with_its_line(tmp_path):
    config = workshop(tmp_path, "lines:\n"                           # line 5
                                "  order: [L1, L2]\n"
                                "  outside: [L2]\n"                  # line 7
                                "chains:\n"
                                "  fault:\n"                         # line 9
                                "    cases: {categorie: fault}\n"    # line 10
                                "    start: opened\n"                # line 11
                                "    norm_days: drie\n")             # line 12
    with pytest.raises(WorkshopError) as err:
        chains.load_lines(config)
    assert "workshop.yaml, line 7 (lines.outside): 'L2' is both in `order` and in `outside`" in str(err.value)
    with pytest.raises(WorkshopError) as err:
        chains.load_chains(config)
    text = str(err.value)
    assert "has 4 problems" in text
    assert "line 10 (chains.fault.cases.categorie): unknown key `categorie`" in text
    assert "line 11 (chains.fault.start): expected one of `case_opened`, `order_placed`; found 'opened'" in text
    assert "line 12 (chains.fault.norm_days): expected the customer's norm in working days" in text
    assert "line 10 (chains.fault.cases): say which cases belong to the chain" in text


def test_an_order_chain_is_fulfilled_by_an_order_milestone(tmp_path):
    config = workshop(tmp_path, "chains:\n"
                                "  order:\n"
                                "    start: order_placed\n"
                                "    fulfilled: resolved\n")
    with pytest.raises(WorkshopError, match=r"line 8 \(chains.order.fulfilled\): a chain that starts at "
                                            r"'order_placed' is fulfilled at one of `first_contact`, `delivered`"):
        chains.load_chains(config)


def test_defaults_one_chain_per_category_and_the_order_read_from_the_data(tmp_path):
    config = workshop(tmp_path, "")
    cases = frame("cases", [{"case_id": "1", "category": "move", "opened_at": "2026-04-01 09:00"},
                            {"case_id": "2", "category": "fault", "opened_at": "2026-04-01 09:00"},
                            {"case_id": "3", "category": "fault", "opened_at": "2026-04-01 09:00"}])
    # fault has 2 cases, move 1: most cases first
    found = chains.load_chains(config, cases=cases, norm_days=4)
    assert [(c.id, c.category, c.norm_days) for c in found] == [("fault", ("fault",), 4), ("move", ("move",), 4)]
    assert chains.load_chains(config) == []
    events = frame("events", [{"case_id": "1", "at": "2026-04-01 09:00", "team": "a", "seq": 1},
                              {"case_id": "1", "at": "2026-04-01 10:00", "team": "b", "seq": 2}])
    assert chains.load_lines(config, events=events).order == ("a", "b")
    assert chains.load_lines(config) == chains.Lines()
