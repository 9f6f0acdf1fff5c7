"""The canonical data model: the tables every KPI reads.

Client exports are mapped onto these tables at import (see ``docs/mapping.md``).
Timestamps are time-zone aware instants; identifiers are strings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLES", "Column", "Table", "OUTCOMES", "DIRECTIONS", "table"]

#: Canonical values of ``contacts.outcome``.
OUTCOMES = ("resolved", "transferred", "escalated", "callback_promised", "unresolved")
#: Canonical values of ``contacts.direction``.
DIRECTIONS = ("inbound", "outbound")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "id", "text", "category", "timestamp", "int", "float", "bool"
    required: bool = False
    meaning: str = ""
    allowed: tuple[str, ...] | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    key: str | None
    columns: tuple[Column, ...]
    meaning: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name, kind, required=False, meaning="", **kw) -> Column:
    return Column(name, kind, required, meaning, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "contacts",
            "contact_id",
            (
                _c("contact_id", "id", True, "unique id of the contact attempt"),
                _c("customer_id", "id", False, "null = unknown caller; pseudonymised at import"),
                _c("case_id", "id", False, "case / ticket the contact belongs to"),
                _c("channel", "category", True, "lower-case: phone, chat, email, callback, visit, web, …"),
                _c("direction", "category", True, "inbound or outbound", allowed=DIRECTIONS),
                _c("team", "category", True, "team / department / support line that handled or was queued for it"),
                _c("arrived_at", "timestamp", True, "reached the organisation (IVR entry for phone)"),
                _c("queued_at", "timestamp", False, "entered the queue for an agent (IVR exit); null if it never queued"),
                _c("answered_at", "timestamp", False, "an agent picked it up; null if never answered"),
                _c("ended_at", "timestamp", False, "hang-up / abandon / chat closed"),
                _c("outcome", "category", False, "how the contact ended", allowed=OUTCOMES),
                _c("reason", "category", False, "contact reason"),
                _c("agent_id", "id", False, "pseudonymised at import"),
            ),
            "one row per contact attempt (call, chat, e-mail, call-back attempt, visit)",
        ),
        Table(
            "cases",
            "case_id",
            (
                _c("case_id", "id", True),
                _c("customer_id", "id"),
                _c("category", "category", False, "the value `complaint` marks complaints"),
                _c("opened_at", "timestamp", True),
                _c("resolved_at", "timestamp"),
                _c("closed_at", "timestamp"),
                _c("team_opened", "category"),
            ),
            "one row per case / ticket",
        ),
        Table(
            "events",
            None,
            (
                _c("case_id", "id", True),
                _c("at", "timestamp", True),
                _c("team", "category", True),
                _c("activity", "category"),
                _c("agent_id", "id"),
                _c("seq", "int", False, "source order; breaks ties between events at the same moment"),
            ),
            "case event log (status changes), for chain analysis",
        ),
        Table(
            "orders",
            "order_id",
            (
                _c("order_id", "id", True),
                _c("customer_id", "id"),
                _c("product", "category"),
                _c("ordered_at", "timestamp", True),
                _c("first_contact_at", "timestamp"),
                _c("delivered_at", "timestamp"),
            ),
        ),
        Table(
            "surveys",
            "survey_id",
            (
                _c("survey_id", "id", True),
                _c("customer_id", "id"),
                _c("case_id", "id"),
                _c("contact_id", "id"),
                _c("answered_at", "timestamp"),
                _c("csat", "int", lower=1, upper=5),
                _c("nps", "int", lower=0, upper=10),
                _c("ces", "int", lower=1, upper=7),
                _c("friendliness", "int", False, "the customer's rating of the agent's friendliness", lower=1, upper=5),
                _c("resolved", "bool", False, "the customer's own answer to 'was your question resolved?'"),
                _c("comment", "text", False, "free text; shown escaped, never as markup"),
            ),
        ),
        Table(
            "callbacks",
            "callback_id",
            (
                _c("callback_id", "id", True),
                _c("customer_id", "id"),
                _c("case_id", "id"),
                _c("team", "category"),
                _c("requested_at", "timestamp", True),
                _c("promised_by", "timestamp"),
                _c("attempted_at", "timestamp", False, "first attempt"),
                _c("reached", "bool"),
            ),
        ),
    ]
}

#: Identifier columns that are pseudonymised at import unless the workshop says otherwise.
PSEUDONYMISED = ("customer_id", "agent_id")


def table(name: str) -> Table:
    """Return the canonical table called ``name``."""
    from kpilib._checks import check_argument

    check_argument("table", name, list(TABLES))
    return TABLES[name]
