"""The call-back funnel on a page (days 4 and 8): the funnel, the punctuality and what they mean in a sentence."""

from __future__ import annotations

import pandas as pd

from kpilib.kpis.callbacks import callback_funnel, callback_punctuality, funnel_facts
from kpilib.report.narration import narrate, show_table

__all__ = ["show_callback_funnel"]


def show_callback_funnel(requests: pd.DataFrame) -> list:
    """The funnel table, the punctuality table and a sentence, for ``display(*…)``.

    ``requests`` is :func:`kpilib.kpis.callbacks.callback_requests` of the workshop's call-backs.
    """
    funnel, punctuality = callback_funnel(requests), callback_punctuality(requests)
    facts = funnel_facts(requests, funnel, punctuality)
    sentence = ("Of **{requested:,} call-back requests**, {attempted:.0%} were attempted, {reached:.0%} reached the "
                "customer and {resolved:.0%} resolved it (no new contact within a week). {abandons:,} attempts did "
                "not reach the customer. Of the requests due, {on_time:.0%} were attempted on time; {late:,} came "
                "more than a working day (8 working hours) late. {pending:,} customers contacted us again while "
                "their call-back was pending ({contacts:,} contacts).")
    return [
        show_table(funnel, formats={"share": "{:.0%}"}, caption="What became of the call-back requests",
                   headers={"requests": "requests", "share": "share of the requests"}),
        show_table(punctuality, formats={"share": "{:.0%}"},
                   caption="How punctual the first attempt was, in working hours after the promise",
                   headers={"requests": "requests", "share": "share of the requests with a promise"}),
        narrate(sentence, requested=facts["requested"], attempted=facts["attempted"], reached=facts["reached"],
                resolved=facts["resolved"], abandons=facts["abandons"], on_time=facts["on_time"],
                late=facts["late_over_8h"], pending=facts["with_pending_contact"], contacts=facts["pending_contacts"]),
    ]
