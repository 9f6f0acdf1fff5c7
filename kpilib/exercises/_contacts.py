"""Exercises 1-5 (days 3 and 4): the queue and the customer coming back, on the contacts table.

Each expected value is a kpilib KPI on the workshop's store; each mistake is the same KPI with
the mistaken definition (a parameter, or the data changed the way the mistake changes it).
"""

from __future__ import annotations

import kpilib
from kpilib.exercises._spec import Data, Mistake, Part, Spec, kpi_value


def _sl(d: Data, **definition) -> float:
    options = {"threshold_s": 20, "clock": "queue", "abandoned": "fail"} | definition
    return kpi_value(kpilib.service_level(d.store.contacts, **options))


def _ivr_calls_offered(d: Data) -> float:
    c = d.contacts
    return kpi_value(kpilib.service_level(c.assign(queued_at=c.queued_at.fillna(c.arrived_at)),
                                          threshold_s=20, clock="queue", abandoned="fail"))


EXCLUDED = Mistake(
    "You left the abandoned calls out of the denominator (answered within 20 s / answered). That is "
    "the first line's internal definition: a caller who hung up after three minutes was not served "
    "within 20 seconds, so an abandoned call counts as a failure here.",
    lambda d: _sl(d, abandoned="exclude"),
)
ARRIVAL_CLOCK = Mistake(
    "You started the clock at `arrived_at`, so the IVR menu time is counted. This exercise asks for "
    "the queue clock: the wait from `queued_at` (exercise 2 compares the two).",
    lambda d: _sl(d, clock="arrival"),
)
QUEUE_CLOCK = Mistake(
    "You started the clock at `queued_at`: that leaves out the IVR menu. The customer's wait starts "
    "when the call reaches the organisation, at `arrived_at`.",
    lambda d: _sl(d, clock="queue"),
)

SERVICE_LEVEL = Spec(
    1, "service_level", "Service level by hand, and why abandoned calls matter", 3,
    parts=(Part(lambda d: _sl(d), label="the service level", mistakes=(
        EXCLUDED,
        ARRIVAL_CLOCK,
        Mistake("You counted every inbound channel. The service level of this exercise is the phone "
                "queue: keep `channel == 'phone'`.", lambda d: _sl(d, channel=None)),
        Mistake("You counted the calls that ended in the IVR (no `queued_at`) as offered. A call that "
                "never entered the queue was not offered to an agent: leave it out.", _ivr_calls_offered),
    )),),
    hints=(
        "Offered calls are inbound phone contacts with a `queued_at`; abandoned ones have no `answered_at`.",
        "The wait of an answered call is `answered_at - queued_at`, in seconds: `.dt.total_seconds()`.",
        "Numerator: answered calls with wait <= 20. Denominator: answered plus abandoned calls.",
    ),
)

IVR_TIME = Spec(
    2, "ivr_time", "The same service level with and without IVR time", 3,
    parts=(
        Part(lambda d: _sl(d), name="queue", label="the service level on the queue clock",
             mistakes=(ARRIVAL_CLOCK, EXCLUDED)),
        Part(lambda d: _sl(d, clock="arrival"), name="arrival", label="the service level on the arrival clock",
             mistakes=(QUEUE_CLOCK, Mistake(EXCLUDED.message, lambda d: _sl(d, clock="arrival",
                                                                             abandoned="exclude")))),
        Part(lambda d: kpi_value(kpilib.average_speed_of_answer(d.store.contacts, clock="arrival"))
             - kpi_value(kpilib.average_speed_of_answer(d.store.contacts, clock="queue")),
             name="ivr_mean_s", kind="number", label="the mean IVR time of answered calls in seconds",
             mistakes=(Mistake("Take the answered phone calls only: the calls the service level counts as "
                               "answered, not the abandoned ones or the chats.", lambda d: _ivr_all(d)),)),
    ),
    hints=(
        "Write the service level once as a function of the start column, then call it with "
        "`queued_at` and with `arrived_at`.",
        "Abandoned calls fail in both (the denominator is answered + abandoned).",
        "IVR time of a call: `queued_at - arrived_at`; take its mean over the answered phone calls.",
    ),
)


