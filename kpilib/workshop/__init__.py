"""The workshop engine: the workshop folder and its workshop.yaml blocks, the decisions store, the schedule.

May import :mod:`kpilib.days` and everything below it; never :mod:`kpilib.report` or :mod:`kpilib.widgets`.
"""

from kpilib.workshop.folder import Workshop, new_workshop, open_workshop

__all__ = ["Workshop", "new_workshop", "open_workshop"]
