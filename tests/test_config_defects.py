"""Mistakes a client makes in workshop.yaml: each gives its message with its line, never a traceback.

The corpus cases tests/corpus/yaml_* run through ``check`` and ``import`` in tests/test_corpus.py,
with the rest of the corpus; here the messages are pinned on the reader itself.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from kpilib.data.config import load_config
from kpilib.exceptions import WorkshopError



def write(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / "workshop.yaml").write_bytes(data)
    return tmp_path


SOURCES = "sources:\n  orders:\n    file: o.csv\n    columns: {order_id: id, ordered_at: t}\n"


def test_a_bom_is_accepted_and_the_name_read_as_written(tmp_path):
    config = load_config(write(tmp_path, codecs.BOM_UTF8 + ("client: Café Noord\n" + SOURCES).encode()))
    assert config.client == "Café Noord"


def test_latin1_names_the_line_the_byte_and_the_fix(tmp_path):
    data = "# Glasvezel\nclient: Café Noord\n".encode("latin-1") + SOURCES.encode()
    with pytest.raises(WorkshopError, match=re.escape(
            "line 2, byte 12 of the line (0xE9): expected text in UTF-8, found a byte that UTF-8 does not allow; "
            "the file looks saved as Latin-1 or Windows-1252 (ANSI), where it is 'é': 'client: Café Noord'. "
            "Save workshop.yaml as UTF-8")):
        load_config(write(tmp_path, data))


@pytest.mark.parametrize(("line", "message"), [
    ("client: [Glasvezel, Noord]", "line 1 (client): expected the client's name as a single value, found a list "
                                   "([Glasvezel, Noord])"),
    ("client: true", "line 1 (client): expected the client's name as text, found true."),
    ("time_zone: {Europe: Amsterdam}", "line 1 (time_zone): expected a time zone as a single value, found keys"),
    ("pseudonymise: [true]", "line 1 (pseudonymise): expected true or false as a single value, found a list ([true])"),
    ("start: [2026, 12, 1]", "line 1 (start): expected the first workshop day as a single value"),
    ("language: [en, nl]", "line 1 (language): expected the language of the pages as a single value, found a list "
                           "([en, nl])"),
])
def test_a_top_level_field_of_the_wrong_type_is_an_error_with_its_line(tmp_path, line, message):
    with pytest.raises(WorkshopError, match=re.escape(message)):
        load_config(write(tmp_path, (line + "\n" + SOURCES).encode()))


def test_a_client_name_in_quotes_keeps_its_comma_and_brackets(tmp_path):
    config = load_config(write(tmp_path, ('client: "[Glasvezel, Noord]"\n' + SOURCES).encode()))
    assert config.client == "[Glasvezel, Noord]"
