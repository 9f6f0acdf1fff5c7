"""Read and check a workshop's ``workshop.yaml``.

The format is described in ``docs/mapping.md``.  :func:`load_config` reads the
file, checks every entry and returns a typed :class:`WorkshopConfig`; all
mistakes in the file are reported together in one :class:`WorkshopError`,
each with its line number (the checks live in
``kpilib/data/_config_yaml.py``).

Under ``sources:`` every value is read as the text written in the file
(``01`` stays ``"01"``, ``yes`` stays ``"yes"``); only ``null``, ``~``, an
empty value, ``true`` and ``false`` are special.  Codes in a ``map`` and
values in a ``when`` or ``drop`` rule are therefore compared as written.
"""

from __future__ import annotations

from pathlib import Path

from kpilib.data._config_types import (CONFIG_NAME, DEFAULT_TIME_ZONE, DELIMITERS, ENCODINGS, FILE_KINDS, OPERATORS,
                                       SECTIONS, UNITS, ColumnSpec, Condition, DropRule, SourceConfig,
                                       WorkshopConfig, close_matches)
from kpilib.data._config_yaml import read_workshop_yaml
from kpilib.exceptions import WorkshopError

__all__ = [
    "CONFIG_NAME",
    "ColumnSpec",
    "Condition",
    "DEFAULT_TIME_ZONE",
    "DELIMITERS",
    "DropRule",
    "ENCODINGS",
    "FILE_KINDS",
    "OPERATORS",
    "SECTIONS",
    "SourceConfig",
    "UNITS",
    "WorkshopConfig",
    "close_matches",
    "load_config",
]


def load_config(path: str | Path, *, require_sources: bool = True) -> WorkshopConfig:
    """Read and check the ``workshop.yaml`` of a workshop folder.

    Parameters
    ----------
    path
        The workshop folder, or the ``workshop.yaml`` file itself.
    require_sources
        Whether a ``sources:`` block with at least one table is required (importing needs one;
        a workshop that has no exports mapped yet can still be opened with False).

    Returns
    -------
    WorkshopConfig

    Raises
    ------
    WorkshopError
        When the folder or file is missing, or the file has mistakes; every
        mistake is listed with its line number.
    """
    path = Path(path)
    file = path if path.suffix in (".yaml", ".yml") else path / CONFIG_NAME
    if not path.exists():
        raise WorkshopError(f"{path}: no such workshop folder. Give the folder that holds {CONFIG_NAME}.")
    if not file.is_file():
        raise WorkshopError(f"{file.parent}: no {CONFIG_NAME} in this folder. "
                            f"Create one as described in docs/mapping.md.")
    return read_workshop_yaml(file, require_sources=require_sources)
