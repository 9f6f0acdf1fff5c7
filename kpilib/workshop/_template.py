"""The commented ``workshop.yaml`` that ``kpi-workshop new`` writes."""

from __future__ import annotations

import datetime as dt
import json

_TEMPLATE = """\
# The KPI workshop of {client_comment}.
# Written by `kpi-workshop new`; every block is described in docs/mapping.md.
client: {client}
language: {language}                     # en or nl: the language of the schedule and the reports
time_zone: {time_zone}        # local times in the exports are read in this zone
calendar:
  country: {country}                      # public holidays are not working days
  # closed: [2026-12-24]         # extra closed days of the organisation
  # opening_hours: "08:00-18:00" # working time within a working day
pseudonymise: true               # customer and agent ids become keyed hashes at import

start: {start}                # the first workshop day; the schedule is the next ten working days
# schedule:
#   days: 10                     # fewer when the workshop is shorter
#   skip: [2026-12-08]           # working days on which the group does not meet

# Map each export file onto a canonical table (contacts, cases, events, orders, surveys,
# callbacks). Put the files in exports/, then for each one give the file and its columns:
#
# sources:
#   contacts:
#     file: exports/telefonie.csv
#     delimiter: ";"
#     date_format: "%d-%m-%Y %H:%M:%S"
#     columns:
#       contact_id: Gesprek-ID
#       customer_id: Klantnummer
#       channel: {{value: phone}}
#       direction: {{column: Richting, map: {{IN: inbound, UIT: outbound}}}}
#       team: Wachtrij
#       arrived_at: {{date: Datum, time: Starttijd}}
#
# `kpi-workshop check` lists every problem with the mapping; `kpi-workshop import` writes the store.
sources: {{}}

# What customers expect: working days for `_days`, hours for `_hours`, seconds for `_s`.
norms:
  resolution_days: 3             # a question or fault is resolved within 3 working days, end to end
  order_first_contact_days: 5    # after an order, the customer hears from us within a week
  callback_hours: 24             # a promised call-back happens within a day
  repeat_window_days: 7          # a contact within 7 days of the last one is a repeat

# Settings the day notebooks share, such as `threshold_s: 20` or `first_line: helpdesk`.
parameters: {{}}

# Decisions for batch runs (kpi-workshop render); decisions recorded in the workshop's sessions
# take precedence. `kpi-workshop decisions` lists the keys and what is in force.
decisions: {{}}
"""


def workshop_yaml(*, client: str, start: dt.date, language: str, country: str, time_zone: str) -> str:
    """The text of a new workshop's ``workshop.yaml``."""
    return _TEMPLATE.format(client=json.dumps(client, ensure_ascii=False), client_comment=" ".join(client.split()),
                            start=start.isoformat(), language=language, country=country, time_zone=time_zone)
