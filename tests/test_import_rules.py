"""Column specs for real exports: composite values, ordered rules, times across midnight, `invalid: null`,
and what `check` counts (distinct rows with problems, teams that `lines:` does not name)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from kpilib.exceptions import DataError, WorkshopError
from kpilib.importing import check_workshop, import_workshop


def workshop(tmp_path: Path, yaml: str, **files: str) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "workshop.yaml").write_text(yaml)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def rows(folder: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Europe/Amsterdam'")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


CONTACTS = """
sources:
  contacts:
    file: c.csv
    delimiter: ";"
    columns:
      contact_id: {contact_id}
      channel: {{value: phone}}
      direction: {{value: inbound}}
      team: team
      arrived_at: start
{columns}"""


def contacts(tmp_path: Path, csv: str, contact_id: str = "id", columns: str = "") -> Path:
    return workshop(tmp_path, CONTACTS.format(contact_id=contact_id, columns=columns), c=csv)


# -- composite values ---------------------------------------------------------------------------------

def test_concat_joins_the_parts_into_an_id_unique_only_together(tmp_path: Path) -> None:
    folder = contacts(tmp_path, "lijn;id;team;start\nL1;7;Noord;05-01-2026 09:00\nL2;7;Noord;05-01-2026 09:01\n"
                                "L1;8;Zuid;05-01-2026 09:02\n",
                      contact_id='{concat: [lijn, id], sep: "-"}')
    import_workshop(folder)
    # call id 7 occurs on two lines: L1-7 and L2-7 are two contacts, not a duplicate
    assert rows(folder, "SELECT contact_id FROM contacts") == [("L1-7",), ("L2-7",), ("L1-8",)]


def test_a_composite_with_an_empty_part_is_an_empty_required_value(tmp_path: Path) -> None:
    folder = contacts(tmp_path, "lijn;id;team;start\nL1;7;Noord;05-01-2026 09:00\nL1;;Noord;05-01-2026 09:01\n"
                                ";;Zuid;05-01-2026 09:02\n",
                      contact_id="{concat: [lijn, id]}")
    report = check_workshop(folder)
    # rows 3 and 4 (the header is line 1): 'L1' + nothing is not 'L1', it is no id at all
    assert [p.message() for p in report.problems] == [
        "c.csv, column `lijn` + `id`, rows 3, 4: expected a value (`contact_id` is required), found 'L1' + an "
        "empty `id`. A composite value is empty when one of its parts is. Fill it in the export, or leave these "
        "rows out with a `drop:` rule."]
    assert report.rows_with_problems == 2


def test_concat_naming_a_column_the_export_lacks_is_reported(tmp_path: Path) -> None:
    folder = contacts(tmp_path, "lijn;id;team;start\nL1;7;Noord;05-01-2026 09:00\n",
                      contact_id="{concat: [lijn, gesprek]}")
    with pytest.raises(DataError, match=re.escape(
            "c.csv, column `gesprek`: expected a column of that name (for `contact_id`), found the columns "
            "`lijn`, `id`, `team`, `start`.")):
        import_workshop(folder)


@pytest.mark.parametrize(("spec", "message"), [
    ("{concat: [lijn]}", "line 7 (sources.contacts.columns.contact_id.concat): `concat` expects a list of two or "
                         "more column names, such as [vru_line, call_id]; found ['lijn']."),
    ("{column: id, sep: '-'}", "line 7 (sources.contacts.columns.contact_id.sep): `sep` goes with `concat`"),
])
def test_concat_misuse_is_reported_with_its_line(tmp_path: Path, spec: str, message: str) -> None:
    folder = contacts(tmp_path, "lijn;id;team;start\n", contact_id=spec)
    with pytest.raises(WorkshopError, match=re.escape(message)):
        check_workshop(folder)


def test_concat_cannot_build_a_timestamp(tmp_path: Path) -> None:
    folder = contacts(tmp_path, "id;team;start;d;t\n", columns="      ended_at: {concat: [d, t]}\n")
    with pytest.raises(WorkshopError, match=re.escape(
            "line 12 (sources.contacts.columns.ended_at.concat): `concat` builds a text, but `ended_at` is a "
            "timestamp column. Use {date: D, time: T} for a date and a time.")):
        check_workshop(folder)


# -- ordered rules --------------------------------------------------------------------------------------

RULES = """      outcome:
        - {value: escalated, when: {all: [{column: type, equals: IN}, {column: agent, is_null: true}]}}
        - column: code
          map: {OK: resolved, DV: transferred}
          when: {any: [{column: type, equals: IN}, {column: type, equals: TERUG}]}
        - {value: unresolved}
      answered_at:
        - {column: chat_start, when: {column: type, equals: CHAT}}
        - {from: arrived_at, plus: wacht, when: {column: agent, not_null: true}}
