"""What a page says about a decision in force, said again as soon as the room records or undoes it.

A day page says which decision is in force ("The tactic in force is …") before and after the
control that records it. In batch mode (the pack) that text is shown once, as it is; in the live
room it is shown in a widget that the record button redraws, so the page never contradicts what
the group just recorded.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from kpilib._i18n import tr
from kpilib.exceptions import KpiError

__all__ = ["InForce", "decision_changed", "in_force"]

#: The texts on show, per decision key: redrawn when that decision is recorded or undone.
_SHOWN: dict[str, list[weakref.ref[InForce]]] = {}


class InForce(widgets.Output):
    """The output of ``make()``, made again by :meth:`refresh`; build it with :func:`in_force`."""

    def __init__(self, ws: Any, keys: Sequence[str], show: Callable[[], Any]) -> None:
        super().__init__()
        # not `keys`: a widget's `keys` are the names of its synced traits
        self.workshop, self.decision_keys, self.make = ws, tuple(keys), show
        for key in self.decision_keys:
            _SHOWN.setdefault(key, []).append(weakref.ref(self))
        self.refresh()

    def refresh(self) -> None:
        """Show what ``make()`` returns now (a decision's text, a table); a failure says why, in place."""
        from IPython.core.formatters import DisplayFormatter

        try:
            shown = self.make()
        except KpiError as error:
            data = {"text/html": f'<div style="color:#b00020">{html.escape(tr("Cannot be shown: {error}").format(error=error))}</div>',
                    "text/plain": tr("Cannot be shown: {error}").format(error=error)}
            metadata: dict = {}
        else:
            data, metadata = DisplayFormatter().format(shown)
        self.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)


def in_force(ws: Any, keys: str | Sequence[str], show: Callable[[], Any], *, interactive: bool) -> Any:
    """What ``show()`` returns, kept up to date in the live room when a decision on ``keys`` is recorded.

    Parameters
    ----------
    ws : kpilib Workshop
        The open workshop; ``show`` reads the decisions in force from it.
    keys : str or list of str
        The decision keys the text depends on, for example ``["customer_values", "tactic"]``.
    show : callable
        Makes the text from the decisions in force *now*, for example a :func:`kpilib.narrate`
        that calls ``ws.decision(...)``; it is called again after every recording or undo.
    interactive : bool
        The notebook's facilitator mode. Off (the pack), ``show()`` is returned as it is.

    Returns
    -------
    ``show()``'s result, or an :class:`InForce` (an ``ipywidgets.Output``) in facilitator mode.
    """
    if not interactive:
        return show()
    return InForce(ws, [keys] if isinstance(keys, str) else keys, show)


def decision_changed(ws: Any, key: str) -> None:
    """Redraw every text on show that depends on ``key`` of ``ws``; the record button calls it."""
    alive = []
    for ref in _SHOWN.get(key, []):
        shown = ref()
        if shown is None:
            continue
        alive.append(ref)
        if _same_workshop(shown.workshop, ws):
            shown.refresh()
    _SHOWN[key] = alive


def _same_workshop(a: Any, b: Any) -> bool:
    path_a, path_b = getattr(a, "path", None), getattr(b, "path", None)
    return a is b or (path_a is not None and path_a == path_b)
