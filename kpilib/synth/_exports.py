"""The raw client-style exports of the sample workshop, written from the canonical tables.

Each file looks like what the provider's systems export, each system with its own habits:

- ``interacties.csv``: the contact-centre platform (phone, chat, e-mail, call-backs):
  semicolons, decimal commas, Windows-1252, CRLF, Dutch dates with separate date and time
  columns, IVR exit as a time, waits in seconds with a decimal comma, talk time as h:mm:ss,
  handling codes, and a few test calls that the mapping drops;
- ``tickets.xlsx``: the ticket system: a ``Tickets`` sheet (cases) and a ``Statuslog`` sheet
  (one row per status change, with the support line L1 / L2 / BD / FAC and the owner);
- ``enquetes.csv``: the survey tool: commas, UTF-8 with a byte-order mark, Dutch headers;
- ``bestellingen.csv``: the order system: tab separated, dates to the minute, delivery date;
- ``terugbelverzoeken.csv``: the call-back planner: semicolons, ISO timestamps, J/N.

Everything is deterministic: the same tables and seed give the same bytes (the workbook's
zip entries and document properties carry a fixed date; see :mod:`kpilib.synth._xlsx`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
from kpilib.synth import _cases
from kpilib.synth._world import World
from kpilib.synth._xlsx import workbook_bytes

# how each system names the canonical values
QUEUES = {"first_line": "Helpdesk", "second_line": "Techniek 2e lijn", "field": "Glasvezel planning",
          "billing": "Facturatie"}
LINES = {"first_line": "L1", "second_line": "L2", "field": "BD", "billing": "FAC"}
PLANNER_TEAMS = {"first_line": "1e lijn", "second_line": "2e lijn", "billing": "Facturatie"}
CHANNEL_NAMES = {"phone": "Telefoon", "chat": "Chat", "email": "E-mail", "callback": "Terugbellen"}
HANDLING = {"resolved": "OPGELOST", "transferred": "DOORVERB", "escalated": "ESCALATIE",
            "callback_promised": "TERUGBEL", "unresolved": "NIET_OPGELOST"}
CATEGORY_NAMES = {"fault": "Storing", "billing": "Factuur", "change": "Abonnement", "move": "Verhuizing",
                  "complaint": "Klacht", "order": "Bestelling"}
#: The moment the workbook claims to be written (zip entries, document properties).
FIXED_MOMENT = (2026, 7, 1, 6, 0, 0)


def _local(values: pd.Series, time_zone: str, fmt: str) -> pd.Series:
    """Local wall-clock text of aware timestamps; empty where missing."""
    text = values.dt.tz_convert(time_zone).dt.strftime(fmt)
    return text.astype(object).where(values.notna(), "")


def _seconds(start: pd.Series, end: pd.Series) -> np.ndarray:
    return ((end - start).dt.total_seconds()).to_numpy(dtype=float, na_value=np.nan)


def _comma(seconds: np.ndarray) -> list[str]:
    return ["" if np.isnan(s) else f"{s:.1f}".replace(".", ",") for s in seconds]


def _clock_time(seconds: np.ndarray) -> list[str]:
    whole = np.nan_to_num(np.round(seconds), nan=0).astype(np.int64)
    return [f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in whole]


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "")


def _write_csv(path: Path, frame: pd.DataFrame, *, delimiter: str, encoding: str, newline: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    path.write_bytes(buffer.getvalue().encode(encoding))


def interactions(contacts: pd.DataFrame, rng: np.random.Generator, time_zone: str) -> pd.DataFrame:
    """The contact-centre platform's interaction export, test calls included."""
    frame = interaction_rows(contacts, time_zone)
    frame["_at"] = contacts.arrived_at.array
    phone_days = contacts.arrived_at[contacts.channel == "phone"].dt.tz_convert(time_zone)
    phone_days = phone_days.dt.tz_localize(None).dt.normalize()
    tests = _test_calls(rng, np.sort(phone_days.unique()), time_zone)
    frame = pd.concat([frame, tests], ignore_index=True).sort_values("_at", kind="stable")
    return frame.drop(columns="_at")


