"""The store, connections in the workshop's time zone, and the KPI set."""

from __future__ import annotations

import pandas as pd
import pytest
from _fixtures import frame

import kpilib
from kpilib.data import backend


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


def _backend_workshop(tmp_path, block: str):
    _contacts().to_parquet(tmp_path / "contacts.parquet", index=False)
    (tmp_path / "workshop.yaml").write_text("client: Acme\ntime_zone: Europe/Amsterdam\n" + block)
    return tmp_path


def test_a_duckdb_backend_reads_parquet_in_place_in_the_workshop_time_zone(tmp_path):
    folder = _backend_workshop(tmp_path, "backend:\n  kind: duckdb\n  memory_limit: 500MB\n"
                                         "  temp_directory: spill\n  tables:\n    contacts: {path: contacts.parquet}\n")
    store = kpilib.open_store(folder)
    assert store.tables == ["contacts"] and store.time_zone == "Europe/Amsterdam"
    assert store.meta() == {"time_zone": "Europe/Amsterdam", "backend": "duckdb"}
    assert store.con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0] in ("476.8 MiB", "500.0 MB")
    # the same store as test_kpi_set_equals_the_single_functions: service level 1 / 2, handoffs 1 / 2
    kpis = kpilib.kpi_set(store, first_line="L1").set_index("kpi")
    assert kpis.loc["service_level", ["numerator", "denominator"]].tolist() == [1, 2]
    assert kpis.loc["handoffs_per_case", "value"] == 0.5
    with pytest.raises(kpilib.WorkshopError, match=r"the `backend:` block names no table `cases` \(it names: contacts\)"):
        store.cases


@pytest.mark.parametrize("block, message", [
    ("backend:\n  kind: oracle\n  tables: {contacts: x}\n",
     r"workshop.yaml, line 4 \(backend.kind\): `kind` must be one of 'pyspark', 'duckdb'; found 'oracle'"),
    ("backend:\n  kind: duckdb\n",
     r"line 3 \(backend.tables\): expected `tables:` naming where each canonical table lives"),
    ("backend:\n  kind: duckdb\n  tables:\n    calls: {path: contacts.parquet}\n",
     r"line 6 \(backend.tables.calls\): `calls` is not a canonical table"),
    ("backend:\n  kind: duckdb\n  tables:\n    contacts: {file: contacts.parquet}\n",
     r"line 6 \(backend.tables.contacts\): expected a table name such as `crm.contacts`"),
    ("backend:\n  kind: duckdb\n  tables:\n    contacts: {path: missing.parquet}\n",
     r"line 6 \(backend.tables.contacts\): could not read Parquet at .*missing.parquet"),
    ("backend:\n  kind: duckdb\n  tables:\n    contacts: crm.contacts\n",
     r"line 6 \(backend.tables.contacts\): the duckdb backend has no table `crm.contacts`"),
    ("backend:\n  kind: duckdb\n  master: local\n  tables: {contacts: x}\n",
     r"line 5 \(backend.master\): `master` is not a setting of a duckdb backend"),
    ("backend:\n  kind: duckdb\n  memory_limit: lots\n  tables:\n    contacts: {path: contacts.parquet}\n",
     r"line 3 \(backend\): DuckDB does not accept these settings"),
])
def test_backend_block_mistakes_name_the_line(tmp_path, block, message):
    folder = _backend_workshop(tmp_path, block)
    with pytest.raises(kpilib.WorkshopError, match=message):
        kpilib.open_store(folder)


def test_connect_sets_the_memory_limit():
    con = kpilib.connect(memory_limit="300MB")
    assert con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0] in ("286.1 MiB", "300.0 MB")
    with pytest.raises(kpilib.ParameterError, match="`memory_limit` must not contain a quote"):
        kpilib.connect(memory_limit="1GB'; DROP")


def test_a_workshop_whose_tables_live_in_a_backend_has_nothing_to_import(tmp_path):
    folder = _backend_workshop(tmp_path, "backend:\n  kind: duckdb\n  tables:\n    contacts: {path: contacts.parquet}\n")
    with pytest.raises(kpilib.WorkshopError, match=r"line 3 \(backend\): this workshop has no `sources:` to import"):
        kpilib.import_workshop(folder)
    assert not (folder / "store.duckdb").exists()
