"""Where an import keeps its scratch files, and what it says when the disk is full.

Every import works in its own folder ``.kpi-scratch/import-<pid>-<random>/`` inside the workshop
folder (or in the system's temporary folder when the workshop folder is read-only). An import
that was killed cannot remove its folder, so each import first removes the folders of imports
whose process is gone, and the folders ``.kpi-import-*`` that earlier versions left in the
workshop folder: no copy of a raw export outlives the next import.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kpilib.data.config import WorkshopConfig
from kpilib.exceptions import WorkshopError

SCRATCH_DIR = ".kpi-scratch"
_PREFIX = "import-"
#: errno values that mean the disk (or the quota, or the file-size limit) is full.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FULL_TEXT = ("No space left on device", "Disk quota exceeded", "File too large", "not enough space")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: Path) -> None:
    """Remove the scratch folders of imports that are no longer running."""
    for old in folder.glob(".kpi-import-*"):
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    for scratch in (folder / SCRATCH_DIR).glob(f"{_PREFIX}*"):
        pid = scratch.name[len(_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)


def create(folder: Path) -> Path:
    """A new scratch folder for this import, after removing the stale ones."""
    prefix = f"{_PREFIX}{os.getpid()}-"
    if os.access(folder, os.W_OK):
        clean_stale(folder)
        place = folder / SCRATCH_DIR
        place.mkdir(exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=place))
    return Path(tempfile.mkdtemp(prefix=f"kpi-{prefix}"))


def remove(scratch: Path) -> None:
    """Remove an import's scratch folder, and ``.kpi-scratch`` when no other import uses it."""
    shutil.rmtree(scratch, ignore_errors=True)
    if scratch.parent.name == SCRATCH_DIR:
        with contextlib.suppress(OSError):
            scratch.parent.rmdir()


def _mb(size: float) -> str:
    return f"{max(size, 1e6) / 1e6:,.0f} MB".replace(",", " ")


def is_full(exc: BaseException) -> bool:
    """Whether ``exc`` says that a write failed for lack of space."""
    if isinstance(exc, OSError) and exc.errno in _FULL:
        return True
    return isinstance(exc, duckdb.Error) and any(t in str(exc) for t in _FULL_TEXT)


@contextlib.contextmanager
def disk_errors(config: WorkshopConfig) -> Iterator[None]:
    """Turn 'no space left' during a check or import into a message with the space needed."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        if not is_full(exc):
            raise
        exports = sum(s.path.stat().st_size for s in config.sources if s.path.is_file())
        store = config.store_path.stat().st_size if config.store_path.is_file() else 0
        # a UTF-8 copy of one export at a time, DuckDB's spill and the new store next to the old one
        needed = 2 * exports + store
        try:
            free = f" ({_mb(shutil.disk_usage(config.folder).free)} free now)"
        except OSError:
            free = ""
        raise WorkshopError(
            f"{config.folder}: the disk is full; the import could not write its scratch files or the new "
            f"store. It needs about {_mb(needed)} free in the workshop folder{free} for "
            f"{_mb(exports)} of exports. Free space there (or move the workshop to a larger disk) and "
            "import again; the previous store was left as it was.") from None
