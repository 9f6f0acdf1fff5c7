"""The "record decision" button: writes what the group agreed to the workshop's decisions store."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from kpilib.exceptions import KpiError

__all__ = ["DecisionRecorder", "describe_value", "record_decision"]


def describe_value(value: Any) -> str:
    """A short, readable text of a decision value (lists and mappings as compact JSON)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def current_value(source: Any) -> Any:
    """The value a widget (its ``value``) or a callable (its result) holds right now."""
    if isinstance(source, widgets.Widget) or (hasattr(source, "value") and not callable(source)):
        return source.value
    return source()


class DecisionRecorder(widgets.VBox):
    """Who / note fields, a button and a message line; :meth:`record` does what the button does.

    Build it with :func:`record_decision`.
    """

    def __init__(self, ws: Any, key: str, value: Any, *, by: str | None = None) -> None:
        if not (isinstance(value, widgets.Widget) or hasattr(value, "value") or callable(value)):
            raise TypeError(
                f"`value` must be a widget or a callable returning the value; got {type(value).__name__}"
            )
        self.ws = ws
        self.key = key
        self.source = value
        self.who = widgets.Text(value=by or "", description="Decided by", placeholder="who decided",
                                style={"description_width": "initial"})
        self.note = widgets.Text(value="", description="Note", placeholder="why, in a few words",
                                 style={"description_width": "initial"})
        self.button = widgets.Button(description=f"Record {key}", button_style="primary", icon="check")
        self.message = widgets.HTML(value="")
        #: The Decision returned by the last successful recording, or None.
        self.decision: Any = None
        self.button.on_click(lambda _button: self.record())
        super().__init__([widgets.HBox([self.who, self.note]), self.button, self.message])

    def record(self) -> Any:
        """Write the current value to the decisions store; show what was recorded or why not.

        Returns the Decision, or None when the value was refused. The fields keep what the user
        typed either way, so nothing entered is lost.
        """
        try:
            value = current_value(self.source)
            decision = self.ws.decide(self.key, value, by=self.who.value.strip() or None,
                                      note=self.note.value.strip() or None)
        except KpiError as error:
            self.decision = None
            self.message.value = (
                f'<div style="color:#b00020">Not recorded: {html.escape(str(error))}</div>'
            )
            return None
        self.decision = decision
        who = self.who.value.strip()
        where = getattr(self.ws, "decision_store", None)
        client = getattr(self.ws, "client", None) or Path(getattr(self.ws, "path", ".")).name
        self.message.value = (
            f'<div style="color:#1b5e20">Recorded <code>{html.escape(self.key)}</code> = '
            f"{html.escape(describe_value(value))}"
            + (f" (by {html.escape(who)})" if who else "")
            + f" in {html.escape(client)}"
            + (f" ({html.escape(str(where.path))})" if getattr(where, "path", None) else "")
            + "</div>"
        )
        return decision


def record_decision(ws: Any, key: str, value: Any | Callable[[], Any], *,
                    by: str | None = None) -> DecisionRecorder:
    """A button (with who and note fields) that records ``key`` in the workshop's decisions store.

    Parameters
    ----------
    ws : kpilib Workshop
        The open workshop (``kpilib.open_workshop``); its ``decide`` validates and stores.
    key : str
        The decision key (``kpilib.workshop.decisions.DECISION_KEYS``), for example ``"definitions"``.
    value : ipywidgets widget, or callable
        Where the value comes from when the button is pressed: a widget's ``value`` (also the
        kpilib widgets' containers, which expose ``value``) or the result of calling it.
    by : str, optional
        Pre-fills the "by" field.

    Returns
    -------
    DecisionRecorder
        The container (an ``ipywidgets.VBox``). A refused value shows the validation message in
        the widget, never a traceback.
    """
    return DecisionRecorder(ws, key, value, by=by)
