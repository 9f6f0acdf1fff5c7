"""The KPI functions a catalogue entry can name, each registered where it is defined.

The catalogue (:mod:`kpilib.kpis.catalogue`) names a KPI by its function; the functions live in
:mod:`kpilib.kpis` and, for the chain KPIs, in :mod:`kpilib.chains`, above the catalogue. Each
registers itself here with :func:`kpi_function`, so that the catalogue finds it without importing
upwards. Importing any part of kpilib imports the whole package first, so every KPI function is
registered before a catalogue is read.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["KPI_FUNCTIONS", "kpi_function"]

#: KPI id (the function's name) → the function.
KPI_FUNCTIONS: dict[str, Callable] = {}


def kpi_function(function: Callable) -> Callable:
    """Register ``function`` as the KPI of its name; returns it unchanged."""
    KPI_FUNCTIONS[function.__name__] = function
    return function
