"""The generated provider: the shipped sample is what the generator writes, the tables are canonical
and deterministic, every story is in the data, and the sample imports back into the same tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kpilib import synth
from kpilib.exceptions import ParameterError
from kpilib.data.schema import DIRECTIONS, OUTCOMES, TABLES
from kpilib.synth.__main__ import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TZ = "Europe/Amsterdam"
HOLIDAYS = np.array(sorted(holidays.country_holidays("NL", years=[2026, 2027])), dtype="datetime64[D]")


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    """The canonical tables of the shipped sample (seed 2026, April to June 2026)."""
    return synth.generate()


def small(**kw) -> dict[str, pd.DataFrame]:
    return synth.generate(**{"seed": 11, "months": 1, "customers": 3_000, **kw})


def working_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working dates d with date(start) <= d < date(end), in local time (NaN where end is missing)."""
    out = pd.Series(np.nan, index=start.index)
    known = end.notna()
    first = start[known].dt.tz_convert(TZ).dt.date.to_numpy(dtype="datetime64[D]")
    last = end[known].dt.tz_convert(TZ).dt.date.to_numpy(dtype="datetime64[D]")
    out[known] = np.busday_count(first, last, holidays=HOLIDAYS)
    return out


def phone_queue(contacts: pd.DataFrame) -> pd.DataFrame:
    """Offered inbound phone calls with their waits on both clocks (seconds)."""
    c = contacts[(contacts.channel == "phone") & (contacts.direction == "inbound") & contacts.queued_at.notna()]
    stop = c.answered_at.fillna(c.ended_at)
    return pd.DataFrame({"answered": c.answered_at.notna().to_numpy(),
                         "queue": (stop - c.queued_at).dt.total_seconds().to_numpy(),
                         "arrival": (stop - c.arrived_at).dt.total_seconds().to_numpy()})


def team_paths(events: pd.DataFrame) -> pd.Series:
    """Per case the teams it passed, consecutive rows at one team collapsed ('first_line>second_line')."""
    e = events.sort_values(["case_id", "at", "seq"])
    teams = e.team.astype(object)
    new_stay = teams.ne(teams.groupby(e.case_id.astype(object)).shift())
    return teams[new_stay].groupby(e.case_id.astype(object)[new_stay]).agg(">".join)


# -- 1. the shipped sample is what the generator writes ----------------------------------