"""


def test_the_first_rule_whose_condition_holds_gives_the_value(tmp_path: Path) -> None:
    csv = ("id;type;agent;code;team;start;wacht;chat_start\n"
           "C1;IN;;OK;N;05-01-2026 09:00:00;;\n"            # IN and no agent: rule 1, escalated
           "C2;IN;a1;DV;N;05-01-2026 09:00:00;30;\n"         # IN with agent: rule 2, DV -> transferred
           "C3;TERUG;a1;OK;N;05-01-2026 09:00:00;60;\n"      # TERUG: rule 2, OK -> resolved
           "C4;UIT;a1;ZZ;N;05-01-2026 09:00:00;90;\n"        # else: unresolved; ZZ is outside rule 2, no error
           "C5;CHAT;a2;ZZ;N;05-01-2026 09:00:00;5;05-01-2026 09:04:00\n")  # CHAT: answered from chat_start
    folder = contacts(tmp_path, csv, columns=RULES)
    import_workshop(folder)
    # answered_at: C1 has no agent, neither rule -> null; C2 09:00:00 + 30 s; C3 + 60 s; C4 + 90 s;
    # C5 the chat's own start (the first rule wins over `from` + 5 s)
    assert rows(folder, "SELECT contact_id, outcome, strftime(answered_at, '%H:%M:%S') FROM contacts") == [
        ("C1", "escalated", None), ("C2", "transferred", "09:00:30"), ("C3", "resolved", "09:01:00"),
        ("C4", "unresolved", "09:01:30"), ("C5", "unresolved", "09:04:00")]


def test_a_rule_checks_only_the_rows_it_fills(tmp_path: Path) -> None:
    csv = ("id;type;agent;code;team;start;wacht;chat_start\n"
           "C1;IN;a1;XX;N;05-01-2026 09:00:00;10;\n"         # rule 2 fills it: XX is not in the map
           "C2;UIT;a1;XX;N;05-01-2026 09:00:00;10;\n")       # the else fills it: XX is not read
    report = check_workshop(contacts(tmp_path, csv, columns=RULES))
    assert [p.message() for p in report.problems] == [
        "c.csv, column `code`, row 2: expected one of the codes in the `map` of `outcome` ('OK', 'DV'), found "
        "'XX'. Add the code to the `map`, or set `other:` (a value, `null` or `keep`)."]


def test_a_combined_condition_can_leave_rows_out(tmp_path: Path) -> None:
    yaml = CONTACTS.format(contact_id="id", columns="").replace(
        "    columns:", "    drop:\n      - {all: [{column: team, equals: Test}, {any: [{column: id, equals: C2}, "
                       "{column: id, equals: C3}]}], reason: test calls}\n    columns:")
    folder = workshop(tmp_path, yaml, c="id;team;start\nC1;Test;05-01-2026 09:00\nC2;Test;05-01-2026 09:00\n"
                                         "C3;N;05-01-2026 09:00\n")
    report = import_workshop(folder)
    # only C2 is a Test row with id C2 or C3
    assert rows(folder, "SELECT contact_id FROM contacts") == [("C1",), ("C3",)]
    assert "3 rows read; 1 left out (test calls: 1)" in report.to_text()


@pytest.mark.parametrize(("columns", "message"), [
    ("      outcome:\n        - {value: resolved}\n        - {value: abandoned, when: {column: t, equals: X}}\n",
     "line 13 (sources.contacts.columns.outcome.0): only the last spec of `outcome` may go without `when` "
     "(it is the else); the specs after this one would never apply."),
    ("      outcome:\n        - {value: resolved, when: {all: {column: t, equals: X}}}\n",
     "line 13 (sources.contacts.columns.outcome.0.when.all): `all` expects a list of conditions"),
    ("      outcome:\n        - {value: resolved, when: {all: [{column: t, equals: X}], any: []}}\n",
     "line 13 (sources.contacts.columns.outcome.0.when): expected one of `all` or `any`, not both"),
    ("      outcome:\n        - {value: resolved, when: {any: [{column: t, equal: X}]}}\n",
     "line 13 (sources.contacts.columns.outcome.0.when.any.0.equal): unknown key `equal`. Did you mean `equals`?"),
])
def test_rule_list_misuse_is_reported_with_its_line(tmp_path: Path, columns: str, message: str) -> None:
    folder = contacts(tmp_path, "id;team;start;t\n", columns=columns)
    with pytest.raises(WorkshopError, match=re.escape(message)):
        check_workshop(folder)


# -- times that cross midnight ------------------------------------------------------------------------

MIDNIGHT = """      answered_at: {date: datum, time: op}
      ended_at: {date: datum, time: eind%s}
