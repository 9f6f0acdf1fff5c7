"""Parts of a day that need data the workshop may not have: a box instead of an error.

A client brings some of the six canonical tables, not always all. A day notebook opens each part
that needs a table (or a column) with :func:`section`; when the workshop's store lacks it, or
holds it only empty, the part shows a short box — what it would show and why it cannot, in the
reader's words ("No orders have been supplied.") — and the notebook skips the part's cells
(``if part:``). The rest of the day still runs, and the day's summary (:func:`kpilib.day_summary`)
says "complete" or "partial — needs: …".

How to add the data (which table or column to map in workshop.yaml) is a note for the facilitator
inside the box (:data:`FACILITATOR_CLASS`): the live app and the facilitator's pack show it, the
client's pack leaves it out (:func:`kpilib.report.render.without_facilitator_notes`).

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

__all__ = ["FACILITATOR_CLASS", "SECTION_MIME", "Section", "day_status", "describe_need", "missing_reason",
           "missing_reasons", "section", "unmeasured"]

#: MIME type of a skipped part's marker output, read by the pack's page builder.
SECTION_MIME = "application/vnd.kpi-workshop.section+json"

#: The class of a note for the facilitator inside an output; the client's pack leaves such notes out.
FACILITATOR_CLASS = "kpi-facilitator"

#: What each canonical table holds, as a reader of the pack knows it (a plural noun).
TABLE_NAMES = {"contacts": "contacts (calls, chats, e-mails)", "cases": "cases (tickets)",
               "events": "case status changes (the status log)", "orders": "orders", "surveys": "customer surveys",
               "callbacks": "call-back requests"}
#: What a column a day needs holds, as a reader knows it: "The {table} have been supplied without {this}."
COLUMN_NAMES = {"contacts.case_id": "a case number", "contacts.customer_id": "a customer number",
                "contacts.answered_at": "the moment a call was answered",
                "callbacks.team": "the team that made the promise", "callbacks.promised_by": "the promised time",
                "events.team": "the team of each status change", "surveys.comment": "comments",
                "surveys.csat": "a satisfaction score", "surveys.resolved": "whether the problem was resolved"}

_BOX = ("border:1px solid #d8c27a;border-left:4px solid #b8860b;border-radius:6px;padding:0.7em 1.1em;"
        "margin:0.8em 0;background:#fffaf0")


def _table_name(table: str) -> str:
    return tr(TABLE_NAMES.get(table, table))


def _column_name(need: str) -> str:
    return tr(COLUMN_NAMES[need]) if need in COLUMN_NAMES else tr("a field this part reads")


def describe_need(need: str) -> str:
    """A need as a reader knows it: ``"surveys"`` → ``customer surveys``; ``"surveys.comment"`` →
    ``customer surveys with comments``; ``"cases|orders"`` (either will do) → ``cases (tickets) or orders``.

    No table or column name of the code: a column this module does not know reads "a field" of its table.
    """
    if "|" in need:
        return tr(" or ").join(describe_need(one) for one in need.split("|"))
    table, _, column = need.partition(".")
    if not column:
        return _table_name(table)
    return tr("{name} with {column}").format(name=_table_name(table),
                                               column=_column_name(need))


def missing_reason(need: str) -> str:
    """Why a part is not shown, as one sentence for the client: "No orders have been supplied."

    A column: "The call-back requests have been supplied without the promised time." (mapped but
    empty in every row is the same to the reader). ``"cases|orders"``: "No cases (tickets) or orders …".
    """
    return missing_reasons([need])


def missing_reasons(missing: Sequence[str]) -> str:
    """Why a part is not shown: one sentence for the missing tables ("No orders or customer surveys
    have been supplied."), then one per missing column."""
    tables = [describe_need(n) for n in missing if "|" in n or "." not in n]
    sentences = []
    if tables:
        names = tables[0] if len(tables) == 1 else ", ".join(tables[:-1]) + tr(" or ") + tables[-1]
        sentences.append(tr("No {name} have been supplied.").format(name=names))
    for need in missing:
        if "." in need and "|" not in need:
            sentences.append(tr("The {name} have been supplied without {column}.").format(
                name=_table_name(need.partition(".")[0]), column=_column_name(need)))
    return " ".join(sentences)


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
        """The box shown in place of the part: what it would show and why not, for every reader;
        which tables to map, in a note for the facilitator (:data:`FACILITATOR_CLASS`)."""
        e = html.escape
        reasons = missing_reasons(self.missing)
        codes = ", ".join(n.replace("|", " / ") for n in self.missing)
        hint = tr("For the facilitator: this part reads {codes}. Map the client's export under `sources:` in "
                  "workshop.yaml (see \"What each day needs\" in docs/mapping.md) and run the import again; a column "
                  "that is mapped but empty in every row counts as missing.").format(codes=codes)
        return (f'<div class="kpi-missing" style="{_BOX}"><strong>{e(tr("Not shown: {what}.").format(what=self.shows))}'
                f'</strong> {e(reasons)}'
                f'<p class="{FACILITATOR_CLASS}" style="margin:0.4em 0 0;font-size:0.9em;color:#6b5a1e">{e(hint)}</p>'
                "</div>")


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
    needs = tuple(needs)
    missing = ws.store.missing(needs)
    # a column of a table the workshop does not have at all: the table is what is missing
    absent = set(ws.store.missing(sorted({n.partition(".")[0] for n in missing if "." in n and "|" not in n})))
    missing = _without_covered(tuple(dict.fromkeys(n.partition(".")[0] if n.partition(".")[0] in absent else n
                                                   for n in missing)))
    return _shown(ws, key, needs, missing, shows)


def _shown(ws, key: str, needs: tuple[str, ...], missing: tuple[str, ...], shows: str) -> Section:
    """Remember the part, and show its box when ``missing`` is not empty."""
    from IPython.display import display

    if not key.replace("_", "").isalnum():
        raise ParameterError(f"`key` must be letters, digits and _; got {key!r}")
    shows = tr(shows)
    part = Section(key=key, shows=shows, needs=needs, missing=missing)
    ws.sections.append(part)
    if not part:
        display({"text/html": part.box_html(),
                 "text/plain": f'{tr("Not shown: {what}.").format(what=shows)} {missing_reasons(missing)}',
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
    # the needs are missing as the KPIs read them: events derived from the contacts are no status log,
    # though the store holds them, so they are not checked against the store again
    needs = tuple(sorted({n for needs in lacking.values() for n in needs}))
    return _shown(ws, key, needs, _without_covered(needs),
                  f"{tr(shows)} {', '.join(kpi_title(label) for label in lacking)}")  # KPI ids by name


def day_status(sections: Sequence[Section]) -> dict:
    """``{"status": "complete" | "partial" | "empty", "needs": [tables]}`` over a day's parts."""
    skipped = [s for s in sections if not s]
    needs = sorted({n for s in skipped for n in s.missing})
    if not skipped:
        return {"status": "complete", "needs": []}
    return {"status": "empty" if len(skipped) == len(sections) else "partial", "needs": needs}
