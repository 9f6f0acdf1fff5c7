"""The ``workshop.yaml`` of the sample workshop: how each raw export maps onto the canonical tables.

It is written verbatim next to the exports, so that the file in ``data/sample`` is always the
one the generator produces; change the mapping here, then run ``python -m kpilib.synth``.
"""

WORKSHOP_YAML = """\
# The sample workshop: Glasvezel Noord, a fictional Dutch fibre provider, April to June 2026.
# Written by `python -m kpilib.synth --out data/sample` (kpilib/synth/_workshop.py); edit it there.
client: Glasvezel Noord BV
time_zone: Europe/Amsterdam
calendar:
  country: NL                    # Good Friday, Easter Monday, King's Day, Ascension, Whit Monday
  opening_hours: "08:00-18:00"
pseudonymise: true

# -- the workshop: its days, the customers' norms, shared settings and the group's decisions --
start: 2026-12-01                # the first workshop day; the schedule is the next ten working days
language: en
norms:                           # what customers expect (kpilib.synth.CUSTOMER_NORMS)
  resolution_days: 3             # a fault or question resolved within 3 working days, end to end
  order_first_contact_days: 5    # a first call within a week of the order
  repeat_window_days: 7          # a contact within 7 days of the previous one is a repeat
  service_level_threshold_s: 20  # answered within 20 s of calling, the menu included
parameters:                      # settings the day notebooks share
  first_line: first_line         # the team where customers arrive
  threshold_s: 20
  fcr_window_days: 7             # the repeat window of first-contact resolution, in days
  period: month
decisions:                       # the group's decisions, for batch runs; recorded ones take precedence
  customer_values: [resolution, speed, effort, friendliness]
  customer_norms: {resolution_days: 3, order_first_contact_days: 5, repeat_window_days: 7,
                   service_level_threshold_s: 20}
  chains: [fault, complaint, order]
  chain_owners: {fault: manager technical support, complaint: manager customer service,
                 order: manager installation planning}
  current_kpis:                  # the teams' own KPIs and internal targets (kpilib.synth.INTERNAL_TARGETS)
    - {team: first_line, kpi: service_level, definition: {threshold_s: 20, clock: queue, abandoned: exclude},
       target: 0.80}
    - {team: first_line, kpi: average_handle_time, definition: {channel: phone}, target: 360}
    - {team: first_line, kpi: agent_resolved_rate, definition: {}, target: 0.75}
    - {team: second_line, kpi: stays_within_norm, definition: {norm_days: 5, done: [Opgelost, Gesloten]},
       target: 0.85}
    - {team: field, kpi: time_to_first_contact, definition: {norm_days: 20}, target: 0.85}
  customer_outcomes: [time_to_resolution, repeat_contact_rate, complaints_resolved_to_satisfaction,
                      callback_timeliness, time_to_first_contact]
  handover_points: ["first_line -> second_line", "second_line -> first_line", "second_line -> field"]
  definitions:
    service_level: {threshold_s: 20, clock: arrival, abandoned: fail}
    repeat_contact_rate: {window_days: 7, match: customer}
    first_contact_resolution: {method: repeat_window, window_days: 7}
    time_to_resolution: {norm_days: 3}
    time_to_first_contact: {norm_days: 5}
    complaints_resolved_to_satisfaction: {nonresponse: exclude, min_csat: 4}
  norms: {service_level: 20, repeat_contact_rate: 7, time_to_resolution: 3, time_to_first_contact: 5}
  targets: {service_level: 0.80, repeat_contact_rate: 0.15, time_to_resolution: 0.80,
            complaints_resolved_to_satisfaction: 0.70, callback_timeliness: 0.90, time_to_first_contact: 0.80}
  tactic: customer_intimacy
  levers: [one owner per case until it is resolved, call back on the promised day,
           escalate after two contacts without a solution, call within five working days of an order]
  criteria_weights: {customer_value_link: 3, covers_the_chain: 2, controllable_by_owner: 2,
                     measurable_from_data: 1, hard_to_game: 2, cost: 1}
  kpi_set:
    - {kpi: time_to_resolution, owner: manager technical support, score: 4.6}
    - {kpi: repeat_contact_rate, owner: manager customer service, score: 4.3}
    - {kpi: complaints_resolved_to_satisfaction, owner: manager customer service, score: 4.1}
    - {kpi: callback_timeliness, owner: manager technical support, score: 3.9}
    - {kpi: time_to_first_contact, owner: manager installation planning, score: 3.8}
  sign_off: {by: managing director, date: 2026-12-14}

sources:
  contacts:                      # the contact-centre platform: phone, chat, e-mail, call-backs
    file: exports/interacties.csv
    delimiter: ";"
    decimal: ","
    encoding: cp1252
    date_format: "%d-%m-%Y %H:%M:%S"
    drop:
      - {column: Type, equals: Test, reason: test call}
    columns:
      contact_id: Interactie-ID
      customer_id: Klantnummer
      case_id: Ticketnummer
      channel: {column: Kanaal, map: {Telefoon: phone, Chat: chat, E-mail: email, Terugbellen: callback}}
      direction: {column: Richting, map: {IN: inbound, UIT: outbound}}
      team:
        column: Wachtrij
        map: {Helpdesk: first_line, Techniek 2e lijn: second_line, Glasvezel planning: field,
              Facturatie: billing}
      arrived_at: {date: Datum, time: Starttijd}
      queued_at:                 # empty when the call ended in the IVR, and for outbound calls
        date: Datum
        time: Einde keuzemenu
        when: {column: Einde keuzemenu, not_null: true}
      ended_at: {from: arrived_at, plus: Totale duur (sec)}
      answered_at:
        from: ended_at
        minus: Gespreksduur
        when: {column: Afhandeling, not_in: [VERLATEN, IVR, NIET_BEREIKT]}
      outcome:
        column: Afhandeling
        map: {OPGELOST: resolved, DOORVERB: transferred, ESCALATIE: escalated, TERUGBEL: callback_promised,
              NIET_OPGELOST: unresolved, NIET_BEREIKT: unresolved, VERLATEN: null, IVR: null}
      reason: Reden
      agent_id: Medewerker

  cases:                         # the ticket system
    file: exports/tickets.xlsx
    sheet: Tickets
    columns:
      case_id: Ticketnummer
      customer_id: Klantnummer
      category:
        column: Categorie
        map: {Storing: fault, Factuur: billing, Abonnement: change, Verhuizing: move, Klacht: complaint,
              Bestelling: order}
      opened_at: Aangemaakt op
      resolved_at: Opgelost op
      closed_at: Gesloten op
      team_opened: {column: Aangemaakt door, map: {L1: first_line, L2: second_line, BD: field, FAC: billing}}

  events:                        # the ticket system's status log
    file: exports/tickets.xlsx
    sheet: Statuslog
    columns:
      case_id: Ticketnummer
      at: Tijdstip
      team: {column: Supportlijn, map: {L1: first_line, L2: second_line, BD: field, FAC: billing}}
      activity: Status
      agent_id: Behandelaar
      seq: Volgnummer

  surveys:                       # the survey tool
    file: exports/enquetes.csv
    delimiter: ","
    encoding: utf-8
    date_format: "%d-%m-%Y %H:%M"
    columns:
      survey_id: Enquête-ID
      customer_id: Klantnummer
      case_id: Ticketnummer
      contact_id: Interactie-ID
      answered_at: Ingevuld op
      csat: Tevredenheid (1-5)
      nps: Aanbevelen (0-10)
      ces: Gemak (1-7)
      friendliness: Vriendelijkheid medewerker (1-5)
      resolved: Probleem opgelost? (ja/nee)
      comment: Toelichting

  orders:                        # the order system
    file: exports/bestellingen.csv
    delimiter: "\\t"
    encoding: utf-8
    date_format: "%d-%m-%Y %H:%M"
    columns:
      order_id: Ordernummer
      customer_id: Klantnummer
      product: Product
      ordered_at: Besteld op
      first_contact_at: Eerste contact
      delivered_at: {column: Opleverdatum, format: "%d-%m-%Y"}

  callbacks:                     # the call-back planner
    file: exports/terugbelverzoeken.csv
    delimiter: ";"
    encoding: utf-8
    date_format: "%Y-%m-%d %H:%M:%S"
    columns:
      callback_id: Verzoek-ID
      customer_id: Klantnummer
      case_id: Ticketnummer
      team: {column: Team, map: {1e lijn: first_line, 2e lijn: second_line, Facturatie: billing}}
      requested_at: Aangevraagd
      promised_by: Beloofd voor
      attempted_at: Eerste poging
      reached: Bereikt

# The customer chains (klantketens): the intended order of the support lines, what the status
# log's statuses mean for time, and each chain from the customer's need to that need fulfilled,
# with the customer's norm in working days (kpilib.chains reads these two blocks). A chain's name
# is written once per language; the pack reads it in the workshop's language.
lines:
  order: [first_line, second_line, field]   # the intended way up; a step down is a handoff backwards
  outside: [billing]                        # takes part in chains, outside the line order
  waiting: [Toegewezen]                     # assigned to a team, not yet picked up
  done: [Opgelost, Gesloten]                # the need is met; time after it does not count

chains:
  fault:
    name: {en: Fault repaired, nl: Storing verholpen}
    cases: {category: fault}
    start: case_opened
    fulfilled: resolved
    norm_days: 3                            # "my connection works again within 3 working days"
  order:
    name: {en: New connection ordered, nl: Nieuwe aansluiting besteld}
    cases: {category: order}                # the customers' calls about their order
    start: order_placed
    fulfilled: first_contact
    norm_days: 5                            # "someone calls me within a week of my order"
  complaint:
    name: {en: Complaint resolved, nl: Klacht opgelost}
    cases: {category: complaint}
    start: case_opened
    fulfilled: resolved
    norm_days: 3
  move:
    name: {en: "Moved house, connection moved along", nl: "Verhuisd, aansluiting mee verhuisd"}
    cases: {category: move}
    start: case_opened
    fulfilled: resolved
    norm_days: 5
  billing:
    name: {en: Bill corrected, nl: Factuur gecorrigeerd}
    cases: {category: billing}
    start: case_opened
    fulfilled: resolved
    norm_days: 3
"""
