"""The contact KPI set three ways: kpilib (Ibis on DuckDB), hand-written DuckDB SQL, idiomatic pandas.

Run one engine on one Parquet file and print a JSON line with the seconds, the peak memory and the
KPI values, so that `bench/run.py` can compare the engines in separate processes:

    python bench/kpi_set.py --engine sql --data bench/data/contacts_1000000.parquet --first-line L1

The definitions are kpilib's defaults: service level 20 s, queue clock, abandons fail; repeat window
7 × 24 h by customer; FCR by repeat window; AHT over all channels.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from _report import own_peak_mb

TIME_ZONE = "Europe/Amsterdam"
THRESHOLD_S = 20
WINDOW_S = 7 * 86400

SQL = {
    "service_level": f"""
        WITH q AS (
            SELECT answered_at IS NOT NULL AS answered,
                   (epoch_ms(coalesce(answered_at, ended_at)) - epoch_ms(queued_at)) / 1000.0 AS wait
            FROM contacts
            WHERE direction = 'inbound' AND channel = 'phone' AND queued_at IS NOT NULL)
        SELECT count(*) FILTER (answered AND wait <= {THRESHOLD_S}) AS numerator,
               count(*) FILTER (answered OR coalesce(wait > 0, true)) AS denominator
        FROM q""",
    "abandonment_rate": """
        WITH q AS (
            SELECT answered_at IS NOT NULL AS answered,
                   (epoch_ms(coalesce(answered_at, ended_at)) - epoch_ms(queued_at)) / 1000.0 AS wait
            FROM contacts
            WHERE direction = 'inbound' AND channel = 'phone' AND queued_at IS NOT NULL)
        SELECT count(*) FILTER (NOT answered AND coalesce(wait > 0, true)) AS numerator,
               count(*) FILTER (answered OR coalesce(wait > 0, true)) AS denominator
        FROM q""",
    "average_speed_of_answer": """
        SELECT sum((epoch_ms(answered_at) - epoch_ms(queued_at)) / 1000.0) AS numerator, count(*) AS denominator
        FROM contacts
        WHERE direction = 'inbound' AND channel = 'phone' AND queued_at IS NOT NULL AND answered_at IS NOT NULL""",
    "average_handle_time": """
        SELECT sum((epoch_ms(ended_at) - epoch_ms(answered_at)) / 1000.0) AS numerator, count(*) AS denominator
        FROM contacts WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL""",
    "repeat_contact_rate": f"""
        WITH base AS (
            SELECT customer_id, arrived_at, outcome FROM contacts
            WHERE direction = 'inbound' AND answered_at IS NOT NULL AND customer_id IS NOT NULL),
        nxt AS (
            SELECT customer_id, arrived_at,
                   lead(arrived_at) OVER (PARTITION BY customer_id ORDER BY arrived_at) AS next_at
            FROM (SELECT DISTINCT customer_id, arrived_at FROM base))
        SELECT count(*) FILTER ((epoch_ms(n.next_at) - epoch_ms(b.arrived_at)) / 1000.0 <= {WINDOW_S})
                   AS numerator,
               count(*) AS denominator
        FROM base b JOIN nxt n USING (customer_id, arrived_at)""",
    "first_contact_resolution": f"""
        WITH base AS (
            SELECT customer_id, arrived_at, outcome FROM contacts
            WHERE direction = 'inbound' AND answered_at IS NOT NULL AND customer_id IS NOT NULL),
        nxt AS (
            SELECT customer_id, arrived_at,
                   lead(arrived_at) OVER (PARTITION BY customer_id ORDER BY arrived_at) AS next_at
            FROM (SELECT DISTINCT customer_id, arrived_at FROM base))
        SELECT count(*) FILTER (
                   NOT coalesce((epoch_ms(n.next_at) - epoch_ms(b.arrived_at)) / 1000.0 <= {WINDOW_S}, false)
                   AND (outcome IS NULL OR outcome NOT IN ('transferred', 'escalated', 'callback_promised')))
                   AS numerator,
               count(*) AS denominator
        FROM base b JOIN nxt n USING (customer_id, arrived_at)""",
    "transfer_rate": """
        SELECT count(*) FILTER (outcome = 'transferred') AS numerator, count(*) AS denominator
        FROM contacts WHERE answered_at IS NOT NULL""",
    "contacts_per_case": """
        SELECT sum(n) AS numerator, count(*) AS denominator
        FROM (SELECT count(*) AS n FROM contacts
              WHERE case_id IS NOT NULL AND direction = 'inbound' GROUP BY case_id)""",
    "handoffs_per_case": """
        SELECT sum(h) AS numerator, count(DISTINCT case_id) AS denominator
        FROM (SELECT case_id,
                     CASE WHEN lag(team) OVER (PARTITION BY case_id ORDER BY arrived_at, contact_id) <> team
                          THEN 1 ELSE 0 END AS h
              FROM contacts WHERE case_id IS NOT NULL)""",
    "escalation_rate": """
        SELECT count(*) FILTER (escalated) AS numerator, count(*) AS denominator
        FROM (SELECT case_id, bool_or(team NOT IN ({first_line})) AS escalated
              FROM contacts WHERE case_id IS NOT NULL GROUP BY case_id)""",
}


def _duckdb_settings(con, memory_limit: str | None, temp_directory: str | None) -> None:
    con.execute("SET enable_progress_bar = false")  # it would print onto the JSON line
    for name, value in (("memory_limit", memory_limit), ("temp_directory", temp_directory)):
        if value:
            con.execute(f"SET {name} = '{value}'")


def run_sql(path: str, first_line: list[str], memory_limit: str | None, temp_directory: str | None) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{TIME_ZONE}'")
    _duckdb_settings(con, memory_limit, temp_directory)
    con.execute(f"CREATE VIEW contacts AS SELECT * FROM read_parquet('{path}')")
    teams = ", ".join(f"'{t}'" for t in first_line)
    out = {}
    for name, sql in SQL.items():
        num, den = con.execute(sql.replace("{first_line}", teams)).fetchone()
        out[name] = (float(num or 0), int(den))
    return out


def run_kpilib(path: str, first_line: list[str], memory_limit: str | None, temp_directory: str | None) -> dict:
    import kpilib

    con = kpilib.connect(time_zone=TIME_ZONE, memory_limit=memory_limit, temp_directory=temp_directory)
    con.raw_sql("SET enable_progress_bar = false")
    kpis = kpilib.kpi_set({"contacts": con.read_parquet(path)}, first_line=first_line).set_index("kpi")
    return {k: (float(kpis.loc[k, "numerator"]), int(kpis.loc[k, "denominator"])) for k in SQL}


def run_pandas(path: str, first_line: list[str], memory_limit: str | None, temp_directory: str | None) -> dict:
    import pandas as pd

    c = pd.read_parquet(path)
    out = {}
    phone = c[(c.direction == "inbound") & (c.channel == "phone") & c.queued_at.notna()]
    answered = phone.answered_at.notna()
    wait = ((phone.answered_at.fillna(phone.ended_at) - phone.queued_at).dt.total_seconds())
    offered = answered | ~(wait <= 0)
    out["service_level"] = (float((answered & (wait <= THRESHOLD_S)).sum()), int(offered.sum()))
    out["abandonment_rate"] = (float((~answered & offered).sum()), int(offered.sum()))
    out["average_speed_of_answer"] = (float(wait[answered].sum()), int(answered.sum()))
    handled = c[c.answered_at.notna() & c.ended_at.notna()]
    out["average_handle_time"] = (float((handled.ended_at - handled.answered_at).dt.total_seconds().sum()),
                                  len(handled))
    base = c[(c.direction == "inbound") & c.answered_at.notna() & c.customer_id.notna()]
    arrivals = base[["customer_id", "arrived_at"]].drop_duplicates().sort_values(["customer_id", "arrived_at"])
    arrivals["next_at"] = arrivals.groupby("customer_id")["arrived_at"].shift(-1)
    merged = base.merge(arrivals, on=["customer_id", "arrived_at"], how="left")
    repeat = (merged.next_at - merged.arrived_at).dt.total_seconds() <= WINDOW_S
    out["repeat_contact_rate"] = (float(repeat.sum()), len(merged))
    ok = merged.outcome.isna() | ~merged.outcome.isin(["transferred", "escalated", "callback_promised"])
    out["first_contact_resolution"] = (float((~repeat & ok).sum()), len(merged))
    ans = c[c.answered_at.notna()]
    out["transfer_rate"] = (float((ans.outcome == "transferred").sum()), len(ans))
    inbound = c[c.case_id.notna() & (c.direction == "inbound")].groupby("case_id").size()
    out["contacts_per_case"] = (float(inbound.sum()), len(inbound))
    cases = c[c.case_id.notna()].sort_values(["case_id", "arrived_at", "contact_id"])
    previous = cases.groupby("case_id")["team"].shift()
    handoffs = (previous.notna() & (previous != cases.team)).groupby(cases.case_id).sum()
    out["handoffs_per_case"] = (float(handoffs.sum()), len(handoffs))
    escalated = (~cases.team.isin(first_line)).groupby(cases.case_id).any()
    out["escalation_rate"] = (float(escalated.sum()), len(escalated))
    return out


ENGINES = {"kpilib": run_kpilib, "sql": run_sql, "pandas": run_pandas}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=list(ENGINES), required=True)
    parser.add_argument("--data", required=True, help="a Parquet file of canonical contacts")
    parser.add_argument("--first-line", action="append", required=True, help="first-line team (repeatable)")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit for the kpilib and sql engines, e.g. 6GB")
    parser.add_argument("--temp-directory", help="where DuckDB spills beyond the memory limit")
    args = parser.parse_args()
    # Libraries are imported before the clock starts: the benchmark times the computation.
    __import__({"kpilib": "kpilib", "sql": "duckdb", "pandas": "pandas"}[args.engine])
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    values = ENGINES[args.engine](args.data, args.first_line, args.memory_limit, args.temp_directory)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(json.dumps({"engine": args.engine, "seconds": seconds, "cpu_s": cpu, "peak_mb": own_peak_mb(),
                      "values": values}))


if __name__ == "__main__":
    main()