def _ivr_all(d: Data) -> float:
    c = d.contacts
    queued = c[(c.direction == "inbound") & c.queued_at.notna()]
    return float((queued.queued_at - queued.arrived_at).dt.total_seconds().mean())


def _abandonment(d: Data, short_abandon_s: float) -> tuple[float, float]:
    frame = kpilib.abandonment_rate(d.store.contacts, short_abandon_s=short_abandon_s)
    return float(frame.numerator.iloc[0]), float(frame.denominator.iloc[0])


SHORT_ABANDONS = Spec(
    3, "short_abandons", "Abandonment with short abandons removed", 3,
    parts=(Part(lambda d: kpi_value(kpilib.abandonment_rate(d.store.contacts, short_abandon_s=5)),
                label="the abandonment rate", mistakes=(
        Mistake("You kept the short abandons (hung up within 5 s of entering the queue). Those callers "
                "pressed a wrong option or changed their mind; remove them from the numerator and the "
                "denominator alike.", lambda d: kpi_value(kpilib.abandonment_rate(d.store.contacts))),
        Mistake("You removed the short abandons from the numerator only. They were never really offered: "
                "take them out of the denominator too.",
                lambda d: _abandonment(d, 5)[0] / _abandonment(d, 0)[1]),
        Mistake("You divided by the answered calls. The abandonment rate divides by the offered calls: "
                "answered plus abandoned.", lambda d: (lambda n, m: n / (m - n))(*_abandonment(d, 5))),
    )),),
    hints=(
        "Offered: inbound phone calls with a `queued_at`. Abandoned: offered, no `answered_at`.",
        "An abandon's wait is `ended_at - queued_at`; it is short when that is at most 5 seconds.",
        "Drop the short abandons from the offered calls first, then divide abandoned by offered.",
    ),
)


def _repeats(d: Data, **options):
    return kpilib.repeat_contact_rate(d.store.contacts, window_days=7, **options)


def calendar_day_repeats(d: Data):
    """The base of the repeat-contact rate, each flagged when followed within 7 *calendar days*.

    The mistaken window: the next contact's local date at most 7 dates after this one's, instead
    of at most 7 x 24 hours later.
    """
    c = d.contacts
    base = c[(c.direction == "inbound") & c.answered_at.notna() & c.customer_id.notna()]
    arrivals = base[["customer_id", "arrived_at"]].drop_duplicates().sort_values(["customer_id", "arrived_at"])
    arrivals["next_at"] = arrivals.groupby("customer_id").arrived_at.shift(-1)
    dates = (arrivals.next_at.dt.normalize() - arrivals.arrived_at.dt.normalize()).dt.days
    arrivals["repeat"] = dates.le(7) & arrivals.next_at.notna()
    return base.merge(arrivals[["customer_id", "arrived_at", "repeat"]], on=["customer_id", "arrived_at"])


CALENDAR_DAYS = ("You used a window of 7 calendar days (the next contact's date at most 7 dates later). "
                 "The window is 7 x 24 hours from the moment of the contact: a call on Monday 17:00 is "
                 "repeated by one the next Monday at 16:00, not by one at 18:00.")