"""
MIDNIGHT_CSV = ("id;team;start;datum;op;eind\n"
                "C1;N;05-01-2026 23:50;05-01-2026;23:58:00;00:03:00\n"
                "C2;N;05-01-2026 23:50;05-01-2026;23:51:00;23:59:30\n")


def test_a_time_before_the_row_s_other_timestamp_is_read_on_the_next_day(tmp_path: Path) -> None:
    folder = contacts(tmp_path, MIDNIGHT_CSV, columns=MIDNIGHT % ", not_before: answered_at")
    import_workshop(folder)
    # C1: 00:03 < 23:58 on 5 January, so it ends on 6 January at 00:03 (a call of 5 minutes);
    # C2: 23:59:30 is after 23:51, so it stays on 5 January
    assert rows(folder, "SELECT contact_id, ended_at::VARCHAR, epoch(ended_at - answered_at) FROM contacts") == [
        ("C1", "2026-01-06 00:03:00+01", 300.0), ("C2", "2026-01-05 23:59:30+01", 510.0)]


def test_an_end_before_the_answer_suggests_not_before(tmp_path: Path) -> None:
    report = check_workshop(contacts(tmp_path, MIDNIGHT_CSV, columns=MIDNIGHT % ""))
    # C1 ends at 00:03 on its date, before both its arrival (23:50) and its answer (23:58)
    assert [p.message() for p in report.problems] == [
        "c.csv, column `ended_at`, row 2: expected `ended_at` at or after `arrived_at`, found ended_at "
        "05-01-2026 00:03:00 and arrived_at 05-01-2026 23:50:00. If `ended_at` is a time after midnight, read it "
        "on the next day: `ended_at: {date: datum, time: eind, not_before: arrived_at}`. Otherwise check the "
        "mapping of both columns.",
        "c.csv, column `ended_at`, row 2: expected `ended_at` at or after `answered_at`, found ended_at "
        "05-01-2026 00:03:00 and answered_at 05-01-2026 23:58:00. If `ended_at` is a time after midnight, read it "
        "on the next day: `ended_at: {date: datum, time: eind, not_before: answered_at}`. Otherwise check the "
        "mapping of both columns."]


@pytest.mark.parametrize(("option", "message"), [
    (", not_before: answerd_at", "line 13 (sources.contacts.columns.ended_at.not_before): `not_before` names "
                                 "'answerd_at', which is not another timestamp of `contacts`. Did you mean "
                                 "`answered_at`?"),
    (", not_before: team", "`not_before` names 'team', which is not another timestamp of `contacts`."),
])
def test_not_before_must_name_a_timestamp_of_the_table(tmp_path: Path, option: str, message: str) -> None:
    folder = contacts(tmp_path, MIDNIGHT_CSV, columns=MIDNIGHT % option)
    with pytest.raises(WorkshopError, match=re.escape(message)):
        check_workshop(folder)


def test_not_before_must_name_a_column_mapped_above(tmp_path: Path) -> None:
    columns = "      ended_at: {date: datum, time: eind, not_before: answered_at}\n" \
              "      answered_at: {date: datum, time: op}\n"
    with pytest.raises(WorkshopError, match=re.escape(
            "line 12 (sources.contacts.columns.ended_at.not_before): `answered_at` is used before it is mapped: "
            "map `answered_at` above `ended_at`.")):
        check_workshop(contacts(tmp_path, MIDNIGHT_CSV, columns=columns))


def test_not_before_goes_with_date_and_time(tmp_path: Path) -> None:
    with pytest.raises(WorkshopError, match=re.escape(
            "line 12 (sources.contacts.columns.ended_at.not_before): `not_before` goes with `date` and `time`")):
        check_workshop(contacts(tmp_path, MIDNIGHT_CSV,
                                columns="      ended_at: {column: eind, not_before: arrived_at}\n"))


# -- invalid: null ------------------------------------------------------------------------------------

VRU_CSV = ("id;team;start;vru_uit;cat\n"
           "C1;N;05-01-2026 09:00:00;05-01-2026 09:00:40;A\n"     # fine
           "C2;N;05-01-2026 09:01:00;05-01-2026 09:00:50;A\n"     # VRU exit before the entry
           "C3;N;05-01-2026 09:02:00;gisteren;A\n"                # unreadable
           "C4;N;05-01-2026 09:03:00;05-01-2026 09:03:10;A\n")    # fine


def test_invalid_null_nulls_a_failing_value_and_counts_it(tmp_path: Path) -> None:
    folder = contacts(tmp_path, VRU_CSV, columns="      queued_at: {column: vru_uit, invalid: null}\n")
    check = check_workshop(folder)
    # C2 (before its entry) and C3 (unreadable): 2 values nulled, no problem, all 4 rows kept
    assert check.ok
    assert ("c.csv: 2 values of `queued_at` failed a check and were nulled (`invalid: null`); the rows were "
            "kept.") in check.to_text()
    report = import_workshop(folder)
    assert "2 values of `queued_at` failed a check and were nulled" in report.to_text()
    assert rows(folder, "SELECT contact_id, strftime(queued_at, '%H:%M:%S') FROM contacts") == [
        ("C1", "09:00:40"), ("C2", None), ("C3", None), ("C4", "09:03:10")]


def test_without_invalid_null_the_row_fails(tmp_path: Path) -> None:
    report = check_workshop(contacts(tmp_path, VRU_CSV, columns="      queued_at: vru_uit\n"))
    # the default stays strict: C2 (row 3) and C3 (row 4) are problems
    assert [p.rows for p in report.problems] == [(4,), (3,)]


def test_invalid_null_in_one_rule_nulls_only_the_rows_of_that_rule(tmp_path: Path) -> None:
    csv = VRU_CSV.replace("09:00:50;A", "09:00:50;B")      # C2's category is B: its rule is strict
    columns = ("      queued_at:\n        - {column: vru_uit, invalid: null, when: {column: cat, equals: A}}\n"
               "        - {column: vru_uit}\n")
    report = check_workshop(contacts(tmp_path, csv, columns=columns))
    # C3 (category A, unreadable) is nulled; C2 (category B, before its entry) fails
    assert [(p.column, p.rows) for p in report.problems] == [("queued_at", (3,))]
    assert "1 value of `queued_at` failed a check and was nulled" in report.to_text()


@pytest.mark.parametrize(("columns", "message"), [
    ("      queued_at: {column: vru_uit, invalid: skip}\n",
     "line 12 (sources.contacts.columns.queued_at.invalid): expected `invalid: null` (a value that fails a check "
     "is nulled and counted) or `invalid: error` (the default: its row fails); found 'skip'."),
    ("      outcome: {value: resolved, invalid: null}\n",
     "line 12 (sources.contacts.columns.outcome.invalid): `invalid` applies to values read from the export"),
])
def test_invalid_misuse_is_reported_with_its_line(tmp_path: Path, columns: str, message: str) -> None:
    with pytest.raises(WorkshopError, match=re.escape(message)):
        check_workshop(contacts(tmp_path, VRU_CSV, columns=columns))


def test_a_required_column_cannot_be_nulled(tmp_path: Path) -> None:
    with pytest.raises(WorkshopError, match=re.escape(
            "line 7 (sources.contacts.columns.contact_id.invalid): `contact_id` is required, so a value that "
            "fails its checks cannot be nulled.")):
        check_workshop(contacts(tmp_path, VRU_CSV, contact_id="{column: id, invalid: null}"))


# -- what check counts --------------------------------------------------------------------------------

def test_check_counts_the_distinct_rows_with_problems(tmp_path: Path) -> None:
    csv = ("id;team;start;richting\n"
           "C1;N;gisteren;IN\n"                 # row 2: unreadable start and an unknown direction
           "C2;N;05-01-2026 09:00;inbound\n"    # row 3: fine
           "C2;N;05-01-2026 09:01;outbound\n"   # row 4: repeats the id of row 3
           "C4;N;05-01-2026 09:02;IN\n")        # row 5: unknown direction
    yaml = CONTACTS.format(contact_id="id", columns="").replace("direction: {value: inbound}",
                                                                "direction: richting")
    report = check_workshop(workshop(tmp_path, yaml, c=csv))
    # 3 problems (start: row 2; direction: rows 2, 5; id: row 4) in 3 distinct rows: 2, 4 and 5
    assert len(report.problems) == 3
    assert report.rows_with_problems == 3
    assert "\n3 rows of the exports have a problem.\n" in report.to_text()
    assert "c.csv → contacts: 4 rows read; 3 rows with problems" in report.to_text()


EVENTS = """
lines:
  order: [first_line, second_line]
  outside: [billing]
