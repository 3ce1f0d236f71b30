"""The tally as a job: idempotent, killed halfway and rerun to the same ledger, fenced on its
attempt, audited once per run, queued by the sources' changes, and read by others who see the
old ledger or the new one, never a mix."""

import datetime as dt
import threading

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from core import jobs
from core.models import AuditEntry, Job, JobStopped
from discipline.services import sanction_create
from incentives.models import LedgerRow
from incentives.services.ledger import TALLY_JOB, recompute_start, tally
from tests.factories import CadreFactory

from .ledger_helpers import grades, record, row, snapshot


@pytest.fixture
def city(tree, staff_user):
    """Twelve cadres with four years of grades and a few records."""
    cadres = [CadreFactory(unit=tree["street"] if i % 2 else tree["district"]) for i in range(12)]
    cycle = ["excellent", "competent", "basically_competent", "excellent", "not_graded"]
    for i, cadre in enumerate(cadres):
        grades(cadre, staff_user, **{f"y{2021 + k}": cycle[(i + k) % 5] for k in range(4)})
        if i % 3 == 0:
            record(cadre, staff_user, "public_praise", dt.date(2023, 4, 1))
    return cadres


def _run(job_id):
    return jobs.job_run(job_id=job_id)


def test_same_inputs_same_ledger(city):
    first = tally()
    before = snapshot()
    second = tally()
    assert snapshot() == before  # tallied_at included: an unchanged row is not rewritten
    assert first["checksum"] == second["checksum"] and second["written"] == 0
    assert first["rows"] == LedgerRow.objects.count() > 0


def test_an_incremental_tally_touches_only_its_cadres(city, staff_user):
    tally()
    untouched = [r for r in snapshot() if r[0] != city[0].pk]
    record(city[0], staff_user, "merit_third", dt.date(2022, 9, 1))
    result = tally(cadre_ids=[city[0].pk])
    assert result["written"] == 1
    assert [r for r in snapshot() if r[0] != city[0].pk] == untouched
    assert "merit_third" in [e["code"] for e in row(city[0], 2022).entries]


def test_a_job_is_audited_once_with_inputs_rules_version_counts_and_checksum(city, admin_user):
    job = recompute_start(actor=admin_user)
    _run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.result
    [entry] = AuditEntry.objects.filter(action="tally", object_id=str(job.pk))
    assert entry.changes["counts"]["rows"] == LedgerRow.objects.count()
    assert entry.changes["checksum"] == job.result["checksum"]
    assert entry.changes["rules_version"] == job.result["rules_version"]
    assert entry.changes["inputs"] == {"cadre_ids": None, "year": None}


class Killed(BaseException):
    """The worker dying halfway (not an Exception: nothing catches it on the way out)."""


def test_a_job_killed_halfway_and_rerun_leaves_the_same_ledger(city, admin_user, settings):
    tally()
    expected = [r[:-1] for r in snapshot()]
    LedgerRow.objects.all().delete()
    job = recompute_start(actor=admin_user)
    claimed = jobs._claim(job.pk)

    def die_halfway(fraction):
        if fraction > 0.4:
            raise Killed

    with pytest.raises(Killed):
        tally(job=claimed, progress=die_halfway)
    assert not LedgerRow.objects.exists()  # nothing half-written
    # The worker is gone: its heartbeat goes stale, the sweeper queues the job again.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(days=1))
    jobs.job_sweep()
    _run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempt) == (Job.State.DONE, 2)
    assert [r[:-1] for r in snapshot()] == expected


def test_a_unit_tally_names_the_unit_and_tallies_its_subtree_as_it_is_when_it_runs(
        city, staff_user, tree):
    from incentives.services.ledger import job_cadre_ids

    job = recompute_start(actor=staff_user, unit=tree["street"])
    assert job.params == {"cadre_ids": None, "unit": tree["street"].pk, "year": None}
    newcomer = CadreFactory(unit=tree["street"])  # moved in after the job was queued
    grades(newcomer, staff_user, y2023="excellent")
    street = sorted([c.pk for c in city if c.unit_id == tree["street"].pk] + [newcomer.pk])
    assert job_cadre_ids(job.params) == street
    _run(job.pk)
    assert sorted(set(LedgerRow.objects.values_list("cadre_id", flat=True))) == street
    assert job_cadre_ids({"unit": 10**9}) == []  # a unit deleted since: nobody