REPEAT_CONTACTS = Spec(
    4, "repeat_contacts", "Repeat contacts within 7 days", 4,
    parts=(Part(lambda d: kpi_value(_repeats(d)), label="the repeat-contact rate", mistakes=(
        Mistake(CALENDAR_DAYS, lambda d: float(calendar_day_repeats(d).repeat.mean())),
        Mistake("You counted outbound contacts too. A repeat is the customer coming back: inbound "
                "contacts only, as base and as follow-up.",
                lambda d: kpi_value(kpilib.repeat_contact_rate(d.contacts.assign(direction="inbound")))),
        Mistake("You counted unanswered contacts. The base is the answered inbound contacts, and only an "
                "answered contact is a follow-up.", lambda d: kpi_value(kpilib.repeat_contact_rate(
                    d.contacts.assign(answered_at=d.contacts.answered_at.fillna(d.contacts.arrived_at))))),
        Mistake("You matched contacts on the case. A customer who calls again about the same problem often "
                "gets a new case: match on `customer_id`.", lambda d: kpi_value(_repeats(d, match="case"))),
    )),),
    hints=(
        "Base: inbound contacts with an `answered_at` and a `customer_id`.",
        "Sort by customer and `arrived_at`; `groupby('customer_id').arrived_at.shift(-1)` gives the next one.",
        "A repeat: the next arrival is later and at most `pd.Timedelta(days=7)` after this one.",
    ),
)


def _fcr(d: Data, method: str, contacts=None, cases=None, surveys=None) -> float:
    return kpi_value(kpilib.first_contact_resolution(
        d.store.contacts if contacts is None else contacts, method=method,
        cases=d.store.cases if cases is None else cases, surveys=d.store.surveys if surveys is None else surveys))


def _pandas_fcr(d: Data, method: str, **frames) -> float:
    tables = {"contacts": d.contacts, "cases": d.cases, "surveys": d.surveys} | frames
    return _fcr(d, method, **tables)


FCR_THREE_WAYS = Spec(
    5, "fcr_three_ways", "First-contact resolution three ways, and why they differ", 4,
    parts=(
        Part(lambda d: _fcr(d, "repeat_window"), name="repeat_window", label="FCR by the repeat window",
             mistakes=(
                 Mistake("You counted transferred (and escalated, call-back promised) contacts as resolved "
                         "when no repeat followed. A transferred contact did not resolve the question at the "
                         "first contact, whatever happened later.",
                         lambda d: 1 - kpi_value(_repeats(d))),
                 Mistake("You only looked at the outcome the agent recorded. A customer who comes back within "
                         "7 x 24 h was not resolved at the first contact.",
                         lambda d: kpi_value(kpilib.first_contact_resolution(d.store.contacts,
                                                                             window_days=1e-9))),
             )),
        Part(lambda d: _fcr(d, "case"), name="case", label="FCR by case", mistakes=(
            Mistake("You counted outbound contacts of a case. Our own call-backs are not the customer's "
                    "contacts: count inbound contacts only.",
                    lambda d: _pandas_fcr(d, "case", contacts=d.contacts.assign(direction="inbound"))),
            Mistake("You counted single-contact cases that are not resolved (no `resolved_at`) as resolved.",
                    lambda d: _pandas_fcr(d, "case", cases=d.cases.assign(resolved_at=d.cases.opened_at))),
        )),
        Part(lambda d: _fcr(d, "survey"), name="survey", label="FCR by survey", mistakes=(
            Mistake("You divided by every survey. A survey without an answer to 'was your question resolved?' "
                    "says nothing: leave it out of the denominator.",
                    lambda d: float(kpilib.first_contact_resolution(method="survey", surveys=d.store.surveys)
                                    .numerator.iloc[0]) / len(d.surveys)),
        )),
    ),
    hints=(
        "Repeat window: the base of exercise 4; resolved = no repeat and an outcome that is not "
        "'transferred', 'escalated' or 'callback_promised'.",
        "By case: count inbound contacts per `case_id`; a case is resolved at first contact when it has "
        "exactly one and a `resolved_at`; divide by the cases with at least one inbound contact.",
        "By survey: the share of True among the answered `resolved` values.",
    ),
)

SPECS = (SERVICE_LEVEL, IVR_TIME, SHORT_ABANDONS, REPEAT_CONTACTS, FCR_THREE_WAYS)
