"""From the numeric world to the canonical tables: identifiers, labels, time-zone aware timestamps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpilib.data.schema import TABLES
from kpilib.synth._cases import STATUSES
from kpilib.synth._orders import PRODUCTS
from kpilib.synth._story import CATEGORIES, CHANNELS, DIRECTIONS, OUTCOMES, REASONS, TEAMS
from kpilib.synth._surveys import COMMENTS
from kpilib.synth._world import World

_ARROW = {"id": pa.string(), "text": pa.string(), "category": pa.string(), "int": pa.int64(),
          "float": pa.float64(), "bool": pa.bool_()}
_PANDAS = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
           pa.float64(): pd.Float64Dtype()}


@dataclass(frozen=True)
class Offsets:
    """Where the numbering of a segment starts, so that segments never share an identifier."""

    contact: int = 0
    case: int = 0
    customer: int = 0
    callback: int = 0
    order: int = 0
    survey: int = 0


def schema(name: str, time_zone: str) -> pa.Schema:
    """The Arrow schema of a canonical table."""
    return pa.schema([
        pa.field(c.name, pa.timestamp("us", tz=time_zone) if c.kind == "timestamp" else _ARROW[c.kind])
        for c in TABLES[name].columns
    ])


def identifiers(prefix: str, first: int, codes: np.ndarray) -> pa.Array:
    """``prefix`` + (``first`` + code) as text; code -1 gives null."""
    codes = np.asarray(codes, dtype=np.int64)
    numbers = pa.array(first + codes, mask=codes < 0)
    text = pc.cast(numbers, pa.string())
    return pc.binary_join_element_wise(prefix, text, "") if prefix else text


def labels(vocabulary: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Text labels of codes; code -1 gives null."""
    codes = np.asarray(codes, dtype=np.int64)
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0, type=pa.int32()),
                                          pa.array(vocabulary)).cast(pa.string())


def stamps(instants: np.ndarray, time_zone: str) -> pa.Array:
    """Time-zone aware timestamps (microseconds) of instants in ms; NaN gives null."""
    instants = np.asarray(instants, dtype=float)
    missing = np.isnan(instants)
    micro = np.round(np.where(missing, 0, instants)).astype(np.int64) * 1000
    return pa.array(micro, mask=missing, type=pa.timestamp("us", tz=time_zone))


def flags(codes: np.ndarray) -> pa.Array:
    """Booleans of 1/0 codes; -1 gives null."""
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(codes == 1, mask=codes < 0)


def numbers(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pa.array(values, mask=values < 0)


# -- identifier formats, in one place ---------------------------------------------------

def customer_ids(off: Offsets, codes: np.ndarray) -> pa.Array:
    return identifiers("", 1_000_001 + off.customer, codes)


def agent_ids(codes: np.ndarray) -> pa.Array:
    return identifiers("MW", 1001, codes)


def contact_ids(off: Offsets, codes: np.ndarray) -> pa.Array:
    return identifiers("", 500_000_001 + off.contact, codes)


def case_ids(off: Offsets, codes: np.ndarray) -> pa.Array:
    return identifiers("T", 1_000_001 + off.case, codes)


# -- the tables ------------------------------------------------------------------------

def contacts_arrow(world: World, off: Offsets = Offsets()) -> pa.Table:
    c, tz = world.contacts, world.clock.time_zone
    n = len(c["arrived"])
    return pa.table({
        "contact_id": contact_ids(off, np.arange(n)),
        "customer_id": customer_ids(off, c["customer"]),
        "case_id": case_ids(off, c["case"]),
        "channel": labels(CHANNELS, c["channel"]),
        "direction": labels(DIRECTIONS, c["direction"]),
        "team": labels(TEAMS, c["team"]),
        "arrived_at": stamps(c["arrived"], tz),
        "queued_at": stamps(c["queued"], tz),
        "answered_at": stamps(c["answered"], tz),
        "ended_at": stamps(c["ended"], tz),
        "outcome": labels(OUTCOMES, c["outcome"]),
        "reason": labels(REASONS, c["reason"]),
        "agent_id": agent_ids(c["agent"]),
    }, schema=schema("contacts", tz))


def tables_arrow(world: World, off: Offsets = Offsets()) -> dict[str, pa.Table]:
    """All six canonical tables of a world."""
    tz = world.clock.time_zone
    cases, events, cb, orders, surveys = (world.cases, world.events, world.callbacks, world.orders,
                                          world.surveys)
    n_cases = len(cases["route"])
    out = {"contacts": contacts_arrow(world, off)}
    out["cases"] = pa.table({
        "case_id": case_ids(off, np.arange(n_cases)),
        "customer_id": customer_ids(off, cases["customer"]),
        "category": labels(CATEGORIES, cases["category"]),
        "opened_at": stamps(cases["opened"], tz),
        "resolved_at": stamps(cases["resolved"], tz),
        "closed_at": stamps(cases["closed"], tz),
        "team_opened": labels(TEAMS, np.zeros(n_cases, dtype=np.int64)),
    }, schema=schema("cases", tz))
    out["events"] = pa.table({
        "case_id": case_ids(off, events["case"]),
        "at": stamps(events["at"], tz),
        "team": labels(TEAMS, events["team"]),
        "activity": labels(STATUSES, events["status"]),
        "agent_id": agent_ids(events["agent"]),
        "seq": numbers(np.arange(1, len(events["at"]) + 1)),
    }, schema=schema("events", tz))
    n_orders = len(orders["ordered"])
    order = np.argsort(orders["ordered"], kind="stable")
    out["orders"] = pa.table({
        "order_id": identifiers("B", 2_600_001 + off.order, np.arange(n_orders)),
        "customer_id": customer_ids(off, orders["customer"][order]),
        "product": labels(PRODUCTS, orders["product"][order]),
        "ordered_at": stamps(orders["ordered"][order], tz),
        "first_contact_at": stamps(orders["first_contact"][order], tz),
        "delivered_at": stamps(orders["delivered"][order], tz),
    }, schema=schema("orders", tz))
    out["surveys"] = pa.table({
        "survey_id": identifiers("E", 300_001 + off.survey, np.arange(len(surveys["case"]))),
        "customer_id": customer_ids(off, surveys["customer"]),
        "case_id": case_ids(off, surveys["case"]),
        "contact_id": contact_ids(off, surveys["contact"]),
        "answered_at": stamps(surveys["answered"], tz),
        "csat": numbers(surveys["csat"]),
        "nps": numbers(surveys["nps"]),
        "ces": numbers(surveys["ces"]),
        "friendliness": numbers(surveys["friendly"]),
        "resolved": flags(surveys["resolved"]),
        "comment": labels(COMMENTS, surveys["comment"]),
    }, schema=schema("surveys", tz))
    out["callbacks"] = pa.table({
        "callback_id": identifiers("TB", 100_001 + off.callback, np.arange(len(cb["case"]))),
        "customer_id": customer_ids(off, cases["customer"][cb["case"]]),
        "case_id": case_ids(off, cb["case"]),
        "team": labels(TEAMS, cb["team"]),
        "requested_at": stamps(cb["requested"], tz),
        "promised_by": stamps(cb["promised"], tz),
        "attempted_at": stamps(cb["attempted"], tz),
        "reached": flags(cb["reached"]),
    }, schema=schema("callbacks", tz))
    return out


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A canonical Arrow table as pandas: string, Int64 and boolean columns, aware timestamps."""
    return table.to_pandas(types_mapper=_PANDAS.get)