def interaction_rows(contacts: pd.DataFrame, time_zone: str) -> pd.DataFrame:
    """The interaction export's rows of ``contacts``, in their order (no test calls)."""
    c = contacts
    answered = c.answered_at.notna()
    code = c.outcome.map(HANDLING).astype(object)
    code = np.where(answered, code, np.where(c.direction == "outbound", "NIET_BEREIKT",
                                             np.where(c.queued_at.notna(), "VERLATEN", "IVR")))
    waited = _seconds(c.queued_at, c.answered_at.fillna(c.ended_at))
    frame = pd.DataFrame({
        "Interactie-ID": c.contact_id.astype(object),
        "Datum": _local(c.arrived_at, time_zone, "%d-%m-%Y"),
        "Starttijd": _local(c.arrived_at, time_zone, "%H:%M:%S"),
        "Kanaal": c.channel.map(CHANNEL_NAMES).astype(object),
        "Richting": np.where(c.direction == "inbound", "IN", "UIT"),
        "Wachtrij": c.team.map(QUEUES).astype(object),
        "Klantnummer": _text(c.customer_id),
        "Ticketnummer": _text(c.case_id),
        "Reden": _text(c.reason),
        "Einde keuzemenu": _local(c.queued_at, time_zone, "%H:%M:%S"),
        "Wachttijd (sec)": _comma(waited),
        "Gespreksduur": _clock_time(_seconds(c.answered_at, c.ended_at)),
        "Totale duur (sec)": _comma(_seconds(c.arrived_at, c.ended_at)),
        "Afhandeling": code,
        "Medewerker": _text(c.agent_id),
        "Type": "Klant",
    }, index=c.index)
    return frame


def _test_calls(rng: np.random.Generator, days: np.ndarray, time_zone: str) -> pd.DataFrame:
    """Calls the supervisors make before opening time to test the menu; the mapping drops them."""
    picked = pd.DatetimeIndex(days[np.sort(rng.choice(len(days), 6, replace=False))])
    starts = picked + pd.to_timedelta(7 * 3600 + 30 * 60 + rng.integers(0, 1500, 6), unit="s")
    ivr = rng.integers(8, 20, 6)
    talk = rng.integers(15, 60, 6)
    return pd.DataFrame({
        "Interactie-ID": [str(599_000_001 + i) for i in range(6)],
        "Datum": starts.strftime("%d-%m-%Y"),
        "Starttijd": starts.strftime("%H:%M:%S"),
        "Kanaal": "Telefoon", "Richting": "IN", "Wachtrij": "Helpdesk", "Klantnummer": "",
        "Ticketnummer": "", "Reden": "",
        "Einde keuzemenu": (starts + pd.to_timedelta(ivr, unit="s")).strftime("%H:%M:%S"),
        "Wachttijd (sec)": "0,0",
        "Gespreksduur": _clock_time(talk.astype(float)),
        "Totale duur (sec)": _comma((ivr + talk).astype(float)),
        "Afhandeling": "OPGELOST", "Medewerker": "MW1001", "Type": "Test",
        "_at": starts.tz_localize(time_zone),
    })


def _naive(values: pd.Series, time_zone: str) -> list:
    local = values.dt.tz_convert(time_zone).dt.tz_localize(None)
    return [None if pd.isna(v) else v.to_pydatetime() for v in local]


def write_tickets(path: Path, world: World, cases: pd.DataFrame, events: pd.DataFrame,
                  rng: np.random.Generator, time_zone: str) -> None:
    """The ticket system's workbook: ``Tickets`` and ``Statuslog``."""
    last_status = events.groupby("case_id", sort=False).activity.last()
    priority = np.where(cases.category == "complaint", "Hoog",
                        rng.choice(np.array(["Normaal", "Laag", "Hoog"]), len(cases), p=[0.8, 0.1, 0.1]))
    tickets = zip(cases.case_id, _values(cases.customer_id), cases.category.map(CATEGORY_NAMES), priority,
                  _naive(cases.opened_at, time_zone), cases.team_opened.map(LINES),
                  _naive(cases.resolved_at, time_zone), _naive(cases.closed_at, time_zone),
                  cases.case_id.map(last_status), strict=True)
    substatus = np.array(_cases.SUBSTATUSES, dtype=object)[world.events["substatus"]]
    log = zip((int(s) for s in events.seq), events.case_id, _naive(events["at"], time_zone), events.activity,
              (s or None for s in substatus), events.team.map(LINES), _values(events.agent_id), strict=True)
    sheets = [
        ("Tickets", ["Ticketnummer", "Klantnummer", "Categorie", "Prioriteit", "Aangemaakt op", "Aangemaakt door",
                     "Opgelost op", "Gesloten op", "Status"], list(tickets), [13, 12, 12, 10, 19, 15, 19, 19, 15]),
        ("Statuslog", ["Volgnummer", "Ticketnummer", "Tijdstip", "Status", "Substatus", "Supportlijn",
                       "Behandelaar"], list(log), [11, 13, 19, 15, 27, 11, 12]),
    ]
    path.write_bytes(workbook_bytes(sheets, creator="Ticketsysteem Glasvezel Noord", moment=FIXED_MOMENT))


