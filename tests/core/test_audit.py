"""The audit trail: attributable entries in one tamper-evident hash chain."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cadres.services import cadre_update
from core.audit import (
    AuditItem,
    audit_record,
    audit_record_many,
    chain_pending,
    chain_report,
    verify_chain,
)
from core.models import AuditEntry, AuditHead

from ..factories import CadreFactory, UnitFactory, UserFactory


@pytest.fixture
def edited(staff_user, cadre_in_street, django_capture_on_commit_callbacks):
    """Three edits, each committed as a request commits it: its entry chained after commit."""
    for title in ("副主任", "主任", "书记"):
        with django_capture_on_commit_callbacks(execute=True):
            cadre_update(cadre=cadre_in_street, actor=staff_user, position_title=title)
    return cadre_in_street


@pytest.mark.django_db
def test_chain_intact_after_changes(edited):
    checked, broken = verify_chain()
    assert checked == AuditEntry.objects.count() == 3 and broken is None
    assert not AuditEntry.objects.filter(link__isnull=True).exists()
    call_command("audit_verify")


@pytest.mark.django_db
def test_each_entry_hashes_the_one_before(edited):
    entries = list(AuditEntry.objects.order_by("link__seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (3, entries[-1].hash)


@pytest.mark.django_db
def test_edited_entry_breaks_the_chain(edited):
    middle = AuditEntry.objects.order_by("link__seq")[1]
    AuditEntry.objects.filter(pk=middle.pk).update(changes={"position_title": ["科长", "局长"]})
    checked, broken = verify_chain()
    assert broken.pk == middle.pk and checked == 1
    with pytest.raises(CommandError, match=f"#{middle.pk}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_deleted_entry_breaks_the_chain(edited):
    first = AuditEntry.objects.order_by("link__seq").first()
    AuditEntry.objects.filter(pk=first.pk).delete()
    assert verify_chain()[1] is not None


@pytest.mark.django_db
def test_reattributed_entry_breaks_the_chain(edited):
    last = AuditEntry.objects.order_by("link__seq").last()
    AuditEntry.objects.filter(pk=last.pk).update(actor_username="someone_else")
    assert verify_chain()[1].pk == last.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Two requests auditing at once must not fork the chain."""
    unit = UnitFactory()
    staff = UserFactory(roles=["staff"], units=[unit])
    cadres = [CadreFactory(unit=unit) for _ in range(2)]
    errors = []
    barrier = threading.Barrier(2)

    def work(cadre):
        try:
            barrier.wait()
            for i in range(5):
                cadre_update(cadre=cadre, actor=staff, position_title=f"职务{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Every entry was chained by the appends themselves, none left for audit_verify.
    assert not AuditEntry.objects.filter(link__isnull=True).exists()
    report = chain_report()
    assert report.ok and report.checked == 10 and report.chained_now == 0


@pytest.mark.django_db(transaction=True)
def test_batches_and_single_edits_at_once_keep_one_chain():
    """Batches (chained in chunks, a short transaction each) and single edits from several
    threads: one chain, every entry in it once, in a sequence without gaps."""
    from core import audit

    unit = UnitFactory()
    actor = UserFactory(roles=["admin"])
    errors = []
    barrier = threading.Barrier(4)

    def batch(n):
        try:
            barrier.wait()
            for round_ in range(3):
                audit_record_many(
                    actor=actor,
                    items=[AuditItem(unit, "update", {"n": [round_, i]}) for i in range(n)],
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def single():
        try:
            barrier.wait()
            for i in range(20):
                audit_record(obj=unit, actor=actor, action="update", changes={"one": [i, i + 1]})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    original = audit.CHAIN_CHUNK
    audit.CHAIN_CHUNK = 7  # many small chunks: many hand-overs of the lock
    try:
        threads = [threading.Thread(target=batch, args=(50,)) for _ in range(2)]
        threads += [threading.Thread(target=single) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        audit.CHAIN_CHUNK = original
    assert errors == []
    total = 2 * 3 * 50 + 2 * 20
    assert AuditEntry.objects.count() == total
    assert not AuditEntry.objects.filter(link__isnull=True).exists()
    report = chain_report()
    assert report.ok and report.checked == total and report.chained_now == 0
    assert report.end_seq == total


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_entry():
    unit = UnitFactory()
    audit_record(obj=unit, actor=None, action="update", changes={"name": ["a", "b"]})
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(obj=unit, actor=None, action="update", changes={"name": ["b", "c"]})
        audit_record_many(actor=None, items=[AuditItem(unit, "update", {"k": [1, 2]})] * 3)
        raise RuntimeError("the change fails")
    assert list(AuditEntry.objects.values_list("changes", flat=True)) == [{"name": ["a", "b"]}]
    report = chain_report()
    assert report.ok and report.checked == 1 and report.head_seq == 1


@pytest.mark.django_db
def test_entries_left_unchained_are_chained_in_order_later(
    tree, django_capture_on_commit_callbacks
):
    """A crash between commit and chaining leaves entries unchained: here their commit
    callbacks are dropped, as a process that dies after COMMIT drops them. Later appends
    chain their own; chain_pending (audit_verify) chains the ones left, oldest first."""
    for i in range(3):
        audit_record(obj=tree["city"], actor=None, action="update", changes={"n": [i, i + 1]})
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(obj=tree["city"], actor=None, action="update", changes={"n": [3, 4]})
    assert AuditEntry.objects.filter(link__isnull=True).count() == 3
    assert chain_pending() == 3
    assert list(AuditEntry.objects.order_by("link__seq").values_list("changes__n", flat=True)) == [
        [3, 4],
        [0, 1],
        [1, 2],
        [2, 3],
    ]
    assert chain_report().ok


@pytest.mark.django_db
def test_beat_chains_what_a_dead_process_left(tree, settings):
    from core.tasks import chain_pending_audit

    entry = settings.CELERY_BEAT_SCHEDULE["core.chain_pending_audit"]
    assert entry["task"] == chain_pending_audit.name and entry["schedule"] > 0
    audit_record(obj=tree["city"], actor=None, action="update", changes={"n": [0, 1]})
    connection.run_on_commit.clear()  # the process died after COMMIT
    assert AuditEntry.objects.filter(link__isnull=True).count() == 1
    chain_pending_audit()
    assert not AuditEntry.objects.filter(link__isnull=True).exists()
    assert chain_report().ok


@pytest.mark.django_db
def test_audit_verify_chains_what_was_left_and_says_so(tree):
    for i in range(2):
        audit_record(obj=tree["city"], actor=None, action="update", changes={"n": [i, i + 1]})
    out = _verify()
    assert "为 2 条" in out and "补链" in out
    assert not AuditEntry.objects.filter(link__isnull=True).exists()


def _verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()
