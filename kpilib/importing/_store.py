"""Write the canonical tables: pseudonyms, the final relations, the store file and the quarantine.

The store is one DuckDB file, ``store.duckdb``, with one table per canonical
table present (all canonical columns, in schema order, typed) and ``_meta``
(key, value).  It is built as ``store.duckdb.tmp`` and moved into place with
:func:`os.replace`, so a failed import leaves the previous store as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

import duckdb

from kpilib._safe import FORMULA_START_PATTERN, NUMBER_PATTERN
from kpilib.exceptions import WorkshopError
from kpilib.importing._columns import SQL_TYPES
from kpilib.importing._csvread import text_of
from kpilib.importing._mapping import Mapped
from kpilib.importing._sql import ident, lit
from kpilib.data.schema import PSEUDONYMISED, TABLES

KEY_FILE = ".kpi-key"
QUARANTINE_DIR = "quarantine"
_PREFIX = {"customer_id": "c-", "agent_id": "a-"}


def workshop_key(folder: Path) -> str:
    """The workshop's secret pseudonymisation key; created (mode 0600) on first use."""
    path = folder / KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise WorkshopError(f"{path}: expected 64 hexadecimal characters, found something else. "
                            "Restore the file from a backup; a new key would give every customer "
                            "and agent a new pseudonym.")
    return key


def pseudonym(value: str, column: str, key: str) -> str:
    """SQL: the keyed hash of an identifier, 'c-' or 'a-' and 16 hex digits; NULL stays NULL."""
    digest = f"sha256({lit(key + ':' + column + ':')} || {value})"
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE {lit(_PREFIX[column])} || left({digest}, 16) END"


def final_relation(con: duckdb.DuckDBPyConnection, table: str, sources: list[Mapped],
                   rejected: dict[int, str], key: str | None) -> str:
    """Create the view ``final_<table>``: ``_src``, ``_row`` and the canonical columns, typed.

    Rows listed in ``rejected`` (source index -> table of rejected ``_row``) are
    left out; identifiers are pseudonymised when ``key`` is given; ``events.seq``
    is the source order when no source maps it.
    """
    schema = TABLES[table]
    selects = []
    for m in sources:
        columns = []
        for c in schema.columns:
            value = m.values.get(c.name, "NULL")
            columns.append(f"CAST({value} AS {SQL_TYPES[c.kind]}) AS {ident(c.name)}")
        where = f" WHERE _row NOT IN (SELECT _row FROM {rejected[m.index]})" if m.index in rejected else ""
        selects.append(f"SELECT {m.index} AS _src, _row, {', '.join(columns)} FROM {m.table}{where}")
    derive_seq = _derives_seq(table, sources)
    outer = []
    for c in schema.names:
        if c == "seq" and derive_seq:
            outer.append("row_number() OVER (ORDER BY _src, _row) AS seq")
        elif key and c in PSEUDONYMISED:
            outer.append(f"{pseudonym(ident(c), c, key)} AS {ident(c)}")
        else:
            outer.append(ident(c))
    name = f"final_{table}"
    con.execute(f"CREATE VIEW {name} AS SELECT _src, _row, {', '.join(outer)} "
                f"FROM ({' UNION ALL '.join(selects)})")
    return name


def in_source_order(table: str, sources: list[Mapped], rejected: dict[int, str]) -> bool:
    """Whether ``final_<table>`` reads one mapped table row by row, so that it is in source order.

    It is with one source, no rejected rows (their anti-join may reorder) and no derived ``seq``
    (a window).  DuckDB keeps the insertion order of such a scan (``preserve_insertion_order``).
    """
    return len(sources) == 1 and sources[0].index not in rejected and not _derives_seq(table, sources)


def _derives_seq(table: str, sources: list[Mapped]) -> bool:
    return table == "events" and not any("seq" in m.values for m in sources)


#: The events derived from the contacts: one per contact with a case id, numbered in the contacts' order.
_DERIVED_EVENTS = ('case_id, arrived_at AS "at", team, channel AS activity, agent_id, '
                   'row_number() OVER ({order}) AS seq FROM {contacts} WHERE case_id IS NOT NULL')


