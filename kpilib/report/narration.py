"""What a day notebook shows: escaped tables, narrative with computed numbers, the day's summary.

Every text that comes from the client's data is HTML-escaped before it reaches a page: table cells
and headers (:func:`show_table`), values put into narrative (:func:`narrate`, where a value cannot
form a Markdown link either), results and decisions (:func:`day_summary`). What goes out as HTML
passes :func:`kpilib._safe.sanitize_links`: only http(s), mailto and links inside the pack survive.

:func:`day_summary` also attaches a machine-readable summary to its output, under the MIME type
:data:`SUMMARY_MIME`; ``kpi-workshop render`` reads it from the executed notebook into the day's
card on ``index.html``. Its shape (version 1)::

    {"version": 1, "day": 3,
     "results": [{"label": "...", "value": 0.82, "text": "0.82"}, ...],
     "decisions": [{"key": "current_kpis", "title": "today's KPIs", "description": "...",
                    "value": <JSON value>, "text": "...",
                    "items": ["first line: Service level (answered within 20 s …), target 80%", ...] or null,
                    "default": false}, ...]}

``title``, ``description``, ``text`` and ``items`` are words for a reader, in the workshop's language
(:mod:`kpilib.workshop.wording`), written when the summary is made, in the decision's own order (a
notebook file stores the keys of a JSON value sorted).
"""

from __future__ import annotations

import html
import json
import numbers
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpilib._checks import check_argument, check_number
from kpilib._codes import category_words, chain_name, code_words, reader_name
from kpilib._i18n import format_moment, format_number, format_percent, format_points, tr
from kpilib._safe import markdown_text, sanitize_links
from kpilib._style import stable_style
from kpilib.report.sections import day_status, describe_need

__all__ = ["SUMMARY_MIME", "collapsible", "day_summary", "format_item", "format_value", "narrate", "show_table"]

#: The MIME type of the machine-readable day summary in a notebook's outputs.
SUMMARY_MIME = "application/vnd.kpi-workshop.day-summary+json"

_BOX = ("border:1px solid #c9d3df;border-left:4px solid #1f5f99;border-radius:6px;padding:0.8em 1.2em;"
        "margin:1.5em 0;background:#f6f9fc;font-family:system-ui,-apple-system,'Segoe UI',sans-serif")
_DEFAULT_BADGE = ("display:inline-block;margin-left:0.5em;padding:0 0.45em;border-radius:4px;"
                  "background:#fff3cd;color:#7a5300;border:1px solid #e6c35c;font-size:0.85em")


def format_value(value: Any) -> str:
    """A value as readers see it, in the current language: ``12,345`` / ``12.345``, ``0.82`` / ``0,82``.

    Whole numbers get the language's thousands separator; other numbers two decimals (none from 100
    on). Lists become ``a, b``; mappings ``key: value; …``; a list of mappings one ``key=value``
    group per item.

    Examples
    --------
    >>> format_value(12345)
    '12,345'
    >>> format_value(0.8234)
    '0.82'
    >>> format_value({"resolution_days": 3, "callback_hours": 24})
    'resolution_days: 3; callback_hours: 24'
    """
    if isinstance(value, bool) or value is None:
        return {True: tr("yes"), False: tr("no"), None: "–"}[value]
    if isinstance(value, numbers.Integral):
        return format_number(value)
    if isinstance(value, numbers.Real):
        if pd.isna(value):
            return "–"
        return format_number(value) if abs(value) >= 100 else format_number(value, 2)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) for v in value):
            return " | ".join(format_item(item) for item in value)
        return ", ".join(format_value(v) for v in value)
    return str(value)


def format_item(item: Mapping[str, Any]) -> str:
    """One mapping of a list as ``key=value, …``, a nested mapping in brackets.

    >>> format_item({"team": "field", "definition": {"norm_days": 20}, "target": 0.85})
    'team=field, definition=(norm_days=20), target=0.85'
    """
    def inner(v: Any) -> str:
        if isinstance(v, Mapping):
            return "(" + (", ".join(f"{k}={inner(x)}" for k, x in v.items()) or "default") + ")"
        return format_value(v)

    return ", ".join(f"{k}={inner(v)}" for k, v in item.items())


