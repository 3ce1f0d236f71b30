"""Migration core/0010 (audit_chain_batched) keeps every existing audit row, and the chain it leaves verifies:
old rows under the formula they were hashed with (version 1), new ones after them."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.audit import audit_record, chain_report
from core.models import GENESIS_HASH, AuditEntry, AuditHead

BEFORE = ("core", "0004_auditentry_object_type")


def _v1(prev, row):
    payload = [prev, row.object_type, int(row.object_id), row.actor_username,
               row.at.astimezone(dt.UTC).isoformat(), row.action, row.changes]  # fmt: skip
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_the_old_chain_verifies(tree):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()  # every app: going back to BEFORE unapplies some of theirs
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Entry, ContentType = (
        old.get_model("core", "AuditEntry"),
        old.get_model("contenttypes", "ContentType"),
    )
    ct = ContentType.objects.get(app_label="cadres", model="unit")
    prev, ids = GENESIS_HASH, []
    for i in range(3):
        row = Entry(
            content_type=ct,
            object_type="cadres.unit",
            object_id=tree["city"].pk,
            object_repr="济南市",
            actor_username="system",
            at=timezone.now(),
            action="update",
            changes={"name": [f"{i}", f"{i + 1}"]},
            prev_hash=prev,
        )
        row.hash = _v1(prev, row)
        row.save()
        prev = row.hash
        ids.append(row.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    rows = list(AuditEntry.objects.order_by("link__seq"))
    assert [r.pk for r in rows] == ids and [r.seq for r in rows] == [1, 2, 3]
    assert {r.hash_version for r in rows} == {1}
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (3, prev)
    assert chain_report().ok
    audit_record(obj=tree["city"], actor=None, action="update", changes={"name": ["3", "4"]})
    newest = AuditEntry.objects.get(link__seq=4)
    assert newest.hash_version == 2 and newest.prev_hash == prev
    report = chain_report()
    assert report.ok and report.checked == 4
