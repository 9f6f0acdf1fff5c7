"""The report pack: pages and index, offline, escaped, free of raw identifiers, deterministic;
a failing day; parameters rejected before anything runs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner

from kpilib.report._parameters import NotebookParameter, check_parameters
from kpilib.cli import cli
from kpilib.exceptions import ParameterError
from kpilib.report.render import day_notebooks, parse_days, render

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def pages(pack) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(pack.out.glob("*.html"))}


# -- the pack ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_pack_holds_a_page_and_the_executed_notebook_per_day(sample_pack):
    assert not sample_pack.failed, [p.error for p in sample_pack.failed]
    days = day_notebooks()
    assert [p.day for p in sample_pack.pages] == sorted(days)
    index = sample_pack.index.read_text()
    for page in sample_pack.pages:
        assert page.html.exists() and page.executed.exists()
        assert f'href="{page.html.name}"' in index
        assert f'href="{page.executed.name}"' not in index   # the client's pack: no notebooks linked
        assert nbformat.read(page.executed, as_version=4).cells  # the executed notebook is kept
    assert not list(sample_pack.out.glob(".*"))  # no partial files left behind


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_index_shows_client_schedule_and_each_days_summary(sample_pack):
    index = sample_pack.index.read_text()
    assert "Glasvezel Noord BV" in index
    assert "Tuesday 1 December 2026" in index and "Monday 14 December 2026" in index  # ten working days
    assert index.count('class="kpi-card ok"') == len(sample_pack.pages)
    day1 = next(p for p in sample_pack.pages if p.day == 1).summary
    assert [r["label"] for r in day1["results"]][:2] == ["Surveys analysed", "Strongest driver"]
    assert "Strongest driver</dt><dd>resolution" in index
    assert "<strong>customer values</strong>: resolution, speed, effort, friendliness" in index
    assert "<strong>today&#x27;s KPIs</strong>" in index                 # decisions by name, not by key
    assert "<code>current_kpis</code>" not in index


class _Resources(HTMLParser):
    """Every address a page would load: src/href of script, link, img, iframe, … and CSS url()."""

    LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
               "embed": "src", "link": "href", "object": "data", "input": "src", "track": "src"}

    def __init__(self):
        super().__init__()
        self.found, self._style = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.LOADING and attrs.get(self.LOADING[tag]):
            self.found.append(attrs[self.LOADING[tag]])
        if tag == "img" and attrs.get("srcset"):
            self.found.append(attrs["srcset"])
        if attrs.get("style"):
            self.found += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])
        self._style = tag == "style"

    def handle_data(self, data):
        if self._style:
            self.found += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.found += re.findall(r"@import\s+['\"]([^'\"]+)", data)

    def handle_endtag(self, tag):
        self._style = False


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_no_page_loads_anything_from_the_network(sample_pack):
    for name, text in pages(sample_pack).items():
        parser = _Resources()
        parser.feed(text)
        external = [a for a in parser.found if re.match(r"\s*(https?:)?//", a, re.I)]
        assert not external, f"{name} loads {external}"
        assert "<script" not in text, f"{name} holds a script"
        images = [a for a in parser.found if not a.startswith("data:")]
        assert not images, f"{name} loads files that are not embedded: {images}"


def test_resource_check_finds_what_it_must(tmp_path):
    parser = _Resources()
    parser.feed('<script src="https://cdn.example/require.js"></script><link rel="stylesheet" href="//fonts.x/a.css">'
                '<style>body{background:url("http://x/y.png")}</style><a href="https://example.org">ok</a>')
    assert parser.found == ["https://cdn.example/require.js", "//fonts.x/a.css", "http://x/y.png"]


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_client_text_shows_as_text_on_every_page(sample_pack):
    texts = pages(sample_pack)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts["day01_customer_values.html"]
    for name, text in texts.items():
        assert "<script>alert(1)" not in text and "<b>prima</b>" not in text, name


def _raw_ids() -> set[str]:
    exports = SAMPLE / "exports"
    ids = set()
    contacts = pd.read_csv(exports / "interacties.csv", sep=";", encoding="cp1252", dtype=str)
    ids |= set(contacts["Klantnummer"].dropna()) | set(contacts["Medewerker"].dropna())
    for name, sep in [("enquetes.csv", ","), ("bestellingen.csv", "\t"), ("terugbelverzoeken.csv", ";")]:
        ids |= set(pd.read_csv(exports / name, sep=sep, encoding="utf-8-sig", dtype=str)["Klantnummer"].dropna())
    tickets = pd.read_excel(exports / "tickets.xlsx", sheet_name=None, dtype=str)
    ids |= set(tickets["Tickets"]["Klantnummer"].dropna()) | set(tickets["Statuslog"]["Behandelaar"].dropna())
    return {i.strip() for i in ids if i.strip()}


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_no_raw_customer_or_agent_id_on_any_page(sample_pack):
    raw = _raw_ids()
    assert len(raw) > 1000  # customers and agents of the sample
    for name, text in pages(sample_pack).items():
        words = set(re.findall(r"[A-Za-z0-9-]+", re.sub(r"data:[^\"')\s]+", "", text)))
        assert not words & raw, f"{name} shows raw ids: {sorted(words & raw)[:5]}"


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_same_input_gives_the_same_pages_and_a_shared_kernel_the_pages_of_new_kernels(
        sample_workshop, sample_pack, tmp_path):
    # The sample pack ran its days in two shared kernels; this render gives every day a new kernel.
    # Same pages: nothing a day leaves in its kernel (day 8's theme, for one, since day 9 sets none)
    # shows on a later day's page, and rendering is deterministic.
    again = render(sample_workshop, out=tmp_path / "again", jobs=2, progress=False, kernel="per-day")
    first, second = pages(sample_pack), pages(again)
    assert first.keys() == second.keys()
    for name in first:
        a, b = (re.sub(r'<time class="kpi-rendered">[^<]*</time>', "", t) for t in (first[name], second[name]))
        assert a == b, f"{name} differs between two renders"
    for page in sample_pack.pages:  # the executed notebooks number their cells as a new kernel does
        counts = [[c.get("execution_count") for c in nbformat.read(path, as_version=4).cells]
                  for path in (page.executed, again.out / page.executed.name)]
        assert counts[0] == counts[1], f"{page.executed.name}: cells numbered differently"


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_each_day_starts_as_in_a_new_kernel_when_the_kernel_is_shared(sample_workshop, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "helper.py").write_text("import warnings\n\n"
                                      "def caveat():\n    warnings.warn('the survey covers 3 of 10 teams')\n")
    changes = ("import helper, matplotlib, pandas as pd, seaborn as sns\n"
               "x = 1\n"
               "sns.set_theme(style='darkgrid')\n"
               "matplotlib.rcParams['lines.linewidth'] = 9\n"
               "pd.set_option('display.max_rows', 3)\n"
               "pd.plotting.register_matplotlib_converters()\n"
               "helper.caveat()\n"
               "import warnings\n"
               "warnings.simplefilter('ignore')")
    checks = ("import helper, matplotlib, pandas as pd\n"
              "assert 'x' not in globals(), 'x from an earlier day'\n"
              "assert matplotlib.rcParams['lines.linewidth'] == 1.5\n"
              "assert matplotlib.rcParams['axes.facecolor'] == 'white'\n"
              "assert pd.get_option('display.max_rows') == 60\n"
              "import matplotlib.units\n"
              "assert pd.Timestamp not in matplotlib.units.registry, 'pandas converters from an earlier day'\n"
              "helper.caveat()")
    _notebook(folder / "day01_changes.ipynb", changes)
    _notebook(folder / "day02_checks.ipynb", checks)
    _notebook(folder / "day03_dies.ipynb", "import os\nos._exit(1)")
    _notebook(folder / "day04_after.ipynb", checks)
    result = render(sample_workshop, notebooks=folder, out=tmp_path / "pack", jobs=1, progress=False)
    errors = {page.day: page.error for page in result.pages}
    assert errors[1] is None and errors[2] is None and errors[4] is None, errors
    assert errors[3].startswith("cell 2 (import os): DeadKernelError")  # the kernel it killed is replaced
    for day in (1, 2, 4):                                          # the caveat shows on every day
        executed = nbformat.read(result.pages[day - 1].executed, as_version=4)
        stderr = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", [])
                         if o.get("name") == "stderr")
        assert "the survey covers 3 of 10 teams" in stderr, f"day {day} does not show the caveat"


def test_a_wrong_kernel_choice_is_rejected(sample_workshop, tmp_path):
    with pytest.raises(ParameterError, match=r"`kernel` must be one of 'shared', 'per-day'; got 'warm'"):
        render(sample_workshop, out=tmp_path / "pack", kernel="warm", progress=False)


# -- a day that fails --------------------------------------------------------------------------

def _notebook(path: Path, *sources: str) -> None:
    cells = [nbformat.v4.new_code_cell(
        'workshop: str = "."  # workshop folder\ninteractive: bool = False  # facilitator mode',
        metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=kernel), path)


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_failing_day_is_rendered_with_its_error_and_the_others_still_render(sample_workshop, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "day01_fine.ipynb", "import kpilib\nws = kpilib.open_workshop(workshop)",
              'kpilib.day_summary(ws, day=1, results={"answer": 42})')
    _notebook(folder / "day02_broken.ipynb", "x = 1", 'raise ValueError("the chain is broken")', "print('never')")
    out = tmp_path / "pack"
    result = CliRunner().invoke(cli, ["render", str(sample_workshop), "--notebooks", str(folder), "--out", str(out),
                                      "--jobs", "2"])
    assert result.exit_code == 1
    assert "Error: day 2 (day02_broken.ipynb) failed at cell 3 (raise ValueError(\"the chain is broken\")): " \
           "ValueError: the chain is broken" in result.output
    assert "Traceback" not in result.output
    broken = (out / "day02_broken.html").read_text()
    assert "This day did not finish" in broken and "the chain is broken" in broken  # the error is visible
    index = (out / "index.html").read_text()
    assert index.count('class="kpi-card failed"') == 1 and index.count('class="kpi-card ok"') == 1
    assert "answer</dt><dd>42" in index                                             # day 1 still rendered
    assert (out / "day02_broken.ipynb").exists()


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_parallel_days_draw_each_figure_for_its_picture_only_and_write_each_notebook_once(sample_workshop, tmp_path, monkeypatch):
    import os

    import papermill.engines
    import papermill.execute

    folder = tmp_path / "notebooks"
    folder.mkdir()
    counting = ("import matplotlib.figure\n"
                "drawn = [0]\n"
                "draw = matplotlib.figure.Figure.draw\n"
                "def counted(self, renderer):\n"
                "    drawn[0] += 1\n"
                "    return draw(self, renderer)\n"
                "matplotlib.figure.Figure.draw = counted")
    figure = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])"
    for day in (1, 2, 3):
        _notebook(folder / f"day0{day}_figure.ipynb", counting, figure, "print('draws', drawn[0])",
                  "matplotlib.figure.Figure.draw = draw")
    writes = []
    real_write = papermill.execute.write_ipynb
    for module in (papermill.engines, papermill.execute):
        monkeypatch.setattr(module, "write_ipynb", lambda nb, path: (writes.append(path), real_write(nb, path)))
    here = os.getcwd()
    result = render(sample_workshop, notebooks=folder, out=tmp_path / "pack", jobs=2, progress=False)
    assert os.getcwd() == here  # the kernels start in the notebooks' folder; the process stays where it was
    assert [page.error for page in result.pages] == [None, None, None]
    for page in result.pages:
        cells = {c.source: c for c in nbformat.read(page.executed, as_version=4).cells}
        assert any("image/png" in o.get("data", {}) for o in cells[figure].outputs)  # the figure is on the page ...
        # ... drawn for it alone: the layout pass that a tight bounding box takes, then the picture
        # (pyplot's redraw after the cell made it three)
        assert cells["print('draws', drawn[0])"].outputs[0]["text"] == "draws 2\n"
    # papermill writes a notebook at its end and once more on returning it: twice, not per cell (6 cells)
    assert sorted(Path(w).name for w in writes) == sorted([f".day0{d}_figure.running.ipynb" for d in (1, 2, 3)] * 2)


# -- parameters, checked before any notebook runs -------------------------------------------------

@pytest.mark.parametrize("values, message", [
    ({"min_csatt": 3}, r"- unknown parameter `min_csatt`"),
    ({"min_csat": "abc"}, r"- `min_csat` must be int \(lowest satisfaction score that counts as satisfied "
                          r"\(1-5\)\); got 'abc'"),
    ({"min_csat": 9}, r"- `min_csat` must be between 1 and 5 \(lowest satisfaction score that counts as "
                      r"satisfied \(1-5\)\); got 9"),
    ({"min_csat": True}, r"- `min_csat` must be int"),
    ({"workshop": "elsewhere"}, r"- `workshop` cannot be set: the workshop folder is the PATH argument of render"),
])
def test_bad_parameters_are_rejected_before_any_notebook_runs(sample_workshop, tmp_path, values, message):
    with pytest.raises(ParameterError, match=message) as caught:
        render(sample_workshop, parameters=values, out=tmp_path / "pack", progress=False)
    text = str(caught.value)
    assert "The day notebooks take:" in text
    assert "  min_csat: int = 4  # lowest satisfaction score that counts as satisfied (1-5)  [day 1]" in text
    assert "  threshold_s: int = 20" in text
    assert not (tmp_path / "pack").exists()  # nothing ran, nothing was written


def test_every_problem_is_listed_at_once(sample_workshop, tmp_path):
    with pytest.raises(ParameterError) as caught:
        render(sample_workshop, parameters={"min_ces": 0, "nope": 1}, out=tmp_path / "pack", progress=False)
    assert str(caught.value).count("\n- ") == 2


def test_cli_reads_parameter_values_as_yaml_and_rejects_without_traceback(sample_workshop, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("min_ces: 6\nthreshold_s: 30\n")
    result = CliRunner().invoke(cli, ["render", str(sample_workshop), "-f", str(params), "-p", "min_csat", "6",
                                      "--out", str(tmp_path / "pack")])
    assert result.exit_code == 1
    assert "`min_csat` must be between 1 and 5" in result.output and "min_ces" not in result.output.split("take:")[0]
    assert "Traceback" not in result.output


def test_unknown_days_name_the_days_there_are(sample_workshop, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "day01_only.ipynb", "x = 1")
    with pytest.raises(ParameterError, match=r"no notebook for day 2 in .*; the days available are: "
                                             r"1 \(day01_only.ipynb\)$"):
        render(sample_workshop, days="1-2", notebooks=folder, out=tmp_path / "pack", progress=False)


@pytest.mark.parametrize("text, days", [("1-10", list(range(1, 11))), ("3", [3]), ("1,3,5-7", [1, 3, 5, 6, 7])])
def test_parse_days(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["0", "11", "3-1", "a", "1-"])
def test_parse_days_rejects(text):
    with pytest.raises(ParameterError, match="`days` must be day numbers 1-10"):
        parse_days(text)


def test_check_parameters_converts_text_and_numbers():
    declared = {
        "threshold_s": NotebookParameter("threshold_s", "int", 20, "threshold in seconds (1-600)", (3,)),
        "share": NotebookParameter("share", "float", 0.8, "a share (0-1)", (1,)),
        "flag": NotebookParameter("flag", "bool", False, "a flag", (1,)),
        "team": NotebookParameter("team", "str", "", "a team", (1,)),
    }
    got = check_parameters({"threshold_s": "30", "share": 1, "flag": "true", "team": "20"}, declared)
    assert got == {"threshold_s": 30, "share": 1.0, "flag": True, "team": "20"}
    assert isinstance(got["share"], float)
    with pytest.raises(ParameterError, match="`share` must be between 0 and 1"):
        check_parameters({"share": "1.5"}, declared)


def test_bad_shared_parameters_name_workshop_yaml(sample_workshop, tmp_path):
    import shutil

    folder = tmp_path / "ws"
    shutil.copytree(sample_workshop, folder)
    config = folder / "workshop.yaml"
    config.write_text(config.read_text().replace("  threshold_s: 20\n", "  threshold_s: twenty\n", 1))
    with pytest.raises(ParameterError, match=r"workshop.yaml, block `parameters:`: bad notebook parameters:\n"
                                             r"- `threshold_s` must be int"):
        render(folder, out=tmp_path / "pack", progress=False)
