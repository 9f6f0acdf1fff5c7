"""Writing a file of the pack whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from kpilib.exceptions import WorkshopError

__all__ = ["write_whole"]


def write_whole(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) whole or not at all: a reader never sees half a page, even after a crash.

    The text goes to a hidden file next to ``path``, is flushed to disk, and replaces ``path`` in
    one step (:func:`os.replace`); a process killed on the way leaves the old file, or none.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        with (open(partial, "wb") if isinstance(text, bytes) else open(partial, "w", encoding="utf-8")) as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise WorkshopError(f"{path}: could not write the page ({err.strerror})") from None
