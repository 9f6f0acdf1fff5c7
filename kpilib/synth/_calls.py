"""The timing of single contacts: IVR, queue wait, abandon, talk time, e-mail backlog, call-backs.

Every function returns instants in milliseconds (NaN = missing) on the resolution the raw
export can show: arrival and IVR exit on whole seconds, waits on tenths of a second, talk
times on whole seconds.
"""

from __future__ import annotations

import numpy as np

from kpilib.synth._clock import DAY, HOUR, OFFICE_PROFILE, SECOND, WEEKDAY_PROFILE, Clock, weekday
from kpilib.synth._story import CHAT, PHONE, Story

TENTH = SECOND / 10


def busyness(clock: Clock, arrived: np.ndarray) -> np.ndarray:
    """How busy the queue is at each arrival (1 = average): Monday mornings are worst."""
    wall = clock.wall(arrived)
    day = np.floor(wall / DAY).astype(np.int64)
    hour = np.clip(((wall - day * DAY) // HOUR).astype(np.int64) - 8, 0, len(OFFICE_PROFILE) - 1)
    return (OFFICE_PROFILE[hour] / OFFICE_PROFILE.mean()) * WEEKDAY_PROFILE[weekday(day)]


def ivr_seconds(rng: np.random.Generator, story: Story, n: int) -> np.ndarray:
    """Time in the IVR menu, whole seconds."""
    return np.clip(np.round(rng.lognormal(np.log(story.ivr_median_s), 0.5, n)), 5, 240)


def talk_seconds(rng: np.random.Generator, median_s: float, n: int) -> np.ndarray:
    """Talk or handling time, whole seconds."""
    return np.clip(np.round(rng.lognormal(np.log(median_s), 0.5, n)), 20, 3 * 3600)


def _tenths(seconds: np.ndarray) -> np.ndarray:
    return np.round(seconds * 10) * TENTH


def answered_wait(rng: np.random.Generator, story: Story, busy: np.ndarray) -> np.ndarray:
    """Queue wait of answered phone calls (ms): mostly short, a tail that grows when busy."""
    n = len(busy)
    long = rng.random(n) < np.clip(story.long_wait_share * busy, 0, 0.6)
    seconds = np.where(long, rng.exponential(story.long_wait_mean_s, n), rng.exponential(story.wait_mean_s, n))
    return _tenths(np.clip(seconds, 0.3, 1800))


def abandon_wait(rng: np.random.Generator, story: Story, n: int) -> np.ndarray:
    """Wait until a caller hangs up (ms): a few seconds (misdial, wrong menu) or a long wait."""
    short = rng.random(n) < story.short_abandon_share
    seconds = np.where(short, rng.uniform(0.5, 5.0, n), 6 + rng.exponential(80.0, n))
    return _tenths(np.clip(seconds, 0.5, 1800))


def answered_inbound(rng: np.random.Generator, clock: Clock, story: Story, channel: np.ndarray,
                     arrived: np.ndarray, transfer: np.ndarray | None = None,
                     talk_median_s: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queue, answer and end instants of answered inbound contacts.

    Phone calls pass the IVR (unless ``transfer``: a call put through by the first line
    queues at once); chats pass a short pre-chat form; e-mails queue at once and wait for
    the e-mail desk (every day 08:00-22:00) plus its backlog.
    """
    n = len(arrived)
    transfer = np.zeros(n, dtype=bool) if transfer is None else transfer
    busy = busyness(clock, arrived)
    ivr = np.where(transfer, 0.0, ivr_seconds(rng, story, n) * SECOND)
    prechat = np.round(rng.uniform(5, 25, n)) * SECOND
    queued = arrived + np.select([channel == PHONE, channel == CHAT], [ivr, prechat], 0.0)
    wait = np.select(
        [channel == PHONE, channel == CHAT],
        [np.where(transfer, _tenths(rng.exponential(40.0, n)), answered_wait(rng, story, busy)),
         _tenths(rng.exponential(30.0, n))],
        _email_wait(rng, clock, arrived),
    )
    answered = queued + wait
    median = story.talk_median_s if talk_median_s is None else talk_median_s
    talk = np.select([channel == PHONE, channel == CHAT],
                     [talk_seconds(rng, median, n), talk_seconds(rng, 480.0, n)],
                     talk_seconds(rng, 360.0, n)) * SECOND
    return queued, answered, answered + talk


def _email_wait(rng: np.random.Generator, clock: Clock, arrived: np.ndarray) -> np.ndarray:
    wall = clock.wall(arrived)
    day = np.floor(wall / DAY)
    time_of_day = wall - day * DAY
    opens = np.select([time_of_day < 8 * HOUR, time_of_day >= 22 * HOUR],
                      [8 * HOUR - time_of_day, 32 * HOUR - time_of_day], 0.0)
    backlog = rng.exponential(3.0, len(wall)) * HOUR
    return _tenths(np.clip(opens + backlog, 60 * SECOND, 20 * HOUR) / SECOND)


def outbound(rng: np.random.Generator, attempted: np.ndarray, reached: np.ndarray,
             talk_median_s: float = 200.0) -> tuple[np.ndarray, np.ndarray]:
    """Answer and end instants of outbound calls; unanswered ones ring out after 20-35 s."""
    n = len(attempted)
    ring = _tenths(rng.uniform(4, 20, n))
    answered = np.where(reached, attempted + ring, np.nan)
    talk = talk_seconds(rng, talk_median_s, n) * SECOND
    ended = np.where(reached, answered + talk, attempted + _tenths(rng.uniform(20, 35, n)))
    return answered, ended

