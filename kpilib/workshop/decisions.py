"""The workshop's decisions: what each day decides, and a store that loses none of them.

Each day ends with decisions the later days build on (:data:`DECISION_KEYS` lists them, with the
day, what they mean, how their values are checked and the default a notebook uses when a
decision was never taken). A facilitator records them in widgets during a live session; a batch
run takes them from the ``decisions:`` block of ``workshop.yaml``.

The :class:`DecisionStore` is a SQLite database in the workshop folder (``decisions.sqlite``) used
as an append-only log: a decision is a new row, an undo is a new row, and no row is ever changed
or deleted (triggers refuse it). It runs in WAL mode with ``synchronous=FULL``, so a decision is
on disk once :meth:`DecisionStore.record` returns and a process killed mid-write leaves every
earlier decision readable; each write takes the write lock first (``BEGIN IMMEDIATE``) and waits
for another writer (``busy_timeout``), so two kernels deciding at once both succeed and both are
in the history.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from kpilib._safe import markdown_text
from kpilib.workshop import _decision_values as v
from kpilib.exceptions import ParameterError, WorkshopError

__all__ = ["DECISIONS_FILE", "DECISION_KEYS", "Decision", "DecisionKey", "DecisionStore", "validate_decision",
           "write_export"]

#: The decisions store's file in a workshop folder.
DECISIONS_FILE = "decisions.sqlite"
#: How long a writer waits for another one to finish, in seconds.
BUSY_TIMEOUT_S = 30
_SCHEMA_VERSION = 1
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS decisions (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        key     TEXT NOT NULL,
        action  TEXT NOT NULL CHECK (action IN ('decide', 'undo')),
        value   TEXT,                                   -- JSON; NULL for an undo
        undoes  INTEGER REFERENCES decisions (id),      -- the decision an undo withdraws
        by      TEXT,
        note    TEXT,
        at      TEXT NOT NULL                           -- UTC, ISO 8601
    )""",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_never_changed BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the decisions log is append-only: record a new decision or an undo'); END""",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_never_deleted BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'the decisions log is append-only: record a new decision or an undo'); END""",
    f"PRAGMA user_version = {_SCHEMA_VERSION}",
)


class DecisionKey(NamedTuple):
    """A decision the workshop takes: on which day, what it means, how it is checked, its default."""

    day: int
    description: str
    validator: Callable[[Any], Any]
    default: Any


#: Criteria of the day-9 scoring, equally weighted by default.
CRITERIA = ("customer_value_link", "covers_the_chain", "controllable_by_owner", "measurable_from_data",
            "hard_to_game", "cost")

#: Every decision of the workshop, by key.
DECISION_KEYS: Mapping[str, DecisionKey] = MappingProxyType({
    "customer_values": DecisionKey(
        1, "What customers value most, in order (a list of names).", v.customer_values,
        ["resolution", "speed", "effort", "friendliness"]),
    "customer_norms": DecisionKey(
        1, "What customers expect: norm name -> a positive number (working days for `_days`, hours for "
           "`_hours`, seconds for `_s`).", v.customer_norms,
        {"resolution_days": 3, "order_first_contact_days": 5, "callback_hours": 24, "repeat_window_days": 7}),
    "chains": DecisionKey(2, "The customer chains to steer on (chain ids); empty: none chosen yet.", v.chains, []),
    "chain_owners": DecisionKey(2, "The owner of each chain: chain id -> person.", v.chain_owners, {}),
    "current_kpis": DecisionKey(
        3, "The teams' own KPIs today: a list of {team, kpi, target, definition}.", v.current_kpis, []),
    "customer_outcomes": DecisionKey(
        4, "The customer outcomes that matter most, in order (catalogue KPI ids).", v.customer_outcomes,
        ["time_to_resolution", "repeat_contact_rate", "complaints_resolved_to_satisfaction",
         "callback_timeliness", "time_to_first_contact"]),
    "handover_points": DecisionKey(
        5, "The handover points to govern: a list of 'team_a -> team_b'.", v.handover_points, []),
    "definitions": DecisionKey(
        6, "The exact definition of each KPI: KPI id -> its definition parameters; a KPI left out takes "
           "its function's defaults.", v.definitions, {}),
    "norms": DecisionKey(
        7, "The customer norm of each KPI: KPI id -> a positive number in the unit of its norm parameter.",
        v.norms, {"time_to_resolution": 3, "time_to_first_contact": 5, "repeat_contact_rate": 7,
                  "service_level": 20}),
    "targets": DecisionKey(7, "The target of each KPI: KPI id -> a value in the KPI's unit.", v.targets, {}),
    "tactic": DecisionKey(
        8, f"The value discipline the organisation competes on: one of {', '.join(v.TACTICS)}; "
           f"None: not chosen yet.", v.tactic, None),
    "levers": DecisionKey(8, "The levers to pursue (a list of names).", v.levers, []),
    "criteria_weights": DecisionKey(
        9, "The weight of each scoring criterion: criterion -> a number >= 0.", v.criteria_weights,
        dict.fromkeys(CRITERIA, 1)),
    "kpi_set": DecisionKey(9, "The chosen KPI set: a list of {kpi, owner, score}.", v.kpi_set, []),
    "sign_off": DecisionKey(10, "Who signed the KPI set off, and when: {by, date}; None: not yet.",
                            v.sign_off, None),
})


