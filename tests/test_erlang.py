"""Erlang C and Erlang A staffing figures against hand-computed values.

Reference case (issue 2, item 16): 100 calls per 1800 s, AHT 180 s, threshold 20 s.
Offered load A = 100 x 180 / 1800 = 10 Erlang.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.kpis.erlang import ErlangAResult, ErlangCResult, agents_for_service_level, erlang_a, erlang_c
from kpilib.exceptions import ParameterError

REFERENCE = dict(calls=100, interval_s=1800, aht_s=180, threshold_s=20)


# --- Erlang C -------------------------------------------------------------------------------------

def test_erlang_c_reference_14_agents():
    r = erlang_c(100, 1800, 180, 14, 20)
    assert isinstance(r, ErlangCResult)
    assert r.load == pytest.approx(10.0)  # 100 x 180 / 1800
    assert r.agents == 14
    # C = (A^n/n! x n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! x n/(n-A))
    #   sum_{k=0..13} 10^k/k! = 19041.096;  10^14/14! = 1147.0746;  x 14/4 = 4014.761
    #   C = 4014.761 / (19041.096 + 4014.761) = 0.17413
    assert r.p_wait == pytest.approx(0.17413, abs=5e-5)
    # SL = 1 - C exp(-(n - A) t / AHT) = 1 - 0.17413 x exp(-4 x 20/180) = 1 - 0.17413 x 0.64118
    assert r.service_level == pytest.approx(0.88835, abs=5e-5)
    # ASA = C x AHT / (n - A) = 0.17413 x 180 / 4 = 7.836 s
    assert r.asa_s == pytest.approx(7.836, abs=5e-4)
    # occupancy = A / n = 10 / 14
    assert r.occupancy == pytest.approx(0.71429, abs=5e-6)


def test_erlang_c_reference_13_agents():
    r = erlang_c(100, 1800, 180, 13, 20)
    # sum_{k=0..12} 10^k/k! = 17435.192;  10^13/13! = 1605.9044;  x 13/3 = 6958.919
    # C = 6958.919 / (17435.192 + 6958.919) = 0.28527
    assert r.p_wait == pytest.approx(0.28527, abs=5e-5)
    # SL = 1 - 0.28527 x exp(-3 x 20/180) = 1 - 0.28527 x 0.71653 = 0.79559
    assert r.service_level == pytest.approx(0.79559, abs=5e-5)
    # ASA = 0.28527 x 180 / 3 = 17.116 s;  occupancy = 10 / 13
    assert r.asa_s == pytest.approx(17.116, abs=5e-4)
    assert r.occupancy == pytest.approx(0.76923, abs=5e-6)


def test_erlang_c_threshold_zero_is_one_minus_p_wait():
    # SL = 1 - C exp(0) = 1 - 0.17413
    assert erlang_c(100, 1800, 180, 14, 0).service_level == pytest.approx(0.82587, abs=5e-5)


@pytest.mark.parametrize("agents", [9, 10])
def test_erlang_c_unstable_queue_is_a_result_not_an_error(agents):
    # agents <= load (10 Erlang): the queue grows without bound
    r = erlang_c(100, 1800, 180, agents, 20)
    assert (r.p_wait, r.service_level, r.asa_s, r.occupancy) == (1.0, 0.0, math.inf, 1.0)


def test_erlang_c_no_calls():
    r = erlang_c(0, 1800, 180, 3, 20)
    assert (r.load, r.p_wait, r.service_level, r.asa_s, r.occupancy) == (0.0, 0.0, 1.0, 0.0, 0.0)


def test_erlang_c_many_agents_no_overflow():
    # 10^500 / 500! overflows a float; the recursion gives B(500, 10) ~ 10^-634, i.e. 0.0
    r = erlang_c(100, 1800, 180, 500, 20)
    assert (r.p_wait, r.service_level, r.asa_s) == (0.0, 1.0, 0.0)
    assert r.occupancy == pytest.approx(0.02)  # 10 / 500


def test_erlang_c_large_load_matches_halfin_whitt():
    # A = 1e6 x 180 / 1800 = 100 000 Erlang, n = 100 500: beta = 500 / sqrt(1e5) = 1.5811
    # Halfin-Whitt: P(wait) ~ 1 / (1 + beta Phi(beta) / phi(beta))
    #   = 1 / (1 + 1.5811 x 0.94308 / 0.11430) = 1 / 14.046 = 0.0712, exact as A grows
    r = erlang_c(1_000_000, 1800, 180, 100_500, 20)
    assert r.p_wait == pytest.approx(0.0712, abs=1e-3)
    # ASA = C x 180 / 500;  SL = 1 - C exp(-500 x 20/180) = 1 - C x 6e-25
    assert r.asa_s == pytest.approx(r.p_wait * 180 / 500)
    assert r.service_level == 1.0
    assert r.occupancy == pytest.approx(100_000 / 100_500)


def test_erlang_c_result_is_frozen():
    r = erlang_c(100, 1800, 180, 14, 20)
    with pytest.raises(AttributeError):
        r.agents = 15


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(calls=-1), r"`calls` must be >= 0; got -1"),
    (dict(calls=float("nan")), r"`calls` must be a finite number; got nan"),
    (dict(calls="100"), r"`calls` must be a number; got '100'"),
    (dict(interval_s=0), r"`interval_s` must be > 0; got 0"),
    (dict(aht_s="x"), r"`aht_s` must be a number; got 'x'"),
    (dict(aht_s=math.inf), r"`aht_s` must be a finite number; got inf"),
    (dict(agents=0), r"`agents` must be >= 1; got 0"),
    (dict(agents=13.5), r"`agents` must be a whole number; got 13.5"),
    (dict(agents=True), r"`agents` must be a number; got True"),
    (dict(threshold_s=-20), r"`threshold_s` must be >= 0; got -20"),
])
def test_erlang_c_bad_inputs(kwargs, message):
    args = dict(REFERENCE, agents=14) | kwargs
    with pytest.raises(ParameterError, match=message):
        erlang_c(**args)


# --- Erlang A -------------------------------------------------------------------------------------

def test_erlang_a_one_agent_patience_equal_to_aht():
    # A = 20 x 180 / 3600 = 1 Erlang, n = 1. With patience = AHT every caller in the system, waiting
    # or served, leaves at rate 1/180, so the number in the system N is Poisson(1).
    r = erlang_a(20, 3600, 180, 1, 20, patience_s=180)
    assert isinstance(r, ErlangAResult)
    # P(wait) = P(N >= 1) = 1 - e^-1
    assert r.p_wait == pytest.approx(0.632121, abs=5e-7)
    # abandon = theta E[queue] / lambda = E[(N - 1)+] / A = (E[N] - 1 + P(N = 0)) / 1 = e^-1
    assert r.abandon_rate == pytest.approx(0.367879, abs=5e-7)
    # occupancy = A (1 - abandon) / n = 0.632121
    assert r.occupancy == pytest.approx(0.632121, abs=5e-7)
    # Finding k + 1 in the system, a caller waits for the largest of k + 1 Exp(1/180) clocks, and
    # summing over Poisson(1): SL = e^-1 ((2 - p) e^p - 1), p = 1 - exp(-20/180) = 0.105161
    #   = 0.367879 x (1.894839 x 1.110889 - 1) = 0.367879 x 1.104956 = 0.406491
    assert r.service_level == pytest.approx(0.406491, abs=5e-7)
    # E[wait; served] = 180 e^-1 sum_k 1/(k+1)! x 1/(k+2) x (H_(k+2) - 1)
    #   = 180 x 0.367879 x (0.25 + 0.138889 + 0.045139 + 0.010694 + 0.002014 + 0.000316 + ...)
    #   = 180 x 0.367879 x 0.447100 = 29.6062;  ASA = 29.6062 / 0.632121 = 46.836 s
    assert r.asa_s == pytest.approx(46.836, abs=5e-4)


def test_erlang_a_reference_patience_equal_to_aht():
    # Patience 180 s = AHT: N is Poisson(10) (see above), n = 14.
    r = erlang_a(100, 1800, 180, 14, 20, patience_s=180)
    # P(wait) = P(N >= 14) = 1 - e^-10 x 19041.096 = 1 - 0.864464 = 0.135536
    assert r.p_wait == pytest.approx(0.135536, abs=5e-7)
    # abandon = E[(N - 14)+] / 10 = (10 - 14 + sum_{k<14} (14 - k) P(N = k)) / 10
    #         = (10 - 14 + 4.186937) / 10 = 0.0186937
    assert r.abandon_rate == pytest.approx(0.0186937, abs=5e-8)
    # occupancy = 10 x (1 - 0.0186937) / 14 = 0.700933
    assert r.occupancy == pytest.approx(0.700933, abs=5e-7)
    # abandons shorten the queue: better than Erlang C's 0.88835 and 7.836 s
    assert r.service_level > 0.8884
    assert r.asa_s < 7.83


@pytest.mark.parametrize("patience_s", [30, 180, 600])
def test_erlang_a_reference_abandons_and_beats_erlang_c(patience_s):
    c = erlang_c(100, 1800, 180, 14, 20)
    a = erlang_a(100, 1800, 180, 14, 20, patience_s=patience_s)
    assert a.abandon_rate > 0
    assert a.p_wait < c.p_wait
    assert a.service_level >= c.service_level


def test_erlang_a_short_patience_can_fall_below_erlang_c():
    # Patience 10 s against a 300 s threshold: a fifth of the callers hang up, and an abandon is
    # never within. Erlang C (A = 100 x 60 / 1800 = 3.33, n = 4) answers 97.7 % within 300 s.
    c = erlang_c(100, 1800, 60, 4, 300)
    a = erlang_a(100, 1800, 60, 4, 300, patience_s=10)
    assert c.service_level == pytest.approx(0.9765, abs=5e-5)
    assert a.abandon_rate > 0.2
    assert a.service_level < 0.80


@pytest.mark.parametrize("agents", [11, 13, 14, 20])
def test_erlang_a_tends_to_erlang_c(agents):
    c = erlang_c(100, 1800, 180, agents, 20)
    a = erlang_a(100, 1800, 180, agents, 20, patience_s=1e7)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.occupancy == pytest.approx(c.occupancy, abs=1e-4)
    assert 0 < a.abandon_rate < 1e-4
    # ASA converges like (mean square wait) / patience: at 11 agents (occupancy 0.91) the waits are
    # long and ASA is 122.73 s against 122.78 s at patience 1e7, and 1e-5 apart at patience 1e9.
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-3)
    far = erlang_a(100, 1800, 180, agents, 20, patience_s=1e9)
    assert far.asa_s == pytest.approx(c.asa_s, rel=1e-5)


def test_erlang_a_overloaded_long_patience_stays_finite():
    # A = 1000 x 180 / 1800 = 100 Erlang on 50 agents: half the callers must abandon, since the
    # agents carry at most 50 Erlang: abandon = 1 - 50/100. Terms of the queue series reach e^(10^6).
    r = erlang_a(1000, 1800, 180, 50, 20, patience_s=1e7)
    assert r.p_wait == pytest.approx(1.0)
    assert r.abandon_rate == pytest.approx(0.5, abs=1e-6)
    assert r.occupancy == pytest.approx(1.0, abs=1e-6)
    assert math.isfinite(r.asa_s)


def test_erlang_a_no_calls():
    r = erlang_a(0, 1800, 180, 3, 20, patience_s=60)
    assert (r.p_wait, r.service_level, r.asa_s, r.abandon_rate, r.occupancy) == (0, 1, 0, 0, 0)


@pytest.mark.parametrize(("patience_s", "message"), [
    (0, r"`patience_s` must be > 0; got 0"),
    (math.inf, r"`patience_s` must be a finite number; got inf"),
    (None, r"`patience_s` must be a number; got None"),
])
def test_erlang_a_bad_patience(patience_s, message):
    with pytest.raises(ParameterError, match=message):
        erlang_a(100, 1800, 180, 14, 20, patience_s=patience_s)


# --- agents_for_service_level ---------------------------------------------------------------------

def test_agents_for_80_20_on_the_reference():
    # 13 agents reach 0.79559 < 0.80; 14 reach 0.88835
    r = agents_for_service_level(100, 1800, 180, 20, 0.80)
    assert isinstance(r, ErlangCResult)
    assert r.agents == 14
    assert r.service_level == pytest.approx(0.88835, abs=5e-5)


@pytest.mark.parametrize(("target", "agents"), [(0.7955, 13), (0.7956, 14), (0.40, 12)])
def test_agents_for_service_level_boundaries(target, agents):
    # SL(13) = 0.795595 (above), so 0.7955 takes 13 and 0.7956 takes 14.
    # 11 agents, the first stable count: C = 0.68212, SL = 1 - 0.68212 x exp(-1 x 20/180)
    #   = 1 - 0.68212 x 0.89484 = 0.38961 < 0.40;  12 agents: SL = 0.64016, so 0.40 takes 12.
    assert agents_for_service_level(100, 1800, 180, 20, target).agents == agents


def test_agents_for_service_level_max_occupancy():
    # 14 agents: occupancy 10/14 = 0.714 > 0.70; 15 agents: 10/15 = 0.667
    r = agents_for_service_level(100, 1800, 180, 20, 0.80, max_occupancy=0.70)
    assert r.agents == 15
    assert r.occupancy == pytest.approx(0.66667, abs=5e-6)


def test_agents_for_service_level_erlang_a():
    # With patience 180 s: SL(11) = 0.7054 < 0.80 <= SL(12) = 0.8023, fewer than Erlang C's 14
    r = agents_for_service_level(100, 1800, 180, 20, 0.80, model="a", patience_s=180)
    assert isinstance(r, ErlangAResult)
    assert r.agents == 12
    assert r.service_level == pytest.approx(0.8023, abs=5e-5)
    assert erlang_a(100, 1800, 180, 11, 20, patience_s=180).service_level == pytest.approx(
        0.7054, abs=5e-5)


def test_agents_for_service_level_no_calls():
    r = agents_for_service_level(0, 1800, 180, 20, 0.95)
    assert (r.agents, r.service_level) == (1, 1.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(target=1), r"`target` must be < 1 \(no number of agents"),
    (dict(target=0), r"`target` must be > 0; got 0"),
    (dict(target=80), r"`target` must be < 1 .*got 80"),
    (dict(max_occupancy=1.5), r"`max_occupancy` must be <= 1; got 1.5"),
    (dict(max_occupancy=0), r"`max_occupancy` must be > 0; got 0"),
    (dict(model="b"), r"`model` must be one of 'c', 'a'; got 'b'"),
    (dict(model="a"), r"`patience_s` is required with model='a'; got None"),
    (dict(patience_s=60), r"`patience_s` only applies to model='a'; got 60 with model='c'"),
    (dict(model="a", patience_s=-5), r"`patience_s` must be > 0; got -5"),
])
def test_agents_for_service_level_bad_inputs(kwargs, message):
    args = dict(REFERENCE, target=0.80) | kwargs
    with pytest.raises(ParameterError, match=message):
        agents_for_service_level(**args)


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(
    calls=st.integers(0, 400),
    aht_s=st.floats(10, 900),
    threshold_s=st.floats(0, 120),
    agents=st.integers(1, 40),
    patience_s=st.floats(1, 3600),
)
def test_service_level_bounded_and_monotone_in_agents(calls, aht_s, threshold_s, agents, patience_s):
    c0, c1 = (erlang_c(calls, 1800, aht_s, n, threshold_s) for n in (agents, agents + 1))
    a0, a1 = (erlang_a(calls, 1800, aht_s, n, threshold_s, patience_s=patience_s)
              for n in (agents, agents + 1))
    for r in (c0, c1, a0, a1):
        assert 0.0 <= r.service_level <= 1.0
        assert 0.0 <= r.p_wait <= 1.0
        assert 0.0 <= r.occupancy <= 1.0
    assert 0.0 <= a0.abandon_rate <= 1.0
    assert c1.service_level >= c0.service_level
    # Erlang A's service level is a difference of two figures near P(served) when nearly every
    # caller waits; allow for rounding there.
    assert a1.service_level >= a0.service_level - 1e-9
