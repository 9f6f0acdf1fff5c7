"""Formula cells of an Excel sheet that have no saved result.

A workbook written by a script (openpyxl, a report tool) holds formulas such as
``=DATE(2026,4,1)+TIME(9,0,0)`` without the value Excel would have calculated and saved.
Read for their values, those cells are empty; :func:`uncached_formulas` finds them in the
sheet's XML so that the import can name them instead.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.DOTALL)
_VALUE = re.compile(rb"<v>[^<]")
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _unescape(text: bytes) -> str:
    return (text.decode("utf-8").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    ids = {_unescape(name): rid for name, rid in _SHEET.findall(book.read("xl/workbook.xml"))}
    rels = book.read("xl/_rels/workbook.xml.rels")
    targets = dict(_REL.findall(rels)) | {rid: target for target, rid in _REL_REVERSED.findall(rels)}
    target = targets.get(ids.get(sheet, b""))
    if target is None:
        return None
    target = target.decode("utf-8")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def uncached_formulas(path: Path, sheet: str) -> list[str]:
    """The references (``B2``) of the formula cells of ``sheet`` that hold no value, in sheet order."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None or part not in book.namelist():
                return []
            data = book.read(part)
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    if b"<f" not in data:
        return []
    return [ref.decode() for ref, body in _CELL.findall(data)
            if body and b"<f" in body and not _VALUE.search(body)]