def derived_events(con: duckdb.DuckDBPyConnection) -> str:
    """Create ``final_events`` from ``final_contacts``: one event per contact with a case id."""
    select = _DERIVED_EVENTS.format(order="ORDER BY _src, _row", contacts="final_contacts")
    con.execute(f"CREATE VIEW final_events AS SELECT _src, _row, {select}")
    return "final_events"


def write_store(con: duckdb.DuckDBPyConnection, target: Path, tables: list[str], meta: dict[str, str],
                in_order: set[str] = frozenset(), events_derived: bool = False) -> None:
    """Write the final relations and ``_meta`` to ``target`` (a new file), rows in source order.

    The tables in ``in_order`` are read straight from one mapped table in its order (one source,
    no rows left out), which DuckDB keeps when it copies them; the others are sorted.
    With ``events_derived`` the events are read from the contacts just written, which are in
    source order and pseudonymised already: numbered as they come (a streaming window, which
    keeps the order), rather than hashing the agent ids again and sorting the events twice.
    """
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con.execute(f"ATTACH {lit(str(target))} AS store")
    try:
        for table in tables:
            if table == "events" and events_derived:
                select = _DERIVED_EVENTS.format(order="", contacts="store.contacts")
                con.execute(f"CREATE TABLE store.events AS SELECT {select}")
                continue
            columns = ", ".join(ident(c) for c in TABLES[table].names)
            order = "" if table in in_order else " ORDER BY _src, _row"
            con.execute(f"CREATE TABLE store.{table} AS SELECT {columns} FROM final_{table}{order}")
        con.execute("CREATE TABLE store._meta (key VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO store._meta VALUES (?, ?)", [[k, v] for k, v in meta.items()])
    finally:
        con.execute("DETACH store")


def write_quarantine(con: duckdb.DuckDBPyConnection, target: Path, sources: list[Mapped],
                     rejected: dict[int, str]) -> int:
    """Write the rejected rows of a table (raw columns, ``_row``, ``reason``) as CSV; return their number.

    Lines of a CSV file that could not be split into columns are included with
    empty columns and the reason.  With several sources a ``_file`` column
    says where each row comes from.
    """
    parts, lines = [], []
    for m in sources:
        file = f"{lit(m.source.label)} AS _file, " if len(sources) > 1 else ""
        if m.index in rejected:
            parts.append(f"SELECT {file}s.* EXCLUDE (_row), s._row, r.reason "
                         f"FROM {text_of(con, m.loaded)} s JOIN {rejected[m.index]} r USING (_row)")
        if m.loaded.malformed_table:
            lines.append(f"SELECT {file}_row, reason FROM {m.loaded.malformed_table}")
    parts += lines
    if not parts:
        return 0
    relation = " UNION ALL BY NAME ".join(f"({p})" for p in parts)
    count = con.execute(f"SELECT count(*) FROM ({relation})").fetchone()[0]
    if count:
        delimiter = next((m.source.delimiter for m in sources if m.source.delimiter), ",")
        order = "_file, _row" if len(sources) > 1 else "_row"
        con.execute(f"COPY (SELECT {_as_text(con, relation)} FROM ({relation}) ORDER BY {order}) TO {lit(str(target))} "
                    f"(HEADER, DELIMITER {lit(delimiter)})")
    return count


def _as_text(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The columns of ``relation``, every text that a spreadsheet would run as a formula quoted with a
    leading apostrophe (:func:`kpilib._safe.cell_text`): a quarantine file is opened in Excel."""
    columns = con.execute(f"DESCRIBE SELECT * FROM ({relation})").fetchall()
    out = []
    for name, kind, *_ in columns:
        c = ident(name)
        out.append(f"CASE WHEN regexp_matches({c}, {lit(FORMULA_START_PATTERN)}) AND NOT "
                   f"regexp_full_match({c}, {lit(NUMBER_PATTERN)}) THEN '''' || {c} ELSE {c} END AS {c}"
                   if kind == "VARCHAR" else c)
    return ", ".join(out)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
