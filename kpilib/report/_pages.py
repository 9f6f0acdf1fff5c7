"""The HTML of the report pack: day pages from executed notebooks, and the index.

Every page is one self-contained file: the stylesheet ``templates/report.css`` is inlined, figures
are data: URIs, and no page loads a script, font or stylesheet from anywhere else. Day pages come
from nbconvert with the ``templates/report`` template (cells only, code hidden, no scripts);
every text from the client's data is escaped here or before it reached the notebook's outputs, and
every link on a page passes :func:`kpilib._safe.sanitize_links` (only http(s), mailto and links
inside the pack survive).
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kpilib._i18n import current_language, format_date, format_datetime, tr
from kpilib._safe import sanitize_links
from kpilib.report.narration import SUMMARY_MIME, format_value
from kpilib.report.sections import TABLE_NAMES
from kpilib.report.sections import SECTION_MIME, describe_need

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Tags of cells that never reach a page: the parameters, papermill's injected values, render's setup.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "kpi-render-setup"})


@dataclass
class Card:
    """What the index shows of one day."""

    day: int
    title: str
    date: dt.date | None
    page: str | None = None            # file name of the HTML page, relative to the index
    notebook: str | None = None        # file name of the executed notebook
    error: str | None = None
    summary: dict[str, Any] | None = None
    rendered: bool = True
    running: bool = False              # the render of this day has started and not finished

    @property
    def status(self) -> str:
        if self.running:
            return "running"
        return "missing" if not self.rendered else "failed" if self.error else "ok"


#: The label of each card status on the index.
STATUS_LABELS = {"ok": "rendered", "failed": "failed", "missing": "not rendered", "running": "not finished"}


@dataclass
class IndexData:
    """The workshop facts the index shows, gathered before any notebook runs."""

    client: str
    schedule: list[Card] = field(default_factory=list)
    tables: pd.DataFrame | None = None
    audience: str = "client"           # "client": no links to executed notebooks; "facilitator": with them


@cache
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


#: Held while :func:`_exporter`'s one exporter converts a notebook: a render's jobs are threads.
_EXPORTING = threading.Lock()


@cache
def _exporter():
    """One HTML exporter per process: building its template environment costs seconds."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="report",
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS)), enabled=True)
    return exporter


def notebook_body(nb) -> str:
    """The cells of an executed notebook as HTML: outputs and narrative, no code, no scripts.

    Markdown cells of a part that was left out for want of data (tagged ``section-<key>``, see
    :mod:`kpilib.report.sections`) are left out with it; the part's box says what is missing.
    """
    import copy

    nb = copy.deepcopy(nb)
    skipped = {f"section-{key}" for key in skipped_sections(nb)}
    nb.cells = [cell for cell in nb.cells
                if not (cell.cell_type == "markdown" and skipped & set(cell.get("metadata", {}).get("tags", [])))]
    for i, cell in enumerate(nb.cells):
        if any(tag.startswith("papermill-error") for tag in cell.get("metadata", {}).get("tags", [])):
            cell["id"] = f"papermill-error-{i}"  # papermill gives its banners random ids
    with _EXPORTING:
        body, _ = _exporter().from_notebook_node(nb)
    return body


def skipped_sections(nb) -> list[str]:
    """The parts of an executed day notebook that :func:`kpilib.section` left out for want of data."""
    return [output["data"][SECTION_MIME]["key"] for cell in nb.cells for output in cell.get("outputs", [])
            if SECTION_MIME in output.get("data", {})]


def read_summary(nb) -> dict[str, Any] | None:
    """The last day summary (:func:`kpilib.day_summary`) in an executed notebook, if any."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                found = data[SUMMARY_MIME]
    return dict(found) if found is not None else None


def _shell(*, title: str, client: str, heading: str, body: str, nav: str, foot: str = "") -> str:
    e = html.escape
    body = sanitize_links(body)  # the notebook's cells, the cards: only http(s), mailto and in-pack links survive
    nav = sanitize_links(nav)
    return f"""<!DOCTYPE html>
