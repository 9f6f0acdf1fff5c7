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
"""
