"""The audit chain, issue 6: every field inside the hash, the head kept apart, batches with a
bounded number of queries, a change that changes nothing writes nothing, one entry per run
of derived data, and the entries written before (hash version 1) still verifying."""

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.audit import (
    CHAIN_CHUNK,
    COPY_FROM,
    AuditItem,
    audit_create,
    audit_record,
    audit_record_many,
    audit_run,
    chain_report,
    rows_checksum,
    verify_chain,
)
from core.models import GENESIS_HASH, AuditEntry, AuditHead, AuditLink

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run fn as a request would: its transaction commits and its entries are chained."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def chain(tree, admin_user, committed):
    """Five entries by the administrator on the city, each committed and chained."""
    for i in range(5):
        committed(
            audit_record,
            obj=tree["city"],
            actor=admin_user,
            action="update",
            changes={"name": [f"市{i}", f"市{i + 1}"]},
        )
    return list(AuditEntry.objects.order_by("link__seq"))


def _verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


# Every field is inside the hash -----------------------------------------------------------


def _other_user():
    return UserFactory(username="someone_else").pk


TAMPERINGS = {
    "actor_id": _other_user,
    "actor_username": lambda: "someone_else",
    "object_type": lambda: "cadres.cadre",
    "object_id": lambda: 999_999,
    "object_repr": lambda: "鹤山市",
    "action": lambda: "delete",
    "changes": lambda: {"name": ["市2", "鹤山市"]},
    "at": lambda: timezone.now() - dt.timedelta(days=30),
    "digest": lambda: "f" * 64,
    "hash_version": lambda: 1,
}
# The entry's place in the chain, kept in its AuditLink.
LINK_TAMPERINGS = {
    "prev_hash": lambda: "e" * 64,
    "hash": lambda: "d" * 64,
}


@pytest.mark.parametrize("field", sorted(TAMPERINGS) + sorted(LINK_TAMPERINGS))
def test_tampering_with_any_field_is_detected(chain, field):
    target = chain[2]
    if field in LINK_TAMPERINGS:
        AuditLink.objects.filter(entry=target).update(**{field: LINK_TAMPERINGS[field]()})
    else:
        AuditEntry.objects.filter(pk=target.pk).update(**{field: TAMPERINGS[field]()})
    report = chain_report()
    assert not report.ok and report.broken.pk == target.pk and report.checked == 2
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit_verify")


def test_swapping_two_entries_places_is_detected(chain):
    a, b = chain[1], chain[2]
    a_seq, b_seq = a.seq, b.seq
    AuditLink.objects.filter(entry=a).update(seq=0)
    AuditLink.objects.filter(entry=b).update(seq=a_seq)
    AuditLink.objects.filter(entry=a).update(seq=b_seq)
    assert chain_report().broken.pk == b.pk


