"""The same KPI code on PySpark (local mode) gives the same numbers as on DuckDB.

One Spark session serves every test here (it takes ~10 s to start on an idle machine). The data:
two generated months around the autumn DST change (25 October 2026), written once to Parquet
and opened through workshop.yaml `backend:` blocks: `kind: pyspark` and `kind: duckdb` over the
same files, so that any difference comes from the engine.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

import kpilib
from kpilib import synth

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("spark"),
    # pyspark's pandas conversion passes an argument that pandas 3 deprecates; nothing to act on here.
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

TIME_ZONE = "Europe/Amsterdam"
#: Settings that make local Spark quick on small data (one partition, no UI, fast JVM start-up).
LOCAL_CONF = {
    "spark.sql.shuffle.partitions": 1,
    "spark.default.parallelism": 1,
    "spark.sql.adaptive.enabled": False,
    "spark.sql.codegen.wholeStage": False,
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.execution.arrow.pyspark.enabled": True,
    "spark.ui.enabled": False,
    "spark.ui.showConsoleProgress": False,
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def _java_missing() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "no `java` on PATH"
    done = subprocess.run([java, "-version"], capture_output=True, text=True)
    return None if done.returncode == 0 else f"`java -version` failed: {done.stderr.strip()[:200]}"


def _yaml(kind: str, tables: list[str], extra: str = "") -> str:
    lines = ["client: Spark check", f"time_zone: {TIME_ZONE}", "backend:", f"  kind: {kind}", extra.rstrip(),
             "  tables:"] + [f"    {t}: {{path: ../parquet/{t}.parquet}}" for t in tables]
    return "\n".join(line for line in lines if line) + "\n"


@pytest.fixture(scope="session")
def parquet_tables(tmp_path_factory):
    """Generated canonical tables (October-November 2026, about 4 000 contacts) as Parquet files."""
    root = tmp_path_factory.mktemp("backends")
    (root / "parquet").mkdir()
    tables = synth.generate(seed=11, start="2026-10-01", months=2, customers=15_000)
    for name, frame in tables.items():
        frame.to_parquet(root / "parquet" / f"{name}.parquet", index=False)
    return root, sorted(tables)


@pytest.fixture(scope="session")
def stores(parquet_tables):
    """(Spark store, DuckDB store) over the same Parquet files; one Spark session for the run."""
    missing = _java_missing()
    if missing:
        pytest.skip(f"Java is not installed ({missing}): the PySpark backend needs Java 17. "
                    "Install it (Debian: `apt-get install openjdk-17-jre-headless`) to run the Spark tests.")
    root, tables = parquet_tables
    conf = "  master: local[2]\n  conf:\n" + "".join(
        f"    {k}: {str(v).lower() if isinstance(v, bool) else v!r}\n" for k, v in LOCAL_CONF.items())
    for kind, extra in (("pyspark", conf), ("duckdb", "  memory_limit: 1GB\n")):
        (root / kind).mkdir()
        (root / kind / "workshop.yaml").write_text(_yaml(kind, tables, extra))
    spark = kpilib.open_store(root / "pyspark")
    spark.con._session.sparkContext.setLogLevel("ERROR")
    yield spark, kpilib.open_store(root / "duckdb")
    spark.close()


def _assert_same(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    # Counts must agree exactly; sums of float durations may differ in the last bits
    # (the engines add in another order), hence rtol on numerator and value.
    assert len(on_spark) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_exact=False, rtol=1e-9, atol=0)
    assert on_spark["denominator"].tolist() == on_duckdb["denominator"].tolist()


def test_spark_store_has_the_workshop_time_zone_and_tables(stores):
    spark, _ = stores
    assert spark.con.name == "pyspark"
    assert spark.time_zone == TIME_ZONE
    assert spark.con._session.conf.get("spark.sql.session.timeZone") == TIME_ZONE
    assert spark.tables == ["callbacks", "cases", "contacts", "events", "orders", "surveys"]


def test_full_kpi_set_is_the_same_on_spark(stores):
    spark, duck = stores
    _assert_same(kpilib.kpi_set(spark), kpilib.kpi_set(duck))


def test_kpi_set_by_month_is_the_same_on_spark(stores):
    # Months are local: October and November 2026 (plus the December of late resolutions).
    spark, duck = stores
    on_spark = kpilib.kpi_set(spark, by="month")
    assert pd.Timestamp("2026-10-01") in set(on_spark["month"])
    _assert_same(on_spark, kpilib.kpi_set(duck, by="month"))


def test_kpi_set_by_team_is_the_same_on_spark(stores):
    # Only contacts, events and call-backs have a `team` column.
    spark, duck = stores
    names = ("contacts", "events", "callbacks")
    on_spark = kpilib.kpi_set({n: spark.table(n) for n in names}, by="team")
    assert set(on_spark["team"]) >= {"first_line", "second_line"}
    _assert_same(on_spark, kpilib.kpi_set({n: duck.table(n) for n in names}, by="team"))


def test_definition_variants_are_the_same_on_spark(stores):
    spark, duck = stores
    for kpi, options in [
        (kpilib.service_level, dict(clock="arrival", abandoned="pass_within_threshold", short_abandon_s=5)),
        (kpilib.repeat_contact_rate, dict(match="case", window_days=3, by="day")),
        (kpilib.average_speed_of_answer, dict(clock="arrival", by="week")),
        (kpilib.average_handle_time, dict(channel="chat", by="team")),
    ]:
        _assert_same(kpi(spark.contacts, **options), kpi(duck.contacts, **options))
    _assert_same(kpilib.first_contact_resolution(spark.contacts, method="case", cases=spark.cases),
                 kpilib.first_contact_resolution(duck.contacts, method="case", cases=duck.cases))
    _assert_same(kpilib.time_to_resolution(spark.cases, norm_days=2, as_of="2026-11-15", by="team_opened"),
                 kpilib.time_to_resolution(duck.cases, norm_days=2, as_of="2026-11-15", by="team_opened"))


def test_a_wait_across_the_dst_change_is_measured_between_instants_on_spark(stores):
    # Queued 02:59:50 summer time (00:59:50 UTC), answered 02:00:05 winter time (01:00:05 UTC),
    # 25 October 2026: the wait is 15 s, not 15 s minus an hour. Service level 20 s → 1 / 1;
    # ASA = 15 / 1.
    spark, _ = stores
    frame = pd.DataFrame({
        "contact_id": ["1"], "channel": ["phone"], "direction": ["inbound"], "team": ["first_line"],
        "arrived_at": [pd.Timestamp("2026-10-25 00:59:00", tz="UTC")], "queued_at": [pd.Timestamp("2026-10-25 00:59:50", tz="UTC")],
        "answered_at": [pd.Timestamp("2026-10-25 01:00:05", tz="UTC")], "ended_at": [pd.Timestamp("2026-10-25 01:05:00", tz="UTC")],
    })
    spark.con._session.createDataFrame(frame).createOrReplaceTempView("dst_contact")
    table = spark.con.table("dst_contact")
    assert kpilib.service_level(table)[["numerator", "denominator"]].values.tolist() == [[1, 1]]
    assert kpilib.average_speed_of_answer(table)["value"].iloc[0] == pytest.approx(15.0)
    # Local day: 00:59 UTC is 02:59 in Amsterdam, 25 October.
    assert kpilib.service_level(table, by="day")["day"].tolist() == [pd.Timestamp("2026-10-25")]



def test_chain_analysis_is_the_same_on_spark(stores):
    from kpilib import chains

    spark, duck = stores
    _assert_same(chains.stays_within_norm(spark.events, norm_days=5, by="team"),
                 chains.stays_within_norm(duck.events, norm_days=5, by="team"))
    _assert_same(kpilib.agent_resolved_rate(spark.contacts, by="team"),
                 kpilib.agent_resolved_rate(duck.contacts, by="team"))
    lines = chains.default_lines(duck.events)
    on_spark = chains.handoffs(spark.events, lines=lines)
    assert len(on_spark) > 0
    pd.testing.assert_frame_equal(on_spark, chains.handoffs(duck.events, lines=lines), check_exact=False, rtol=1e-9)
    found = chains.default_chains(duck.cases)[:2]
    pd.testing.assert_frame_equal(chains.end_to_end_days(spark, found), chains.end_to_end_days(duck, found),
                                  check_exact=False, rtol=1e-9)


def test_chain_discovery_is_the_same_on_spark(stores):
    # Every view of chains.discover: handoffs with their working and calendar hours, start and
    # end teams, first-line share, ping-pong, backward handoffs, variants and time lost.
    from kpilib import chains

    spark, duck = stores
    lines = chains.default_lines(duck.events)
    on_spark, on_duck = chains.discover(spark.events, lines=lines), chains.discover(duck.events, lines=lines)
    assert on_spark.cases == on_duck.cases > 0
    for view in ("handoffs", "start_end", "first_line", "ping_pong", "ping_pong_cases", "backward",
                 "backward_cases", "variants", "time_lost"):
        left, right = getattr(on_spark, view), getattr(on_duck, view)
        assert (left is None) == (right is None), view
        if left is not None:
            pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9, obj=view)


def test_chain_view_is_the_same_on_spark(stores):
    # Per chain, the teams' own KPIs against their targets next to the customer's outcomes, and
    # each chain's discovery after selecting its cases on the backend.
    from kpilib import chains

    spark, duck = stores
    lines = chains.default_lines(duck.events)
    found = chains.default_chains(duck.cases)[:2]
    current = chains.sample_current_kpis()
    pd.testing.assert_frame_equal(chains.chain_view(spark, found, current_kpis=current, lines=lines),
                                  chains.chain_view(duck, found, current_kpis=current, lines=lines),
                                  check_exact=False, rtol=1e-9)
    on_spark = chains.discover_chains(spark, found, lines=lines)
    on_duck = chains.discover_chains(duck, found, lines=lines)
    assert list(on_spark) == list(on_duck) == [c.id for c in found]
    for chain_id in on_duck:
        pd.testing.assert_frame_equal(on_spark[chain_id].variants, on_duck[chain_id].variants)
        pd.testing.assert_frame_equal(on_spark[chain_id].handoffs, on_duck[chain_id].handoffs,
                                      check_exact=False, rtol=1e-9)