def _default_format(series: pd.Series) -> str | Callable | None:
    values = series.dropna()
    if pd.api.types.is_bool_dtype(series) or (series.dtype == object and not values.empty
                                              and all(isinstance(v, (bool, np.bool_)) for v in values)):
        return lambda v: format_value(bool(v)) if pd.notna(v) else "–"  # yes / no, also with gaps
    if pd.api.types.is_integer_dtype(series):
        return lambda v: format_value(int(v)) if pd.notna(v) else "–"
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna().eq(series.dropna().round()).all() and series.abs().max() >= 100
        return (lambda v: format_value(round(v)) if pd.notna(v) else "–") if whole else \
            (lambda v: format_number(v, 3) if pd.notna(v) else "–")
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        stamps = series.dropna()
        dates = stamps.empty or (stamps == stamps.dt.normalize()).all()
        pattern = "%d-%m-%Y" if dates else "%d-%m-%Y %H:%M"
        return lambda v: v.strftime(pattern) if pd.notna(v) else "–"
    return None


def _kpi_names() -> dict[str, str]:
    """KPI id → its name in the current language."""
    from kpilib.kpis.catalogue import load_catalogue

    catalogue = load_catalogue()
    return {kpi: catalogue.entry(kpi).title for kpi in catalogue.ids}


