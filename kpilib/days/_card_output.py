"""KPI cards out: one Excel workbook a client can edit, and the dashboard of plots."""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpilib._axes import localised, percent_axis
from kpilib._codes import code_words
from kpilib._i18n import format_moment, tr
from kpilib._safe import starts_formula
from kpilib.days._card import _COLOURS, KpiCard, _amber_edge, cards_overview
from kpilib.kpis.wording import definition_sentence
from kpilib.exceptions import ParameterError, WorkshopError

__all__ = ["dashboard_axes", "plot_dashboard", "write_workbook"]

_FILLS = {"green": "C8E6C9", "amber": "FFF3C4", "red": "FFCDD2"}

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDE3EA")
OVERVIEW = "Overview"
#: The words for a KPI's unit.
_UNITS = {"share": "share (percentage)", "seconds": "seconds", "per_case": "per case", "nps": "NPS (-100 to 100)",
          "ces": "effort score (1 to 7)"}


def _sheet_names(cards: Sequence[KpiCard]) -> list[str]:
    """One sheet per card, named by the KPI in the workshop's language (Excel allows 31 characters)."""
    names, seen = [], {tr(OVERVIEW).lower()}
    for card in cards:
        base = "".join(ch for ch in card.title if ch not in '[]:*?/\\')[:31].rstrip()
        name, i = base, 2
        while name.lower() in seen:
            name = f"{base[:28]}_{i}"
            i += 1
        seen.add(name.lower())
        names.append(name)
    return names