def _values(values: pd.Series) -> list:
    """Text values with None where missing."""
    return [None if pd.isna(v) else str(v) for v in values]


def surveys(frame: pd.DataFrame, time_zone: str) -> pd.DataFrame:
    s = frame
    return pd.DataFrame({
        "Enquête-ID": s.survey_id.astype(object),
        "Klantnummer": _text(s.customer_id),
        "Ticketnummer": _text(s.case_id),
        "Interactie-ID": _text(s.contact_id),
        "Ingevuld op": _local(s.answered_at, time_zone, "%d-%m-%Y %H:%M"),
        "Tevredenheid (1-5)": s.csat.astype(object),
        "Aanbevelen (0-10)": s.nps.astype(object),
        "Gemak (1-7)": s.ces.astype(object),
        "Vriendelijkheid medewerker (1-5)": s.friendliness.astype(object),
        "Probleem opgelost? (ja/nee)": s.resolved.map({True: "ja", False: "nee"}).astype(object).fillna(""),
        "Toelichting": _text(s.comment),
    })


def orders(frame: pd.DataFrame, time_zone: str) -> pd.DataFrame:
    o = frame
    return pd.DataFrame({
        "Ordernummer": o.order_id.astype(object),
        "Klantnummer": _text(o.customer_id),
        "Product": o["product"].astype(object),
        "Besteld op": _local(o.ordered_at, time_zone, "%d-%m-%Y %H:%M"),
        "Eerste contact": _local(o.first_contact_at, time_zone, "%d-%m-%Y %H:%M"),
        "Opleverdatum": _local(o.delivered_at, time_zone, "%d-%m-%Y"),
    })


def callbacks(frame: pd.DataFrame, time_zone: str) -> pd.DataFrame:
    b = frame
    iso = "%Y-%m-%d %H:%M:%S"
    return pd.DataFrame({
        "Verzoek-ID": b.callback_id.astype(object),
        "Klantnummer": _text(b.customer_id),
        "Ticketnummer": _text(b.case_id),
        "Team": b.team.map(PLANNER_TEAMS).astype(object),
        "Aangevraagd": _local(b.requested_at, time_zone, iso),
        "Beloofd voor": _local(b.promised_by, time_zone, iso),
        "Eerste poging": _local(b.attempted_at, time_zone, iso),
        "Bereikt": b.reached.map({True: "J", False: "N"}).astype(object).fillna(""),
    })


def write_all(folder: Path, world: World, tables: dict[str, pd.DataFrame], seed: int) -> list[Path]:
    """Write the five export files into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    tz = world.clock.time_zone
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    paths = {name: folder / name for name in ("interacties.csv", "tickets.xlsx", "enquetes.csv",
                                              "bestellingen.csv", "terugbelverzoeken.csv")}
    _write_csv(paths["interacties.csv"], interactions(tables["contacts"], rng, tz),
               delimiter=";", encoding="cp1252", newline="\r\n")
    write_tickets(paths["tickets.xlsx"], world, tables["cases"], tables["events"], rng, tz)
    _write_csv(paths["enquetes.csv"], surveys(tables["surveys"], tz),
               delimiter=",", encoding="utf-8-sig", newline="\r\n")
    _write_csv(paths["bestellingen.csv"], orders(tables["orders"], tz), delimiter="\t", encoding="utf-8",
               newline="\n")
    _write_csv(paths["terugbelverzoeken.csv"], callbacks(tables["callbacks"], tz), delimiter=";",
               encoding="utf-8", newline="\n")
    return list(paths.values())