def _holds_kpi_ids(series: pd.Series, names: Mapping[str, str]) -> bool:
    """A text column whose every value is a KPI id: shown by the KPIs' names."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return False
    values = series.dropna()
    return not values.empty and all(isinstance(v, str) and v in names for v in values)


#: Columns of codes from the client's data that read by their names: a chain id, a case category.
_CODE_COLUMNS = {"chain": chain_name, "category": category_words}


def _escaped(spec: str | Callable) -> Callable:
    """A cell format whose text is HTML-escaped after it is written (a team path's ``->`` is read as written)."""
    def write(value: Any) -> str:
        return html.escape(str(spec.format(value) if isinstance(spec, str) else spec(value)))

    return write


def _names_teams(column: Any) -> bool:
    """A column of teams or of paths between teams (``first_line -> second_line``)."""
    return any(word in str(column) for word in ("team", "path", "handoff", "handover", "pattern"))


def _holds_codes(series: pd.Series, column: str) -> bool:
    """A text column whose every value is a code kpilib writes (``customer_seen``, ``queue``): shown in words."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return False
    values = series.dropna()
    return not values.empty and all(code_words(v, column) is not None for v in values)


#: Column names that do not read as a label once their underscores are spaces ("aht s", "kpis"): the label
#: a reader reads, in English, translated like every other header.
COLUMN_LABELS = {
    "kpi": "KPI", "kpis": "KPIs", "aht_s": "handle time (s)", "short_abandon_s": "short abandon (s)",
    "agents_c": "agents (Erlang C)", "agents_a": "agents (Erlang A)",
    "service_level_c": "service level (Erlang C)", "service_level_a": "service level (Erlang A)",
    "norm_days": "norm (days)", "median_days": "median (days)", "p90_days": "p90 (days)",
    "median_hours": "median (hours)", "p90_hours": "p90 (hours)", "median_working_hours": "median (working hours)",
    "p90_working_hours": "p90 (working hours)", "median_wait_working_hours": "median wait (working hours)",
    "customer_days": "customer norm (days)", "internal_days": "internal norm (days)", "team_a": "team A",
    "team_b": "team B",
}


def column_label(name: Any) -> str:
    """A column's header in the language: ``aht_s`` → "handle time (s)" / "afhandeltijd (s)", ``month`` → "maand"."""
    return tr(COLUMN_LABELS.get(str(name)) or str(name).replace("_", " "))


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def show_table(frame: pd.DataFrame, *, formats: Mapping[str, str | Callable] | None = None,
               caption: str | None = None, headers: Mapping[str, str] | None = None) -> "pd.io.formats.style.Styler":
    """A table for a page: escaped text, no index, readable numbers and column labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not shown (reset it first if it holds data).
    formats : mapping of column to format string or callable, optional
        Overrides the defaults (``"{:.1%}"`` a share, ``"{:+.1pp}"`` a difference of shares in
        percentage points): whole numbers ``12,345`` (``12.345`` in Dutch), other floats three decimals,
        timestamps ``31-12-2026 14:05``, missing values ``–``; a column of KPI ids (and a
        column named by one) shows the KPIs' names, a team column ``first line`` for ``first_line``
        (:func:`kpilib.reader_name`), a ``chain`` column the chains' names and a ``category`` column
        the categories in words.
    caption : str, optional
        Shown above the table (escaped, in the current language); for a table without rows it ends
        in ": none yet", so an empty table never reads as a missing one. Column labels are translated too.
    headers : mapping of column to label, optional
        Labels for some columns (in English, translated like the rest), e.g. a short word over a narrow
        score column; other columns are labelled by their name.

    Returns
    -------
    pandas.io.formats.style.Styler
        Displayed as HTML in a notebook; its table id is derived from its content, so the same
        table renders to the same HTML.

    Examples
    --------
    >>> show_table(kpilib.service_level(store.contacts, by="team"), formats={"value": "{:.0%}"})  # doctest: +SKIP
    """
    formats, headers = dict(formats or {}), dict(headers or {})
    unknown = sorted((set(formats) | set(headers)) - set(frame.columns))
    if unknown:
        from kpilib.exceptions import ParameterError

        raise ParameterError(f"`formats` or `headers` name columns the table does not have: {', '.join(unknown)}; "
                             f"it has: {', '.join(map(str, frame.columns))}")
    names = _kpi_names()
    styler = stable_style(frame, caption).hide(axis="index")
    styler.format(na_rep="–", escape="html")
    for column in frame.columns:
        spec = _in_language(formats[column]) if column in formats else _default_format(frame[column])
        if column not in formats and _holds_kpi_ids(frame[column], names):
            spec = lambda v, names=names: names.get(v, v) if isinstance(v, str) else v  # noqa: E731 - KPIs by name
        elif column not in formats and column in _CODE_COLUMNS and not _is_number(frame[column]):
            spec = lambda v, words=_CODE_COLUMNS[column]: words(v) if isinstance(v, str) else v  # noqa: E731
        elif column not in formats and _names_teams(column) and not _is_number(frame[column]):
            spec = lambda v: reader_name(v) if isinstance(v, str) else v  # noqa: E731 - "first line", as charts
        elif column not in formats and _holds_codes(frame[column], str(column)):
            spec = lambda v, c=str(column): (code_words(v, c) or v) if isinstance(v, str) else v  # noqa: E731
        if spec is not None:  # escaped once written: pandas would escape the value before the format sees it
            styler.format(_escaped(spec), subset=[column], na_rep="–", escape=None)
    styler.format_index(lambda name: html.escape(tr(headers[name]) if name in headers else
                                                 names.get(str(name)) or column_label(name)),
                        axis="columns")
    numbers_ = [c for c in frame.columns if _is_number(frame[c])]
    texts = [c for c in frame.columns if c not in numbers_]
    if numbers_:
        styler.set_properties(subset=numbers_, **{"text-align": "right", "white-space": "nowrap"})
    stamps = [c for c in texts if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if stamps:
        styler.set_properties(subset=stamps, **{"white-space": "nowrap"})
    if texts:
        styler.set_properties(subset=texts, **{"text-align": "left"})
    if caption:
        caption = tr(caption)
        styler.set_caption(html.escape(tr("{caption}: none yet").format(caption=caption) if frame.empty else caption))
    return styler


class _Escaping(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec and not isinstance(value, str):
            text = format_value(value)
        elif (number := _NUMBER_SPEC.fullmatch(format_spec)) and isinstance(value, numbers.Real) \
                and not isinstance(value, bool) and not pd.isna(value):
            text = _number_in_language(value, number)
        elif "%" in format_spec and hasattr(value, "strftime"):
            text = format_moment(value, format_spec)
        else:
            text = super().format_field(value, format_spec)
        return markdown_text(text)


#: The number formats written in the language's own way: ``{n:,}``, ``{x:.1f}``, ``{share:+.0%}``, and
#: ``{change:+.1pp}``: a difference of two shares in percentage points (``+3,5 procentpunt``).
_NUMBER_SPEC = re.compile(r"(?P<sign>\+)?,?(?:\.(?P<decimals>\d+))?(?P<kind>[fdg%]|pp)?")
#: The same as a whole format string, as ``show_table``'s ``formats`` take it: ``"{:.0%}"``.
_FORMAT_STRING = re.compile(r"\{:(?P<spec>[^{}]*)\}")


def _number_in_language(value: float, spec: re.Match) -> str:
    decimals = int(spec["decimals"] or 0)
    if spec["kind"] == "g":  # as many decimals as the number has (up to six): 2, 0.5 → "0,5" in Dutch
        shown = f"{value:.6f}".rstrip("0").rstrip(".")
        decimals = len(shown.split(".")[1]) if "." in shown else 0
    if spec["kind"] == "pp":
        return format_points(value, decimals, sign=bool(spec["sign"]))
    text = format_percent(value, decimals) if spec["kind"] == "%" else format_number(value, decimals)
    return ("+" + text) if spec["sign"] and value > 0 else text


def _in_language(spec: str | Callable) -> str | Callable:
    """A format string of a number or a date as a function that writes it in the current language."""
    whole = _FORMAT_STRING.fullmatch(spec) if isinstance(spec, str) else None
    if whole is None:
        return spec
    inner = whole["spec"]
    if (number := _NUMBER_SPEC.fullmatch(inner)) and inner:
        return lambda v: _number_in_language(v, number) if isinstance(v, numbers.Real) and pd.notna(v) else \
            ("–" if v is None or (isinstance(v, float) and pd.isna(v)) else spec.format(v))
    if "%" in inner:
        return lambda v: format_moment(v, inner) if hasattr(v, "strftime") and pd.notna(v) else "–"
    return spec


def narrate(text: str, /, **values: Any):
    """Markdown with computed values put in, each as text: ``narrate("{share:.0%} of calls", share=s)``.

    ``text`` is written in the current language: its translation from the catalogue (the English
    text is the key). A value without a format spec is written as :func:`format_value` writes it
    (``1,208``; ``1.208`` in Dutch); ``{share:.0%}`` follows the language as well, and ``{change:+.1pp}``
    writes a difference of two shares in percentage points (``+3.5 percentage points``, ``+3,5 procentpunt``).

    Use it for every sentence that quotes a number or a name from the data, so that the narrative
    says what the data says and a name such as ``<b>`` shows as text. A value is never Markdown: its
    ``<``, ``&`` and brackets are written as entities, so a decision text such as
    ``[klik](javascript:alert(1))`` shows as typed and never becomes a link.

    Returns
    -------
    IPython.display.Markdown
    """
    from IPython.display import Markdown

    return Markdown(_Escaping().format(tr(text), **values))


def collapsible(summary: str, content) -> Any:
    """``content`` (a table from :func:`show_table`, or HTML) folded away under a one-line ``summary``.

    Returns
    -------
    IPython.display.HTML
        A ``<details>`` element: closed on the page, one click opens it.
    """
    from IPython.display import HTML

    inner = content.to_html() if hasattr(content, "to_html") else str(content)
    return HTML(sanitize_links(f"<details><summary>{html.escape(summary)}</summary>\n{inner}\n</details>"))


def _decision_rows(ws, keys: Sequence[str]) -> list[dict[str, Any]]:
    from kpilib.workshop.decisions import DECISION_KEYS

    for key in keys:
        check_argument("decisions", key, list(DECISION_KEYS))
    from kpilib.workshop.wording import DECISION_MEANINGS, DECISION_TITLES, decision_items, decision_text

    rows = []
    for key in keys:
        value = ws.decision(key)
        rows.append({"key": key, "title": tr(DECISION_TITLES[key]), "description": tr(DECISION_MEANINGS[key]),
                     "value": value, "text": decision_text(key, value), "items": decision_items(key, value),
                     "default": key in ws.defaults_used, "recorded": _recorded(ws, key)})
    return rows


def _recorded(ws, key: str) -> str | None:
    """Who recorded the decision in force, when (the workshop's time) and why, in words; None when not recorded."""
    from zoneinfo import ZoneInfo

    if not hasattr(ws, "decision_source") or ws.decision_source(key) != "recorded":
        return None
    decision = ws.decision_store.current(key)
    if decision is None:
        return None
    zone = getattr(getattr(ws, "config", None), "time_zone", None)
    at = decision.at.astimezone(ZoneInfo(zone)) if isinstance(zone, str) else decision.at
    text = (tr("recorded by {by} on {when}").format(by=decision.by, when=format_moment(at, "%d-%m-%Y %H:%M"))
            if decision.by else tr("recorded on {when}").format(when=format_moment(at, "%d-%m-%Y %H:%M")))
    return text + (f" — {decision.note}" if decision.note else "")


def _summary_html(day: int, results: list[dict], decisions: list[dict],
                  status: Mapping[str, Any] | None = None) -> str:
    parts = [f'<section class="kpi-summary" style="{_BOX}">',
             f'<h3 style="margin:0.2em 0 0.6em">{html.escape(tr("Summary of day {day}").format(day=day))}</h3>']
    if status is not None and status["status"] != "complete":
        needs = "; ".join(describe_need(n) for n in status["needs"])
        lead = (tr("Nothing to show yet: every part of this day needs data the workshop does not have:")
                if status["status"] == "empty" else
                tr("Partial: some parts of this day were left out. They need data the workshop does not have:"))
        parts.append(f'<p class="kpi-partial" style="margin:0 0 0.6em"><strong>{html.escape(lead)}</strong> '
                     f'{html.escape(needs)}.</p>')
    if results:
        parts.append('<table style="border-collapse:collapse;margin-bottom:0.8em">')
        for row in results:
            parts.append(f'<tr><th style="text-align:left;padding:0.2em 1.5em 0.2em 0;font-weight:600">'
                         f'{html.escape(row["label"])}</th><td style="padding:0.2em 0;text-align:left">'
                         f'{html.escape(row["text"])}</td></tr>')
        parts.append("</table>")
    if decisions:
        parts.append(f'<p style="margin:0.4em 0;font-weight:600">{html.escape(tr("Decisions in force"))}</p>'
                     '<ul style="margin:0">')
        for row in decisions:
            badge = (f'<span class="kpi-default" style="{_DEFAULT_BADGE}">'
                     f'{html.escape(tr("documented default: not decided yet"))}</span>') if row["default"] else ""
            if row["items"]:
                shown = "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in row["items"]) + "</ul>"
            else:
                shown = html.escape(row["text"]) + "<br>"
            if row.get("recorded"):
                shown += f'<small class="kpi-recorded" style="color:#555">{html.escape(row["recorded"])}</small><br>'
            parts.append(f'<li><strong>{html.escape(row.get("title", row["key"]))}</strong>{badge}: {shown}'
                         f'<small style="color:#555">{html.escape(row["description"])}</small></li>')
        parts.append("</ul>")
    parts.append("</section>")
    return sanitize_links("\n".join(parts))


def day_summary(ws, *, day: int, results: Mapping[str, Any] | None = None,
                decisions: Sequence[str] = ()) -> None:
    """Show the day's results and the decisions in force; attach them for the report's index.

    Call it in the last code cell of a day notebook. A decision that was never taken (neither
    recorded nor in workshop.yaml) is shown with its documented default and marked as such. The
    day is "complete" when every part opened with :func:`kpilib.section` had its data, else
    "partial" (or "empty") with the tables and columns it needs.

    Parameters
    ----------
    ws : Workshop
        The open workshop (:func:`kpilib.open_workshop`).
    day : int
        The day number, 1-10.
    results : mapping of label to value, optional
        The day's key results, computed in the notebook (numbers, text, lists).
    decisions : sequence of str
        Decision keys (:data:`kpilib.workshop.decisions.DECISION_KEYS`) to show with their value in force.

    Examples
    --------
    >>> kpilib.day_summary(ws, day=3, results={"KPIs on target": "5 of 5"}, decisions=["current_kpis"])  # doctest: +SKIP
    """
    from IPython.display import display

    check_number("day", day, minimum=1, maximum=10, integer=True)
    result_rows = [{"label": tr(str(label)), "value": _json_value(value),
                    "text": _result_text(value)}
                   for label, value in (results or {}).items()]
    decision_rows = _decision_rows(ws, list(decisions))
    status = day_status(ws.sections)
    if status["status"] == "empty" and results:  # parts were left out, but the day has results to show
        status["status"] = "partial"
    bundle = {"version": 1, "day": int(day), "results": result_rows, **status,
              "decisions": [{**row, "value": _json_value(row["value"])} for row in decision_rows]}
    display({"text/html": _summary_html(int(day), result_rows, decision_rows, status),
             "text/plain": tr("Summary of day {day}").format(day=day), SUMMARY_MIME: bundle}, raw=True)


def _result_text(value: Any) -> str:
    """A day's result as the summary writes it: texts in the language (a notebook names teams with
    :func:`kpilib.reader_name`), lists joined, numbers in the language."""
    if isinstance(value, str):
        return tr(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return ", ".join(tr(v) for v in value)
    return format_value(value)


def _json_value(value: Any) -> Any:
    """``value`` as plain JSON (numpy numbers become Python numbers, NaN null, dates ISO text)."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and pd.isna(value):
        return None
    return json.loads(json.dumps(value, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
