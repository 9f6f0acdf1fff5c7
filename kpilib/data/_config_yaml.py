"""Read ``workshop.yaml`` into a :class:`~kpilib.data.config.WorkshopConfig`, collecting every mistake.

Used by :func:`kpilib.data.config.load_config`.  The mistakes are reported
together in one :class:`~kpilib.exceptions.WorkshopError`, sorted by line.
"""

from __future__ import annotations

import codecs
import zoneinfo
from pathlib import Path
from typing import Any

import yaml

from kpilib.data._config_columns import ColumnReader
from kpilib.data._config_columns import did_you_mean as _did_you_mean
from kpilib.data._config_types import (
    DEFAULT_TIME_ZONE, DELIMITERS, ENCODINGS, FILE_KINDS, MIN_KEY_MATCH, SECTIONS, DropRule, SourceConfig,
    WorkshopConfig,
)
from kpilib.data._config_derived import DerivedReader
from kpilib.data._presets import PRESETS, merge_preset
from kpilib.exceptions import WorkshopError
from kpilib.data.schema import TABLES

_TOP_KEYS = ("client", "time_zone", "calendar", "pseudonymise", "sources", *SECTIONS)
_SOURCE_KEYS = ("file", "sheet", "delimiter", "decimal", "encoding", "date_format", "drop", "columns",
                "header", "pivot", "preset", "allow_outside", "min_key_match")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def read_workshop_yaml(file: Path, *, require_sources: bool = True) -> WorkshopConfig:
    """Read and check ``file``; raise one :class:`WorkshopError` listing every mistake."""
    reader = _Reader(file, require_sources=require_sources)
    config = reader.read()
    if reader.errors:
        n = len(reader.errors)
        lines = [f"{file.name} has {n} problem{'s' if n != 1 else ''}:"]
        lines += [f"  - {e}" for _, e in sorted(reader.errors, key=lambda e: e[0])]
        raise WorkshopError("\n".join(lines))
    return config


