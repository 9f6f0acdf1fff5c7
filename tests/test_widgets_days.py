"""The day-6 and day-7 panels: their controls drive the tables, their button records the whole decision."""

from __future__ import annotations

import pandas as pd

from _fixtures import contact, contacts, frame
from kpilib.widgets import definitions_panel, norms_panel, targets_panel

T = "2026-03-02 "


class FakeWorkshop:
    def __init__(self):
        self.recorded = []

    def decide(self, key, value, *, by=None, note=None):
        self.recorded.append((key, value))


def _calls() -> pd.DataFrame:
    return contacts([
        contact("a1", T + "09:00", ivr=30, wait=5, talk=60, customer_id="k1", outcome="resolved"),  # queue 5, arrival 35
        contact("a2", T + "09:01", ivr=0, abandon=40),  # abandoned after 40 s
        contact("a3", "2026-03-05 09:00", ivr=0, wait=50, talk=60, customer_id="k1", outcome="resolved"),  # 3 days later
    ])


def test_definitions_panel_records_the_chosen_definitions_and_keeps_the_others():
    ws = FakeWorkshop()
    decided = {"service_level": {"threshold_s": 20, "clock": "queue", "abandoned": "exclude"},
               "time_to_resolution": {"norm_days": 3}}
    panel = definitions_panel(ws, _calls(), definitions=decided, reference={"abandoned": "exclude"})
    service = panel.choosers["service_level"]
    # queue, exclude, 20 s: a1 (5) within, a3 (50) over: 1 / 2, the same as the reference
    assert service.frame["chosen"].tolist() == [0.5] and service.frame["difference"].tolist() == [0.0]
    service.controls["abandoned"].value = "fail"  # a2 counts as a failure: 1 / 3
    assert service.frame["chosen"].iloc[0] == 1 / 3
    repeat = panel.choosers["repeat_contact_rate"]
    assert repeat.frame["chosen"].tolist() == [0.5]  # a1 repeated within 7 × 24 h by a3: 1 / 2
    repeat.controls["window_days"].value = 1  # 72 h > 24 h: 0 / 2
    assert repeat.frame["chosen"].tolist() == [0.0]
    repeat.controls["window_days"].value = 3  # exactly 72 h: "at most 3 × 24 h later" counts it, 1 / 2
    assert repeat.frame["chosen"].tolist() == [0.5]
    repeat.controls["window_unit"].value = "calendar_day"  # Mon 2 → Thu 5 March: 3 dates later, 1 / 2
    assert repeat.frame["chosen"].tolist() == [0.5]
    repeat.controls["window_days"].value = 1  # 3 dates > 1: 0 / 2
    assert repeat.frame["chosen"].tolist() == [0.0]
    repeat.controls["window_unit"].value = "24h"
    panel.recorder.record()
    key, value = ws.recorded[0]
    assert key == "definitions"
    assert value["service_level"] == {"threshold_s": 20, "clock": "queue", "abandoned": "fail", "short_abandon_s": 0}
    assert value["repeat_contact_rate"] == {"window_days": 1, "match": "customer", "window_unit": "24h"}
    assert value["time_to_resolution"] == {"norm_days": 3}  # not in the panel: recorded unchanged
    # one control per choice: the slider shows the chosen definition (abandons fail: 1 / 3) ...
    assert panel.slider.frame["value"].tolist() == [1 / 3]
    panel.slider.slider.value = 60  # ... and is its threshold: a3 (50 s) now within, 2 / 3
    assert service.controls["threshold_s"].value == 60 and panel.value["service_level"]["threshold_s"] == 60
    assert panel.slider.frame["value"].tolist() == [2 / 3] and service.frame["chosen"].iloc[0] == 2 / 3


def test_norms_and_targets_panels_record_their_fields():
    ws = FakeWorkshop()
    orders = frame("orders", [
        # Mon 2 Mar → Mon 9 Mar: 5 working days
        dict(order_id="O1", ordered_at="2026-03-02 10:00", first_contact_at="2026-03-09 10:00"),
    ])
    norms = norms_panel(ws, {"orders": orders}, norms={"time_to_first_contact": 5})
    assert norms.inputs.frame["value"].tolist() == [1.0]  # 5 <= 5: 1 / 1
    norms.inputs.fields["time_to_first_contact"].value = 4  # 5 > 4: 0 / 1
    assert norms.inputs.frame["value"].tolist() == [0.0]
    norms.recorder.record()
    history = pd.DataFrame({"week": pd.date_range("2026-03-02", periods=2, freq="W-MON"),
                            "numerator": [1, 3], "denominator": [4, 4], "value": [0.25, 0.75]})
    targets = targets_panel(ws, {"time_to_first_contact": history}, targets={"time_to_first_contact": 0.5})
    assert targets.inputs.frame["numerator"].tolist() == [1]  # only 0.75 >= 0.5
    targets.recorder.record()
    assert ws.recorded == [("norms", {"time_to_first_contact": 4}), ("targets", {"time_to_first_contact": 0.5})]
