"""Millions of contacts for benchmarks: simulated segment by segment, written to Parquet in chunks.

Each chunk is an independent segment of customers over the same period (its own seed, its own
identifier ranges), so the stories hold in every chunk and memory stays bounded by the chunk
size. Rows are in arrival order within a chunk, not across chunks.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from kpilib.synth._clock import Clock
from kpilib.synth._contacts import take
from kpilib.synth._story import Story
from kpilib.synth._tables import Offsets, contacts_arrow, schema
from kpilib.synth._world import simulate

#: A first guess of contacts per customer per month, refined after the first chunk.
_CONTACTS_PER_CUSTOMER_MONTH = 0.17


def write_chunks(path: Path, n_contacts: int, *, seed: int, chunk_rows: int, clock: Clock,
                 story: Story) -> int:
    """Write exactly ``n_contacts`` contacts; return the number of chunks."""
    months = (clock.end_day - clock.start_day) / 30.44
    per_customer = _CONTACTS_PER_CUSTOMER_MONTH * months
    offsets = Offsets()
    written = chunk = 0
    with pq.ParquetWriter(path, schema("contacts", clock.time_zone)) as writer:
        while written < n_contacts:
            target = min(chunk_rows, n_contacts - written)
            customers = max(1, math.ceil(target / per_customer * 1.02))
            world = simulate(np.random.SeedSequence([seed, chunk]), clock, story, customers, contacts_only=True)
            rows = len(world.contacts["arrived"])
            if rows:
                per_customer = rows / customers
            if rows > target:
                rng = np.random.default_rng(np.random.SeedSequence([seed, chunk, 1]))
                world.contacts = take(world.contacts, np.sort(rng.choice(rows, target, replace=False)))
            table = contacts_arrow(world, offsets)
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            written += table.num_rows
            chunk += 1
            offsets = Offsets(contact=offsets.contact + table.num_rows,
                              case=offsets.case + len(world.cases["route"]),
                              customer=offsets.customer + world.customer_space)
    return chunk



def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


def write_interactions(path: Path, contacts_parquet: Path, *, time_zone: str, threads: int | None) -> int:
    """Write the contact-centre export of a contacts Parquet file with DuckDB; return the rows.

    The same columns and formats as :func:`kpilib.synth._exports.interaction_rows`, in SQL, so
    that DuckDB streams the file through in bounded memory instead of a pandas frame per batch.
    """
    import duckdb

    from kpilib.synth._exports import CHANNEL_NAMES, HANDLING, QUEUES

    def local(column: str, fmt: str) -> str:
        return f"coalesce(strftime(timezone('{time_zone}', {column}), '{fmt}'), '')"

    def seconds(start: str, end: str) -> str:
        return f"(epoch_ms({end}) - epoch_ms({start})) / 1000.0"

    def comma(value: str) -> str:
        return f"coalesce(replace(printf('%.1f', {value}), '.', ','), '')"

    talk = f"coalesce(round({seconds('answered_at', 'ended_at')})::BIGINT, 0)"
    select = f"""
        SELECT contact_id AS "Interactie-ID", {local('arrived_at', '%d-%m-%Y')} AS "Datum",
               {local('arrived_at', '%H:%M:%S')} AS "Starttijd", {_case('channel', CHANNEL_NAMES)} AS "Kanaal",
               CASE WHEN direction = 'inbound' THEN 'IN' ELSE 'UIT' END AS "Richting",
               {_case('team', QUEUES)} AS "Wachtrij", coalesce(customer_id, '') AS "Klantnummer",
               coalesce(case_id, '') AS "Ticketnummer", coalesce(reason, '') AS "Reden",
               {local('queued_at', '%H:%M:%S')} AS "Einde keuzemenu",
               {comma(seconds('queued_at', 'coalesce(answered_at, ended_at)'))} AS "Wachttijd (sec)",
               printf('%d:%02d:%02d', {talk} // 3600, {talk} % 3600 // 60, {talk} % 60) AS "Gespreksduur",
               {comma(seconds('arrived_at', 'ended_at'))} AS "Totale duur (sec)",
               CASE WHEN answered_at IS NOT NULL THEN coalesce({_case('outcome', HANDLING)}, '')
                    WHEN direction = 'outbound' THEN 'NIET_BEREIKT'
                    WHEN queued_at IS NOT NULL THEN 'VERLATEN' ELSE 'IVR' END AS "Afhandeling",
               coalesce(agent_id, '') AS "Medewerker", 'Klant' AS "Type"
        FROM read_parquet('{contacts_parquet}')"""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        con.execute("SET preserve_insertion_order = true; SET enable_progress_bar = false")
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT csv, HEADER, DELIMITER ';', NEW_LINE '\r\n')")
        return con.execute(f"SELECT count(*) FROM read_parquet('{contacts_parquet}')").fetchone()[0]
    finally:
        con.close()