def test_shipped_sample_is_what_the_generator_writes(tmp_path):
    written = synth.write_sample(tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert names == ["exports/bestellingen.csv", "exports/enquetes.csv", "exports/interacties.csv",
                     "exports/terugbelverzoeken.csv", "exports/tickets.xlsx", "workshop.yaml"]
    shipped = sorted(p.relative_to(SAMPLE).as_posix() for p in (SAMPLE / "exports").iterdir())
    assert shipped == names[:-1], "data/sample/exports holds files the generator does not write"
    for name in names:
        new, old = (tmp_path / name).read_bytes(), (SAMPLE / name).read_bytes()
        if name.endswith(".xlsx"):
            # compare the workbook's parts uncompressed: another zlib may compress them differently
            with zipfile.ZipFile(io.BytesIO(new)) as a, zipfile.ZipFile(io.BytesIO(old)) as b:
                assert a.namelist() == b.namelist()
                for part in a.namelist():
                    assert a.read(part) == b.read(part), f"{name}: part {part} differs"
        else:
            assert new == old, f"{name} differs from what `python -m kpilib.synth --out data/sample` writes"


def test_sample_is_small():
    sizes = {p.name: p.stat().st_size for p in (SAMPLE / "exports").iterdir()}
    assert sum(sizes.values()) < 5_000_000, sizes


# -- 2. determinism ------------------------------------------------------------------------

def test_same_seed_same_tables_other_seed_other_tables():
    first, again, other = small(), small(), small(seed=12)
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["contacts"].arrived_at.equals(other["contacts"].arrived_at)


def test_same_seed_same_bytes(tmp_path):
    kw = {"seed": 5, "months": 1, "customers": 1_500}
    one = synth.write_sample(tmp_path / "one", **kw)
    two = synth.write_sample(tmp_path / "two", **kw)
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_wrong_arguments_are_named():
    with pytest.raises(ParameterError, match=r"`months` must be >= 1; got 0"):
        synth.generate(months=0)
    with pytest.raises(ParameterError, match=r"`scale` must be > 0; got 0"):
        synth.generate(scale=0)
    with pytest.raises(ParameterError, match=r"`start` must be a date such as '2026-04-01'; got 'soon'"):
        synth.generate(start="soon")
    with pytest.raises(ParameterError, match=r"`time_zone` must be an IANA time zone name"):
        synth.generate(time_zone="Amsterdam")
    with pytest.raises(ParameterError, match=r"`abandon_share` must be <= 1; got 1.5"):
        synth.Story(abandon_share=1.5)
    with pytest.raises(ParameterError, match=r"`route_shares\['fault'\]` must hold 7 shares"):
        synth.Story(route_shares={"fault": (1.0,)})


# -- 3. the stories ------------------------------------------------------------------------

def test_teams_and_handover_to_second_line(sample):
    c, paths = sample["contacts"], team_paths(sample["events"])
    assert set(c.team) == {"first_line", "second_line", "field", "billing"}
    assert set(c.channel[c.team == "first_line"]) == {"phone", "chat", "email", "callback"}
    # routes 1-4: 0.58 of faults (0.50 of cases) + 0.60 of complaints (0.10) = 0.29 + 0.06 = 0.35 of the
    # drawn cases, plus customers who come back; less the order questions (first line only)
    assert paths.str.startswith("first_line>second_line").mean() > 0.30


def test_second_line_call_backs_are_late(sample):
    cb = sample["callbacks"]
    due = cb[cb.promised_by < pd.Timestamp("2026-07-01", tz=TZ)]
    on_time = (due.attempted_at <= due.promised_by).groupby(due.team.astype(object)).mean()
    # promise: end of the next working day; backlog median 2.5 working days -> most are late
    assert on_time["second_line"] < 0.45  # sample: 645 / 2 228 = 0.29
    assert on_time["first_line"] > 0.85 and on_time["billing"] > 0.85  # sample: 0.93 and 0.97


def test_customers_call_back_and_retell(sample):
    c = sample["contacts"]
    inbound = c[(c.direction == "inbound") & c.answered_at.notna()]
    known = inbound[inbound.customer_id.notna()].sort_values(["customer_id", "arrived_at"])
    following = known.groupby("customer_id").arrived_at.shift(-1)
    repeat = ((following - known.arrived_at) <= pd.Timedelta(days=7)).mean()
    assert repeat > 0.30  # sample: 0.46; the customer's norm is at most 0.15
    per_case = inbound[inbound.case_id.notna()].groupby("case_id").size()
    assert per_case.max() >= 6  # sample: 14; one ping-pong case is given at least six
    ping_pong = team_paths(sample["events"]).str.contains("first_line>second_line>first_line")
    # routes 2 and 4: 0.18 of faults (0.50 of cases) + 0.15 of complaints (0.10) = 0.09 + 0.015 = 0.105
    assert ping_pong.mean() > 0.05


def test_green_inside(sample):
    c, q = sample["contacts"], phone_queue(sample["contacts"])
    answered = q[q.answered]
    assert (answered.queue <= 20).mean() >= 0.80  # queue clock, abandoned excluded; sample 0.82
    first = c[(c.team == "first_line") & (c.direction == "inbound") & c.answered_at.notna()]
    phone = first[first.channel == "phone"]
    # AHT target 6 min; talk time lognormal, median 270 s, sigma 0.5: mean 270 * exp(0.125) = 306 s
    assert (phone.ended_at - phone.answered_at).dt.total_seconds().mean() < 360
    assert (first.outcome == "resolved").mean() >= 0.75  # the agent's own tick; sample 0.78
    e = sample["events"].sort_values(["case_id", "at", "seq"])
    stays = e[e.team.astype(object).ne(e.team.astype(object).groupby(e.case_id.astype(object)).shift())]
    leaves = stays.groupby(stays.case_id.astype(object))["at"].shift(-1)
    resolved = stays.case_id.map(sample["cases"].set_index("case_id").resolved_at)
    second = stays.team == "second_line"
    days = working_days(stays["at"][second], leaves[second].fillna(resolved[second]))
    assert (days.dropna() <= 5).mean() >= 0.85  # the second line's own norm per stay; sample 0.92


def test_red_outside(sample):
    q = phone_queue(sample["contacts"])
    assert (q.answered & (q.arrival <= 20)).mean() < 0.30  # arrival clock, abandoned calls fail; sample 0.14
    cases, paths = sample["cases"], team_paths(sample["events"])
    via_second = cases[cases.case_id.map(paths).str.contains("second_line") & cases.resolved_at.notna()]
    assert (working_days(via_second.opened_at, via_second.resolved_at) <= 3).mean() < 0.5  # sample 0.41
    surveys = sample["surveys"]
    complaints = surveys[surveys.case_id.isin(cases.case_id[cases.category == "complaint"])]
    satisfied = (complaints.resolved.fillna(False) & (complaints.csat >= 4)).mean()
    assert satisfied < 0.40  # sample 0.23; the customer's norm is 0.70
    cb = sample["callbacks"]
    due = cb[cb.promised_by < pd.Timestamp("2026-07-01", tz=TZ)]
    assert (due.attempted_at <= due.promised_by).mean() < 0.75  # sample 0.58; norm 0.90


def test_ivr_time_changes_the_service_level(sample):
    q = phone_queue(sample["contacts"])
    answered = q[q.answered]
    queue, arrival = (answered.queue <= 20).mean(), (answered.arrival <= 20).mean()
    assert queue - arrival > 0.5  # sample: 0.82 - 0.16 = 0.66
    ivr = (q.arrival - q.queue).median()
    assert 15 <= ivr <= 40  # the median IVR time is 24 s


def test_short_and_long_abandons(sample):
    q = phone_queue(sample["contacts"])
    abandoned = q[~q.answered]
    # about 0.10 * 1.3 = 0.13 abandoned attempts per answered call, 0.35 of them within 5 s:
    # 0.13 / 1.13 = 0.115 of offered calls abandoned, 0.115 * 0.35 = 0.040 within 5 s
    assert (abandoned.queue <= 5).sum() / len(q) > 0.02  # sample 0.045
    assert (abandoned.queue > 20).sum() / len(q) > 0.03  # sample 0.063
    assert 0.05 < len(abandoned) / len(q) < 0.20  # sample 0.122


def test_orders_are_contacted_later_than_customers_expect(sample):
    o = sample["orders"]
    contacted = o[o.first_contact_at.notna()]
    days = working_days(contacted.ordered_at, contacted.first_contact_at)
    assert ((days > 5) & (days <= 20)).mean() > 0.7  # between one and four weeks; sample 0.81
    assert (days <= 5).mean() < 0.2  # what customers expect; sample 0.125
    waiting = working_days(o.ordered_at[o.first_contact_at.isna()],
                           pd.Series(pd.Timestamp("2026-07-01", tz=TZ), index=o.index)[o.first_contact_at.isna()])
    assert (waiting > 20).sum() > 0  # never contacted, long overdue
    assert (sample["cases"].category == "order").sum() > 0  # customers calling to ask


def test_friendly_but_not_resolved(sample):
    cases, s = sample["cases"], sample["surveys"]
    complaint = s.case_id.isin(cases.case_id[cases.category == "complaint"])
    assert s.resolved[complaint].mean() < 0.40  # sample 0.27
    raw = pd.read_csv(SAMPLE / "exports" / "enquetes.csv", encoding="utf-8-sig", dtype=str)
    friendly = raw["Vriendelijkheid medewerker (1-5)"].astype(int)
    assert friendly[complaint.to_numpy()].mean() > 4.0  # while friendliness stays high; sample 4.29
    assert (friendly.to_numpy() == s.friendliness.to_numpy()).all()  # the canonical column is the export's
    assert s.csat.between(1, 5).all() and s.nps.between(0, 10).all() and s.ces.between(1, 7).all()


def test_comments_with_markup(sample):
    comments = sample["surveys"].comment.dropna()
    assert comments.str.contains("<script>alert(1)</script>", regex=False).sum() == 1
    assert (comments.str.contains("&", regex=False) & comments.str.contains("<b>", regex=False)).sum() == 1


def test_holidays_close_phone_and_chat(sample):
    c = sample["contacts"]
    local = c.arrived_at.dt.tz_convert(TZ).dt.date
    closed = [dt.date(2026, 4, 3), dt.date(2026, 4, 6), dt.date(2026, 4, 27), dt.date(2026, 5, 14),
              dt.date(2026, 5, 25)]
    on_holiday = local.isin(closed)
    assert not (on_holiday & c.channel.isin(["phone", "chat"]) & (c.direction == "inbound")).any()
    assert (on_holiday & (c.channel == "email")).sum() > 0  # the e-mail desk reads every day


@pytest.mark.parametrize("start", ["2026-03-01", "2026-10-01"])
def test_daylight_saving_change(start):
    c = small(start=start)["contacts"]
    office = c[c.channel.isin(["phone", "chat"]) & (c.direction == "inbound")]
    offsets = {t.utcoffset() for t in office.arrived_at}
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}  # both sides of the change
    assert office.arrived_at.dt.hour.between(8, 17).all()  # local opening hours on both sides
    for earlier, later in [("arrived_at", "queued_at"), ("queued_at", "answered_at"),
                           ("answered_at", "ended_at"), ("arrived_at", "ended_at")]:
        seconds = (c[later] - c[earlier]).dt.total_seconds().dropna()
        assert seconds.between(0, 24 * 3600).all(), (earlier, later)


