"""The knobs of the generated provider: volumes, routes through the teams, queue behaviour, norms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from kpilib._checks import check_argument, check_number
from kpilib.exceptions import ParameterError

#: Canonical team names, in the intended order of the support lines.
TEAMS = ("first_line", "second_line", "field", "billing")
FIRST_LINE, SECOND_LINE, FIELD, BILLING = range(4)

#: Canonical case categories (``complaint`` marks complaints) and the contact reason of each.
CATEGORIES = ("fault", "billing", "change", "move", "complaint", "order", "information")
REASONS = ("Storing", "Factuur", "Abonnement", "Verhuizing", "Klacht", "Bestelling", "Informatie")
FAULT, BILL, CHANGE, MOVE, COMPLAINT, ORDER, INFO = range(7)

#: Channels and directions, by code.
CHANNELS = ("phone", "chat", "email", "callback")
PHONE, CHAT, EMAIL, CALLBACK = range(4)
DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("resolved", "transferred", "escalated", "callback_promised", "unresolved")
RESOLVED, TRANSFERRED, ESCALATED, CALLBACK_PROMISED, UNRESOLVED = range(5)

#: The paths a case can take through the teams (each a sequence of stays).
ROUTES = (
    (FIRST_LINE,),                                     # 0 solved by the first line
    (FIRST_LINE, SECOND_LINE),                         # 1 handed over to the second line
    (FIRST_LINE, SECOND_LINE, FIRST_LINE, SECOND_LINE),  # 2 ping-pong L1 -> L2 -> L1 -> L2
    (FIRST_LINE, SECOND_LINE, FIELD),                  # 3 the second line sends an engineer
    (FIRST_LINE, SECOND_LINE, FIRST_LINE),             # 4 sent back, the first line closes
    (FIRST_LINE, BILLING),                             # 5 billing
    (FIRST_LINE, FIELD),                               # 6 the fibre unit (moves)
)

_ROUTE_SHARES = {
    "fault": (0.42, 0.28, 0.10, 0.12, 0.08, 0.0, 0.0),
    "billing": (0.62, 0.0, 0.0, 0.0, 0.0, 0.38, 0.0),
    "change": (0.85, 0.0, 0.0, 0.0, 0.0, 0.15, 0.0),
    "move": (0.35, 0.0, 0.0, 0.0, 0.0, 0.0, 0.65),
    "complaint": (0.0, 0.30, 0.15, 0.15, 0.0, 0.40, 0.0),
}

#: How the organisation measures itself (all met on the sample).
INTERNAL_TARGETS = MappingProxyType({
    "service_level": MappingProxyType(
        {"threshold_s": 20, "clock": "queue", "abandoned": "exclude", "target": 0.80}),
    "average_handle_time_s": 360,          # first-line phone AHT must stay below this
    "resolved_tick": 0.75,                 # share of answered first-line contacts ticked 'resolved'
    "second_line_norm_days": 5,            # working days a ticket may stay with the second line
    "second_line_within_norm": 0.85,       # share of second-line stays within that norm
    "order_first_contact_days": 20,        # the planners' idea of a fine first contact (4 weeks)
})

#: What customers expect (all missed on the sample).
CUSTOMER_NORMS = MappingProxyType({
    "service_level": MappingProxyType(
        {"threshold_s": 20, "clock": "arrival", "abandoned": "fail", "target": 0.80}),
    "resolution_days": 3,                  # need fulfilled within 3 working days, end to end
    "resolution_within_norm": 0.80,
    "repeat_window_days": 7,
    "repeat_contact_max": 0.15,            # at most this share of answered contacts repeated
    "complaints_satisfied": 0.70,          # resolved complaints resolved to satisfaction
    "callbacks_on_time": 0.90,
    "order_first_contact_days": 5,         # customers expect a call within a week
    "order_first_contact_within_norm": 0.80,
})


@dataclass(frozen=True)
class Story:
    """The parameters of the stories built into the generated provider.

    Every field has a default that tells the stories of the sample; change one to see
    a KPI move (e.g. ``Story(second_line_backlog_days=0.3)`` makes call-backs timely).

    Volumes
        ``cases_per_customer_month``, ``orders_per_customer_month``, ``category_shares``
        (fault, billing, change, move, complaint), ``first_channel_shares`` (phone, chat,
        e-mail), ``information_share`` (answered calls without a case, e.g. prospects).
    Chain
        ``route_shares``: per category, the shares of :data:`ROUTES`;
        ``second_line_backlog_days``: median working days a ticket waits before the second
        line picks it up (and makes its call-back); ``callback_promise_days``: the first line
        promises a call-back by the end of this working day (1 = tomorrow);
        ``false_resolution``: share of fault and billing cases the first line closes as
        resolved whose customer comes back within 7 days with a new case;
        ``retell_per_day``: status calls per working day a handed-over case is open;
        ``late_callback_call``: chance a customer calls again when a call-back is late;
        ``escalated_tick``: share of first contacts of handed-over cases that the agent
        still ticks 'resolved'.
    Queue
        ``ivr_median_s``; ``wait_mean_s`` / ``long_wait_share`` / ``long_wait_mean_s`` (the
        wait of answered calls: mostly short, a busy tail); ``abandon_share``: share of
        answered calls preceded by an abandoned attempt; ``short_abandon_share``: share of
        abandons within 5 seconds; ``ivr_only_share``: calls that end in the IVR;
        ``talk_median_s``: median first-line talk time.
    Orders
        ``order_contact_median_days``: median working days from order to first contact;
        ``never_contacted``: share of orders nobody calls; ``order_status_call``: chance a
        customer waiting longer than a week calls to ask.
    Surveys
        ``survey_response``: (complaints, other cases); ``complaint_resolved``: factor on the
        chance a complaint customer answers 'resolved'.
    """

    cases_per_customer_month: float = 0.055
    orders_per_customer_month: float = 0.008
    category_shares: tuple[float, ...] = (0.50, 0.20, 0.12, 0.08, 0.10)
    first_channel_shares: tuple[float, ...] = (0.70, 0.17, 0.13)
    information_share: float = 0.05
    route_shares: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: MappingProxyType(dict(_ROUTE_SHARES)))
    second_line_backlog_days: float = 2.5
    callback_promise_days: int = 1
    false_resolution: float = 0.25
    retell_per_day: float = 0.3
    late_callback_call: float = 0.7
    escalated_tick: float = 0.6
    ivr_median_s: float = 24.0
    wait_mean_s: float = 7.0
    long_wait_share: float = 0.12
    long_wait_mean_s: float = 80.0
    abandon_share: float = 0.10
    short_abandon_share: float = 0.35
    ivr_only_share: float = 0.04
    talk_median_s: float = 270.0
    order_contact_median_days: float = 11.0
    never_contacted: float = 0.06
    order_status_call: float = 0.3
    survey_response: tuple[float, float] = (0.40, 0.15)
    complaint_resolved: float = 0.55

    def __post_init__(self) -> None:
        chances = {"information_share", "false_resolution", "late_callback_call", "escalated_tick",
                   "long_wait_share", "abandon_share", "short_abandon_share", "ivr_only_share",
                   "never_contacted", "order_status_call", "complaint_resolved"}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "route_shares":
                for category, shares in value.items():
                    check_argument("route_shares category", category, list(_ROUTE_SHARES))
                    if len(shares) != len(ROUTES) or min(shares) < 0 or sum(shares) <= 0:
                        raise ParameterError(f"`route_shares[{category!r}]` must hold {len(ROUTES)} shares "
                                             f"(one per route, not all 0); got {shares!r}")
            elif isinstance(value, tuple):
                for share in value:
                    check_number(f.name, share, minimum=0, maximum=1)
            elif f.name in chances:
                check_number(f.name, value, minimum=0, maximum=1)
            else:
                check_number(f.name, value, minimum=0, strict_minimum=True)
