"""Orders: a web order waits for the fibre unit's first call (customers expect a week; the
planners think four weeks is fine), then the installation date."""

from __future__ import annotations

import numpy as np

from kpilib.synth._clock import DAY, MINUTE, Clock
from kpilib.synth._story import Story

PRODUCTS = ("Glasvezel 100 Mbit/s", "Glasvezel 500 Mbit/s", "Glasvezel 1 Gbit/s", "Glasvezel 4 Gbit/s")
_PRODUCT_SHARES = (0.25, 0.45, 0.25, 0.05)


def draw_orders(rng: np.random.Generator, clock: Clock, story: Story, n_customers: int) -> dict:
    """Orders of the period, with the first contact and the delivery date.

    Most first contacts come between one and four weeks after the order
    (``order_contact_median_days``); ``never_contacted`` of the orders get no call at all.
    Times are on whole minutes (the order system shows no seconds); the delivery is a date.
    """
    months = (clock.end_day - clock.start_day) / 30.44
    n = int(rng.poisson(story.orders_per_customer_month * months * n_customers))
    new = rng.random(n) < 0.7
    customer = np.where(new, n_customers + np.arange(n), rng.integers(0, n_customers, n))
    ordered = _minute(clock.any_time_arrivals(rng, n))
    delay = rng.lognormal(np.log(story.order_contact_median_days), 0.45, n)
    never = rng.random(n) < story.never_contacted
    first = _minute(clock.later_working_time(rng, ordered, delay, opens=9.0, closes=17.0))
    first = np.maximum(first, ordered + MINUTE)
    first_day = clock.workday_at_or_after(np.floor(clock.wall(first) / DAY).astype(np.int64))
    install_day = clock.workdays[first_day + rng.integers(5, 21, n)]
    delivered = clock.instant(install_day * DAY)
    first[never] = np.nan
    delivered[never] = np.nan
    product = rng.choice(len(PRODUCTS), n, p=_PRODUCT_SHARES)
    return {"customer": customer, "product": product, "ordered": ordered, "first_contact": first,
            "delivered": delivered, "delay": np.where(never, np.inf, delay)}


def status_call_times(rng: np.random.Generator, clock: Clock, story: Story, orders: dict) -> tuple:
    """Customers who have waited more than a week for the call phone to ask (``order_status_call``).

    Returns the order rows and the arrival instants of their calls.
    """
    waiting = np.flatnonzero((orders["delay"] > 5) & (rng.random(len(orders["delay"])) < story.order_status_call))
    upper = np.minimum(orders["delay"][waiting], 15.0)
    when = clock.later_working_time(rng, orders["ordered"][waiting], rng.uniform(5, np.maximum(upper, 5.01)),
                                    opens=8.0, closes=17.9)
    before = ~(when >= orders["first_contact"][waiting])  # NaN (never contacted) compares False
    return waiting[before], when[before]


def _minute(instant: np.ndarray) -> np.ndarray:
    return np.floor(instant / MINUTE) * MINUTE