def test_story_parameters_move_the_numbers():
    quick = small(story=synth.Story(second_line_backlog_days=0.2), customers=6_000)["callbacks"]
    due = quick[(quick.team == "second_line") & (quick.promised_by < pd.Timestamp("2026-05-01", tz=TZ))]
    assert (due.attempted_at <= due.promised_by).mean() > 0.8  # a small backlog keeps the promise


# -- 4. schema -------------------------------------------------------------------------------

def test_tables_are_canonical(sample):
    assert list(sample) == ["contacts", "cases", "events", "orders", "surveys", "callbacks"]
    kinds = {"id": "string", "text": "string", "category": "string", "int": "Int64", "bool": "boolean"}
    for name, frame in sample.items():
        spec = TABLES[name]
        assert list(frame.columns) == spec.names, name
        for column in spec.columns:
            values = frame[column.name]
            if column.kind == "timestamp":
                assert str(values.dtype) == f"datetime64[us, {TZ}]", (name, column.name)
            else:
                assert str(values.dtype) == kinds[column.kind], (name, column.name)
            if column.required:
                assert values.notna().all(), (name, column.name)
        if spec.key:
            assert frame[spec.key].is_unique, name
    c = sample["contacts"]
    assert set(c.direction) <= set(DIRECTIONS) and set(c.outcome.dropna()) <= set(OUTCOMES)
    assert c.case_id.dropna().isin(sample["cases"].case_id).all()
    assert sample["events"].case_id.isin(sample["cases"].case_id).all()
    assert sample["surveys"].contact_id.isin(c.contact_id).all()
    assert sample["callbacks"].case_id.isin(sample["cases"].case_id).all()
    assert (c.queued_at.isna() | (c.queued_at >= c.arrived_at)).all()
    assert (c.answered_at.isna() | (c.answered_at >= c.queued_at.fillna(c.arrived_at))).all()
    assert (c.answered_at.isna() | (c.ended_at >= c.answered_at)).all()
    cases = sample["cases"]
    assert (cases.resolved_at.isna() | (cases.resolved_at >= cases.opened_at)).all()


