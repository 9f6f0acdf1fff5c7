"""Suggest a starting ``sources:`` block for an export: ``kpi-workshop suggest FILE``.

Reads the header and the first rows (CSV: encoding, delimiter, decimal separator, date formats;
Excel and Parquet through the import's own readers), matches the header names against Dutch and
English synonyms of the canonical columns, and prints a commented block. What it cannot decide is
marked ``# ?``. A file that looks like Asterisk's queue_log gets the preset (docs/mapping.md,
"Suggesting a mapping").
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from kpilib.data._config_types import FILE_KINDS
from kpilib.data.schema import TABLES
from kpilib.exceptions import WorkshopError
from kpilib.importing._sql import TIMESTAMP_FORMATS, strptime

__all__ = ["suggest"]

_SAMPLE_LINES = 200
#: Header words (lower case, without spaces, dashes or underscores) per canonical column.
SYNONYMS = {
    "contact_id": ["contactid", "interactieid", "interactie", "gesprekid", "callid", "oproepid", "uniqueid"],
    "customer_id": ["klantnummer", "klantnr", "klantid", "klant", "customer", "customerid", "customerno",
                    "debiteurnummer", "relatienummer"],
    "case_id": ["ticketnummer", "ticketnr", "ticket", "ticketid", "caseid", "case", "zaaknummer", "meldingnummer",
                "incident", "incidentid"],
    "channel": ["kanaal", "channel", "medium"],
    "direction": ["richting", "direction", "inuit"],
    "team": ["wachtrij", "queue", "team", "afdeling", "department", "supportlijn", "groep", "group", "skill"],
    "arrived_at": ["starttijd", "start", "begintijd", "starttime", "arrivedat", "binnenkomst", "datumtijd"],
    "queued_at": ["wachtrijin", "queuedat", "inwachtrij", "eindekeuzemenu"],
    "answered_at": ["aangenomen", "answeredat", "opgenomen", "answertime"],
    "ended_at": ["eindtijd", "einde", "endtime", "endedat", "ended"],
    "wait": ["wachttijd", "wait", "waittime", "wachtduur", "holdtime"],
    "talk": ["gespreksduur", "talktime", "duration", "duur", "calltime", "handletime"],
    "outcome": ["afhandeling", "outcome", "resultaat", "result", "disposition"],
    "reason": ["reden", "reason", "onderwerp", "topic", "contactreden"],
    "agent_id": ["medewerker", "agent", "agentid", "behandelaar", "employee", "user", "owner"],
    "category": ["categorie", "category", "soort", "type"],
    "opened_at": ["aangemaakt", "aangemaaktop", "geopend", "openedat", "created", "createdat", "opened"],
    "resolved_at": ["opgelost", "opgelostop", "resolved", "resolvedat"],
    "closed_at": ["gesloten", "geslotenop", "closed", "closedat"],
    "at": ["tijdstip", "timestamp", "datumtijd", "at", "time", "moment"],
    "activity": ["status", "activity", "activiteit", "state"],
    "seq": ["volgnummer", "seq", "sequence", "regelnummer"],
    "date": ["datum", "date", "dag"],
}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", name.casefold())


def _match(header: list[str]) -> dict[str, str]:
    """Canonical (or helper) name -> header column, the first header that matches a synonym."""
    found: dict[str, str] = {}
    for column in header:
        n = _norm(column)
        for name, words in SYNONYMS.items():
            if name not in found and (n in words or any(n.startswith(w) and len(w) > 4 for w in words)):
                found[name] = column
                break
    return found


def _read_text(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()[:256 * 1024]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "cp1252"
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _is_queue_log(lines: list[str]) -> bool:
    fields = [line.split("|") for line in lines if line.strip()]
    return bool(fields) and sum(len(f) >= 5 and f[0].isdigit() and f[4].isupper() for f in fields) >= 0.8 * len(fields)


def _format_of(values: list[str]) -> str | None:
    values = [v for v in values if v][:50]
    if not values:
        return None
    con = duckdb.connect()
    try:
        for fmt in TIMESTAMP_FORMATS:
            parsed = con.execute(f"SELECT count(*) FILTER (WHERE {strptime('v', fmt, False)} IS NULL) FROM "
                                 "(SELECT unnest(?) AS v)", [values]).fetchone()[0]
            if parsed == 0:
                return fmt
    finally:
        con.close()
    return None


def suggest(file: str | Path, *, table: str | None = None) -> str:
    """A commented ``sources:`` block for ``file``, to paste into workshop.yaml and correct.

    Raises
    ------
    WorkshopError
        When the file does not exist or cannot be read.
    """
    path = Path(file)
    if not path.is_file():
        raise WorkshopError(f"{path}: no such file. Give the path of an export (CSV, Excel or Parquet).")
    if table is not None and table not in TABLES:
        raise WorkshopError(f"`--table` must be one of {', '.join(TABLES)}; got {table!r}")
    kind = FILE_KINDS.get(path.suffix.lower())
    try:
        text, encoding = _read_text(path) if kind in ("csv", None) else ("", "utf-8")
    except OSError as exc:
        raise WorkshopError(f"{path}: cannot be read ({exc.strerror}). Check the path and its permissions.") from None
    lines = text.splitlines()[:_SAMPLE_LINES]
    if kind in ("csv", None) and _is_queue_log(lines):
        return _queue_log_block(path, table)
    if kind is None:
        raise WorkshopError(f"{path}: expected a file ending in {', '.join(FILE_KINDS)}, or an Asterisk queue_log; "
                            "found neither. Save the export as CSV, Excel (.xlsx) or Parquet.")
    options: list[str] = []
    if kind == "csv":
        header, rows, delimiter = _csv_sample(path, lines)
        options.append(f'    delimiter: "{delimiter}"' if delimiter != "\t" else '    delimiter: "\\t"')
        if encoding != "utf-8":
            options.append(f"    encoding: {encoding}               # not valid UTF-8; check the accents")
    else:
        header, rows = _typed_sample(path, kind)
    columns = list(zip(*rows)) if rows else [() for _ in header]
    samples = {h: [v.strip() for v in col if v and v.strip()] for h, col in zip(header, columns)}
    decimals = [v for vs in samples.values() for v in vs if re.fullmatch(r"-?\d+,\d+", v)]
    if decimals:
        options.append('    decimal: ","                  # numbers such as ' + repr(decimals[0]))
    formats = {h: _format_of(vs) for h, vs in samples.items()
               if vs and all(re.search(r"\d[-/.]\d", v) for v in vs[:20])}
    formats = {h: f for h, f in formats.items() if f}
    common = sorted(set(formats.values()), key=list(formats.values()).count, reverse=True)
    if common:
        where = ", ".join(h for h, f in formats.items() if f == common[0])
        mark = "" if len(common) == 1 else f"  # ? also {', '.join(common[1:])} in other columns: set `format:` there"
        options.append(f'    date_format: "{common[0]}"   # read in {where}{mark}')
    matched = _match(header)
    if table is None:
        table = _guess_table(matched)
        table_note = "  # ? the table: guessed from the columns; give --table to choose"
    else:
        table_note = ""
    out = [f"# Suggested by `kpi-workshop suggest {path.name}`: check every line, then remove the `# ?` marks.",
           "sources:", f"  {table}:{table_note}", f"    file: exports/{path.name}"]
    if kind == "excel":
        out.append("    # sheet: ...                 # ? the first sheet is read unless you name one")
    out += options
    out.append("    columns:")
    times = {h for h, vs in samples.items() if vs and all(re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", v) for v in vs)}
    out += _columns(table, matched, times)
    unused = [h for h in header if h not in matched.values()]
    if unused:
        out.append(f"    # not mapped: {', '.join(unused)}")
    return "\n".join(out) + "\n"


def _csv_sample(path: Path, lines: list[str]) -> tuple[list[str], list[list[str]], str]:
    if not lines:
        raise WorkshopError(f"{path}: the file is empty; expected a header line with the column names.")
    counts = {d: lines[0].count(d) for d in (";", ",", "\t", "|")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    return [h.strip() for h in rows[0]], rows[1:21], delimiter


def _typed_sample(path: Path, kind: str) -> tuple[list[str], list[list[str]]]:
    try:
        if kind == "parquet":
            con = duckdb.connect()
            frame = con.execute(f"SELECT * FROM read_parquet('{path.as_posix()}') LIMIT 20").fetchdf()
            return list(frame.columns), frame.astype(str).values.tolist()
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = [[("" if v is None else v.strftime("%d-%m-%Y %H:%M:%S") if hasattr(v, "strftime") else str(v))
                 for v in row] for row in book.worksheets[0].iter_rows(max_row=21, values_only=True)]
        book.close()
    except Exception as exc:  # any reader error is the file's, not the user's command
        raise WorkshopError(f"{path}: cannot be read as {kind} ({type(exc).__name__}: {exc}). "
                            "Save the export again, or as CSV.") from None
    if not rows:
        raise WorkshopError(f"{path}: the first sheet is empty; expected the column names in row 1.")
    return [str(h).strip() for h in rows[0]], rows[1:]


def _guess_table(matched: dict[str, str]) -> str:
    score = {t: sum(c in matched for c in TABLES[t].names) for t in ("contacts", "cases", "events")}
    if "at" in matched and "activity" in matched:
        return "events"
    return max(score, key=score.get)


def _columns(table: str, matched: dict[str, str], times: set[str]) -> list[str]:
    out = []
    schema = TABLES[table]
    for column in schema.columns:
        name = column.name
        source = matched.get(name)
        if name == "arrived_at" and source is None and "date" in matched:
            source = matched["date"]
        if source is not None and source in times and "date" in matched:
            out.append(f"      {name}: {{date: {matched['date']}, time: {source}}}")
        elif source is not None:
            value = source if re.fullmatch(r"[\w][\w ]*[\w]|\w", source) and ":" not in source else f'"{source}"'
            note = ""
            if column.allowed:
                note = f"  # ? map the codes onto {', '.join(column.allowed)}: {{column: {source}, map: {{...}}}}"
            out.append(f"      {name}: {value}{note}")
        elif name == "ended_at" and "talk" in matched and table == "contacts":
            base = "answered_at" if "answered_at" in matched else "arrived_at"
            out.append(f"      ended_at: {{from: {base}, plus: {matched['talk']}}}   # ? the talk time added")
        elif name == "answered_at" and "wait" in matched and table == "contacts":
            out.append(f"      answered_at: {{from: arrived_at, plus: {matched['wait']}}}   # ? the wait added; "
                       "leave it out for calls not answered (`when:`)")
        elif column.required:
            hint = "{value: phone}" if name == "channel" else "{value: inbound}" if name == "direction" else "..."
            out.append(f"      {name}: {hint}   # ? required: a column of the export, or a constant")
    return out


def _queue_log_block(path: Path, table: str | None) -> str:
    note = "" if table in (None, "contacts") else f"  # ? a queue_log fills contacts, not {table}"
    return "\n".join([
        f"# Suggested by `kpi-workshop suggest {path.name}`: an Asterisk / FreePBX queue_log",
        "# (epoch|callid|queue|agent|event|data...): the preset pivots its events into one contact per",
        "# queue entry (docs/mapping.md, Presets: Asterisk queue_log).",
        "sources:",
        f"  contacts:{note}",
        f"    file: exports/{path.name}",
        "    preset: asterisk_queue_log",
        "    # columns:                  # ? entries here replace the preset's, e.g. the queues as teams:",
        "    #   team: {column: queue, map: {support: first_line, ...}}",
    ]) + "\n"
