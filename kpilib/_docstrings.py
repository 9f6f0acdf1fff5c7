"""Parameter descriptions shared by many docstrings, written once."""

from __future__ import annotations

SHARED = {
    "by": """by : None, str or list of str
        Group the result by these columns: canonical columns of the KPI's table, or ``day``,
        ``week`` (the Monday) or ``month`` (the 1st) of the KPI's anchor timestamp in local time,
        returned as naive timestamps at midnight of the period's start, or ``interval``: the local
        start of the 15, 30 or 60 minutes the contact falls in (a naive local time; see
        ``interval_minutes``). A group that has rows but an empty base gets denominator 0 and value NaN.""",
    "count": """count : {'interactions', 'entries'}
        What is counted: every interaction (default), or one per customer call: the interaction that
        starts an entry, leaving out the legs a transfer added (see :mod:`kpilib.kpis.entries`).""",
    "interval": """interval_minutes : {15, 30, 60}
        The length of an ``interval`` in ``by`` (default 30). Summed over the intervals of a day,
        numerators and denominators are the day's.
    interval_of : {'arrival', 'answer'}
        Which moment puts a contact in its interval (and its day, when both are grouped): its
        arrival (default, the interval the call was offered in) or its answer (an abandoned call:
        when the caller hung up; a contact with neither: its arrival).""",
    "returns": """pandas.DataFrame
        The ``by`` columns, then ``numerator``, ``denominator`` and ``value`` = numerator /
        denominator (NaN where the denominator is 0); one row when ``by`` is None.""",
    "contacts": """contacts : pandas.DataFrame or ibis Table
        Canonical contacts (``kpilib.data.schema``); optional columns may be left out. Naive timestamps
        are local time in the workshop's time zone (``time_zone:`` of workshop.yaml, by default
        Europe/Amsterdam).""",
    "offered": """*Offered* contacts, here and in every queue KPI: the inbound contacts of ``channel`` that
    reached the queue (``queued_at`` not null), minus the short abandons; see :mod:`kpilib.kpis.queue`.""",
    "channel": """channel : str or None
        Only inbound contacts of this channel; None for every channel.""",
    "clock": """clock : {'queue', 'arrival'}
        Where the wait starts: ``queued_at`` (after the IVR) or ``arrived_at`` (includes IVR time).""",
    "short_abandon_s": """short_abandon_s : float or None
        With a positive value, abandoned contacts that waited at most this many seconds are removed
        from everything (numerator and denominator): callers who dialled a wrong number or hung up
        at once. With 0 or None (the default 0) nothing is removed, not even an abandon after 0 s:
        a call abandoned at once is still an abandoned call. The wait is measured on
        ``short_abandon_clock``.""",
    "short_abandon_clock": """short_abandon_clock : {'queue', 'arrival'} or None
        Where the short-abandon wait starts; None (default): the KPI's own ``clock`` (the queue for
        the abandonment rate). Vendors differ: Talkdesk starts the short-abandon timer when the call
        enters the system (``"arrival"``; Talkdesk data dictionary, "Short-Abandoned Calls"), Ivanti
        Voice when the interaction is queued (``"queue"``; "Number of Calls Short Abandoned"), and
        Cisco's Abandoned Call Wait timer is set at the peripheral (ICM CTI Server user guide,
        "Planning for Short Calls"). Choose the one the client's own reports use.""",
    "surveys": """surveys : pandas.DataFrame or ibis Table
        Canonical surveys; anchor ``answered_at``.""",
    "calendar": """calendar : WorkingCalendar, optional
        Working days and holidays; default: the Netherlands' public holidays, Monday to Friday.""",
    "as_of": """as_of : timestamp, optional
        The moment of measurement; default the latest timestamp in the data.""",
}


def fill(func):
    """Replace ``{name}`` fields in ``func.__doc__`` with the shared texts."""
    if func.__doc__:
        func.__doc__ = func.__doc__.format(**SHARED)
    return func
