"""Fuzzing the readers of a workshop: workshop.yaml and the CSV exports.

Whatever the input, the readers raise kpilib's own errors (:class:`kpilib.exceptions.KpiError`), never
a traceback; an import that succeeds holds every record the export holds. Each test is bounded
(a few dozen examples, no deadline) so that the suite stays fast.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpilib.data._config_yaml import read_workshop_yaml
from kpilib.exceptions import KpiError
from kpilib.importing import check_workshop, import_workshop

SAMPLE_YAML = (Path(__file__).resolve().parents[1] / "data" / "sample" / "workshop.yaml").read_bytes()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = ["client", "time_zone", "calendar", "pseudonymise", "sources", "start", "language", "contacts", "file",
        "columns", "delimiter", "encoding", "date_format", "drop", "column", "value", "map", "from", "plus", "when",
        "equals", "in", "contact_id", "arrived_at", "sheet", "decimal", "format", "unit", "other"]


def _read(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "workshop.yaml"
        file.write_bytes(data)
        try:
            read_workshop_yaml(file)
        except KpiError:
            pass


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(KEYS), st.dates())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers()),
                                            inner, max_size=5)),
    max_leaves=25)


@FUZZ
@given(documents)
def test_any_yaml_document_gives_a_kpilib_error_or_a_config(document):
    _read(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), documents, max_size=6))
def test_any_top_level_mapping_gives_a_kpilib_error_or_a_config(document):
    _read(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


TRICKY = ["2026-02-30", "2026-12-01 25:00:00", "!!int abc", "!!float x", "!!python/name:os.system x", "!!binary '%%'",
          "!!timestamp 2026-13-45", "{? [a]: 1}", "{? {a: 1}: 2}", "&a [*a]", "*undefined", "!!set {a, b}", "0x1G",
          "1e999999", "-.inf", ".nan", "!!null x", "!!bool maybe", "|\n  text", ">-\n  text", "[a, {b: c}]", "~", "''",
          "!!omap [a: 1]", "!!pairs [a: 1]", "!!str [a]", "!unknown x", "10:30:00", "0o17", "2026-12-01T09:00:00+25:00"]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(KEYS[:7] + ["schedule", "norms", "parameters", "decisions", "backend"]),
                          st.sampled_from(TRICKY), st.sampled_from(["", "  x: ", "  - "])), min_size=1, max_size=5))
def test_tricky_yaml_values_give_a_kpilib_error_or_a_config(lines):
    text = "".join(f"{key}:\n{indent}{value}\n" if indent else f"{key}: {value}\n" for key, value, indent in lines)
    _read(text.encode("utf-8"))


mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40), st.just(b"")),
    st.tuples(st.just("insert"), st.floats(0, 1), st.just(0),
              st.one_of(st.binary(min_size=1, max_size=6),
                        st.sampled_from([b"\t", b":", b"- ", b"[", b"{", b"'", b'"', b"#", b"&a ", b"*a", b"!!python/name:os.system",
                                         b"\xe9", b"\xef\xbb\xbf", b"\x00", b"\r", b"\n  ", b"? ", b"<<: *a", b"%YAML 1.1\n"]))),
    st.tuples(st.just("replace"), st.floats(0, 1), st.integers(1, 8), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0), st.just(b"")),
)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutations_of_the_sample_workshop_yaml_give_a_kpilib_error_or_a_config(mutations):
    data = SAMPLE_YAML
    for kind, where, size, text in mutations:
        at = int(where * len(data))
        if kind == "delete":
            data = data[:at] + data[at + size:]
        elif kind == "insert":
            data = data[:at] + text + data[at:]
        elif kind == "replace":
            data = data[:at] + text + data[at + size:]
        else:
            data = data[:at]
    _read(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_workshop_yaml_give_a_kpilib_error(data):
    _read(data)


# -- the CSV reader of the import ------------------------------------------------------------------

WORKSHOP = """\
client: Fuzz
pseudonymise: false
sources:
  contacts:
    file: exports/contacts.csv
{delimiter}    date_format: "%d-%m-%Y %H:%M:%S"
    columns:
      contact_id: id
      customer_id: klant
      channel: {{value: phone}}
      direction: {{value: inbound}}
      team: wachtrij
      arrived_at: start