def test_a_run_taken_over_writes_nothing(city, admin_user):
    job = recompute_start(actor=admin_user)
    stale = jobs._claim(job.pk)
    Job.objects.filter(pk=job.pk).update(attempt=stale.attempt + 1)  # another worker took it
    with pytest.raises(JobStopped):
        tally(job=stale)
    assert not LedgerRow.objects.exists()


def test_changes_queue_a_deduplicated_incremental_tally(city, staff_user,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sanction_create(actor=staff_user, cadre=city[1], kind="warning",
                        decided_on=dt.date(2022, 3, 1))
    [job] = Job.objects.filter(kind=TALLY_JOB)
    assert job.params == {"cadre_ids": [city[1].pk], "year": None}
    assert job.state == Job.State.DONE  # eager in tests: it ran on commit
    assert LedgerRow.objects.filter(cadre=city[1]).exists()
    assert not LedgerRow.objects.exclude(cadre=city[1]).exists()
    # Two changes of the same cadre while a tally is queued: one job.
    queued = recompute_start(actor=None, cadre_ids=[city[2].pk])
    again = recompute_start(actor=None, cadre_ids=[city[2].pk])
    assert again.pk == queued.pk


def test_the_nightly_task_starts_a_full_tally(db, settings):
    from incentives.tasks import nightly_tally

    assert settings.CELERY_BEAT_SCHEDULE["incentives.nightly_tally"]["task"] == nightly_tally.name
    nightly_tally()
    assert Job.objects.get(kind=TALLY_JOB).params == {"cadre_ids": None, "year": None}


def _other_connection():
    s = connection.settings_dict
    return psycopg2.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                            host=s["HOST"] or None, port=s["PORT"] or None)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a second connection reading during the swap: PostgreSQL's (psycopg2)")
# serialized_rollback: the measures (a data migration) survive the flush between the two runs.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("bulk", [False, True], ids=["row-by-row", "indexes-rebuilt"])
def test_readers_see_the_old_ledger_or_the_new_one_never_a_mix(tree, staff_user, bulk,
                                                                 monkeypatch):
    """Also when the swap rebuilds the ledger's indexes (half the rows change here): the
    readers then wait for the commit and see the new ledger."""
    if bulk:
        from incentives.services import ledger

        monkeypatch.setattr(ledger, "BULK_MIN_ROWS", 1)
    cadres = [CadreFactory(unit=tree["street"]) for _ in range(60)]
    for cadre in cadres:
        grades(cadre, staff_user, y2023="excellent", y2024="basically_competent")
    tally()
    query = "SELECT count(*), coalesce(sum(net), 0) FROM incentives_ledgerrow"
    reader = _other_connection()
    reader.autocommit = True
    seen, done = [], threading.Event()

    def read():
        with reader.cursor() as cur:
            while not done.is_set():
                cur.execute(query)
                seen.append(cur.fetchone())
            cur.execute(query)
            seen.append(cur.fetchone())

    with reader.cursor() as cur:
        cur.execute(query)
        old = cur.fetchone()
    for cadre in cadres:  # every cadre's 2023 changes
        record(cadre, staff_user, "merit_third", dt.date(2023, 6, 1))
    thread = threading.Thread(target=read)
    thread.start()
    try:
        tally()
    finally:
        done.set()
        thread.join()
        reader.close()
    new = (old[0], old[1] + 10 * len(cadres))
    assert seen[-1] == new
    assert set(seen) <= {old, new}


def test_a_rows_entries_come_in_order_on_every_database(tree, staff_user):
    """Rule outcomes by kind (grade, streak), then records by code and source, whatever the order
    the sources were entered in (SQLite aggregates an ordered subquery, PostgreSQL orders in the
    aggregate)."""
    cadre = CadreFactory(unit=tree["street"])
    for code in ("public_praise", "merit_third", "public_praise"):
        record(cadre, staff_user, code, dt.date(2023, 5, 1))
    grades(cadre, staff_user, y2023="excellent", y2021="excellent", y2022="excellent")
    tally()
    entries = row(cadre, 2023).entries
    keys = [(e["kind"], e["code"], e["source"]) for e in entries]
    assert [k[0] for k in keys] == ["rule", "rule", "record", "record", "record"]
    records = keys[2:]
    assert records == sorted(records) and len(set(records)) == 3
    assert entries[1].get("from_year") == 2021 and "pending" not in entries[0]


