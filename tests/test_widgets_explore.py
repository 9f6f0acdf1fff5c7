"""Sliders and the definition chooser, wired without a browser: move a control, read the table shown."""

from __future__ import annotations

import pandas as pd
import pytest

from _fixtures import contact, contacts
from kpilib import service_level
from kpilib.kpis.explore import RepeatExplorer, ServiceLevelExplorer
from kpilib.kpis.queue import ABANDON_RULES
from kpilib.widgets import definition_chooser, record_decision, threshold_slider, window_slider

T = "2026-03-02 "


@pytest.fixture
def calls() -> pd.DataFrame:
    return contacts([
        contact("a1", T + "09:00", ivr=10, wait=5, talk=60, team="first", customer_id="k1"),  # queue 5
        contact("a2", T + "09:01", ivr=10, wait=25, talk=60, team="first", customer_id="k2"),  # queue 25
        contact("a3", T + "09:02", ivr=0, abandon=4, team="first"),  # abandoned after 4 s
        contact("b1", "2026-03-04 09:00", ivr=5, wait=10, talk=60, team="<second>", customer_id="k1"),
    ])


def test_moving_the_threshold_slider_redraws_the_table(calls):
    box = threshold_slider(ServiceLevelExplorer(calls, by="team"), threshold_s=20)
    # 20 s, fail: <second> (sorts first) = 1 / 1; first = a1 / (a1, a2, a3) = 1 / 3
    assert box.frame["value"].tolist() == [1.0, 1 / 3]
    assert "33.3%" in box.output.value and "within 20 s" in box.output.value
    box.slider.value = 30  # a1 and a2 within: 2 / 3
    assert box.frame["value"].tolist() == [1.0, 2 / 3]
    assert "66.7%" in box.output.value and "within 30 s" in box.output.value
    assert "&lt;second&gt;" in box.output.value and "<second>" not in box.output.value
    assert box.value == 30


def test_the_window_slider_follows_the_window(calls):
    box = window_slider(RepeatExplorer(calls, by="team"), window_days=1)
    # k1: a1 (Mon 09:00) then b1 (Wed 09:00) = 48 h. Window 1 day: first 0 / 2 (a1, a2)
    assert box.frame.loc[box.frame["team"] == "first", "value"].item() == 0.0
    box.slider.value = 2  # 48 h <= 2 × 24 h: a1 repeats: 1 / 2
    assert box.frame.loc[box.frame["team"] == "first", "value"].item() == 0.5


def test_the_definition_chooser_compares_live_and_its_value_can_be_recorded(calls):
    explorer = ServiceLevelExplorer(calls, by="team")
    chooser = definition_chooser("service_level", {"abandoned": ABANDON_RULES, "clock": ["queue", "arrival"]},
                                 explorer.service_level, by="team",
                                 initial={"threshold_s": 20, "abandoned": "exclude", "clock": "queue"})
    # reference = initial: chosen equals reference, difference 0
    assert chooser.frame["difference"].tolist() == [0.0, 0.0]
    chooser.controls["abandoned"].value = "fail"
    # first: exclude 1 / 2 → fail 1 / 3: difference 1/3 − 1/2 = −1/6
    first = chooser.frame.loc[chooser.frame["team"] == "first"].iloc[0]
    assert first["reference"] == 0.5 and first["chosen"] == pytest.approx(1 / 3)
    assert first["difference"] == pytest.approx(-1 / 6)
    assert "-16.7\u00a0percentage points" in chooser.output.value   # a difference of shares, not a share
    assert "<th" in chooser.output.value and ">chosen<" in chooser.output.value
    expected = {"service_level": {"threshold_s": 20, "abandoned": "fail", "clock": "queue"}}
    assert chooser.value == expected
    pd.testing.assert_frame_equal(explorer.service_level(**expected["service_level"]),
                                  service_level(calls, by="team", **expected["service_level"]))

    class Store:
        recorded = None

        def decide(self, key, value, *, by=None, note=None):
            Store.recorded = (key, value)

    record_decision(Store(), "definitions", chooser).record()
    assert Store.recorded == ("definitions", expected)


def test_each_dropdown_of_the_definition_chooser_is_as_wide_as_its_label_and_choices(calls):
    """The default width (300px, label included) cut off a long label's choice; a line full of them wraps."""
    chooser = definition_chooser("service_level", {"threshold_s": [10, 20], "abandoned": ABANDON_RULES,
                                                   "short_abandon_s": [0, 5]},
                                 ServiceLevelExplorer(calls, by="team").service_level, by="team",
                                 initial={"threshold_s": 20, "abandoned": "fail", "short_abandon_s": 0})
    row = chooser.children[0]
    assert [control.layout.width for control in row.children] == ["auto", "auto", "auto"]
    assert row.layout.flex_flow == "row wrap"
