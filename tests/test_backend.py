"""The store, connections in the workshop's time zone, and the KPI set."""

from __future__ import annotations

import pandas as pd
import pytest
from _fixtures import frame

import kpilib
from kpilib import backend


def _contacts():
    # Two phone calls and a chat; case K1 goes L1 → L2, case K2 stays at L1.
    return frame("contacts", [
        dict(contact_id="1", customer_id="A", case_id="K1", channel="phone", direction="inbound", team="L1",
             arrived_at="2026-03-02 09:00:00", queued_at="2026-03-02 09:00:30",
             answered_at="2026-03-02 09:00:40", ended_at="2026-03-02 09:05:00", outcome="transferred"),
        dict(contact_id="2", customer_id="A", case_id="K1", channel="phone", direction="inbound", team="L2",
             arrived_at="2026-03-02 10:00:00", queued_at="2026-03-02 10:00:05",
             answered_at="2026-03-02 10:01:05", ended_at="2026-03-02 10:03:05", outcome="resolved"),
        dict(contact_id="3", customer_id="B", case_id="K2", channel="chat", direction="inbound", team="L1",
             arrived_at="2026-03-03 09:00:00", queued_at="2026-03-03 09:00:00",
             answered_at="2026-03-03 09:00:10", ended_at="2026-03-03 09:10:10", outcome="resolved"),
    ])


def test_connect_rejects_an_unknown_time_zone():
    with pytest.raises(kpilib.ParameterError, match="`time_zone` must be an IANA time zone name .*got 'Mars/Olympus'"):
        kpilib.connect(time_zone="Mars/Olympus")


def test_open_store_without_an_import_says_what_to_run(tmp_path):
    with pytest.raises(kpilib.WorkshopError, match=r"no store yet\. Run `kpi-workshop import"):
        kpilib.open_store(tmp_path)


def _store(tmp_path, time_zone="Europe/Amsterdam") -> kpilib.Store:
    path = tmp_path / backend.STORE_FILE
    con = kpilib.connect(path, time_zone=time_zone)
    con.create_table("contacts", _contacts())
    con.create_table("_meta", pd.DataFrame({"key": ["time_zone"], "value": [time_zone]}))
    con.disconnect()
    return kpilib.open_store(tmp_path)


def test_store_tables_and_a_missing_table(tmp_path):
    store = _store(tmp_path)
    assert store.tables == ["contacts"]
    assert store.meta() == {"time_zone": "Europe/Amsterdam"}
    with pytest.raises(kpilib.WorkshopError, match=r"the store has no table `orders` \(it has: contacts\)"):
        store.orders


def test_store_summary_counts_rows_and_spans_local_time(tmp_path):
    summary = _store(tmp_path).summary()
    row = summary.set_index("table").loc["contacts"]
    assert row["rows"] == 3
    assert row["first"] == pd.Timestamp("2026-03-02 09:00", tz="Europe/Amsterdam")
    assert row["last"] == pd.Timestamp("2026-03-03 09:00", tz="Europe/Amsterdam")


def test_store_time_zone_decides_local_days(tmp_path):
    # The store's time zone is Honolulu (UTC−10). Contact 1, 2 March 09:00 CET = 08:00 UTC, is
    # 22:00 on 1 March there; contact 2 (09:00 UTC) is 23:00 on 1 March; contact 3, 3 March
    # 09:00 CET = 08:00 UTC, is 22:00 on 2 March. So: 1 March 2 contacts, 2 March 1 contact
    # (in Amsterdam or UTC it would be 2 and 3 March).
    store = _store(tmp_path, time_zone="Pacific/Honolulu")
    by_day = kpilib.transfer_rate(store.contacts, by="day")
    assert by_day["day"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02")]
    assert by_day["denominator"].tolist() == [2, 1]


def test_kpi_set_equals_the_single_functions(tmp_path):
    store = _store(tmp_path)
    kpis = kpilib.kpi_set(store, first_line="L1").set_index("kpi")
    # service level (phone, 20 s, queue clock, abandons fail): waits 10 s and 60 s → 1 / 2
    assert kpis.loc["service_level", ["numerator", "denominator"]].tolist() == [1, 2]
    # handoffs: K1 L1→L2 = 1, K2 = 0 → 1 / 2 cases
    assert kpis.loc["handoffs_per_case", "value"] == 0.5
    # AHT over all channels: 260 + 120 + 600 = 980 s / 3
    assert kpis.loc["average_handle_time", "value"] == pytest.approx(980 / 3)
    expected = kpilib.repeat_contact_rate(store.contacts)
    assert kpis.loc["repeat_contact_rate", "value"] == expected["value"].iloc[0]
    # only contacts in the store: no survey, order or call-back KPIs
    assert "csat" not in kpis.index and "time_to_first_contact" not in kpis.index


def test_start_team_is_where_most_cases_start():
    # K1 starts at L1, K2 starts at L1 → L1
    assert kpilib.start_team(_contacts()) == "L1"
