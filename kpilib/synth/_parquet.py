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
