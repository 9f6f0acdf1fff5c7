"""Presets: the mapping of a well-known export format, written once, named in ``workshop.yaml``.

A source with ``preset: NAME`` starts from the keys of :data:`PRESETS` ``[NAME]`` as if they were
written in ``workshop.yaml``; the keys the source writes itself win, and its ``columns:`` entries
replace the preset's entry for the same canonical column (docs/mapping.md, "Presets").

``asterisk_queue_log``: the ``queue_log`` file of Asterisk and of the PBXs built on it (FreePBX,
Issabel, Wazo, VitalPBX), ``/var/log/asterisk/queue_log``. Each line is one event of one queued
call, pipe-delimited without a header::

    epoch|callid|queue|agent|event|data1|data2|data3|data4|data5

``epoch`` is the UNIX time (seconds since 1970-01-01 UTC), ``callid`` the caller channel's unique id
(``NONE`` on lines about agents or queues, not calls), ``agent`` the member channel (``NONE`` until
an agent is involved). The data fields per event, from the Asterisk documentation "Queue Logs"
(https://docs.asterisk.org/Operation/Logging/Queue-Logs/, also ``doc/queuelog.txt`` in the Asterisk
sources):

====================  ==============================================================
ENTERQUEUE            url | callerid — the caller entered the queue
CONNECT               holdtime | bridgedchanneluniqueid | ringtime — an agent answered
COMPLETECALLER        holdtime | calltime | origposition — the caller hung up
COMPLETEAGENT         holdtime | calltime | origposition — the agent hung up
TRANSFER              extension | context | holdtime | calltime (| origposition)
BLINDTRANSFER         extension | context | holdtime | calltime | origposition
ATTENDEDTRANSFER      method | method data | holdtime | calltime | origposition
ABANDON               position | origposition | waittime — the caller hung up in the queue
EXITWITHTIMEOUT       position | origposition | waittime — the queue's timeout was reached
EXITWITHKEY           key | position | origposition | waittime — the caller pressed a key
EXITEMPTY             position | origposition | waittime — no agents could take calls
RINGNOANSWER          ringtime (ms) — an agent's phone rang without an answer
====================  ==============================================================

holdtime, calltime and waittime are seconds. The preset turns each *queue entry* into one contact:
a call that is transferred into another queue enters it with a new ENTERQUEUE line under the same
callid, and becomes a second contact there (``<callid>-2``), so that each queue is measured on the
calls it was offered; the first leg ends as ``transferred``. RINGNOANSWER lines (an agent rang and
did not pick up) do not end the entry and add no contact.

The contact: ``arrived_at`` = ``queued_at`` = the ENTERQUEUE line, ``answered_at`` = the CONNECT
line (its holdtime is the wait), ``agent_id`` = the CONNECT line's agent, ``team`` = the queue,
``customer_id`` = the caller id of ENTERQUEUE, ``ended_at`` = the line that closes the entry
(COMPLETECALLER / COMPLETEAGENT / a transfer: written when the call leaves, at CONNECT + calltime;
ABANDON / EXIT*: at ENTERQUEUE + waittime), ``outcome`` = ``transferred`` after a transfer and empty
otherwise (the log does not say whether the question was resolved; an entry without CONNECT and
with an end is abandoned).
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRESETS", "merge_preset"]

_QUEUE_ENDS = ["COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER",
               "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"]

#: The presets by name: the keys of a source, as they would be written in ``workshop.yaml``.
PRESETS: dict[str, dict[str, Any]] = {
    "asterisk_queue_log": {
        "delimiter": "|",
        "header": ["epoch", "callid", "queue", "agent", "event", "data1", "data2", "data3", "data4", "data5"],
        "pivot": {
            "key": "callid",
            "event": "event",
            "start": ["ENTERQUEUE"],
            "fields": {
                "queue": {"event": "ENTERQUEUE", "column": "queue"},
                "entered": {"event": "ENTERQUEUE", "column": "epoch", "epoch": True},
                "callerid": {"event": "ENTERQUEUE", "column": "data2"},
                "answered": {"event": "CONNECT", "column": "epoch", "epoch": True},
                "agent": {"event": "CONNECT", "column": "agent"},
                "ended": {"event": list(_QUEUE_ENDS), "column": "epoch", "epoch": True, "take": "last"},
                "how": {"event": list(_QUEUE_ENDS), "column": "event", "take": "last"},
                "calltime": {"column": {"COMPLETECALLER": "data2", "COMPLETEAGENT": "data2", "TRANSFER": "data4",
                                        "BLINDTRANSFER": "data4", "ATTENDEDTRANSFER": "data4"}, "take": "last"},
                "waittime": {"column": {"CONNECT": "data1", "ABANDON": "data3", "EXITWITHTIMEOUT": "data3",
                                        "EXITWITHKEY": "data4", "EXITEMPTY": "data3"}, "take": "last"},
            },
        },
        "columns": {
            "contact_id": "callid",
            "customer_id": "callerid",
            "channel": {"value": "phone"},
            "direction": {"value": "inbound"},
            "team": "queue",
            "arrived_at": "entered",
            "queued_at": "entered",
            "answered_at": "answered",
            "ended_at": "ended",
            "outcome": {"column": "how", "map": {"TRANSFER": "transferred", "BLINDTRANSFER": "transferred",
                                                 "ATTENDEDTRANSFER": "transferred"}, "other": None},
            "agent_id": "agent",
        },
    },
}


def merge_preset(preset: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The source's keys over the preset's; ``columns`` merged per canonical column."""
    merged = {**preset, **{k: v for k, v in own.items() if k != "preset"}}
    if isinstance(own.get("columns"), dict):
        merged["columns"] = {**preset.get("columns", {}), **own["columns"]}
    return merged