def test_a_full_tally_rewriting_most_rows_rebuilds_the_indexes_and_writes_the_same_ledger(
        city, staff_user, monkeypatch):
    """Past a size (lowered here) a full tally rewriting most of the ledger builds its secondary
    indexes again instead of updating them (PostgreSQL): the same rows, the same indexes."""
    from incentives.services import ledger

    tally()
    expected = [r[:-1] for r in snapshot()]
    LedgerRow.objects.all().delete()

    def indexes():
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                           " ORDER BY 1", [LedgerRow._meta.db_table])
            return cursor.fetchall()

    before = indexes()
    monkeypatch.setattr(ledger, "BULK_MIN_ROWS", 1)
    result = tally()
    assert result["written"] == result["rows"] == len(expected)
    assert [r[:-1] for r in snapshot()] == expected
    assert indexes() == before
    assert tally()["written"] == 0  # and the next tally finds nothing changed


def test_a_changed_reason_of_a_record_rewrites_its_row(city, staff_user):
    """The rows are compared by a digest of their staged entries: a record's reason is part of
    its entry's label, and changing it alone (same points) rewrites the row."""
    from incentives.models import IncentiveRecord

    tally()
    rec = IncentiveRecord.objects.filter(cadre=city[0]).first()
    IncentiveRecord.objects.filter(pk=rec.pk).update(reason="另一个理由")
    result = tally()
    assert result["written"] == 1
    [entry] = [e for e in row(city[0], rec.date.year).entries if e.get("record") == rec.pk]
    assert entry["label"].endswith("另一个理由")


def test_a_first_tally_and_the_next_ones_derive_the_same_entries(tree, staff_user):
    """A scope's first tally stages every entry; the next ones stage only those that need a
    second look (decisions, sanction blocks) and read the rest straight from the sources. Both
    ways give the same rows, entries and checksum: rebuilt from scratch, the ledger is what the
    later tallies left (and they find nothing to change)."""
    from incentives.models import RuleProposal
    from incentives.services.rules import proposal_dismiss

    from .ledger_helpers import exempting_case, sanction, team_grade

    blocked, demoted, protected = (CadreFactory(unit=tree["street"]) for _ in range(3))
    for cadre in (blocked, demoted, protected):
        grades(cadre, staff_user, y2021="excellent", y2022="excellent", y2023="excellent",
               y2024="incompetent")
    sanction(blocked, staff_user, "warning", dt.date(2022, 3, 1))
    team_grade(tree["street"], staff_user, 2023, "good")
    case = exempting_case(protected, staff_user, tree["district"])
    record(protected, staff_user, "public_praise", dt.date(2023, 4, 1))
    record(protected, staff_user, "admonishment_talk", dt.date(2024, 5, 1), case=case)
    first = tally()
    proposal_dismiss(actor=staff_user, reason="复核后不予降级",
                     proposal=RuleProposal.objects.get(cadre=demoted, year=2024))
    later = tally()
    assert later["written"] == 1  # the dismissed proposal's row
    after = snapshot()
    assert tally()["written"] == 0
    LedgerRow.objects.all().delete()
    rebuilt = tally()
    assert [r[:-1] for r in snapshot()] == [r[:-1] for r in after]
    assert rebuilt["checksum"] == later["checksum"] != first["checksum"]
    flags = {(e["code"], k) for r in LedgerRow.objects.filter(cadre=blocked) for e in r.entries
             for k in ("blocked", "pending", "dismissed", "exempted") if e.get(k)}
    assert ("excellent_commendation", "blocked") in flags
    assert any(e.get("dismissed") for e in row(demoted, 2024).entries)
    assert any(e.get("exempted") for e in row(protected, 2024).entries)
