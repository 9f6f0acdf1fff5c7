"""Import of a client's exports into the canonical tables (see ``docs/mapping.md``).

:func:`check_workshop` validates and profiles the exports named in a workshop's
``workshop.yaml``; :func:`import_workshop` validates them and writes the
canonical tables to ``store.duckdb`` in the workshop folder.
May import :mod:`kpilib.data` and the foundation.
"""

from kpilib.importing._report import CheckReport, ImportReport
from kpilib.importing.api import check_workshop, import_workshop

__all__ = ["CheckReport", "ImportReport", "check_workshop", "import_workshop"]