# -- 5. Parquet for benchmarks ------------------------------------------------------------------

def test_contacts_parquet_in_chunks(tmp_path):
    path = synth.write_contacts_parquet(tmp_path / "contacts.parquet", 5_000, seed=3, chunk_rows=2_000,
                                        months=1)
    data = pq.ParquetFile(path)
    assert data.metadata.num_rows == 5_000
    assert data.metadata.num_row_groups == 3  # 2 000 + 2 000 + 1 000
    frame = data.read().to_pandas()
    assert list(frame.columns) == TABLES["contacts"].names
    assert frame.contact_id.is_unique
    assert str(frame.arrived_at.dtype) == f"datetime64[us, {TZ}]"
    again = synth.write_contacts_parquet(tmp_path / "again.parquet", 5_000, seed=3, chunk_rows=2_000, months=1)
    assert pq.read_table(again).equals(data.read())


def test_command_line(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "w"), "--months", "1", "--scale", "0.05"]) == 0
    assert (tmp_path / "w" / "workshop.yaml").exists()
    assert "interacties.csv" in capsys.readouterr().out
    assert main(["--out", str(tmp_path / "c.parquet"), "--contacts", "300", "--months", "1"]) == 0
    assert pq.ParquetFile(tmp_path / "c.parquet").metadata.num_rows == 300


# -- 6. the exports import back into the generated tables ------------------------------------

@pytest.mark.parametrize("start", ["2026-03-02", "2026-10-01"])  # summer time starts / ends
def test_exports_import_into_the_generated_tables(tmp_path, start):
    from kpilib.data.store import open_store
    from kpilib.importing import import_workshop

    kw = {"seed": 4, "start": start, "months": 1, "customers": 2_500}
    synth.write_sample(tmp_path, **kw)
    report = import_workshop(tmp_path)
    expected = synth.generate(**kw)
    store = open_store(tmp_path)
    try:
        for name, want in expected.items():
            assert report.tables[name] == len(want), name
            key = TABLES[name].key or "seq"
            got = store.table(name).execute().sort_values(key).reset_index(drop=True)
            want = want.sort_values(key).reset_index(drop=True)
            for column in TABLES[name].names:
                a, b = want[column], got[column]
                assert (a.isna() == b.isna()).all(), (name, column)
                if column in ("customer_id", "agent_id"):  # pseudonymised: one pseudonym per identifier
                    pairs = pd.DataFrame({"raw": a.astype(object), "alias": b.astype(object)}).dropna()
                    pairs = pairs.drop_duplicates()
                    assert pairs.raw.is_unique and pairs.alias.is_unique, (name, column)
                elif str(a.dtype).startswith("datetime"):
                    assert (a.dropna() == b.dropna().dt.tz_convert(TZ)).all(), (name, column)
                else:
                    assert a.dropna().astype(str).tolist() == b.dropna().astype(str).tolist(), (name, column)
    finally:
        store.close()