def validate_decision(key: str, value: Any) -> Any:
    """Check ``value`` for the decision ``key``; return it as the store keeps it (plain JSON values).

    Raises
    ------
    ParameterError
        For an unknown key (the message lists the known ones) or a value the key does not allow.
    """
    if key not in DECISION_KEYS:
        raise ParameterError(f"`{key}` is not a decision of the workshop; the decisions are "
                             f"{', '.join(DECISION_KEYS)}")
    checked = DECISION_KEYS[key].validator(value)
    try:
        return json.loads(json.dumps(checked, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise ParameterError(f"`{key}`: the value cannot be stored ({err}); got {value!r}") from None


@dataclass(frozen=True)
class Decision:
    """One row of the decisions log: a decision (``action="decide"``) or the undo of one."""

    id: int
    key: str
    action: str
    value: Any
    by: str | None
    note: str | None
    at: dt.datetime
    undoes: int | None = None

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> "Decision":
        return cls(id=row["id"], key=row["key"], action=row["action"],
                   value=None if row["value"] is None else json.loads(row["value"]), by=row["by"],
                   note=row["note"], at=dt.datetime.fromisoformat(row["at"]), undoes=row["undoes"])


class DecisionStore:
    """The append-only decisions log of one workshop (``decisions.sqlite``).

    Parameters
    ----------
    path
        The database file; it is created on the first write. Reading a store that does not exist
        yet gives no decisions.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"DecisionStore({str(self.path)!r})"

    # -- writing ---------------------------------------------------------------------------

    def create(self) -> None:
        """Create the database (WAL mode, the log table) if it does not exist yet."""
        con = self._connect(write=True)
        con.close()

    def record(self, key: str, value: Any, *, by: str | None = None, note: str | None = None) -> Decision:
        """Append a decision; it is durable when this returns. ``value`` is checked first."""
        value = validate_decision(key, value)
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        return self._append(key, "decide", text, None, by, note)

    def undo(self, key: str, *, by: str | None = None, note: str | None = None) -> Decision:
        """Withdraw the decision on ``key`` in force (appending an undo row); return that row."""
        if key not in DECISION_KEYS:
            validate_decision(key, None)
        return self._append(key, "undo", None, None, by, note)

    def _append(self, key: str, action: str, value: str | None, undoes: int | None, by, note) -> Decision:
        for label, text in (("by", by), ("note", note)):
            if text is not None and not isinstance(text, str):
                raise ParameterError(f"`{label}` must be a text or None; got {text!r}")
        con = self._connect(write=True)
        try:
            with _errors(self.path, "write to"):
                con.execute("BEGIN IMMEDIATE")  # the write lock first: a second writer waits here
                try:
                    if action == "undo":
                        current = _in_force(con, key)
                        if current is None:
                            raise ParameterError(f"`{key}`: there is no recorded decision to undo")
                        undoes = current.id
                    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
                    cursor = con.execute(
                        "INSERT INTO decisions (key, action, value, undoes, by, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (key, action, value, undoes, by, note, at))
                    row = con.execute("SELECT * FROM decisions WHERE id = ?", (cursor.lastrowid,)).fetchone()
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
        finally:
            con.close()
        return Decision._from_row(row)

    # -- reading ---------------------------------------------------------------------------

    def rows(self, key: str | None = None) -> list[Decision]:
        """Every row of the log (of ``key``), oldest first."""
        con = self._connect(write=False)
        if con is None:
            return []
        try:
            with _errors(self.path, "read"):
                sql = "SELECT * FROM decisions" + (" WHERE key = ?" if key else "") + " ORDER BY id"
                return [Decision._from_row(r) for r in con.execute(sql, (key,) if key else ())]
        finally:
            con.close()

    def in_force(self) -> dict[str, Decision]:
        """The decision in force of every key that has one: its latest decision not undone."""
        return _latest(self.rows())

    def current(self, key: str) -> Decision | None:
        """The decision in force on ``key``, or None."""
        return _latest(self.rows(key)).get(key)

    # -- private ---------------------------------------------------------------------------

    def _connect(self, *, write: bool) -> sqlite3.Connection | None:
        if not write and not self.path.exists():
            return None
        with _errors(self.path, "open"):
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            con.row_factory = sqlite3.Row
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            con.execute("PRAGMA synchronous = FULL")
            con.execute("PRAGMA foreign_keys = ON")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > _SCHEMA_VERSION:
                con.close()
                raise WorkshopError(f"{self.path}: written by a newer kpilib (store version {version}); "
                                    f"update kpilib to read it")
            if write and version < _SCHEMA_VERSION:
                if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    _write_ahead(con)
                con.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    con.execute(statement)
                con.execute("COMMIT")
            elif version < _SCHEMA_VERSION:  # an empty file: nothing recorded yet
                con.close()
                return None
        return con


def _latest(rows: Iterable[Decision]) -> dict[str, Decision]:
    """Per key, the latest decision that no undo withdrew."""
    rows = list(rows)
    undone = {r.undoes for r in rows if r.action == "undo"}
    latest: dict[str, Decision] = {}
    for row in rows:
        if row.action == "decide" and row.id not in undone:
            latest[row.key] = row
    return latest


def _in_force(con: sqlite3.Connection, key: str) -> Decision | None:
    rows = [Decision._from_row(r) for r in con.execute("SELECT * FROM decisions WHERE key = ? ORDER BY id", (key,))]
    return _latest(rows).get(key)


class _errors:
    """Turn SQLite's errors into a :class:`WorkshopError` that names the file."""

    def __init__(self, path: Path, doing: str) -> None:
        self.path, self.doing = path, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, err, tb) -> bool:
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            raise WorkshopError(f"{self.path}: could not {self.doing} the decisions store: another process kept "
                                f"it locked for more than {BUSY_TIMEOUT_S} s. Try again; nothing was "
                                f"recorded.") from err
        if isinstance(err, sqlite3.Error):
            raise WorkshopError(f"{self.path}: could not {self.doing} the decisions store ({err}). Keep a copy of "
                                f"the file; if it is damaged, `sqlite3 {self.path.name} .recover` "
                                f"retrieves what it holds.") from err
        return False


# -- export ---------------------------------------------------------------------------------

def write_export(path: str | Path, records: list[dict[str, Any]], *, client: str | None,
                 history: list[Decision] | None = None) -> Path:
    """Write the decisions in force (and optionally the whole log) to YAML or Markdown.

    In Markdown, the texts of a decision (who, the note) are text, never Markdown: ``<`` and brackets
    are written as entities, so no link or tag in them becomes live in a viewer; values stay in
    code blocks.

    Parameters
    ----------
    path
        ``.yaml``/``.yml`` for YAML, ``.md`` for Markdown. The file is replaced in one step.
    records
        One mapping per decision key: ``key``, ``day``, ``description``, ``value``, ``source``
        (``recorded``, ``workshop.yaml`` or ``default``), ``by``, ``at``, ``note``.
    client
        Named in the heading.
    history
        The rows of the log, to add as a second part.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".md"):
        raise ParameterError(f"the export file must end in .yaml, .yml or .md; got {path.name!r}")
    if suffix == ".md":
        text = _markdown(records, client, history)
    else:
        document = {"client": client, "exported_at": _now_text(), "decisions": {
            r["key"]: {k: r[k] for k in ("day", "value", "source", "by", "at", "note") if r.get(k) is not None}
            for r in records}}
        if history is not None:
            document["history"] = [{"id": h.id, "key": h.key, "action": h.action, "value": h.value,
                                    "undoes": h.undoes, "by": h.by, "note": h.note, "at": h.at.isoformat()}
                                   for h in history]
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise WorkshopError(f"{path}: could not write the export ({err.strerror})") from None
    return path


def _now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _markdown(records: list[dict[str, Any]], client: str | None, history: list[Decision] | None) -> str:
    lines = [f"# Decisions of the KPI workshop{f' — {client}' if client else ''}", "",
             f"Exported {_now_text()}. Source: *recorded* in the workshop, taken from *workshop.yaml*, "
             f"or the *default* where nothing was decided.", ""]
    for day in sorted({r["day"] for r in records}):
        lines += [f"## Day {day}", ""]
        for r in (r for r in records if r["day"] == day):
            who = markdown_text(", ".join(x for x in (r.get("by"), r.get("at")) if x))
            lines += [f"### {r['key']}", "", r["description"], "",
                      f"*{r['source']}*{f' ({who})' if who else ''}", ""]
            if r.get("note"):
                lines += ["\n".join(f"> {line}" for line in markdown_text(r["note"]).splitlines()), ""]
            value = _yaml_value(r["value"])
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", value)), default=0))
            lines += [f"{fence}yaml", value, fence, ""]
    if history is not None:
        lines += ["## History", "", "| # | when (UTC) | decision | action | by | note |", "|---|---|---|---|---|---|"]
        for h in history:
            action = h.action if h.undoes is None else f"undo of #{h.undoes}"
            cells = [str(h.id), h.at.isoformat(timespec="seconds"), h.key, action, markdown_text(h.by or ""),
                     markdown_text(h.note or "")]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _yaml_value(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100).removesuffix("...\n").rstrip()


def _write_ahead(con: sqlite3.Connection) -> None:
    """Switch a new log to write-ahead mode; a second kernel creating it at the same moment may hold it.

    SQLite answers "database is locked" at once to a change of journal mode while another connection
    holds the file, without its busy handler: it is tried again for up to :data:`BUSY_TIMEOUT_S`.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
