"""Day 7: working days against two norms, the calendar, targets from history (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest

from _fixtures import assert_kpi, frame, local
from kpilib import WorkingCalendar
from kpilib.exceptions import ParameterError
from kpilib.days.norms import (calendar_months, norm_comparison, target_attainment, target_candidates,
                          working_days_to)

NAN = float("nan")
AS_OF = local("2026-04-30 12:00")


def orders() -> pd.DataFrame:
    return frame("orders", [
        # Thu 23 Apr → Tue 28 Apr: 23, 24 (25/26 weekend, 27 King's Day) = 2 working days
        dict(order_id="O1", product="fibre", ordered_at="2026-04-23 10:00", first_contact_at="2026-04-28 09:00"),
        # Wed 1 Apr → Tue 28 Apr: 1, 2, (3 Good Friday) 7–10, 13–17, 20–24 = 2 + 4 + 5 + 5 = 16
        dict(order_id="O2", product="fibre", ordered_at="2026-04-01 10:00", first_contact_at="2026-04-28 09:00"),
        # not contacted; Fri 24 Apr → as_of Thu 30 Apr: 24, 28, 29 = 3 (open)
        dict(order_id="O3", product="tv", ordered_at="2026-04-24 10:00"),
    ])


def test_working_days_to_first_contact_per_order_without_identifiers():
    got = working_days_to(orders(), kind="first_contact", as_of=AS_OF, by="product")
    assert list(got.columns) == ["product", "working_days", "status"]
    assert got.sort_values("working_days").to_dict("list") == {
        "product": ["fibre", "tv", "fibre"], "working_days": [2, 3, 16], "status": ["done", "open", "done"]}


def test_norm_comparison_customer_vs_internal():
    got = norm_comparison(orders(), kind="first_contact", norms={"customer": 5, "internal": 20}, as_of=AS_OF)
    assert got["norm"].tolist() == ["customer", "internal"]
    # customer 5: within O1 (2); O2 (16) breach; O3 open 3 <= 5 not counted yet: 1 / 2
    # internal 20: within O1, O2: 2 / 2
    assert_kpi(got[["numerator", "denominator", "value"]], [(1, 2, 0.5), (2, 2, 1.0)])
    with pytest.raises(ParameterError, match="`kind` must be one of 'first_contact', 'resolution'"):
        norm_comparison(orders(), kind="delivery", norms={"customer": 5})


def test_calendar_months_counts_working_days_and_weekday_holidays():
    got = calendar_months(WorkingCalendar(), "2026-04-01", "2026-05-31")
    # April 2026: 22 weekdays − Good Friday 3, Easter Monday 6, King's Day 27 = 19
    # May 2026: 21 weekdays − Ascension 14, Whit Monday 25 = 19 (Liberation Day 5 May is no holiday
    # in the package's default for NL outside lustrum years)
    assert got["working_days"].tolist() == [19, 19]
    assert got["holidays"].tolist() == [3, 2]
    assert got["days"].tolist() == [30, 31]
    assert "King's Day (27-04)" in got.loc[0, "holiday_names"]


def _history(values, denominators=None):
    denominators = denominators or [10] * len(values)
    return pd.DataFrame({"month": pd.date_range("2026-01-01", periods=len(values), freq="MS"),
                         "numerator": [v * d for v, d in zip(values, denominators)],
                         "denominator": denominators, "value": values})


def test_target_candidates_median_and_best_quartile():
    history = _history([0.6, 0.9, 0.7, 0.8, NAN], [10, 10, 10, 10, 0])
    got = target_candidates(history).iloc[0].to_dict()
    # the empty month is left out; sorted 0.6, 0.7, 0.8, 0.9: median (0.7 + 0.8) / 2 = 0.75;
    # 75th percentile at position 0.75 × 3 = 2.25: 0.8 + 0.25 × (0.9 − 0.8) = 0.825
    assert got["periods"] == 4
    assert got["median"] == pytest.approx(0.75)
    assert got["best_quartile"] == pytest.approx(0.825)
    assert (got["best"], got["worst"]) == (0.9, 0.6)
    # lower is better: 25th percentile at position 0.75: 0.6 + 0.75 × 0.1 = 0.675
    lower = target_candidates(history, polarity="lower").iloc[0]
    assert lower["best_quartile"] == pytest.approx(0.675) and lower["best"] == 0.6


def test_target_attainment_counts_the_periods_that_met_it():
    history = _history([0.6, 0.9, 0.7, 0.8])
    # >= 0.75: 0.9 and 0.8: 2 of 4
    assert_kpi(target_attainment(history, target=0.75), [(2, 4, 0.5)])
    # <= 0.7 when lower is better: 0.6, 0.7: 2 of 4
    assert_kpi(target_attainment(history, target=0.7, polarity="lower"), [(2, 4, 0.5)])
    with pytest.raises(ParameterError, match="`polarity` must be one of 'higher', 'lower'"):
        target_attainment(history, target=0.7, polarity="up")
    with pytest.raises(ParameterError, match="lacks columns"):
        target_candidates(history.drop(columns="denominator"))


def test_kpis_under_norms_sets_each_kpis_norm_parameter():
    from kpilib.days.norms import kpis_under_norms

    got = kpis_under_norms({"orders": orders()}, {"time_to_first_contact": 5})
    # as_of = the latest timestamp, 28 Apr 09:00; O3 (24 Apr) open 1 working day: not counted yet.
    # within 5: O1 (2); O2 (16) a breach: 1 / 2
    assert got[["kpi", "norm_parameter", "norm"]].iloc[0].tolist() == ["time_to_first_contact", "norm_days", 5]
    assert_kpi(got[["numerator", "denominator", "value"]], [(1, 2, 0.5)])
    with pytest.raises(ParameterError, match="`csat` has no norm"):
        kpis_under_norms({"orders": orders()}, {"csat": 4})


def test_target_overview_uses_the_catalogue_polarity():
    from kpilib.days.norms import target_overview

    got = target_overview({"service_level": _history([0.6, 0.9, 0.7, 0.8]),
                           "repeat_contact_rate": _history([0.3, 0.2, 0.1, 0.4])},
                          {"service_level": 0.75, "repeat_contact_rate": 0.2})
    service, repeat = got.to_dict("records")
    # service level, higher is better: 0.9 and 0.8 meet 0.75: 2 / 4; median 0.75, best quartile 0.825
    assert (service["polarity"], service["numerator"], service["denominator"]) == ("higher", 2, 4)
    assert service["best_quartile"] == pytest.approx(0.825)
    # repeat rate, lower is better: 0.2 and 0.1 meet <= 0.2: 2 / 4; 25th percentile of 0.1, 0.2, 0.3, 0.4
    # at position 0.75: 0.1 + 0.75 × 0.1 = 0.175
    assert (repeat["polarity"], repeat["numerator"], repeat["value"]) == ("lower", 2, 0.5)
    assert repeat["best_quartile"] == pytest.approx(0.175)


def test_kpi_histories_per_period_with_the_norm_set():
    from kpilib.days.norms import kpi_histories

    got = kpi_histories({"orders": orders()}, ["time_to_first_contact"], period="month",
                        norms={"time_to_first_contact": 20})
    # April, norm 20: O1 (2) and O2 (16) within; O3 open, not a breach: 2 / 2
    assert_kpi(got["time_to_first_contact"], [(pd.Timestamp("2026-04-01"), 2, 2, 1.0)], by=["month"])
    with pytest.raises(ParameterError, match="`period` must be one of 'week', 'month'"):
        kpi_histories({"orders": orders()}, ["time_to_first_contact"], period="day")


def test_small_periods_can_be_left_out_of_the_targets():
    history = _history([0.6, 0.9, 1.0], [10, 10, 2])  # the last period: only 2 items
    # min_denominator 5 leaves it out: >= 0.75 met by 0.9 only: 1 / 2; median (0.6 + 0.9) / 2 = 0.75
    assert_kpi(target_attainment(history, target=0.75, min_denominator=5), [(1, 2, 0.5)])
    assert target_candidates(history, min_denominator=5)["median"].item() == pytest.approx(0.75)
    with pytest.raises(ParameterError, match="`min_denominator` must be >= 1"):
        target_candidates(history, min_denominator=0)


def test_suggested_targets_keep_decided_ones_and_fill_in_the_best_quartile():
    from kpilib.days.norms import suggested_targets

    histories = {"service_level": _history([0.6, 0.9, 0.7, 0.8]), "time_to_resolution": _history([0.5, 0.7])}
    # service level decided: kept. time_to_resolution (higher is better): 75th percentile of 0.5, 0.7
    # at position 0.75: 0.5 + 0.75 × 0.2 = 0.65
    assert suggested_targets(histories, targets={"service_level": 0.8}) == {"service_level": 0.8,
                                                                           "time_to_resolution": 0.65}


def test_kpi_histories_leave_out_periods_only_partly_in_the_data():
    from kpilib.days.norms import kpi_histories

    # the data covers Wed 22 Apr to Tue 28 Apr: the weeks of 20 and 27 April are both partial
    got = kpi_histories({"orders": orders()}, ["time_to_first_contact"], period="week",
                        norms={"time_to_first_contact": 20}, first="2026-04-22", last="2026-04-28")
    assert got["time_to_first_contact"].empty
    # from Mon 30 Mar to Sun 3 May: the weeks of 30 Mar (O2) and 20 Apr (O1, O3) are complete;
    # 20 Apr: O1 within, O3 open and not yet late: 1 / 1
    got = kpi_histories({"orders": orders()}, ["time_to_first_contact"], period="week",
                        norms={"time_to_first_contact": 20}, first="2026-03-30", last="2026-05-03")
    assert_kpi(got["time_to_first_contact"], [(pd.Timestamp("2026-03-30"), 1, 1, 1.0),
                                              (pd.Timestamp("2026-04-20"), 1, 1, 1.0)], by=["week"])


def test_the_norms_explorer_counts_each_norm_by_hand():
    from kpilib.days.norms import NormsExplorer

    explorer = NormsExplorer({"orders": orders()})
    # as_of = 28 Apr 09:00: O1 took 2 working days, O2 16; O3 open for 1 working day (24 Apr)
    cases = {5: (1, 2),      # O1 within, O2 a breach, O3 still within the norm: not counted
             1: (0, 2),      # O1 (2) and O2 (16) breaches; O3 (1) not past the norm
             0.5: (0, 3),    # O3's 1 working day is past half a day: a breach too
             16: (2, 2),     # both contacted orders within; O3 not past
             15.5: (1, 2)}   # O2's 16 is not
    for norm, (numerator, denominator) in cases.items():
        got = explorer({"time_to_first_contact": norm})
        assert got[["kpi", "norm_parameter", "norm"]].iloc[0].tolist() == ["time_to_first_contact", "norm_days", norm]
        assert_kpi(got[["numerator", "denominator", "value"]], [(numerator, denominator, numerator / denominator)])
    with pytest.raises(ParameterError, match="norm_days"):
        explorer({"time_to_first_contact": -1})


@pytest.mark.slow
def test_the_norms_explorer_gives_exactly_what_kpis_under_norms_gives(sample_workshop):
    """On the sample: every KPI, several norms, by nothing and by month; a definition no explorer covers too."""
    import kpilib
    from kpilib.days.norms import NormsExplorer, kpis_under_norms

    ws = kpilib.open_workshop(sample_workshop)
    base = {"service_level": 20, "repeat_contact_rate": 7, "time_to_resolution": 3, "time_to_first_contact": 5}
    for definitions in (ws.decision("definitions"),
                        {"repeat_contact_rate": {"window_days": 7, "window_unit": "calendar_day"},
                         "service_level": {"clock": "queue", "abandoned": "exclude", "short_abandon_s": 5}}):
        for by in (None, "month"):
            explorer = NormsExplorer(ws.store, definitions=definitions, calendar=ws.calendar, by=by)
            for change in ({}, {"service_level": 45}, {"repeat_contact_rate": 2.5}, {"time_to_resolution": 0},
                           {"time_to_first_contact": 10, "time_to_resolution": 1}):
                norms = {**base, **change}
                pd.testing.assert_frame_equal(
                    explorer(norms),
                    kpis_under_norms(ws.store, norms, definitions=definitions, calendar=ws.calendar, by=by))


@pytest.mark.slow
def test_the_targets_panel_shows_exactly_target_overview_field_by_field(sample_workshop):
    import kpilib
    from kpilib.days.norms import kpi_histories, target_overview
    from kpilib.widgets import targets_panel

    ws = kpilib.open_workshop(sample_workshop)
    targets = ws.decision("targets")
    histories = kpi_histories(ws.store, list(targets), period="month", definitions=ws.decision("definitions"),
                              norms=ws.decision("norms"), calendar=ws.calendar)
    panel = targets_panel(ws, histories, targets=targets)
    for kpi in targets:
        for change in (0.05, -0.05, 0.05):                  # the third answer is the remembered one
            chosen = {**targets, kpi: round(targets[kpi] + change, 2)}
            pd.testing.assert_frame_equal(panel.inputs.compute(chosen), target_overview(histories, chosen))
