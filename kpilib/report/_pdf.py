"""The pack as one PDF: the index, then each day's page, on A4, with the print style sheet of the pages.

WeasyPrint lays the HTML out (it installs with pip; it draws text with the system's Pango library,
which Debian's ``libpango-1.0-0`` package provides). A missing Pango is a clear error, not a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpilib.exceptions import WorkshopError
from kpilib.report._files import write_whole

__all__ = ["write_pdf"]


def write_pdf(target: Path, pages: Sequence[Path]) -> int:
    """Write ``pages`` (HTML files of the pack, in order) as one PDF at ``target``, whole or not at all.

    Returns the number of A4 pages written.
    """
    try:
        import weasyprint
    except OSError as error:  # the library is there, the system's Pango is not
        raise WorkshopError(f"Cannot write {target.name}: WeasyPrint needs the Pango library ({error}). "
                            "On Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0") from None
    documents = [weasyprint.HTML(filename=str(page), base_url=str(page.parent)).render() for page in pages]
    every_page = [page for document in documents for page in document.pages]
    write_whole(target, documents[0].copy(every_page).write_pdf())  # as every page of the pack
    return len(every_page)
