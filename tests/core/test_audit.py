"""The audit trail: attributable entries in one tamper-evident hash chain."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cadres.services import cadre_update
from core.audit import verify_chain
from core.models import AuditEntry

from ..factories import CadreFactory, UnitFactory, UserFactory


@pytest.fixture
def edited(staff_user, cadre_in_street):
    for title in ("副主任", "主任", "书记"):
        cadre_update(cadre=cadre_in_street, actor=staff_user, position_title=title)
    return cadre_in_street


@pytest.mark.django_db
def test_chain_intact_after_changes(edited):
    checked, broken = verify_chain()
    assert checked == AuditEntry.objects.count() == 3 and broken is None
    call_command("audit_verify")


@pytest.mark.django_db
def test_each_entry_hashes_the_one_before(edited):
    entries = list(AuditEntry.objects.order_by("id"))
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash


@pytest.mark.django_db
def test_edited_entry_breaks_the_chain(edited):
    middle = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=middle.pk).update(changes={"position_title": ["科长", "局长"]})
    checked, broken = verify_chain()
    assert broken.pk == middle.pk and checked == 1
    with pytest.raises(CommandError, match=f"#{middle.pk}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_deleted_entry_breaks_the_chain(edited):
    first = AuditEntry.objects.order_by("id").first()
    AuditEntry.objects.filter(pk=first.pk).delete()
    assert verify_chain()[1] is not None


@pytest.mark.django_db
def test_reattributed_entry_breaks_the_chain(edited):
    last = AuditEntry.objects.order_by("id").last()
    AuditEntry.objects.filter(pk=last.pk).update(actor_username="someone_else")
    assert verify_chain()[1].pk == last.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Two requests auditing at once must not fork the chain (advisory lock / IMMEDIATE)."""
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
    checked, broken = verify_chain()
    assert broken is None and checked == 10

