"""Event-log telephony: Asterisk's queue_log through the `asterisk_queue_log` preset, and a generic pivot.

tests/fixtures/queue_log/exports/queue_log: Thursday 4 June 2026 (CEST, UTC+2), epoch times; e.g.
1780556400 = 2026-06-04 07:00:00 UTC = 09:00:00 in Amsterdam. Lines per the Asterisk documentation
"Queue Logs" (kpilib/data/_presets.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from kpilib.exceptions import DataError
from kpilib.importing import import_workshop

FIXTURE = Path(__file__).parent / "fixtures" / "queue_log"


def contacts(folder: Path, sql: str = "") -> list[tuple]:
    con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Europe/Amsterdam'")
    t = "strftime({}, '%d %H:%M:%S')"
    rows = con.execute(sql or f"""
        SELECT contact_id, team, {t.format('arrived_at')}, {t.format('queued_at')}, {t.format('answered_at')},
               {t.format('ended_at')}, outcome, agent_id IS NOT NULL FROM contacts""").fetchall()
    con.close()
    return rows


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_queue_log_becomes_one_contact_per_queue_entry(workshop: Path) -> None:
    report = import_workshop(workshop)
    assert report.tables == {"contacts": 10, "events": 0}
    assert contacts(workshop) == [
        # CONNECT 09:00:35 (holdtime 35 = 09:00:35 - 09:00:00); COMPLETECALLER calltime 300: 09:00:35 + 300 s
        ("1780556400.100", "first_line", "04 09:00:00", "04 09:00:00", "04 09:00:35", "04 09:05:35", None, True),
        # ABANDON waittime 70: 09:10:00 + 70 s = 09:11:10, never answered
        ("1780557000.101", "sales", "04 09:10:00", "04 09:10:00", None, "04 09:11:10", None, False),
        # BLINDTRANSFER to the billing queue, calltime 180: 10:00:12 + 180 s = 10:03:12 ...
        ("1780560000.102", "first_line", "04 10:00:00", "04 10:00:00", "04 10:00:12", "04 10:03:12",
         "transferred", True),
        # ... its second ENTERQUEUE (billing, 10:03:13) is a second contact; COMPLETEAGENT calltime 420:
        # 10:03:43 + 420 s = 10:10:43
        ("1780560000.102-2", "billing", "04 10:03:13", "04 10:03:13", "04 10:03:43", "04 10:10:43", None, True),
        # EXITWITHTIMEOUT waittime 300: 11:00:00 + 300 s = 11:05:00
        ("1780563600.103", "first_line", "04 11:00:00", "04 11:00:00", None, "04 11:05:00", None, False),
        # EXITWITHKEY waittime (data4) 45: 12:00:45
        ("1780567200.104", "sales", "04 12:00:00", "04 12:00:00", None, "04 12:00:45", None, False),
        # EXITEMPTY waittime 2: 13:00:02
        ("1780570800.105", "billing", "04 13:00:00", "04 13:00:00", None, "04 13:00:02", None, False),
        # TRANSFER (four fields, Asterisk 1.4) calltime 120: 14:00:05 + 120 s = 14:02:05
        ("1780574400.106", "first_line", "04 14:00:00", "04 14:00:00", "04 14:00:05", "04 14:02:05",
         "transferred", True),
        # ATTENDEDTRANSFER calltime 240: 15:00:20 + 240 s = 15:04:20
        ("1780578000.107", "sales", "04 15:00:00", "04 15:00:00", "04 15:00:20", "04 15:04:20", "transferred", True),
        # across midnight: CONNECT 23:59:40 + calltime 210 s = 00:03:10 on Friday 5 June
        ("1780610310.108", "first_line", "04 23:58:30", "04 23:58:30", "04 23:59:40", "05 00:03:10", None, True),
    ]
    # the caller id of ENTERQUEUE is the customer: C1 (0612345001) called again at 14:00
    same = contacts(workshop, "SELECT count(DISTINCT customer_id) FROM contacts "
                              "WHERE contact_id IN ('1780556400.100', '1780574400.106')")
    assert same == [(1,)]
    # 33 lines: 26 of calls make 10 contacts; 7 are not call events of a contact, and are counted
    assert "33 event lines → 10 rows; 7 lines not used (ADDMEMBER: 2, RINGNOANSWER: 2, PAUSE: 1, " \
           "QUEUESTART: 1, UNPAUSE: 1)" in report.to_text()


def test_a_line_with_more_fields_than_the_header_is_reported(workshop: Path) -> None:
    log = workshop / "exports" / "queue_log"
    log.write_text(log.read_text() + "1780610400|NONE|support|PJSIP/201|CUSTOM|1|2|3|4|5|6\n")
    with pytest.raises(DataError, match=r"exports/queue_log, row 34: expected at most 10 values per line, separated "
                                        r"by '\|' \(the names in `header`\), found 11 values in"):
        import_workshop(workshop)


GENERIC = """
sources:
  contacts:
    file: calls.csv
    delimiter: ";"
    pivot:
      key: Call
      event: Type
      fields:
        start: {event: IN, column: Time}
        answer: {event: ANSWER, column: Time}
        stop: {event: [HANGUP, LOST], column: Time, take: last}
        line: {event: IN, column: Queue}
    columns:
      contact_id: Call
      channel: {value: phone}
      direction: {value: inbound}
      team: line
      arrived_at: start
      answered_at: answer
      ended_at: stop
"""


def test_a_generic_event_log_is_pivoted_by_key_and_event(tmp_path: Path) -> None:
    (tmp_path / "workshop.yaml").write_text(GENERIC)
    (tmp_path / "calls.csv").write_text(
        "Call;Type;Time;Queue\n"
        "A;IN;05-01-2026 09:00:00;Helpdesk\n"
        "B;IN;05-01-2026 09:01:00;Sales\n"
        "A;ANSWER;05-01-2026 09:00:20;\n"
        "B;LOST;05-01-2026 09:02:00;\n"
        "A;HANGUP;05-01-2026 09:04:00;\n")
    import_workshop(tmp_path)
    t = "strftime({}, '%H:%M:%S')"
    assert contacts(tmp_path, f"SELECT contact_id, team, {t.format('arrived_at')}, {t.format('answered_at')}, "
                              f"{t.format('ended_at')} FROM contacts") == [
        ("A", "Helpdesk", "09:00:00", "09:00:20", "09:04:00"),
        ("B", "Sales", "09:01:00", None, "09:02:00"),
    ]


def test_a_pivot_column_that_is_not_in_the_export_is_named(tmp_path: Path) -> None:
    (tmp_path / "workshop.yaml").write_text(GENERIC.replace("event: Type", "event: Soort"))
    (tmp_path / "calls.csv").write_text("Call;Type;Time;Queue\nA;IN;05-01-2026 09:00:00;Helpdesk\n")
    with pytest.raises(DataError, match=r"calls.csv, column `Soort`: expected a column of that name \(for `pivot`\)"):
        import_workshop(tmp_path)
