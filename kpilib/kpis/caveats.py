"""What a reader of a KPI should know about the data behind it: gaps, response rates, open items.

Each caveat is a share with its numerator and denominator, so a card can say "12 % of the
contacts have no customer number" and a reader can check it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpilib._i18n import format_number, format_percent, tr
from kpilib.data import backend
from kpilib.data._inputs import canonical, same_backend
from kpilib.kpis.kpiset import _tables

__all__ = ["CAVEAT_COLUMNS", "data_caveats", "data_end", "survey_response_rate"]

#: The columns of :func:`data_caveats`.
CAVEAT_COLUMNS = ("table", "caveat", "numerator", "denominator", "value", "text")


def _share(table, numerator, denominator, inp) -> tuple[int, int]:
    """Rows where ``numerator`` holds, and rows where ``denominator`` holds (None: all rows)."""
    d = table.count() if denominator is None else table.count(where=denominator)
    expr = table.aggregate(n=table.count(where=numerator.fill_null(False)), d=d)
    row = backend.execute(expr, con=inp.con, time_zone=inp.time_zone).iloc[0]
    return int(row["n"]), int(row["d"])


def survey_response_rate(cases, surveys) -> tuple[int, int]:
    """Resolved cases with at least one survey, and resolved cases: (numerator, denominator)."""
    ca = canonical(cases, "cases", required=("case_id", "resolved_at"))
    su = canonical(surveys, "surveys", required=("case_id",))
    con, time_zone = same_backend(ca, su)
    s = su.table
    surveyed = s.filter(s.case_id.notnull()).select(_case="case_id").distinct()
    k = ca.table.filter(ca.table.resolved_at.notnull())
    joined = k.left_join(surveyed, k.case_id == surveyed._case)
    expr = joined.aggregate(n=joined._case.notnull().sum(), d=joined.count())
    row = backend.execute(expr, con=con, time_zone=time_zone).iloc[0]
    return int(row["n"] or 0), int(row["d"])


def data_end(tables) -> pd.Timestamp | None:
    """The moment the data ends: the latest anchor timestamp of any table (the first timestamp
    column of each canonical table: ``arrived_at``, ``opened_at``, ``at``, ``ordered_at``,
    ``answered_at``, ``requested_at``). Promises and plans that lie later are not data yet.
    """
    from kpilib.data.schema import TABLES

    latest = []
    for name, data in _tables(tables).items():
        if name not in TABLES:
            continue
        anchor = next(c.name for c in TABLES[name].columns if c.kind == "timestamp")
        inp = canonical(data, name, required=(anchor,))
        value = backend.execute(inp.table.aggregate(last=inp.table[anchor].max()), con=inp.con,
                                time_zone=inp.time_zone)["last"].iloc[0]
        if not pd.isna(value):
            latest.append(pd.Timestamp(value))
    return max(latest) if latest else None


def _row(table: str, caveat: str, n: int, d: int, text: str) -> dict:
    value = n / d if d else float("nan")
    return {"table": table, "caveat": caveat, "numerator": n, "denominator": d, "value": value,
            "text": tr(text).format(share=format_percent(value) if d else tr("n/a"), n=format_number(n),
                                    d=format_number(d))}


def data_caveats(tables, sources: Sequence[str] | None = None) -> pd.DataFrame:
    """The caveats of the canonical tables a KPI reads.

    - contacts: inbound contacts without ``customer_id`` (they cannot count as repeats) and
      without ``case_id`` (they are in no case-level KPI);
    - surveys: the response rate, resolved cases with a survey / resolved cases (needs cases);
    - cases: cases still open at the export (``resolved_at`` null);
    - orders: orders not contacted at the export (``first_contact_at`` null);
    - callbacks: call-back requests never attempted (``attempted_at`` null).

    Parameters
    ----------
    tables : Store or mapping of table name to frame / Ibis table
    sources : sequence of str, optional
        Only the caveats of these tables (a catalogue entry's ``sources``); default every table
        given.

    Returns
    -------
    pandas.DataFrame
        :data:`CAVEAT_COLUMNS`: the table, a short name, numerator, denominator, value (a share)
        and a sentence for the reader.
    """
    have = _tables(tables)
    wanted = list(have) if sources is None else [s for s in sources if s in have]
    rows = []
    if "contacts" in wanted:
        inp = canonical(have["contacts"], "contacts", required=("direction",))
        t = inp.table
        inbound = t.direction == "inbound"
        n, d = _share(t, inbound & t.customer_id.isnull(), inbound, inp)
        rows.append(_row("contacts", "no customer id", n, d,
                         "{share} of the inbound contacts ({n} of {d}) have no customer number: they cannot "
                         "count as repeat contacts, so repeats are undercounted."))
        n, d = _share(t, inbound & t.case_id.isnull(), inbound, inp)
        rows.append(_row("contacts", "no case id", n, d,
                         "{share} of the inbound contacts ({n} of {d}) belong to no case: case-level figures "
                         "leave them out."))
    if "surveys" in wanted and "cases" in have:
        n, d = survey_response_rate(have["cases"], have["surveys"])
        rows.append(_row("surveys", "response rate", n, d,
                         "{share} of the resolved cases ({n} of {d}) have a survey answer: the scores speak "
                         "for the customers who answered."))
    for table, column, caveat, text in (
        ("cases", "resolved_at", "open at export",
         "{share} of the cases ({n} of {d}) were still open at the export: their outcome is not known yet."),
        ("orders", "first_contact_at", "not contacted at export",
         "{share} of the orders ({n} of {d}) had no first contact at the export."),
        ("callbacks", "attempted_at", "never attempted",
         "{share} of the call-back requests ({n} of {d}) were never attempted by the export."),
    ):
        if table in wanted:
            inp = canonical(have[table], table)
            t = inp.table
            n, d = _share(t, t[column].isnull(), None, inp)
            rows.append(_row(table, caveat, n, d, text))
    return pd.DataFrame(rows, columns=list(CAVEAT_COLUMNS))
