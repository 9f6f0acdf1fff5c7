"""The "record decision" button: writes what the group agreed to the workshop's decisions store.

Under the button, the log of that decision (when, who, what, note) and an undo of the one in force,
so the room sees what it agreed and can take a decision back without leaving the day. What the page
says about the decision in force (:func:`kpilib.widgets.in_force`) is said again after each.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ipywidgets as widgets

from kpilib._i18n import tr
from kpilib.exceptions import KpiError
from kpilib.widgets._in_force import decision_changed
from kpilib.workshop.wording import DECISION_TITLES, decision_text

__all__ = ["DecisionRecorder", "describe_value", "record_decision"]


#: How many rows of a decision's log are shown (the newest first).
LOG_ROWS = 5


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
        self.who = widgets.Text(value=by or "", description=tr("Decided by"), placeholder=tr("who decided"),
                                style={"description_width": "initial"})
        self.note = widgets.Text(value="", description=tr("Note"), placeholder=tr("why, in a few words"),
                                 style={"description_width": "initial"})
        self.label = label = tr(DECISION_TITLES.get(key, key.replace("_", " ")))
        self.button = widgets.Button(description=tr("Record {what}").format(what=label), button_style="primary", icon="check",
                                     layout={"width": "auto"})
        self.undo_button = widgets.Button(description=tr("Undo the {what} in force").format(what=label), icon="undo",
                                          layout={"width": "auto"})
        self.message = widgets.HTML(value="")
        #: The log of this decision (an HTML table): its last recordings and undos, newest first.
        self.history = widgets.HTML(value="")
        #: The Decision returned by the last successful recording, or None.
        self.decision: Any = None
        self.button.on_click(lambda _button: self.record())
        self.undo_button.on_click(lambda _button: self.undo())
        super().__init__([widgets.HBox([self.who, self.note]), widgets.HBox([self.button, self.undo_button]),
                          self.message, self.history])
        self.show_log()

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
                f'<div style="color:#b00020">{html.escape(tr("Not recorded: {error}").format(error=error))}</div>'
            )
            return None
        self.decision = decision
        who = self.who.value.strip()
        where = getattr(self.ws, "decision_store", None)
        client = getattr(self.ws, "client", None) or Path(getattr(self.ws, "path", ".")).name
        self.message.value = (
            '<div style="color:#1b5e20">'
            + html.escape(tr("Recorded the {what}: {value}").format(
                what=self.label, value=decision_text(self.key, decision.value if hasattr(decision, "value") else value)), quote=False)
            + (html.escape(tr(" (by {who})").format(who=who)) if who else "")
            + html.escape(tr(" in {client}").format(client=client))
            + (f" ({html.escape(str(where.path))})" if getattr(where, "path", None) else "")
            + "</div>"
        )
        self.show_log()
        decision_changed(self.ws, self.key)
        return decision

    def undo(self) -> Any:
        """Withdraw the recorded decision in force (a new row in the log; nothing is deleted).

        The decision before it is in force again, else the workshop's own or the default value. Returns
        the undo row, or None when there was nothing to undo.
        """
        who, note = self.who.value.strip() or None, self.note.value.strip() or None
        try:
            row = self.ws.undo(self.key, by=who, note=note)
            now = decision_text(self.key, self.ws.decision(self.key))
        except KpiError as error:
            self.message.value = f'<div style="color:#b00020">{html.escape(tr("Not undone: {error}").format(error=error))}</div>'
            return None
        self.decision = None
        self.message.value = ('<div style="color:#1b5e20">' + html.escape(
            tr("Undone. In force now for the {what}: {value}").format(what=self.label, value=now), quote=False) + "</div>")
        self.show_log()
        decision_changed(self.ws, self.key)
        return row

    def show_log(self) -> None:
        """Show this decision's log (when, who, what, note), newest first; hide undo when there is none."""
        store = getattr(self.ws, "decision_store", None)
        if store is None:                      # a workshop without a store (a stand-in): no log to show
            self.history.value, self.undo_button.layout.display = "", "none"
            return
        try:
            rows = store.rows(self.key)
        except KpiError as error:
            self.history.value = (f'<div style="color:#b00020">'
                                  f'{html.escape(tr("The log cannot be read: {error}").format(error=error))}</div>')
            return
        in_force = {d.id for d in store.in_force().values()} if rows else set()
        self.undo_button.layout.display = None if any(r.id in in_force for r in rows) else "none"
        self.history.value = _log_html(rows, in_force, self._zone())

    def _zone(self) -> ZoneInfo | None:
        zone = getattr(getattr(self.ws, "config", None), "time_zone", None)
        return ZoneInfo(zone) if isinstance(zone, str) else zone


def _log_html(rows: list[Any], in_force: set[int], zone: Any) -> str:
    """The newest LOG_ROWS rows of a decision's log as a small table; the decision in force in bold."""
    if not rows:
        return f'<div class="kpi-decision-log" style="color:#555">{html.escape(tr("Not recorded yet."))}</div>'
    value_of = {r.id: r.value for r in rows}
    lines = []
    for r in reversed(rows[-LOG_ROWS:]):
        at = r.at.astimezone(zone) if zone is not None else r.at
        if r.action == "undo":
            what = tr("undone: {value}").format(value=_short(decision_text(r.key, value_of.get(r.undoes))))
        else:
            what = _short(decision_text(r.key, r.value)) + (tr(" (in force)") if r.id in in_force else "")
        cells = [at.strftime("%d-%m-%Y %H:%M"), r.by or "", what, r.note or ""]
        weight = "font-weight:bold;" if r.id in in_force else ""
        lines.append(f'<tr style="{weight}">' + "".join(f"<td>{html.escape(c, quote=False)}</td>" for c in cells) + "</tr>")
    more = len(rows) - LOG_ROWS
    tail = f'<div style="color:#555">{html.escape(tr("… and {n} earlier").format(n=more))}</div>' if more > 0 else ""
    head = "".join(f"<th>{html.escape(tr(name))}</th>" for name in ("When", "Who", "What", "Note"))
    return (f'<table class="kpi-decision-log"><thead><tr>{head}'
            "</tr></thead><tbody>" + "".join(lines) + "</tbody></table>" + tail)


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


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