class _Reader(DerivedReader, ColumnReader):
    """Turns the YAML text into a :class:`WorkshopConfig`, collecting every mistake."""

    def __init__(self, file: Path, *, require_sources: bool = True) -> None:
        self.file = file
        self.require_sources = require_sources
        self.errors: list[tuple[int, str]] = []    # (line, message)
        self.lines: dict[tuple, int] = {}

    # -- reporting ---------------------------------------------------------
    def error(self, where: tuple, message: str) -> None:
        line = self.lines.get(where)
        while line is None and where:
            where = where[:-1]
            line = self.lines.get(where)
        at = f"line {line}" if line else self.file.name
        key = ".".join(str(p) for p in where)
        self.errors.append((line or 0, f"{at}{f' ({key})' if key else ''}: {message}"))

    def unknown_keys(self, where: tuple, data: dict, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.error(where + (key,), f"unknown key `{key}`.{_did_you_mean(key, list(allowed))}"
                           f" Allowed: {', '.join(allowed)}.")

    # -- YAML --------------------------------------------------------------
    def read(self) -> WorkshopConfig | None:
        text = self.decoded(self.file.read_bytes())
        if text is None:
            return None
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            self.errors.append((0, _yaml_problem(self.file, text, exc)))
            return None
        if not isinstance(root, yaml.MappingNode):
            self.errors.append((0, f"{self.file.name}: expected keys such as `sources:`, found "
                                   f"{'an empty file' if root is None else 'no mapping'}."))
            return None
        data: dict[str, Any] = {}
        for key_node, value_node in root.value:
            key = str(key_node.value)
            first = self.lines.get((key,))
            self.lines[(key,)] = key_node.start_mark.line + 1
            if key in data:
                self.error((key,), f"`{key}` is given twice (also on line {first}); keep one.")
            if key == "calendar" or key in SECTIONS:  # handed on as plain YAML: dates become dates
                self.raw(value_node, (key,))  # records the line of every key, for messages
                data[key] = self.constructed(value_node, key)
            else:
                data[key] = self.raw(value_node, (key,))
        return self.workshop(data)

    def decoded(self, data: bytes) -> str | None:
        """The text of the file, read as UTF-8 (with or without a BOM); None, with the problem noted, if it is not.

        There is deliberately no fallback to another encoding: a file in Windows-1252 and one in
        Latin-1 hold the same bytes for different letters, and a guess that is wrong puts a wrong
        client name in the pack or misses a column header without a word. The message says where
        the first byte that is not UTF-8 is, what it would be in Windows-1252, and how to save the file.
        """
        for bom, name in ((codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
                          (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32")):
            if data.startswith(bom) and not (name == "UTF-16" and data.startswith(codecs.BOM_UTF32_LE)):
                self.errors.append((0, f"{self.file.name}: expected a text file in UTF-8, found one saved as "
                                       f"{name} ('Unicode' in Notepad). {_SAVE_AS_UTF8}"))
                return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            begin = data.rfind(b"\n", 0, exc.start) + 1
            end = data.find(b"\n", exc.start)
            shown = data[begin:end if end >= 0 else len(data)].decode("cp1252", errors="replace").strip()
            byte = data[exc.start]
            letter = bytes([byte]).decode("cp1252", errors="replace")
            self.errors.append((line, f"line {line}, byte {exc.start - begin + 1} of the line (0x{byte:02X}): "
                                      f"expected text in UTF-8, found a byte that UTF-8 does not allow; the file "
                                      f"looks saved as Latin-1 or Windows-1252 (ANSI), where it is {letter!r}: "
                                      f"{_short(shown)!r}. {_SAVE_AS_UTF8}"))
            return None

    def constructed(self, node: yaml.Node, key: str) -> Any:
        """The plain-YAML value of a block; None, with the problem noted, when YAML cannot build it.

        A date that does not exist (``2026-02-30``), a tag such as ``!!int abc`` or ``!!python/...``,
        or a list used as a key are mistakes in the file, not crashes.
        """
        try:
            return yaml.SafeLoader("").construct_document(node)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError) as exc:
            mark = getattr(exc, "problem_mark", None) or node.start_mark
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            hint = ("Write a date (and time) that exists, such as 2026-12-01." if isinstance(exc, ValueError) and
                    ("must be in" in problem or "out of range" in problem) else
                    "Remove the tag (the word starting with !!) or put the value in quotes; a key is a single word.")
            self.errors.append((mark.line + 1, f"line {mark.line + 1} ({key}): this value cannot be read ({problem}). {hint}"))
            return None

    def raw(self, node: yaml.Node, where: tuple, inside: frozenset[int] = frozenset()) -> Any:
        self.lines.setdefault(where, node.start_mark.line + 1)
        if id(node) in inside:  # `&a [*a]`: an alias to the list or mapping that holds it
            self.error(where, "an alias (*name) refers to the list or mapping it is in; write the values out.")
            return None
        inside |= {id(node)}
        if isinstance(node, yaml.ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            if node.style is None and node.value in _BOOLS:
                return _BOOLS[node.value]
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.raw(item, where + (i,), inside) for i, item in enumerate(node.value)]
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value).strip()
            self.lines[where + (key,)] = key_node.start_mark.line + 1
            if key in out:
                self.error(where + (key,), f"`{key}` is given twice; keep one.")
            out[key] = self.raw(value_node, where + (key,), inside)
        return out

    # -- top level ---------------------------------------------------------
    def workshop(self, data: dict[str, Any]) -> WorkshopConfig:
        self.unknown_keys((), data, _TOP_KEYS)
        wrong = self.scalars(data)
        client = None if "client" in wrong else data.get("client")
        time_zone = data.get("time_zone") or DEFAULT_TIME_ZONE
        if "time_zone" in wrong:
            time_zone = DEFAULT_TIME_ZONE
        elif not isinstance(time_zone, str) or not _is_time_zone(time_zone):
            zones = sorted(zoneinfo.available_timezones())
            self.error(("time_zone",), f"expected a time zone such as 'Europe/Amsterdam', found "
                       f"{time_zone!r}.{_did_you_mean(str(time_zone), zones, n=1)}")
            time_zone = DEFAULT_TIME_ZONE
        calendar = data.get("calendar") or {}
        if not isinstance(calendar, dict):
            self.error(("calendar",), "expected keys such as `country: NL`, found a single value.")
            calendar = {}
        pseudonymise = data.get("pseudonymise", True)
        if "pseudonymise" in wrong:
            pseudonymise = True
        elif not isinstance(pseudonymise, bool):
            self.error(("pseudonymise",), f"expected true or false, found {pseudonymise!r}.")
        sources: list[SourceConfig] = []
        derived = []
        raw_sources = data.get("sources")
        if raw_sources in (None, {}) and (not self.require_sources or "backend" in data):
            # a new workshop has no exports yet; a workshop with a `backend:` imports nothing
            raw_sources = {}
        elif not isinstance(raw_sources, dict) or not raw_sources:
            self.error(("sources",) if "sources" in data else (), "expected `sources:` with at least "
                       "one table (for example `contacts:`) and its file and columns.")
            raw_sources = {}
        for table, entry in raw_sources.items():
            if table not in TABLES:
                self.error(("sources", table), f"`{table}` is not a canonical table."
                           f"{_did_you_mean(table, list(TABLES))}"
                           f" Tables: {', '.join(TABLES)}.")
                continue
            if self.is_derived(entry):
                derived.append(self.derived(table, entry, ("sources", table), data))
                continue
            entries = entry if isinstance(entry, list) else [entry]
            for i, one in enumerate(entries):
                where = ("sources", table, i) if isinstance(entry, list) else ("sources", table)
                source = self.source(table, one, where)
                if source is not None:
                    sources.append(source)
        return WorkshopConfig(folder=self.file.parent.resolve(), client=None if client is None else str(client),
                              time_zone=time_zone, calendar=calendar,
                              pseudonymise=bool(pseudonymise), sources=tuple(sources), path=self.file,
                              sections={k: data[k] for k in SECTIONS if k in data},
                              lines={".".join(map(str, k)): v for k, v in self.lines.items()},
                              derived=tuple(self.check_derived([d for d in derived if d], sources)))

    def scalars(self, data: dict[str, Any]) -> set[str]:
        """Check that each single-valued top-level key holds one value; return the keys that do not."""
        wrong = set()
        for key, (what, example) in _SCALARS.items():
            value = data.get(key)
            if isinstance(value, (list, dict)):
                kind = "a list" if isinstance(value, list) else "keys"
                self.error((key,), f"expected {what} as a single value, found {kind} ({_short(_yaml_text(value))}). "
                           f"Write one value, such as `{example}`; put it in quotes if it holds a comma, "
                           f"brackets, ':' or '#' (`{key}: \"...\"`).")
                wrong.add(key)
            elif key == "client" and isinstance(value, bool):
                self.error((key,), f"expected the client's name as text, found {str(value).lower()}. "
                           f"Write the name, such as `{example}`.")
                wrong.add(key)
        return wrong

    def source(self, table: str, data: Any, where: tuple) -> SourceConfig | None:
        if not isinstance(data, dict):
            self.error(where, "expected `file:` and `columns:` under the table name.")
            return None
        if "preset" in data:
            data = self.preset(data, where)
        self.unknown_keys(where, data, _SOURCE_KEYS)
        file = data.get("file")
        kind = None
        if not isinstance(file, str):
            self.error(where, "expected `file:` with the export's path, relative to the workshop folder.")
            file = "?"
        else:
            kind = FILE_KINDS.get(Path(file).suffix.lower())
            if kind is None and data.get("header") is not None:
                kind = "csv"   # a header-less log such as queue_log has no extension
            if kind is None:
                self.error(where + ("file",), f"expected a file ending in {', '.join(FILE_KINDS)}; "
                           f"found {file!r}. Save the export as CSV, Excel (.xlsx) or Parquet.")
        options: dict[str, Any] = {}
        delimiter = data.get("delimiter")
        if delimiter is not None:
            if delimiter not in DELIMITERS:
                self.error(where + ("delimiter",),
                           f"expected one of ',', ';', \"\\t\" (tab) or '|'; found {delimiter!r}.")
            options["delimiter"] = DELIMITERS.get(delimiter)
        decimal = data.get("decimal", ".")
        if decimal not in (".", ","):
            self.error(where + ("decimal",), f"expected '.' or ','; found {decimal!r}.")
        encoding = _encoding(data.get("encoding") or "utf-8")
        if encoding is None:
            self.error(where + ("encoding",),
                       f"expected one of {', '.join(ENCODINGS)}; found {data.get('encoding')!r}.")
        date_format = data.get("date_format")
        if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
            self.error(where + ("date_format",), f"expected a format such as '%d-%m-%Y %H:%M'; found {date_format!r}.")
        sheet = data.get("sheet")
        if sheet is not None and kind != "excel":
            self.error(where + ("sheet",), "`sheet` applies to Excel files only.")
        for key in ("delimiter", "encoding"):
            if kind != "csv" and data.get(key) is not None:
                self.error(where + (key,), f"`{key}` applies to CSV files only.")
        header = self.header(data.get("header"), where + ("header",), kind)
        pivot = self.pivot(data.get("pivot"), where + ("pivot",), header) if "pivot" in data else None
        allow_outside = data.get("allow_outside", False)
        if not isinstance(allow_outside, bool):
            self.error(where + ("allow_outside",), f"expected true or false, found {allow_outside!r}.")
        min_key_match = data.get("min_key_match", MIN_KEY_MATCH)
        if isinstance(min_key_match, bool) or not isinstance(min_key_match, (int, float)) \
                or not 0 <= min_key_match <= 1:
            self.error(where + ("min_key_match",), f"expected a share from 0 to 1 such as 0.5, found {min_key_match!r}.")
            min_key_match = MIN_KEY_MATCH
        options.update(allow_outside=allow_outside is True, min_key_match=float(min_key_match))
        columns = self.columns(table, data.get("columns"), where + ("columns",))
        drop = self.drop_rules(data.get("drop"), where + ("drop",))
        return SourceConfig(table=table, file=file, path=(self.file.parent / file).resolve(), kind=kind or "csv",
                            columns=columns, sheet=None if sheet is None else str(sheet),
                            decimal=decimal if decimal in (".", ",") else ".", encoding=encoding or "utf-8",
                            date_format=date_format, drop=drop, line=self.lines.get(where),
                            header=header, pivot=pivot, preset=data.get("preset"), **options)

    def preset(self, data: dict, where: tuple) -> dict:
        """The source's keys over those of its preset (kpilib.data._presets)."""
        name = data["preset"]
        if name not in PRESETS:
            self.error(where + ("preset",), f"`{name}` is not a preset.{_did_you_mean(str(name), list(PRESETS))}"
                       f" Presets: {', '.join(PRESETS)}.")
            return {k: v for k, v in data.items() if k != "preset"}
        return {**merge_preset(PRESETS[name], data), "preset": name}

    def drop_rules(self, data: Any, where: tuple) -> tuple[DropRule, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.error(where, "expected a list of rules such as - {column: Type, equals: TEST, reason: test call}.")
            return ()
        rules = []
        for i, item in enumerate(data):
            condition = self.condition(item, where + (i,), extra=("reason",))
            if condition is not None:
                reason = item.get("reason")
                rules.append(DropRule(condition, str(reason) if reason else condition.describe()))
        return tuple(rules)


#: The top-level keys that hold one value: what they hold, and an example.
_SCALARS = {
    "client": ("the client's name", "client: Glasvezel Noord"),
    "time_zone": ("a time zone", "time_zone: Europe/Amsterdam"),
    "pseudonymise": ("true or false", "pseudonymise: true"),
    "start": ("the first workshop day", "start: 2026-12-01"),
    "language": ("the language of the pages", "language: en"),
}
_SAVE_AS_UTF8 = ("Save workshop.yaml as UTF-8 (Notepad: File > Save as > Encoding: UTF-8; VS Code: click the "
                 "encoding in the status bar > Save with Encoding > UTF-8) and run the command again.")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_text(value: Any) -> str:
    """A value as it reads in YAML, on one line: ``[Glasvezel, Noord]``."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True).strip().removesuffix("...").strip()


def _yaml_problem(file: Path, text: str, exc: yaml.YAMLError) -> str:
    """The message for a file that is not valid YAML: the line, the problem, and what usually causes it."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None and isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return (f"line {line}: expected text, found the control character #x{exc.character:04x}, which YAML "
                f"does not allow. Delete it (it is often pasted in from another program).")
    at = f"line {mark.line + 1}" if mark else file.name
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context_mark", None)
    if mark is not None and context is not None and context.line < mark.line:
        # the cause is where the key or the quote began (a key without ':', a quote left open), not where YAML gave up
        at = f"line {context.line + 1}"
        problem += f", {exc.context}, noticed on line {mark.line + 1}"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][:mark.column + 1]:
        return (f"{at}: this is not valid YAML ({problem}): the line is indented with a tab. YAML needs "
                f"spaces: replace the tab by spaces, as many as the lines around it use.")
    if getattr(exc, "context", None) == "while scanning a quoted scalar":
        return (f"{at}: this is not valid YAML ({problem}): a quote opened on this line is not closed. "
                f"Close it at the end of the value.")
    if getattr(exc, "context", None) == "while scanning a simple key":
        return (f"{at}: this is not valid YAML ({problem}): a key without its ':'? Write `key: value`, with "
                f"a space after the ':'.")
    return (f"{at}: this is not valid YAML ({problem}). Check the indentation and put quotes around values "
            f"that contain ':' or '#'.")

def _encoding(name: Any) -> str | None:
    try:
        codec = codecs.lookup(str(name)).name
    except LookupError:
        return None
    return {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252", "iso8859-1": "latin-1",
            "utf-16": "utf-16"}.get(codec)


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
