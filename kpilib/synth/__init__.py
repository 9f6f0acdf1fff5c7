"""Generated data of Glasvezel Noord, a fictional Dutch fibre provider, with its stories built in.

:func:`generate` returns the six canonical tables (:mod:`kpilib.data.schema`) for any seed, period
and size; :func:`write_sample` writes them as the raw exports of a client workshop (with its
``workshop.yaml``), so that they go through the same import a client's data does;
:func:`write_contacts_parquet` writes millions of contacts in bounded memory for benchmarks.
May import :mod:`kpilib.data` and the foundation. Regenerate the shipped sample with::

    python -m kpilib.synth --out data/sample          # or: make sample

The organisation
    Four teams (:data:`TEAMS`): ``first_line`` (the helpdesk: phone, chat and e-mail),
    ``second_line`` (technical support, no queue of its own: it calls customers back),
    ``field`` (the fibre unit: engineers and installation planning) and ``billing``.
    Every case opens at the first line and follows one of :data:`ROUTES`
    (``Story.route_shares``, per category). Phone and chat are open 08:00-18:00 on Dutch
    working days; e-mail is read every day 08:00-22:00; the back office works on working
    days. The default period, April to June 2026, holds five public holidays (Good Friday,
    Easter Monday, King's Day, Ascension Day, Whit Monday) and no daylight-saving change;
    the generator is DST-correct for any start (durations are added to instants, times of
    day are chosen on the local clock). The export is taken at local midnight after the
    period: what happens later (a resolution, a call-back, a first contact) is missing.

The stories, and the parameter of :class:`Story` that controls each
    *The first line hands over to the second line, whose call-backs are late.* The first line
    promises a call-back by the end of the next working day (``callback_promise_days``);
    the second line calls when it picks the ticket up, after its backlog
    (``second_line_backlog_days``): most of its call-backs are late, while the first line's
    own and billing's are mostly on time.

    *Customers call back and retell.* Customers call while their handed-over case is open
    (``retell_per_day``) and after a missed call-back (``late_callback_call``); customers whose
    problem the first line closed as resolved come back within a week with a new case
    (``false_resolution``). Cases with many contacts follow; one ping-pong case is
    guaranteed at least six. Ping-pong L1 -> L2 -> L1 (-> L2) is route 2 and 4.

    *Green inside, red outside.* Under :data:`INTERNAL_TARGETS` every team meets its target:
    phone service level on the queue clock with abandoned calls excluded (``wait_mean_s``,
    ``long_wait_share``), AHT under 6 minutes (``talk_median_s``), contacts the agent ticks
    'resolved' (``escalated_tick``), second-line stays within 5 working days
    (``second_line_backlog_days``). Under :data:`CUSTOMER_NORMS` the customer's KPIs fail:
    end-to-end working days, repeat contacts within 7 days, complaints resolved to
    satisfaction, call-backs on time, the first call after an order.

    *IVR time changes the service level* (``ivr_median_s``): the arrival clock includes some
    20-40 seconds of menu, so hardly any call is answered within 20 s of arrival.

    *Short and long abandons* (``abandon_share``, more when busy; ``short_abandon_share`` of
    them within 5 s).

    *Orders are contacted later than customers expect* (``order_contact_median_days``: most
    first calls between 5 and 20 working days, customers expect 5); ``never_contacted``
    orders get no call; customers who wait more than a week call to ask
    (``order_status_call``, cases of category ``order``).

    *Friendly but not resolved* (``complaint_resolved``, ``survey_response``): complaint
    surveys rate the agent's friendliness high (``surveys.friendliness``, 1-5) while
    few say the problem was resolved. Surveys hold csat (1-5), nps (0-10), ces (1-7, higher
    is easier) and a Dutch comment; one comment holds ``<script>alert(1)</script>`` and one
    ``&`` and ``<b>``, to show that reports escape them.

On the sample (seed 2026, 42 000 customers, April-June 2026)
    20 822 contacts, 7 749 cases, 34 688 status-log rows, 994 orders, 1 208 surveys and
    4 004 call-backs; the figures below come from :mod:`kpilib`'s KPI functions.

    Inside, each team against :data:`INTERNAL_TARGETS` (all met): phone service level 20 s
    on the queue clock with abandoned calls excluded 0.82 (the first line alone 0.84;
    target 0.80); AHT of first-line calls 305 s (below 360 s); answered first-line contacts
    ticked 'resolved' 0.78 (0.75); second-line stays within 5 working days 0.92 (0.85);
    orders first called within 20 working days 0.89.

    Outside, against :data:`CUSTOMER_NORMS` (all missed): service level 20 s on the arrival
    clock with abandoned calls failing 0.14; cases resolved within 3 working days 0.75
    (via the second line 0.41); repeat contacts within 7 days 0.46; complaints resolved to
    satisfaction 0.22; call-backs on time 0.58 (second line 0.29, first line 0.93, billing
    0.97); orders first called within 5 working days 0.11.

    Abandonment 0.122 of offered phone calls (0.045 within 5 s); contacts per case 1.76
    (at most 14); complaint surveys: 'resolved' 0.27 while friendliness averages 4.3 of 5.

Examples
--------
>>> tables = generate(seed=1, months=1, customers=2_000)
>>> sorted(tables)
['callbacks', 'cases', 'contacts', 'events', 'orders', 'surveys']
>>> str(tables["contacts"].arrived_at.dt.tz)
'Europe/Amsterdam'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from kpilib._checks import check_number
from kpilib.data.backend import check_time_zone
from kpilib.exceptions import ParameterError
from kpilib.synth import _exports
from kpilib.synth._clock import Clock
from kpilib.synth._parquet import write_chunks, write_interactions
from kpilib.synth._story import CUSTOMER_NORMS, INTERNAL_TARGETS, ROUTES, TEAMS, Story
from kpilib.synth._tables import tables_arrow, to_pandas
from kpilib.synth._workshop import WORKSHOP_YAML
from kpilib.synth._world import World, simulate

__all__ = ["CUSTOMER_NORMS", "INTERNAL_TARGETS", "ROUTES", "SAMPLE_SEED", "TEAMS", "Story", "generate",
           "write_contacts_parquet", "write_interactions_csv", "write_sample"]

#: The seed of the shipped sample workshop.
SAMPLE_SEED = 2026
#: Customers per unit of ``scale``.
BASE_CUSTOMERS = 42_000
#: The time zone of the provider.
TIME_ZONE = "Europe/Amsterdam"


def _start_date(start: str | dt.date) -> dt.date:
    try:
        return pd.Timestamp(start).date()
    except (ValueError, TypeError):
        raise ParameterError(f"`start` must be a date such as '2026-04-01'; got {start!r}") from None


def _clock(start: str | dt.date, months: int, time_zone: str) -> Clock:
    check_number("months", months, minimum=1, maximum=120, integer=True)
    check_time_zone(time_zone)
    return Clock(_start_date(start), int(months), time_zone)


def _customers(customers: int | None, scale: float) -> int:
    check_number("scale", scale, minimum=0, strict_minimum=True)
    if customers is None:
        return max(1, round(BASE_CUSTOMERS * scale))
    check_number("customers", customers, minimum=1, integer=True)
    return int(customers)


def _simulated(seed: int, start, months: int, customers: int | None, scale: float, story: Story | None,
           time_zone: str) -> World:
    check_number("seed", seed, minimum=0, integer=True)
    clock = _clock(start, months, time_zone)
    return simulate(np.random.SeedSequence(int(seed)), clock, story or Story(), _customers(customers, scale))


def generate(*, seed: int = SAMPLE_SEED, start: str | dt.date = "2026-04-01", months: int = 3,
             customers: int | None = None, scale: float = 1.0, story: Story | None = None,
             time_zone: str = TIME_ZONE) -> dict[str, pd.DataFrame]:
    """The canonical tables of Glasvezel Noord for one period.

    Parameters
    ----------
    seed : int
        The same seed (and other arguments) gives the same tables.
    start : str or datetime.date
        First local date of the period.
    months : int
        Length of the period in calendar months.
    customers : int, optional
        Size of the customer base; default ``42_000 * scale``. Volumes grow with it: about
        0.17 contacts per customer per month.
    scale : float
        Multiplies the default customer base (ignored when ``customers`` is given).
    story : Story, optional
        The knobs of the stories (see the module documentation); default ``Story()``.
    time_zone : str
        IANA time zone of the provider.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``contacts``, ``cases``, ``events``, ``orders``, ``surveys``, ``callbacks``, with the
        columns of :mod:`kpilib.data.schema` in order: identifiers and labels as ``string``,
        timestamps as ``datetime64[us, time_zone]``, scores as ``Int64``, flags as ``boolean``.

    Examples
    --------
    >>> contacts = generate(seed=1, months=1, customers=2_000)["contacts"]
    >>> list(contacts.columns[:4])
    ['contact_id', 'customer_id', 'case_id', 'channel']
    """
    world = _simulated(seed, start, months, customers, scale, story, time_zone)
    return {name: to_pandas(table) for name, table in tables_arrow(world).items()}


def write_sample(folder: str | Path, *, seed: int = SAMPLE_SEED, start: str | dt.date = "2026-04-01",
                 months: int = 3, customers: int | None = None, scale: float = 1.0,
                 story: Story | None = None) -> list[Path]:
    """Write a workshop folder: the raw exports in ``exports/`` and ``workshop.yaml``.

    With the defaults this is the shipped sample (``data/sample``); importing it gives the
    tables of :func:`generate` with the same arguments (identifiers pseudonymised).

    Returns
    -------
    list of pathlib.Path
        The files written, ``workshop.yaml`` last.
    """
    world = _simulated(seed, start, months, customers, scale, story, TIME_ZONE)
    tables = {name: to_pandas(table) for name, table in tables_arrow(world).items()}
    folder = Path(folder)
    paths = _exports.write_all(folder / "exports", world, tables, int(seed))
    yaml_path = folder / "workshop.yaml"
    yaml_path.write_bytes(WORKSHOP_YAML.encode("utf-8"))
    return [*paths, yaml_path]


def write_contacts_parquet(path: str | Path, n_contacts: int, *, seed: int = SAMPLE_SEED,
                           chunk_rows: int = 1_000_000, start: str | dt.date = "2026-04-01",
                           months: int = 3, story: Story | None = None,
                           time_zone: str = TIME_ZONE) -> Path:
    """Write exactly ``n_contacts`` canonical contacts to a Parquet file, chunk by chunk.

    Each chunk of at most ``chunk_rows`` rows is an independent segment of customers over
    the same period (its own identifier ranges), so memory stays bounded by the chunk and
    every story holds in every chunk. Rows are in arrival order within a chunk (one row
    group each). Only the contacts table is written.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    check_number("n_contacts", n_contacts, minimum=1, integer=True)
    check_number("chunk_rows", chunk_rows, minimum=1, integer=True)
    check_number("seed", seed, minimum=0, integer=True)
    path = Path(path)
    write_chunks(path, int(n_contacts), seed=int(seed), chunk_rows=int(chunk_rows),
                 clock=_clock(start, months, time_zone), story=story or Story())
    return path


def write_interactions_csv(path: str | Path, contacts_parquet: str | Path, *, threads: int | None = None,
                           time_zone: str = TIME_ZONE) -> Path:
    """Write a contacts Parquet file as the sample's telephony export, in bounded memory.

    The format of ``exports/interacties.csv`` in the sample workshop (semicolons, decimal
    commas, Dutch dates ``31-12-2026`` with separate time columns, waits in seconds, talk time as
    h:mm:ss, handling codes; UTF-8, CRLF), so that the sample's ``contacts`` mapping imports it;
    without the test calls. DuckDB streams the rows from Parquet to CSV, so files of hundreds of
    millions of contacts (from :func:`write_contacts_parquet`) are written in bounded memory.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    if "'" in str(path) or "'" in str(contacts_parquet):
        raise ParameterError("`path` and `contacts_parquet` must not contain a quote")
    write_interactions(path, Path(contacts_parquet), time_zone=time_zone, threads=threads)
    return path
