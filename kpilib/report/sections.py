"""Parts of a day that need data the workshop may not have: a box instead of an error.

A client brings some of the six canonical tables, not always all. A day notebook opens each part
that needs a table (or a column) with :func:`section`; when the workshop's store lacks it, or
holds it only empty, the part shows a short box — what it would show, what it needs, how to map
it — and the notebook skips the part's cells (``if part:``). The rest of the day still runs, and
the day's summary (:func:`kpilib.day_summary`) says "complete" or "partial — needs: …".

Markdown cells of a part carry the tag ``section-<key>``; the pack leaves them out when the
part was skipped, so a page never explains a table that is not there.

Examples
--------
>>> late = kpilib.section(ws, "late_callbacks", needs=["callbacks", "callbacks.team"],
...                       shows="which teams keep their call-back promises")  # doctest: +SKIP
>>> if late:                                                                   # doctest: +SKIP
...     kpilib.show_table(chains.late_callbacks(ws.store))
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kpilib._i18n import tr
from kpilib.workshop.wording import kpi_title
from kpilib.exceptions import ParameterError

__all__ = ["SECTION_MIME", "Section", "day_status", "describe_need", "section", "unmeasured"]

#: MIME type of a skipped part's marker output, read by the pack's page builder.
SECTION_MIME = "application/vnd.kpi-workshop.section+json"

#: What each canonical table holds, as a reader of the pack knows it.
TABLE_NAMES = {"contacts": "contacts (calls, chats, e-mails)", "cases": "cases (tickets)",
               "events": "the case status log", "orders": "orders", "surveys": "customer surveys",
               "callbacks": "call-back requests"}

_BOX = ("border:1px solid #d8c27a;border-left:4px solid #b8860b;border-radius:6px;padding:0.7em 1.1em;"
        "margin:0.8em 0;background:#fffaf0")


def describe_need(need: str) -> str:
    """``"surveys"`` → ``customer surveys — table surveys``; ``"contacts.case_id"`` → ``column case_id of contacts (…)``.

    ``"cases|orders"`` (either will do) → both, joined by "or".
    """
    if "|" in need:
        return tr(" or ").join(describe_need(one) for one in need.split("|"))
    table, _, column = need.partition(".")
    if not column:
        return tr("{name} — table {table}").format(name=tr(TABLE_NAMES.get(table, table)), table=table)
    return tr("column {column} of {name}").format(column=column, name=tr(TABLE_NAMES.get(table, table)))


def _without_covered(missing: Sequence[str]) -> tuple[str, ...]:
    """Leave out a column need whose whole table is missing too: "surveys" says it all."""
    tables = {need for need in missing if "." not in need and "|" not in need}
    return tuple(need for need in missing if need.partition(".")[0] not in tables or "." not in need)


@dataclass(frozen=True)
class Section:
    """One part of a day: true when the workshop has everything it needs."""

    key: str
    shows: str
    needs: tuple[str, ...]
    missing: tuple[str, ...]

    def __bool__(self) -> bool:
        return not self.missing

    def box_html(self) -> str:
        """The box shown in place of the part: what it would show, what it needs, how to map it."""
        e = html.escape
        needed = "".join(f"<li>{e(describe_need(n))}</li>" for n in self.missing)
        return (f'<div class="kpi-missing" style="{_BOX}"><strong>{e(tr("Not shown: {what}.").format(what=self.shows))}'
                f'</strong> {e(tr("This part needs data the workshop does not have yet:"))}'
                f'<ul style="margin:0.3em 0">{needed}</ul>'
                + e(tr("To add it, map the client's export in workshop.yaml (see \"What each day needs\" in "
                       "docs/mapping.md) and run the import again. A column that is mapped but empty in every row "
                       "counts as missing.")) + "</div>")


def section(ws, key: str, *, needs: Sequence[str], shows: str) -> Section:
    """Open a part of a day that needs ``needs``; show the box and return a false Section when any is missing.

    Parameters
    ----------
    ws : Workshop
        The open workshop (:func:`kpilib.open_workshop`); its store is asked what it holds.
    key : str
        The part's name in this notebook (letters, digits, ``_``); its markdown cells are tagged
        ``section-<key>``.
    needs : sequence of str
        Tables (``"surveys"``) and columns (``"contacts.case_id"``) the part reads. A table needs
        rows; a column needs a value in at least one row; ``"cases|orders"``: either will do.
    shows : str
        What the part shows, for the box: "which teams keep their call-back promises".

    Returns
    -------
    Section
        True when nothing is missing. Every call is remembered by the workshop for the day summary.
    """
    from IPython.display import display

    if not key.replace("_", "").isalnum():
        raise ParameterError(f"`key` must be letters, digits and _; got {key!r}")
    needs = tuple(needs)
    missing = _without_covered(ws.store.missing(needs))
    shows = tr(shows)
    part = Section(key=key, shows=shows, needs=needs, missing=missing)
    ws.sections.append(part)
    if not part:
        display({"text/html": part.box_html(), "text/plain": f"Not shown: {shows} (needs {', '.join(missing)})",
                 SECTION_MIME: {"key": key, "missing": list(missing)}}, raw=True)
    return part


def unmeasured(ws, key: str, missing: Mapping[str, str | Sequence[str]], *, shows: str) -> Section | None:
    """The box for the KPIs a workshop's data cannot measure, when there are any; their parts still run.

    Parameters
    ----------
    ws : Workshop
    key : str
        The part's name, as for :func:`section`.
    missing : mapping of label to needs
        Each KPI (as the reader knows it) to the tables it lacks: a list, or text as in the
        ``missing`` columns of :func:`kpilib.team_kpis` and :func:`kpilib.days.scoring.candidates`
        (``"orders, cases|events"``); an empty one is measurable and left out.
    shows : str
        What is not shown, before the labels: "the cards of".

    Returns
    -------
    Section or None
        The skipped section (false), or None when every KPI can be measured.
    """
    lacking = {label: [needs] if isinstance(needs, str) else list(needs) for label, needs in missing.items()}
    lacking = {label: [n for text in needs for n in str(text).split(", ") if n] for label, needs in lacking.items()}
    lacking = {label: needs for label, needs in lacking.items() if needs}
    if not lacking:
        return None
    return section(ws, key, needs=sorted({n for needs in lacking.values() for n in needs}),
                   shows=f"{tr(shows)} {', '.join(kpi_title(label) for label in lacking)}")  # KPI ids by name


def day_status(sections: Sequence[Section]) -> dict:
    """``{"status": "complete" | "partial" | "empty", "needs": [tables]}`` over a day's parts."""
    skipped = [s for s in sections if not s]
    needs = sorted({n for s in skipped for n in s.missing})
    if not skipped:
        return {"status": "complete", "needs": []}
    return {"status": "empty" if len(skipped) == len(sections) else "partial", "needs": needs}
