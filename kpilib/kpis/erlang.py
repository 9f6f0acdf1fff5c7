"""Staffing models for a phone queue: Erlang C (M/M/n) and Erlang A (M/M/n+M).

Both take the calls offered in one interval, the interval length, the average handle time (AHT)
and a number of agents. Arrivals are Poisson, handle times exponential, agents answer in order of
arrival. Erlang A adds exponential patience: a caller still waiting after an exponential time
with mean ``patience_s`` hangs up.

The figures mean what the measured KPIs of :mod:`kpilib.kpis.queue` mean, so a forecast can be
put next to a measurement:

- ``load``: offered load in Erlang, calls x AHT / interval;
- ``p_wait``: share of calls that find every agent busy and have to queue;
- ``service_level``: calls answered within ``threshold_s`` as a share of all offered calls
  (abandoned calls count as not within, the ``abandoned="fail"`` variant of ``service_level``);
- ``asa_s``: mean wait of the answered calls, those answered at once counted with 0 s;
- ``abandon_rate`` (Erlang A): abandoned calls / offered calls;
- ``occupancy``: the share of agent time spent handling calls, carried load / agents.

Erlang B is computed with the recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)), which stays
in [0, 1] for any number of agents, so no factorials or powers overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kpilib._checks import check_argument, check_number
from kpilib.exceptions import ParameterError

__all__ = ["ErlangAResult", "ErlangCResult", "agents_for_service_level", "erlang_a", "erlang_c"]

MODELS = ("c", "a")


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C figures for one number of agents (see the module docstring for the definitions)."""

    load: float
    agents: int
    threshold_s: float
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A figures for one number of agents (see the module docstring for the definitions)."""

    load: float
    agents: int
    threshold_s: float
    patience_s: float
    p_wait: float
    service_level: float
    asa_s: float
    abandon_rate: float
    occupancy: float


def _check(name: str, value, *, minimum: float, strict: bool = False, integer: bool = False) -> None:
    check_number(name, value, minimum=minimum, strict_minimum=strict)
    if not math.isfinite(value):
        raise ParameterError(f"`{name}` must be a finite number; got {value!r}")
    if integer:
        check_number(name, value, integer=True)


def _check_queue(calls, interval_s, aht_s, threshold_s) -> float:
    """Check the inputs every model shares; return the offered load in Erlang."""
    _check("calls", calls, minimum=0)
    _check("interval_s", interval_s, minimum=0, strict=True)
    _check("aht_s", aht_s, minimum=0, strict=True)
    _check("threshold_s", threshold_s, minimum=0)
    return calls * aht_s / interval_s


def _erlang_b(agents: int, load: float) -> float:
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def _logistic(z: float) -> float:
    """1 / (1 + e**z) without overflow."""
    if z > 0:
        e = math.exp(-z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(z))


def _logsumexp(values: np.ndarray) -> float:
    if values.size == 0:
        return -math.inf
    top = float(values.max())
    return top + math.log(float(np.exp(values - top).sum()))


def _digamma(z: float) -> float:
    """The digamma function for z > 0: recurrence up to 10, then the asymptotic series."""
    result = 0.0
    while z < 10.0:
        result -= 1.0 / z
        z += 1.0
    f = 1.0 / (z * z)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
    return result + math.log(z) - 0.5 / z - series


def _log_terms(a: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """The terms t_k = y**k / ((a+1)(a+2)...(a+k)) of Kummer's 1F1(1; a+1; y), as logs.

    Only the window where the terms matter is returned: they peak at k = floor(y - a) and fall
    off on both sides at least like exp(-j**2 / 2y), so 12 sqrt(y) + 40 terms either side leave
    out less than exp(-72) of the sum. Logs keep the heavily overloaded case (y >> a, terms
    beyond 1e308) finite.
    """
    if y == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(1)
    peak = max(0, math.floor(y - a))
    width = math.ceil(12 * math.sqrt(y) + 40)
    k = np.arange(max(0, peak - width), peak + width + 1)
    first = int(k[0])
    log_first = first * math.log(y) - (math.lgamma(a + first + 1) - math.lgamma(a + 1))
    log_t = np.empty(k.size)
    log_t[0] = log_first
    log_t[1:] = log_first + np.cumsum(np.log(y / (a + k[1:])))
    return k, log_t


def _c_figures(load: float, agents: int, threshold_s: float, aht_s: float, b: float) -> ErlangCResult:
    if agents <= load:
        return ErlangCResult(load, agents, threshold_s, 1.0, 0.0, math.inf, 1.0)
    rho = load / agents
    p_wait = b / (1.0 - rho * (1.0 - b))
    service_level = 1.0 - p_wait * math.exp(-(agents - load) * threshold_s / aht_s)
    asa_s = p_wait * aht_s / (agents - load)
    return ErlangCResult(load, agents, threshold_s, p_wait, service_level, asa_s, rho)


def _a_figures(load: float, agents: int, threshold_s: float, aht_s: float, patience_s: float,
               b: float) -> ErlangAResult:
    """Erlang A after Garnett, Mandelbaum & Reiman (2002), in the notation a = n mu / theta,
    x = lambda / theta, S = 1F1(1; a+1; x); t_k / S is the chance that k callers are ahead
    of a caller who has to queue."""
    a = agents * patience_s / aht_s
    x = load * patience_s / aht_s
    k, log_t = _log_terms(a, x)
    log_s = _logsumexp(log_t)
    # P(wait) = S B / (1 + (S - 1) B) = 1 / (1 + (1 - B) / (B S))
    p_wait = 0.0 if b == 0 else _logistic(math.log1p(-b) - math.log(b) - log_s)
    if p_wait == 0:
        return ErlangAResult(load, agents, threshold_s, patience_s, 0.0, 1.0, 0.0, 0.0, load / agents)
    ahead = np.exp(log_t - log_s)
    # With k callers ahead a caller waits V ~ sum_{j=0..k} Exp(theta (a + j)) and is served
    # when its patience outlasts V: probability E[exp(-theta V)] = a / (a + k + 1).
    abandon_rate = p_wait * float((ahead * (k + 1) / (a + k + 1)).sum())
    served = 1.0 - abandon_rate
    # E[V exp(-theta V)] = a / (a + k + 1) * h_(k+1) / theta, h_m = sum_{i=1..m} 1 / (a + i).
    first = int(k[0])
    h_first = _digamma(a + first + 1) - _digamma(a + 1) if first else 0.0
    h = h_first + np.cumsum(1.0 / (a + k + 1))
    wait_of_served = p_wait * patience_s * float((ahead * a / (a + k + 1) * h).sum())
    # Served after waiting longer than t (r = exp(-theta t)):
    # P = P(wait) / (rho S) * r**a * exp(x (1 - r)) * (1F1(1; a+1; x r) - 1).
    y = x * math.exp(-threshold_s / patience_s)
    late = 0.0
    if y > 0:
        k_late, log_t_late = _log_terms(a, y)
        log_late = (math.log(p_wait) - math.log(load / agents) - log_s
                    - x * math.expm1(-threshold_s / patience_s) - agents * threshold_s / aht_s
                    + _logsumexp(log_t_late[k_late >= 1]))
        late = math.exp(log_late)
    service_level = min(1.0, max(0.0, served - late))
    occupancy = min(1.0, load * served / agents)  # <= 1 exactly; the min only trims rounding
    return ErlangAResult(load, agents, threshold_s, patience_s, p_wait, service_level,
                         wait_of_served / served, abandon_rate, occupancy)


def erlang_c(calls: float, interval_s: float, aht_s: float, agents: int,
             threshold_s: float) -> ErlangCResult:
    """Erlang C (M/M/n): waiting probability, service level, speed of answer and occupancy.

    Every caller waits as long as it takes. With load A = calls x AHT / interval and n agents:
    P(wait) = C = n B / (n - A (1 - B)) with B the Erlang B blocking of n agents;
    service level = 1 - C exp(-(n - A) threshold / AHT); ASA = C AHT / (n - A); occupancy = A / n.

    With ``agents <= load`` the queue is unstable: it grows without bound over the interval.
    That is a result, not an error: P(wait) 1, service level 0, ASA ``inf``, occupancy 1.

    Parameters
    ----------
    calls : float
        Calls offered in the interval (>= 0).
    interval_s : float
        Length of the interval in seconds (> 0), e.g. 1800 for half an hour.
    aht_s : float
        Average handle time in seconds (> 0): talk, hold and wrap-up.
    agents : int
        Agents handling calls during the interval (a whole number >= 1).
    threshold_s : float
        Service-level threshold in seconds (>= 0): a call answered after at most this wait is
        within.

    Returns
    -------
    ErlangCResult
        ``load`` (Erlang), ``agents``, ``threshold_s``, ``p_wait``, ``service_level``,
        ``asa_s`` (seconds) and ``occupancy``.

    Raises
    ------
    ParameterError
        An input is not a finite number, is negative, or ``interval_s`` or ``aht_s`` is 0.

    Examples
    --------
    100 calls in half an hour with an AHT of 3 minutes are 10 Erlang; 14 agents answer 88.8 %
    within 20 seconds:

    >>> r = erlang_c(100, 1800, 180, 14, 20)
    >>> r.load, round(r.p_wait, 4), round(r.service_level, 3), round(r.asa_s, 1), round(r.occupancy, 3)
    (10.0, 0.1741, 0.888, 7.8, 0.714)
    """
    load = _check_queue(calls, interval_s, aht_s, threshold_s)
    _check("agents", agents, minimum=1, integer=True)
    agents = int(agents)
    return _c_figures(load, agents, threshold_s, aht_s, _erlang_b(agents, load))


def erlang_a(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float, *,
             patience_s: float) -> ErlangAResult:
    """Erlang A (M/M/n+M, Palm's model): Erlang C with callers who hang up when kept waiting.

    Each caller's patience is exponential with mean ``patience_s``; a caller who is not answered
    before it runs out abandons. The queue is stable for any number of agents. The formulas are
    those of Garnett, Mandelbaum & Reiman (2002), *Designing a call center with impatient
    customers*, evaluated without factorials so that large loads and long patience are exact.

    ``service_level`` is the share of **offered** calls that are **answered within**
    ``threshold_s``: P(answered and wait <= threshold). A caller who abandons is never within,
    even after a short wait (``service_level(abandoned="fail")`` measures the same).
    ``asa_s`` is the mean wait of the answered calls only; ``abandon_rate`` the share of offered
    calls that abandon; ``occupancy`` = load x (1 - abandon_rate) / agents, since abandoned calls
    take no agent time. As ``patience_s`` grows the figures tend to those of :func:`erlang_c`.

    Abandons shorten the queue, so the callers who stay are answered sooner than in Erlang C,
    but an abandon never counts as within. With patience that is long compared with the
    threshold the first effect wins and the service level is above Erlang C's; with patience
    much shorter than the threshold (say 10 s against 300 s) it can be below.

    Parameters
    ----------
    calls, interval_s, aht_s, agents, threshold_s
        As in :func:`erlang_c`.
    patience_s : float
        Mean patience of a waiting caller in seconds (> 0, finite).

    Returns
    -------
    ErlangAResult
        ``load``, ``agents``, ``threshold_s``, ``patience_s``, ``p_wait``, ``service_level``,
        ``asa_s``, ``abandon_rate`` and ``occupancy``.

    Raises
    ------
    ParameterError
        As :func:`erlang_c`, or ``patience_s`` is not a finite number > 0.

    Examples
    --------
    The reference case of :func:`erlang_c` with callers who wait 3 minutes on average:

    >>> r = erlang_a(100, 1800, 180, 14, 20, patience_s=180)
    >>> round(r.p_wait, 4), round(r.service_level, 4), round(r.abandon_rate, 4), round(r.asa_s, 1)
    (0.1355, 0.9256, 0.0187, 3.0)

    With practically endless patience it is Erlang C:

    >>> round(erlang_a(100, 1800, 180, 14, 20, patience_s=1e7).service_level, 3)
    0.888
    """
    load = _check_queue(calls, interval_s, aht_s, threshold_s)
    _check("agents", agents, minimum=1, integer=True)
    _check("patience_s", patience_s, minimum=0, strict=True)
    agents = int(agents)
    return _a_figures(load, agents, threshold_s, aht_s, patience_s, _erlang_b(agents, load))


def agents_for_service_level(calls: float, interval_s: float, aht_s: float, threshold_s: float,
                             target: float, *, max_occupancy: float | None = None,
                             model: str = "c",
                             patience_s: float | None = None) -> ErlangCResult | ErlangAResult:
    """The fewest agents whose service level reaches ``target``, with that staffing's figures.

    Agents are added one at a time from the smallest count that could possibly do (Erlang C:
    the first stable count, floor(load) + 1; Erlang A: floor(target x load), since the service
    level cannot exceed agents / load) until ``service_level >= target`` and, when given,
    ``occupancy <= max_occupancy``.

    Parameters
    ----------
    calls, interval_s, aht_s, threshold_s
        As in :func:`erlang_c`.
    target : float
        The service level to reach, as a fraction: more than 0 and less than 1 (0.8 for 80 %).
    max_occupancy : float, optional
        Also require occupancy at most this (more than 0, at most 1), e.g. 0.85 to leave agents
        room to recover between calls.
    model : {'c', 'a'}
        Erlang C, or Erlang A with callers who abandon (then ``patience_s`` is required).
    patience_s : float, optional
        Mean patience in seconds for ``model="a"``; not allowed with ``model="c"``.

    Returns
    -------
    ErlangCResult or ErlangAResult
        The figures at the smallest sufficient number of agents, in ``agents``.

    Examples
    --------
    80 % within 20 seconds on the reference case takes 14 agents; 13 reach 79.6 %:

    >>> r = agents_for_service_level(100, 1800, 180, 20, 0.80)
    >>> r.agents, round(r.service_level, 3)
    (14, 0.888)
    """
    load = _check_queue(calls, interval_s, aht_s, threshold_s)
    _check("target", target, minimum=0, strict=True)
    if target >= 1:
        raise ParameterError(f"`target` must be < 1 (no number of agents answers every call "
                             f"within the threshold); got {target!r}")
    if max_occupancy is not None:
        _check("max_occupancy", max_occupancy, minimum=0, strict=True)
        check_number("max_occupancy", max_occupancy, maximum=1)
    check_argument("model", model, MODELS)
    if model == "a":
        if patience_s is None:
            raise ParameterError("`patience_s` is required with model='a'; got None")
        _check("patience_s", patience_s, minimum=0, strict=True)
        agents = max(1, math.floor(target * load))
    else:
        if patience_s is not None:
            raise ParameterError(f"`patience_s` only applies to model='a'; got {patience_s!r} "
                                 f"with model='c'")
        agents = math.floor(load) + 1
    b = _erlang_b(agents, load)
    while True:
        if model == "a":
            result = _a_figures(load, agents, threshold_s, aht_s, patience_s, b)
        else:
            result = _c_figures(load, agents, threshold_s, aht_s, b)
        if result.service_level >= target and (max_occupancy is None
                                               or result.occupancy <= max_occupancy):
            return result
        agents += 1
        b = load * b / (agents + load * b)