"""
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
exports = st.fixed_dictionaries({
    "delimiter": st.sampled_from([",", ";", "\t", "|", None]),
    "quoting": st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    "line_end": st.sampled_from(["\n", "\r\n", "mixed"]),
    "teams": st.lists(texts.filter(lambda t: t.strip()), min_size=1, max_size=12),   # team is required
    "customers": st.lists(st.one_of(texts, st.sampled_from(["=1+1", "-3", "K 1", '"', "'", ""])), min_size=12,
                          max_size=12),
    "bom": st.booleans(),
    "blank_lines_at_end": st.integers(0, 2),
})


def _export(spec) -> tuple[bytes, list[str]]:
    delimiter = spec["delimiter"] or ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=spec["quoting"], lineterminator="\n")
    writer.writerow(["id", "klant", "wachtrij", "start"])
    ids = [f"C{i}" for i in range(len(spec["teams"]))]
    for i, (cid, team) in enumerate(zip(ids, spec["teams"])):
        writer.writerow([cid, spec["customers"][i], team, f"05-01-2026 09:{i:02d}:00"])
    lines = buffer.getvalue().split("\n")  # a newline inside a quoted value stays a line feed
    text = ""
    records = _record_ends(buffer.getvalue())
    for n, line in enumerate(lines[:-1]):
        end = {"\n": "\n", "\r\n": "\r\n", "mixed": "\r\n" if n % 2 else "\n"}[spec["line_end"]]
        text += line + (end if n in records else "\n")
    text += "\n" * spec["blank_lines_at_end"]
    return ("\ufeff" if spec["bom"] else "").encode() + text.encode("utf-8"), ids


def _record_ends(text: str) -> set[int]:
    """The numbers of the physical lines that end a record (not a line feed inside quotes)."""
    ends, quoted = set(), False
    for n, line in enumerate(text.split("\n")):
        quoted ^= line.count('"') % 2 == 1
        if not quoted:
            ends.add(n)
    return ends


def _workshop(folder: Path, spec, data: bytes) -> None:
    (folder / "exports").mkdir(parents=True)
    delimiter = f"    delimiter: {yaml.safe_dump(spec['delimiter']).splitlines()[0]}\n" if spec["delimiter"] else ""
    (folder / "workshop.yaml").write_text(WORKSHOP.format(delimiter=delimiter), encoding="utf-8")
    (folder / "exports" / "contacts.csv").write_bytes(data)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports)
@example({"delimiter": ",", "quoting": csv.QUOTE_MINIMAL, "line_end": "\n", "teams": ["0"] * 12,
          "customers": [""] * 10 + ["'", "'"], "bom": False, "blank_lines_at_end": 0})  # a sniffed ' quote
def test_an_import_of_a_valid_csv_holds_every_record_or_says_why_not(spec):
    data, ids = _export(spec)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        _workshop(folder, spec, data)
        try:
            check_workshop(folder)
            import_workshop(folder)
        except KpiError:
            return  # refused, with a message: nothing imported silently
        with duckdb.connect(str(folder / "store.duckdb"), read_only=True) as con:
            imported = sorted(r[0] for r in con.execute("SELECT contact_id FROM contacts").fetchall())
        assert imported == sorted(ids), f"the file holds {len(ids)} records; the store {len(imported)}"


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports, st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=4)), min_size=1, max_size=4))
def test_a_damaged_csv_never_gives_a_traceback(spec, damage):
    data, _ = _export(spec)
    for where, text in damage:
        at = int(where * len(data))
        data = data[:at] + text + data[at + len(text):]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ws"
        _workshop(folder, spec, data)
        for step in (check_workshop, import_workshop):
            try:
                step(folder)
            except KpiError:
                pass
        shutil.rmtree(folder)