def test_the_content_type_row_is_not_what_is_hashed(chain):
    """The stored "app_label.model" is hashed, so a model moving apps keeps old entries valid."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.filter(pk=chain[0].content_type_id).update(app_label="org")
    assert chain_report().ok


# The head, kept apart ---------------------------------------------------------------------


def test_the_head_follows_every_append(chain):
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (5, chain[-1].hash)


@pytest.mark.parametrize("removed", [1, 3])
def test_deleting_the_newest_entries_is_detected(chain, removed):
    AuditEntry.objects.filter(pk__in=[e.pk for e in chain[-removed:]]).delete()
    checked, broken = verify_chain()
    assert broken is None and checked == 5 - removed  # what is left is a valid chain...
    report = chain_report()
    assert not report.ok and not report.head_matches  # ...shorter than its head
    with pytest.raises(CommandError, match="链头"):
        call_command("audit_verify")


@pytest.mark.parametrize("where", ["middle", "newest"])
def test_deleting_an_entry_in_sql_and_leaving_its_link_is_detected(chain, where):
    """The link has no foreign key in the database: a link left without its entry is a gap
    in the walk (or an end short of the head)."""
    target = chain[2] if where == "middle" else chain[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [target.pk])
    assert AuditLink.objects.filter(entry_id=target.pk).exists()
    report = chain_report()
    assert not report.ok
    if where == "middle":
        assert report.broken.pk == chain[3].pk and report.checked == 2
    else:
        assert report.broken is None and not report.head_matches


def test_deleting_the_newest_entries_and_rewinding_the_head_needs_the_kept_head(chain):
    out = _verify()
    kept = chain[-1].hash
    assert f"第 5 条 {kept}" in out  # what an operator keeps outside the system
    AuditEntry.objects.filter(pk__in=[e.pk for e in chain[-2:]]).delete()
    AuditHead.objects.update(seq=3, hash=chain[2].hash)
    assert chain_report().ok  # consistent inside the database...
    with pytest.raises(CommandError, match=kept):  # ...but the kept head is gone
        call_command("audit_verify", "--expect-head", kept)


def test_a_kept_head_is_found_while_the_chain_grows(chain, tree, committed):
    kept = chain[2].hash
    committed(audit_record, obj=tree["city"], actor=None, action="update", changes={"a": [1, 2]})
    assert "审计链完好" in _verify("--expect-head", kept)
    assert "审计链完好" in _verify("--expect-head", GENESIS_HASH)


def test_a_missing_head_row_is_reported(chain):
    AuditHead.objects.all().delete()
    report = chain_report()
    assert not report.ok and report.head_seq is None


# Batches ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 2500])
def test_a_batch_writes_n_entries_in_a_bounded_number_of_queries(
    n, tree, admin_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    items = [AuditItem(tree["city"], "update", {"n": [i, i + 1]}) for i in range(n)]
    # Writing: a savepoint, the content type, then on PostgreSQL ids from the sequence and
    # one COPY (from COPY_FROM entries on; fewer, one INSERT). Chaining, a short transaction
    # a CHAIN_CHUNK: lock, which are linked already, head, the links (one COPY or INSERT),
    # head. Never a query an entry.
    # (SQLite, in process, takes at most 999 parameters a statement: 90 entries or 249 links
    # an INSERT.)
    if connection.vendor == "postgresql":
        writes, link_writes = (2 if n >= COPY_FROM else 1), 1
    else:
        writes, link_writes = -(-n // (999 // 11)), -(-min(n, CHAIN_CHUNK) // (999 // 4))
    chunks = -(-n // CHAIN_CHUNK)
    with django_assert_max_num_queries(4 + writes + (6 + link_writes) * chunks):
        with django_capture_on_commit_callbacks(execute=True):
            assert audit_record_many(actor=admin_user, items=items) == n
    assert AuditEntry.objects.count() == n
    assert not AuditEntry.objects.filter(link__isnull=True).exists()
    report = chain_report()
    assert report.ok and report.checked == n and report.head_seq == n
    assert (
        AuditEntry.objects.filter(actor=admin_user, actor_username=admin_user.username).count() == n
    )


def test_a_batch_keeps_the_order_it_was_given(tree, committed):
    items = [AuditItem(tree[k], "update", {"k": [None, k]}) for k in ("street", "city", "other")]
    committed(audit_record_many, actor=None, items=items)
    entries = AuditEntry.objects.order_by("link__seq")
    assert [e.changes["k"][1] for e in entries] == ["street", "city", "other"]
    assert [e.object_repr for e in entries] == ["解放路街道", "济南市", "鹤山市"]


def test_the_single_entry_returned_is_the_stored_one(tree, admin_user, committed):
    entry = committed(audit_record, obj=tree["city"], actor=admin_user, action="update",
                      changes={"name": ["a", "b"]})  # fmt: skip
    stored = AuditEntry.objects.get()
    assert (entry.pk, entry.digest, entry.actor_id) == (stored.pk, stored.digest, admin_user.pk)
    assert stored.seq == 1 and stored.hash == stored.compute_hash(GENESIS_HASH)


# A change that changes nothing -----------------------------------------------------------


def test_an_update_that_changes_nothing_writes_nothing(tree, admin_user):
    assert audit_record(obj=tree["city"], actor=admin_user, action="update", changes={}) is None
    items = [
        AuditItem(tree["city"], "update", {}),
        AuditItem(tree["street"], "update", {"a": [1, 2]}),
    ]
    assert audit_record_many(actor=admin_user, items=items) == 1
    assert list(AuditEntry.objects.values_list("object_id", flat=True)) == [tree["street"].pk]


def test_a_creation_or_event_without_field_changes_is_recorded_when_asked(tree, admin_user):
    entry = audit_record(obj=tree["city"], actor=admin_user, action="delete", changes={},
                         record_empty=True)  # fmt: skip
    assert entry is not None and AuditEntry.objects.get().action == "delete"
    empty_unit = type(tree["city"])(pk=tree["city"].pk, name="")
    assert audit_create(obj=empty_unit, actor=admin_user, fields=["name"]).changes == {}


# Derived data: one entry per run ----------------------------------------------------------


def test_a_run_is_one_entry_with_inputs_rules_counts_and_checksum(tree, admin_user, committed):
    rows = [(i, f"干部{i}", "2026", 95 - i % 7) for i in range(3000)]
    entry = committed(
        audit_run,
        obj=tree["city"],
        actor=admin_user,
        action="tally",
        inputs={"year": 2026, "unit": tree["city"].pk},
        rules_version="2026.1",
        counts={"created": 2990, "updated": 10},
        rows=rows,
    )
    stored = AuditEntry.objects.get()  # one entry for 3,000 derived rows
    assert stored.pk == entry.pk and stored.action == "tally"
    expected = hashlib.sha256(
        "".join(json.dumps(list(r), ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
        .encode()
    ).hexdigest()  # fmt: skip
    assert stored.changes == {
        "inputs": {"year": 2026, "unit": tree["city"].pk},
        "rules_version": "2026.1",
        "counts": {"created": 2990, "updated": 10},
        "checksum": expected,
    }
    assert chain_report().ok


def test_the_checksum_changes_with_any_row_and_with_the_order():
    rows = [{"cadre": 1, "score": 90}, {"cadre": 2, "score": 85}]
    base = rows_checksum(rows)
    assert rows_checksum([dict(r) for r in rows]) == base
    assert rows_checksum([rows[0], {"cadre": 2, "score": 86}]) != base
    assert rows_checksum(rows[::-1]) != base
    assert rows_checksum(rows[:1]) != base


def test_a_run_takes_a_checksum_or_rows_not_both(tree):
    with pytest.raises(ValueError):
        audit_run(obj=tree["city"], actor=None, action="import", inputs={}, rules_version="1",
                  counts={}, rows=[], checksum="0" * 64)  # fmt: skip
    entry = audit_run(obj=tree["city"], actor=None, action="import", inputs={"file": "a.xlsx"},
                      rules_version="1", counts={"rows": 0}, checksum="ab" * 32)  # fmt: skip
    assert entry.changes["checksum"] == "ab" * 32


# Entries from before: hash version 1 -----------------------------------------------------


def _v1_hash(prev, entry):
    payload = [prev, entry.object_type, int(entry.object_id), entry.actor_username,
               entry.at.astimezone(dt.UTC).isoformat(), entry.action, entry.changes]  # fmt: skip
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def test_version_1_entries_still_verify_and_the_chain_goes_on_from_them(
    tree, admin_user, committed
):
    """Rows as the migration leaves them: hashed with the old formula, numbered in id order,
    the head at the newest."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(type(tree["city"]))
    prev = GENESIS_HASH
    for seq in (1, 2):
        entry = AuditEntry(content_type=ct, object_type="cadres.unit", object_id=tree["city"].pk,
                           object_repr="济南市", actor=admin_user, actor_username="admin1",
                           at=timezone.now(), action="update", changes={"n": [seq, seq + 1]},
                           hash_version=1)  # fmt: skip
        entry.save()
        link = AuditLink.objects.create(entry=entry, seq=seq, prev_hash=prev,
                                        hash=_v1_hash(prev, entry))  # fmt: skip
        prev = link.hash
    AuditHead.objects.update(seq=2, hash=prev)
    committed(audit_record, obj=tree["city"], actor=admin_user, action="update",
              changes={"n": [3, 4]})  # fmt: skip
    newest = AuditEntry.objects.get(link__seq=3)
    assert newest.hash_version == 2 and newest.prev_hash == prev
    report = chain_report()
    assert report.ok and report.checked == 3
    # The old formula does not cover the representation: version 2 does.
    AuditEntry.objects.filter(link__seq=1).update(object_repr="别的单位")
    assert chain_report().ok
    AuditEntry.objects.filter(link__seq=3).update(object_repr="别的单位")
    assert chain_report().broken.seq == 3


