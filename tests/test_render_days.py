"""Rendering some of the days into a pack that holds others: the index stays true to the folder."""

from __future__ import annotations

import pytest

from kpilib.report.render import render


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_rendering_other_days_keeps_the_earlier_days_on_the_index(sample_workshop, tmp_path):
    out = tmp_path / "pack"
    first = render(sample_workshop, days="1", out=out, progress=False)
    assert not first.failed
    again = render(sample_workshop, days="3", out=out, progress=False)
    assert [p.day for p in again.pages] == [3]
    index = again.index.read_text(encoding="utf-8")
    assert 'href="day01_customer_values.html"' in index and 'href="day03_todays_kpis.html"' in index
    assert index.count('class="kpi-card ok"') == 2  # day 1 from the first render, day 3 from this one
    assert "Strongest driver</dt><dd>resolution" in index  # day 1's summary, read from its executed notebook
    assert index.count("not rendered") == 8  # the eight days never rendered into this folder


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_workshop_parameters_and_command_line_parameters_are_one_set(sample_workshop, tmp_path):
    from kpilib.exceptions import ParameterError

    # first_line is a workshop.yaml parameter of the sample; -p takes it as well, for day 8 only
    pack = render(sample_workshop, days="8", parameters={"first_line": "first_line"}, out=tmp_path / "p",
                  progress=False)
    assert not pack.failed
    # a parameter of a day that is not rendered is still known
    render(sample_workshop, days="1", parameters={"set_size": 4}, out=tmp_path / "q", progress=False)
    with pytest.raises(ParameterError, match="unknown parameter `window_dayz`"):
        render(sample_workshop, days="1", parameters={"window_dayz": 7}, out=tmp_path / "r", progress=False)
