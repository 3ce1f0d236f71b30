"""The audit trail: one function writes an entry, one reads an object's history,
one verifies the chain. Every service that changes a domain object calls
`audit_record` inside its transaction."""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import GENESIS_HASH, AuditEntry

# Any constant: the PostgreSQL advisory lock that serializes appends to the chain.
_CHAIN_LOCK_KEY = 7_020_260_001


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The audited values of obj: foreign keys as ids, many-to-many as sorted ids."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(obj.pk and getattr(obj, name).values_list("pk", flat=True) or [])
        elif field.is_relation:
            data[name] = getattr(obj, field.attname)
        else:
            data[name] = _jsonable(getattr(obj, name))
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _mask(obj: models.Model, changes: dict) -> dict:
    maskers = getattr(obj, "AUDIT_MASKED", {})
    if not maskers:
        return changes
    masked = {}
    for key, pair in changes.items():
        fn = maskers.get(key)
        masked[key] = [fn(v) if (fn and v) else v for v in pair] if fn else pair
    return masked


def _lock_chain() -> None:
    # SQLite transactions here are IMMEDIATE: the write lock is already held.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


@transaction.atomic
def audit_record(*, obj: models.Model, actor, action: str, changes: dict) -> AuditEntry:
    """Append an entry for obj to the chain; call it in the transaction that made the change."""
    _lock_chain()
    prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(obj.__class__)
    entry = AuditEntry(
        content_type=content_type,
        object_type=f"{content_type.app_label}.{content_type.model}",
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        actor=actor_user,
        actor_username=actor_user.get_username() if actor_user else "system",
        at=timezone.now(),
        action=action,
        changes=_jsonable(_mask(obj, changes)),
        prev_hash=prev,
    )
    entry.hash = entry.compute_hash(prev)
    entry.save()
    return entry


def audit_create(*, obj: models.Model, actor, fields: Iterable[str], action: str = "create") -> AuditEntry:
    """Record the creation of obj with every non-empty audited field."""
    after = snapshot(obj, fields)
    changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
    return audit_record(obj=obj, actor=actor, action=action, changes=changes)


def object_history(*, obj: models.Model) -> QuerySet[AuditEntry]:
    """The entries for obj, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
    ).order_by("-id")


def verify_chain(*, chunk_size: int = 2000,
                 progress: Callable[[float], None] | None = None) -> tuple[int, AuditEntry | None]:
    """Walk the chain in order; return (entries checked, first broken entry or None).
    progress, when given, is told the fraction done after each chunk (a background job's bar)."""
    total = AuditEntry.objects.count() if progress else 0
    prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash != prev or entry.compute_hash(prev) != entry.hash:
            return checked, entry
        prev = entry.hash
        checked += 1
        if progress and checked % chunk_size == 0:
            progress(checked / total)
    return checked, None