def test_no_entry_survives_in_sqlite_or_postgres_without_its_transaction(tree):
    """The entry is written in the caller's transaction: gone with its rollback."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(obj=tree["city"], actor=None, action="update", changes={"a": [1, 2]})
        raise RuntimeError
    assert not AuditEntry.objects.exists()
    assert connection.vendor in ("postgresql", "sqlite")


# COPY (PostgreSQL, from COPY_FROM entries on) ---------------------------------------------


def test_a_copied_batch_stores_every_character_as_given(tree, admin_user, committed):
    """Tabs, newlines, backslashes, quotes and a NULL actor survive COPY's text format: the
    stored entries are the ones hashed, and the chain verifies."""
    odd = 'a\tb\nc\r\\d "e" \\N 审计'
    unit = tree["city"]
    unit.name = odd
    items = [AuditItem(unit, odd, {odd: [odd, i]}) for i in range(COPY_FROM + 1)]
    items.append(AuditItem(tree["street"], "update", {"plain": [1, 2]}))
    committed(audit_record_many, actor=None, items=items)
    entries = list(AuditEntry.objects.order_by("link__seq"))
    assert len(entries) == COPY_FROM + 2
    first = entries[0]
    assert (first.object_repr, first.action, first.changes) == (odd, odd, {odd: [odd, 0]})
    assert first.actor_id is None and first.actor_username == "system"
    assert entries[-1].object_id == tree["street"].pk
    assert all(e.digest == e.compute_digest() for e in entries)
    report = chain_report()
    assert report.ok and report.checked == COPY_FROM + 2 and report.chained_now == 0


def test_the_hashes_are_taken_over_the_canonical_json_of_the_whole_list():
    """The digest and the link are built from their items' JSON (a batch encodes what it
    shares once); they must equal the hash of the whole list's canonical JSON, the formula
    every entry already stored was hashed with."""
    from core.models import entry_digest

    def whole(payload):
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    at = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    odd = 'a\tb\n"c"\\ 审计 \u2028'
    for actor_id, changes in ((None, {}), (7, {"z": [1.5, None], "a": {"y": [odd, True]}})):
        expected = whole(["cadres.unit", 12, odd, actor_id, "admin1",
                          at.astimezone(dt.UTC).isoformat(), odd, changes])  # fmt: skip
        assert entry_digest("cadres.unit", 12, odd, actor_id, "admin1", at, odd, changes) == (
            expected
        )
    assert AuditEntry.chain_hash("ab" * 32, 41, "cd" * 32) == whole([2, "ab" * 32, 41, "cd" * 32])