def _widths(sheet, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w


def _card_sheet(sheet, card: KpiCard) -> None:
    t = card.thresholds
    fields = [
        ("KPI", card.title), ("Id", card.kpi), ("Question", tr(card.question)),
        ("Chain", tr(card.chain)), ("Customer value", tr(card.customer_value)), ("Kind", card.kind),
        ("Formula", tr(card.formula)), ("Definition", definition_sentence(card.kpi, card.definition)),
        ("Definition from", card.definition_source),
        ("Customer norm", card.customer_norm), ("Internal norm", "; ".join(card.internal_norms) or tr("none")),
        ("Target", card.target), ("Target from", card.target_source), ("Unit", tr(_UNITS.get(card.unit, card.unit))),
        ("Better when", code_words(card.polarity) or card.polarity), ("Green", t["green"]), ("Amber", t["amber"]),
        ("Red", t["red"]), ("Owner", card.owner), ("Measured", tr(card.measured)),
        ("Reviewed", f"{tr(card.reviewed)}, {tr(card.forum)}"),
        ("Whole period: value", card.value), ("Whole period: numerator", card.numerator),
        ("Whole period: denominator", card.denominator), ("Latest month", card.latest_month),
        ("Latest value", card.latest), ("Status", card.status), ("Trend", tr(card.trend)),
        *card.spec, ("Fingerprint", card.fingerprint), ("Decided", card.decided),
        *[("Changed", f"{when}{' (' + who + ')' if who else ''}: {words}") for when, who, words in card.changes[1:]],
    ]
    for i, (label, value) in enumerate(fields, start=1):
        sheet.cell(i, 1, tr(label)).font = _BOLD
        shown = code_words(value) if label == "Status" else value
        cell = sheet.cell(i, 2, None if isinstance(shown, float) and not np.isfinite(shown) else shown)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if label == "Latest month" and value is not None:
            cell.number_format = "mmm yyyy"
        if label == "Status" and value in _FILLS:
            cell.fill = PatternFill("solid", fgColor=_FILLS[value])
    row = len(fields) + 2
    for j, head in enumerate((tr("month"), tr("numerator"), tr("denominator"), tr("value")), start=1):
        c = sheet.cell(row, j, head)
        c.font, c.fill = _BOLD, _HEAD
    for r in card.monthly.itertuples():
        row += 1
        sheet.cell(row, 1, r.month.to_pydatetime()).number_format = "mmm yyyy"
        sheet.cell(row, 2, float(r.numerator))
        sheet.cell(row, 3, float(r.denominator))
        sheet.cell(row, 4, None if not np.isfinite(r.value) else float(r.value))
    row += 2
    sheet.cell(row, 1, tr("About the data")).font = _BOLD
    for text in card.caveats["text"]:
        row += 1
        sheet.cell(row, 1, text)
    row += 2
    sheet.cell(row, 1, tr("How it can be gamed")).font = _BOLD
    for text in card.gaming:
        row += 1
        sheet.cell(row, 1, text)
    _widths(sheet, (26, 90, 14, 12))


def write_workbook(cards: Sequence[KpiCard], path: str | Path) -> Path:
    """Write the cards to one Excel workbook: an overview sheet, then one sheet per card.

    The file is written next to its final name and moved into place in one step, so a failed
    write leaves any earlier workbook intact.

    Returns
    -------
    pathlib.Path
        The workbook written.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"the workbook must end in .xlsx; got {path.name!r}")
    if not cards:
        raise ParameterError("no cards to write: the KPI set is empty")
    book = Workbook()
    overview = book.active
    overview.title = tr(OVERVIEW)
    frame = cards_overview(cards)
    names = _sheet_names(cards)
    for j, head in enumerate(["sheet", *frame.columns], start=1):
        c = overview.cell(1, j, tr(head))
        c.font, c.fill = _BOLD, _HEAD
    for i, (name, row) in enumerate(zip(names, frame.itertuples(index=False)), start=2):
        overview.cell(i, 1, name).hyperlink = f"#'{name}'!A1"
        for j, value in enumerate(row, start=2):
            column = frame.columns[j - 2]
            shown = code_words(value) if column == "status" else tr(value) if column == "trend" else value
            cell = overview.cell(i, j, shown.to_pydatetime() if hasattr(shown, "to_pydatetime") else shown)
            if column == "latest month":
                cell.number_format = "mmm yyyy"
            if column == "status" and value in _FILLS:
                cell.fill = PatternFill("solid", fgColor=_FILLS[value])
    _widths(overview, (24, 32, 32, 28, 12, 10, 10, 10, 10, 12, 36))
    overview.freeze_panes = "A2"
    for name, card in zip(names, cards):
        _card_sheet(book.create_sheet(name), card)
    _texts_as_text(book)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(tmp)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise WorkshopError(f"{path}: could not write the workbook ({err.strerror})") from None
    return path


def _texts_as_text(book: Workbook) -> None:
    """Every text cell written as text: a client's ``=HYPERLINK(...)`` is shown, never run as a formula.

    openpyxl takes a text starting with ``=`` for a formula; the cell is set back to a text cell,
    and one that a spreadsheet could read as a formula (:func:`kpilib._safe.starts_formula`) gets
    Excel's quote prefix, so that editing it keeps it text. Numbers stay numbers.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if starts_formula(cell.value):
                        cell.quotePrefix = True


@localised
def plot_dashboard(cards: Sequence[KpiCard], *, axes=None):
    """The monthly value of each card against its target (dashed) and amber edge (dotted).

    Parameters
    ----------
    cards : sequence of KpiCard
    axes : sequence of matplotlib Axes, optional
        One per card; default a row of small plots.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if not cards:
        raise ParameterError("no cards to plot: the KPI set is empty")
    if axes is None:
        axes = dashboard_axes(len(cards))
    axes = np.asarray(axes).ravel()
    if len(axes) < len(cards):
        raise ParameterError(f"`axes` must hold an Axes for each card ({len(cards)}); got {len(axes)}")
    for ax, card in zip(axes, cards):
        months = card.monthly.dropna(subset=["value"])
        ax.plot(months["month"], months["value"], marker="o", color="#0969da")
        if card.target is not None:
            ax.axhline(card.target, color="#57606a", linestyle="--", linewidth=1, label=tr("target"))
            ax.axhline(_amber_edge(card.target, card.polarity, card.amber_band), color="#f9a825",
                       linestyle=":", linewidth=1, label=tr("edge of amber"))
        if card.unit == "share":
            percent_axis(ax.yaxis, 0)
        ax.set_title(f"{textwrap.fill(card.title, 30)}\n{code_words(card.status) or card.status}", fontsize=11,
                     color=_COLOURS[card.status])
        ax.tick_params(axis="both", labelsize=10)
        ax.set_xticks(list(months["month"]), [format_moment(m, "%b") for m in months["month"]])
    for ax in axes[len(cards):]:
        ax.set_visible(False)
    if cards[0].target is not None:
        axes[0].legend(fontsize=9, loc="best")
    return axes


def dashboard_axes(n: int, *, columns: int = 3) -> np.ndarray:
    """A grid of Axes for :func:`plot_dashboard`: up to ``columns`` panels a row, large enough to read on a page."""
    import matplotlib.pyplot as plt

    rows = max(1, math.ceil(n / columns))
    width = min(n, columns)
    _, axes = plt.subplots(rows, width, figsize=(3.8 * width, 3.4 * rows), squeeze=False, constrained_layout=True)
    return axes.ravel()
