"""Event logs: files without a header line, and one row per event pivoted into one row per contact.

:func:`read_headerless` reads a text file whose column names are given in ``header:`` (such as
Asterisk's ``queue_log``): each line is split on the delimiter (no quoting, as such logs are
written), its fields named in order. :func:`pivot` turns the rows of an event log into one row per
key (and per ``start`` event), in SQL; the mapping then reads those rows as any export's
(docs/mapping.md, "Telephone event logs").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpilib.exceptions import DataProblem
from kpilib.importing._csvread import transcode_source
from kpilib.importing._loaded import Loaded, problem as _problem
from kpilib.importing._readers import _missing_file, _outside
from kpilib.importing._sql import ident, lit, text

__all__ = ["Pivoted", "pivot", "read_headerless"]


def read_headerless(con: duckdb.DuckDBPyConnection, source, name: str, scratch: Path,
                    folder: Path | None = None) -> Loaded:
    """Read a header-less text file into the relation ``name`` (``_row`` is the line number).

    With ``folder``, a file outside it is refused unless the source allows it, as for any source.
    """
    loaded = Loaded(source, name)
    if folder is not None and not source.allow_outside and (outside := _outside(source, folder)):
        loaded.fatal.append(outside)
        return loaded
    if not source.path.is_file():
        loaded.fatal.append(_missing_file(source))
        return loaded
    path = source.path
    if source.encoding != "utf-8":
        path = scratch / f"{name}.txt"
        problem = transcode_source(source, path)
        if problem:
            loaded.fatal.append(problem)
            return loaded
    if path.stat().st_size == 0:
        loaded.fatal.append(_problem(source, "lines of events", "an empty file"))
        return loaded
    names = list(source.header)
    delimiter = source.delimiter or ","
    try:
        con.execute(f"""
            CREATE TABLE {name}_read AS
            SELECT * FROM read_csv({lit(str(path))}, header = false, columns = {{'line': 'VARCHAR'}},
                                   delim = '\x01', quote = '', escape = '', auto_detect = false)""")
        con.execute(f"CREATE TABLE {name}_lines AS SELECT rowid + 1 AS _row, line, "
                    f"string_split(line, {lit(delimiter)}) AS parts FROM {name}_read; DROP TABLE {name}_read")
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0].split(": ", 1)[-1]
        loaded.fatal.append(_problem(source, "a text file of events", repr(first), "Check `encoding`."))
        return loaded
    loaded.columns = names
    fields = ", ".join(f"parts[{i + 1}] AS {ident(n)}" for i, n in enumerate(names))
    too_long = f"len(parts) > {len(names)}"
    bad = con.execute(f"SELECT count(*), min(_row), arg_min(line, _row) FROM {name}_lines "
                      f"WHERE line IS NOT NULL AND {too_long}").fetchone()
    if bad[0]:
        rows = [r[0] for r in con.execute(f"SELECT _row FROM {name}_lines WHERE {too_long} ORDER BY _row "
                                          "LIMIT 5").fetchall()]
        con.execute(f"CREATE TABLE {name}_bad AS SELECT _row, 'line not read: ' || len(parts) || "
                    f"' values, expected at most {len(names)}' AS reason FROM {name}_lines WHERE {too_long}")
        loaded.malformed_table = f"{name}_bad"
        loaded.malformed.append(_problem(
            source, f"at most {len(names)} values per line, separated by {delimiter!r} (the names in `header`)",
            f"{len(bad[2].split(delimiter))} values in {bad[2][:60]!r}",
            "Add names to `header:` for the extra fields.", rows=tuple(rows), count=bad[0]))
    con.execute(f"CREATE VIEW {name} AS SELECT _row, {fields} FROM {name}_lines "
                f"WHERE line IS NULL OR NOT {too_long}")
    loaded.relation = name
    return loaded


@dataclass
class Pivoted:
    """What a pivot made of an event log: lines read, rows made, and the lines of other events."""

    lines: int = 0
    rows: int = 0
    other: list[tuple[str, int]] = field(default_factory=list)   # (event, lines) not used
    no_key: int = 0                                               # used events without a key

    def note(self) -> str:
        text = f"{self.lines} event lines → {self.rows} rows"
        unused = sum(n for _, n in self.other) + self.no_key
        if unused:
            parts = [f"{e or 'empty'}: {n}" for e, n in self.other]
            if self.no_key:
                parts.append(f"no key: {self.no_key}")
            text += f"; {unused} lines not used ({', '.join(parts)})"
        return text


def pivot(con: duckdb.DuckDBPyConnection, loaded: Loaded) -> Pivoted | None:
    """Replace the relation of ``loaded`` by its pivot; record a problem if a named column is missing."""
    config = loaded.source.pivot
    missing = [c for c in config.source_columns if c not in loaded.columns]
    if missing:
        shown = ", ".join(f"`{c}`" for c in loaded.columns[:15])
        for column in missing:
            loaded.fatal.append(DataProblem(
                file=loaded.source.label, column=column, rows=(), count=0,
                expected="a column of that name (for `pivot`)", found=f"the columns {shown}",
                hint="Names must match the header (or `header:`) exactly, including case.",
                table=loaded.source.table))
        return None
    relation, name = loaded.relation, f"{loaded.name}_pivot"
    key, event = text(config.key), text(config.event)
    events = ", ".join(lit(e) for e in config.events)
    starts = ", ".join(lit(e) for e in config.start) or "NULL"
    result = Pivoted()
    result.lines = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    result.other = [(e, n) for e, n in con.execute(
        f"SELECT {event} AS e, count(*) FROM {relation} s WHERE coalesce({event} NOT IN ({events}), true) "
        "GROUP BY e ORDER BY count(*) DESC, e").fetchall()]
    result.no_key = con.execute(f"SELECT count(*) FROM {relation} s WHERE {event} IN ({events}) "
                                f"AND {key} IS NULL").fetchone()[0]
    items = []
    for f in config.fields:
        cases = " ".join(f"WHEN _e = {lit(e)} THEN {text(c)}" for e, c in zip(f.events, f.columns))
        value = f"CASE {cases} END"
        if f.epoch:   # seconds since 1970 UTC as an instant the timestamp reader knows
            us = f"CAST(round(try_cast({value} AS DOUBLE) * 1000000) AS BIGINT)"
            value = (f"coalesce(strftime(make_timestamp({us}), '%Y-%m-%dT%H:%M:%S') || '+00:00', {value})")
        order = "_row" if f.take == "first" else "_row DESC"
        used = " OR ".join(f"_e = {lit(e)}" for e in f.events)
        items.append(f"first({value} ORDER BY {order}) FILTER (WHERE {used}) AS {ident(f.name)}")
    # the n-th start event of a key opens its n-th row (rows before the first start belong to the first)
    con.execute(f"""
        CREATE TABLE {name} AS
        WITH e AS (
            SELECT s.*, {key} AS _k, {event} AS _e,
                   greatest(1, sum(CASE WHEN {event} IN ({starts}) THEN 1 ELSE 0 END)
                            OVER (PARTITION BY {key} ORDER BY _row ROWS UNBOUNDED PRECEDING)) AS _n
            FROM {relation} s WHERE {event} IN ({events}) AND {key} IS NOT NULL)
        SELECT min(_row) AS _row, CASE WHEN _n = 1 THEN _k ELSE _k || '-' || _n END AS {ident(config.key)},
               {', '.join(items)}
        FROM e s GROUP BY _k, _n ORDER BY min(_row)""")
    result.rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    loaded.relation = name
    loaded.columns = [config.key] + [f.name for f in config.fields]
    return result
