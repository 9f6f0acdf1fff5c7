"""Norm and target inputs and the chain selector, wired without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

import kpilib
from _fixtures import frame
from kpilib.exceptions import ParameterError
from kpilib.days.norms import kpis_under_norms, target_overview
from kpilib.widgets import chain_selector, norm_inputs, record_decision, target_inputs


def _orders() -> pd.DataFrame:
    return frame("orders", [
        # Thu 23 Apr → Tue 28 Apr: 23, 24 (27 King's Day) = 2 working days
        dict(order_id="O1", ordered_at="2026-04-23 10:00", first_contact_at="2026-04-28 09:00"),
        # Wed 22 Apr → Tue 28 Apr: 22, 23, 24 = 3
        dict(order_id="O2", ordered_at="2026-04-22 10:00", first_contact_at="2026-04-28 09:00"),
    ])


def test_changing_a_norm_recomputes_the_kpi_under_it():
    tables = {"orders": _orders()}
    box = norm_inputs({"time_to_first_contact": 5}, compute=lambda n: kpis_under_norms(tables, n))
    assert box.frame["value"].tolist() == [1.0]  # both within 5: 2 / 2
    box.fields["time_to_first_contact"].value = 2
    assert box.frame["value"].tolist() == [0.5]  # only O1 (2) within 2: 1 / 2
    assert box.value == {"time_to_first_contact": 2}
    assert isinstance(box.value["time_to_first_contact"], int)


def test_a_refused_input_is_explained_and_kept():
    def compute(values):
        raise ParameterError("`norms.service_level` must be > 0; got 0")

    box = norm_inputs({"service_level": 0}, compute=compute)
    assert "must be &gt; 0" in box.output.value
    assert box.fields["service_level"].value == 0


def test_target_inputs_show_how_often_the_history_met_them():
    history = pd.DataFrame({"week": pd.date_range("2026-04-06", periods=4, freq="W-MON"),
                            "numerator": [6, 9, 7, 8], "denominator": [10] * 4, "value": [0.6, 0.9, 0.7, 0.8]})
    box = target_inputs({"service_level": 0.75},
                        compute=lambda t: target_overview({"service_level": history}, t))
    assert box.frame[["numerator", "denominator"]].iloc[0].tolist() == [2, 4]  # 0.9, 0.8 >= 0.75
    assert box.fields["service_level"].value == 75  # typed and shown as a percentage
    box.fields["service_level"].value = 65
    assert box.value == {"service_level": 0.65}
    assert box.frame["numerator"].iloc[0] == 3  # 0.9, 0.7, 0.8 >= 0.65
    assert "75%" in box.output.value  # 3 of 4 periods


def test_a_value_out_of_range_is_refused_as_typed_with_the_reason_next_to_the_field():
    history = pd.DataFrame({"week": pd.date_range("2026-04-06", periods=2, freq="W-MON"),
                            "numerator": [6, 9], "denominator": [10] * 2, "value": [0.6, 0.9]})
    box = target_inputs({"service_level": 0.75}, compute=lambda t: target_overview({"service_level": history}, t))
    shown = box.output.value
    box.fields["service_level"].value = 8000          # a fraction typed as a percentage, or a slip
    assert box.fields["service_level"].value == 8000  # what was typed stays
    assert "between 0 % and 100 %" in box.problems["service_level"].value
    assert box.output.value == shown                  # the table is not recomputed on a refused value
    with pytest.raises(ParameterError, match="8000 % is not possible"):
        box.value
    norms = norm_inputs({"service_level": 20}, compute=None)
    assert norms.fields["service_level"].description == "Service level: norm (s)"
    norms.fields["service_level"].value = -1          # refused, not silently made 0
    assert "-1 is not possible" in norms.problems["service_level"].value
    with pytest.raises(ParameterError):
        norms.value


def test_chain_selector_gives_the_ticked_chains_and_their_owners():
    box = chain_selector(["fault", "order", "complaint"], selected=["fault"], owners={"fault": "Anna"})
    box.boxes["order"].value = True
    box.owner_fields["order"].value = " Piet "
    box.owner_fields["complaint"].value = "Kees"  # not ticked: not an owner
    assert box.value == ["fault", "order"]
    assert box.owners == {"fault": "Anna", "order": "Piet"}
    # without labels a box shows the chain's name, not its id (no workshop: the category in words)
    kpilib.set_language("nl")
    try:
        assert chain_selector(["fault"]).boxes["fault"].description == "Storing"
    finally:
        kpilib.set_language("en")

    class Store:
        recorded = []

        def decide(self, key, value, *, by=None, note=None):
            Store.recorded.append((key, value))

    record_decision(Store(), "chains", box).record()
    record_decision(Store(), "chain_owners", lambda: box.owners).record()
    assert Store.recorded == [("chains", ["fault", "order"]), ("chain_owners", {"fault": "Anna", "order": "Piet"})]


def test_a_table_other_than_a_kpi_frame_is_shown_with_its_own_formats():
    def compute(values):
        # the customer's norm against the organisation's own, not a tidy KPI frame
        return pd.DataFrame({"norm": ["first contact"], "customer_days": [values["first_contact"]],
                             "customer_value": [0.106]})

    box = norm_inputs({"first_contact": 5}, compute=compute, formats={"customer_value": "{:.0%}"},
                      caption="Customer norms")
    assert "11%" in box.output.value  # 0.106 shown as a whole percentage
    assert "Customer norms" in box.output.value
    box.fields["first_contact"].value = 3
    assert box.frame["customer_days"].tolist() == [3]