<html lang="{current_language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
{_css()}
</style>
</head>
<body>
<header class="kpi-top">
<div class="kpi-client">{e(client)} · {e(tr("KPI workshop"))}</div>
<div class="kpi-title">{e(heading)}</div>
<nav>{nav}</nav>
</header>
<main>
{body}
</main>
{foot}
</body>
</html>
"""


def card_heading(card: Card) -> str:
    if card.date:
        return tr("Day {day} — {date}: {theme}").format(day=card.day, date=long_date(card.date), theme=card.title)
    return tr("Day {day}: {theme}").format(day=card.day, theme=card.title)


def long_date(date: dt.date) -> str:
    """``Thursday 4 December 2026`` (``donderdag 4 december 2026``), in the current language."""
    return format_date(date, "EEEE d MMMM y")


def day_page(card: Card, *, client: str, body: str, audience: str = "client") -> str:
    """A day's page: the notebook's cells, and a banner when it failed; for the facilitator a link to the notebook."""
    nav = f'<a href="index.html">{html.escape(tr("← All days"))}</a>'
    if card.notebook and audience == "facilitator":
        nav += f'<a href="{html.escape(card.notebook)}">{html.escape(tr("Executed notebook"))}</a>'
    banner = ""
    if card.error:
        banner = (f'<div class="kpi-failed-banner"><strong>{html.escape(tr("This day did not finish."))}</strong> '
                  + html.escape(tr("It stopped at {where}. The outputs up to that cell and the error are below.")
                                .format(where=card.error)) + '</div>\n')
    return _shell(title=tr("{client} — day {day}").format(client=client, day=card.day), client=client,
                  heading=card_heading(card),
                  body=banner + body, nav=nav)


def index_page(data: IndexData, cards: Sequence[Card], *, rendered_at: dt.datetime,
               in_progress: bool = False) -> str:
    """The pack's first page: the schedule, the data, one card per rendered day.

    With ``in_progress`` it is the index written when a render starts: it says that the pack is
    not finished, so that a render that is stopped (killed, the machine off) leaves an index that
    says so, rather than the previous render's index claiming pages it never saw.
    """
    e = html.escape
    by_day = {card.day: card for card in cards}
    parts = []
    if in_progress:
        parts.append(f'<div class="kpi-failed-banner kpi-in-progress"><strong>{e(tr("This report pack is not finished."))}'
                     '</strong> ' + e(tr('A render started {when} and has not completed: the days marked "not finished" '
                                         'may show an earlier render or nothing. If this stays, the render was stopped: '
                                         'run {command} again.').format(when=format_datetime(rendered_at), command="\0"))
                     .replace("\0", "<code>kpi-workshop render</code>") + '</div>')
    parts += [f"<h1>{e(tr('The workshop at a glance'))}</h1>",
              "<p>" + e(tr("The report pack of the KPI workshop of {client}: one page per workshop day, with the "
                           "analysis on the client's data and the decisions the group took. Each card below shows a "
                           "day's key results and its decisions; open a day for the full page.")
                        .format(client=data.client)) + "</p>"]
    parts += [f'<h2 id="schedule">{e(tr("Schedule"))}</h2>', _schedule_table(data.schedule, by_day)]
    parts += [f'<h2 id="days">{e(tr("The days"))}</h2>', '<div class="kpi-cards">',
              *[_card(card, data.audience) for card in sorted(cards, key=lambda c: c.day)], "</div>"]
    if data.tables is not None:
        parts += [f"<h2>{e(tr('The data'))}</h2>",
                  "<p>" + e(tr("The canonical tables imported from the client's exports: rows, and the first and last "
                               "moment of each table's main timestamp (local time).")) + "</p>",
                  _tables_table(data.tables)]
    foot = (f'<footer class="kpi-foot">{e(tr("Render started") if in_progress else tr("Rendered"))} '
            f'<time class="kpi-rendered">{format_datetime(rendered_at)}</time> {e(tr("by kpi-workshop."))}</footer>')
    return _shell(title=tr("{client} — KPI workshop").format(client=data.client), client=data.client,
                  heading=tr("Report pack"), body="\n".join(parts),
                  nav=f'<a href="#schedule">{e(tr("Schedule"))}</a><a href="#days">{e(tr("Days"))}</a>', foot=foot)


def _schedule_table(schedule: Sequence[Card], by_day: dict[int, Card]) -> str:
    e = html.escape
    rows = []
    for day in schedule:
        card = by_day.get(day.day)
        if card is None:
            status = f'<span class="kpi-status missing">{tr("not rendered")}</span>'
            theme = e(day.title)
        else:
            label = tr(STATUS_LABELS[card.status])
            status = f'<span class="kpi-status {card.status}">{label}</span>'
            theme = f'<a href="{e(card.page)}">{e(day.title)}</a>' if card.page else e(day.title)
        date = long_date(day.date) if day.date else "–"
        rows.append(f'<tr><td class="kpi-number">{day.day}</td><td class="kpi-text">{e(date)}</td>'
                    f'<td class="kpi-text">{theme}</td><td class="kpi-text">{status}</td></tr>')
    head = "".join(f"<th>{e(tr(name))}</th>" for name in ("Day", "Date", "Theme", "Page"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"


def _card(card: Card, audience: str = "client") -> str:
    e = html.escape
    parts = [f'<section class="kpi-card {card.status}">',
             f'<h3>{e(tr("Day {day}: {theme}").format(day=card.day, theme=card.title))} '
             f'<span class="kpi-status {card.status}">{e(tr(STATUS_LABELS[card.status]))}</span></h3>']
    parts.append(f'<div class="kpi-date">{e(long_date(card.date)) if card.date else "&nbsp;"}</div>')
    if card.error:
        parts.append(f'<p class="kpi-error">{e(tr("Failed at {where}").format(where=card.error))}</p>')
    summary = card.summary or {}
    if summary.get("status") in ("partial", "empty"):
        label = tr("partial") if summary["status"] == "partial" else tr("nothing to show yet")
        needs = ", ".join(describe_need(n) for n in summary.get("needs", []))
        parts.append(f'<p class="kpi-partial"><strong>{e(label)}</strong> — {e(tr("needs:"))} {e(needs)}</p>')
    elif summary.get("status") == "complete":
        parts.append(f'<p class="kpi-complete">{e(tr("complete"))}</p>')
    results = summary.get("results", [])
    if results:
        parts.append("<dl>" + "".join(f"<dt>{e(str(r['label']))}</dt><dd>{e(str(r['text']))}</dd>"
                                      for r in results) + "</dl>")
    decisions = summary.get("decisions", [])
    if decisions:
        items = []
        for d in decisions:
            badge = f'<span class="kpi-default">{e(tr("default"))}</span>' if d.get("default") else ""
            recorded = f'<div class="kpi-recorded">{e(str(d["recorded"]))}</div>' if d.get("recorded") else ""
            if d.get("items"):
                listed = "".join(f"<li>{e(_short(str(item)))}</li>" for item in d["items"])
                items.append(f"<li><strong>{e(str(d.get('title', d['key'])))}</strong>{badge}:<ul>{listed}</ul>"
                             f"{recorded}</li>")
            else:
                items.append(f"<li><strong>{e(str(d.get('title', d['key'])))}</strong>{badge}: "
                             f"{e(_short(str(d['text'])))}{recorded}</li>")
        parts.append(f"<div><strong>{e(tr('Decisions'))}</strong></div><ul>" + "".join(items) + "</ul>")
    if card.running:
        parts.append(f'<p class="kpi-error">'
                     f'{e(tr("Not finished: this day was being rendered when the index was written."))}</p>')
    elif card.rendered and not card.error and not summary:
        parts.append(f'<p class="kpi-error">{e(tr("This page has no day summary."))}</p>')
    links = []
    if card.page:
        links.append(f'<a href="{e(card.page)}">{e(tr("Open the day"))}</a>')
    if card.notebook and audience == "facilitator":
        links.append(f'<a href="{e(card.notebook)}">{e(tr("Executed notebook"))}</a>')
    parts += [f'<div class="kpi-links">{"".join(links)}</div>', "</section>"]
    return "\n".join(parts)


def _short(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tables_table(frame: pd.DataFrame) -> str:
    e = html.escape
    rows = []
    for row in frame.itertuples(index=False):
        first = format_datetime(row.first) if pd.notna(row.first) else "–"
        last = format_datetime(row.last) if pd.notna(row.last) else "–"
        rows.append(f'<tr><td class="kpi-text">{e(tr(TABLE_NAMES.get(row.table, str(row.table))))}</td><td class="kpi-number">{e(format_value(int(row.rows)))}</td>'
                    f'<td class="kpi-text">{e(tr(str(row.timestamp).replace("_", " ")) if row.timestamp else "–")}</td><td>{first}</td><td>{last}</td></tr>')
    head = "".join(f"<th>{e(tr(name))}</th>" for name in ("Table", "Rows", "Timestamp", "First", "Last"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