sources:
  events:
    file: e.csv
    columns:
      case_id: zaak
      at: tijd
      team: team
"""


def test_a_team_lines_does_not_name_is_a_warning_at_check_and_import(tmp_path: Path) -> None:
    csv = ("zaak,tijd,team\nZ1,05-01-2026 09:00,first_line\nZ1,05-01-2026 10:00,backoffice\n"
           "Z1,05-01-2026 11:00,billing\nZ2,05-01-2026 09:00,backoffice\nZ2,05-01-2026 09:30,Kantoor\n")
    folder = workshop(tmp_path, EVENTS, e=csv)
    check = check_workshop(folder)
    # backoffice on 2 rows, Kantoor on 1; first_line is in `order`, billing in `outside`
    expected = ["e.csv: team `backoffice` (2 rows) is in neither `lines.order` nor `lines.outside` of "
                "workshop.yaml. Add it to one of them, or map it onto a team that is.",
                "e.csv: team `Kantoor` (1 row) is in neither `lines.order` nor `lines.outside` of workshop.yaml."]
    assert check.ok
    text = import_workshop(folder).to_text()
    for line in expected:
        assert line in check.to_text()
        assert line in text


def test_without_a_lines_block_no_team_is_unknown(tmp_path: Path) -> None:
    folder = workshop(tmp_path, EVENTS.replace("lines:\n  order: [first_line, second_line]\n"
                                               "  outside: [billing]\n", ""),
                      e="zaak,tijd,team\nZ1,05-01-2026 09:00,backoffice\n")
    assert "Warnings:" not in check_workshop(folder).to_text()
