"""The audit trail: services write entries, one selector reads an object's history, one
function verifies the chain.

Every service that changes a domain object calls `audit_record` (or `audit_record_many`
for a batch, `audit_run` for a run that derives data) inside its transaction. The entries
are inserted there, unchained and without any lock (on PostgreSQL a batch by COPY), so an
entry exists if and only if its change committed; the wide entry row is never written
again. When that transaction commits, `chain_entries` appends them to the hash chain in
short transactions of their own, CHAIN_CHUNK entries each: the chain lock, the head, the
entries' links inserted into the narrow AuditLink table, the head moved. The chain lock is
never held across a caller's transaction, and an edit that commits during a large batch
waits for one chunk.

Entries whose process died between COMMIT and chaining stay unchained (no link) until
`chain_pending` runs (`audit_verify` runs it first and reports how many it chained).
`chain_report` walks the chain in sequence order and checks that it ends at AuditHead."""

import contextlib
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    GENESIS_HASH,
    AuditEntry,
    AuditHead,
    AuditLink,
    actor_json,
    canonical_json,
    digest_from_json,
)

# Any constant: the PostgreSQL advisory lock that serializes appends to the chain.
_CHAIN_LOCK_KEY = 7_020_260_001
# Entries chained per transaction: bounds how long the lock is held at a time (one edit
# that arrives during a large batch waits for one chunk at most).
CHAIN_CHUNK = 1000
# Rows from which PostgreSQL gets them by COPY (ids drawn from the sequence first); a single
# entry is one INSERT ... RETURNING. From two rows on the path is the same whatever the size,
# so a request that audits 10 rows makes as many queries as one that audits 200 (pinned by
# the lists' query-count tests).
COPY_FROM = 2


# Values _jsonable returns as they are: checked first, as most values are one of them.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value):
    if type(value) in _PLAIN:
        return value
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


class AuditItem(NamedTuple):
    """One entry of a batch: the object, the action and its {field: [old, new]} changes."""

    obj: models.Model
    action: str
    changes: dict


# The columns an entry is written with; its link (seq, prev_hash, hash) comes when it is
# chained, in AuditLink.
_COLUMNS = (
    "content_type_id", "object_type", "object_id", "object_repr", "actor_id", "actor_username",
    "at", "action", "changes", "hash_version", "digest",
)  # fmt: skip


def _rows(*, actor_user, items, record_empty: bool, at) -> list[tuple]:
    return list(_iter_rows(actor_user=actor_user, items=items, record_empty=record_empty, at=at))


def _iter_rows(*, actor_user, items, record_empty: bool, at) -> Iterator[tuple]:
    """The rows to write, in _COLUMNS' order, each followed by its changes' canonical JSON
    (what COPY sends). The digest is entry_digest's, from each value's JSON encoded once:
    the actor and the time once a batch, the type once a model, the action once a name."""
    actor_id = actor_user.pk if actor_user else None
    username = actor_user.get_username() if actor_user else "system"
    actor_part = actor_json(actor_id, username, at)
    types, actions = {}, {}
    for obj, action, changes in items:
        if not (changes or record_empty):
            continue
        cls = obj.__class__
        if cls not in types:
            ct = ContentType.objects.get_for_model(cls)
            object_type = f"{ct.app_label}.{ct.model}"
            types[cls] = (ct.pk, object_type, canonical_json(object_type))
        ct_id, object_type, type_json = types[cls]
        if action not in actions:
            actions[action] = canonical_json(action)
        changes = _jsonable(_mask(obj, changes))
        changes_json = canonical_json(changes)
        object_repr = str(obj)[:200]
        digest = digest_from_json(type_json, int(obj.pk), canonical_json(object_repr),
                                  actor_part, actions[action], changes_json)  # fmt: skip
        yield (ct_id, object_type, obj.pk, object_repr, actor_id, username, at, action, changes,
               AuditEntry.HASH_VERSION, digest, changes_json)  # fmt: skip


def _fields(row: tuple) -> dict:
    """A row of _rows as AuditEntry's field values."""
    return dict(zip(_COLUMNS, row[: len(_COLUMNS)], strict=True))


def _insert(rows: list[tuple], *, batch_size: int) -> list[int]:
    """INSERT the rows (one statement per batch_size) and return their ids, in order."""
    if connection.vendor == "postgresql":
        from psycopg2.extras import Json

        changes_at = _COLUMNS.index("changes")
        values = [
            (*row[:changes_at], Json(row[changes_at]), *row[changes_at + 1 : len(_COLUMNS)])
            for row in rows
        ]
        template = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
        ids = []
        with connection.cursor() as cursor:
            for start in range(0, len(values), batch_size):
                cursor.execute(
                    f"INSERT INTO {AuditEntry._meta.db_table} ({', '.join(_COLUMNS)}) VALUES "
                    + _values(cursor, template, values[start : start + batch_size])
                    + " RETURNING id"
                )
                ids.extend(pk for (pk,) in cursor.fetchall())
        return ids
    entries = [AuditEntry(**_fields(row)) for row in rows]
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return [e.pk for e in entries]


# The entries' id sequence, looked up once a process.
_id_sequence: list[str] = []


def _copy_entries(rows: list[tuple]) -> list[int]:
    """COPY the rows and return their ids, in order, drawn from the table's sequence first
    (COPY returns none). The lines are built as COPY reads them, so the server stores the
    ones before while Python builds the next; building one queries nothing."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if not _id_sequence:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            _id_sequence.append(cursor.fetchone()[0])
        # The sequence named as a constant: looked up on every row, nextval costs 5 times more.
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [_id_sequence[0], len(rows)],
        )
        ids = sorted(pk for (pk,) in cursor.fetchall())

        def lines():
            # One line a row in COPY's text format, in _COLUMNS' order after the id.
            esc, null = _copy_escape, "\\N"
            for pk, row in zip(ids, rows, strict=True):
                (ct_id, object_type, object_id, object_repr, actor_id, username, at, action,
                 _, version, digest, changes_json) = row  # fmt: skip
                yield (
                    f"{pk}\t{ct_id}\t{esc(object_type)}\t{object_id}\t{esc(object_repr)}\t"
                    f"{null if actor_id is None else actor_id}\t{esc(username)}\t"
                    f"{at.isoformat()}\t{esc(action)}\t{esc(changes_json)}\t{version}\t{digest}\n"
                )

        _copy(cursor, table, ("id", *_COLUMNS), lines())
    return ids


# COPY's text format: backslash, tab, newline and carriage return escaped; \N is NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_escape(text: str) -> str:
    return text.translate(_COPY_ESCAPES)


def _copy(cursor, table: str, columns: Iterable[str], lines: Iterable[str]) -> None:
    """COPY lines (text format, each ending in a newline) into table through the psycopg2
    cursor under Django's cursor, in the current transaction, reading them as it sends
    them. Logged and counted as one query (as Django's cursor would) and its errors wrapped
    in Django's."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext()
    with logged, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, _LinesFile(lines), size=_COPY_READ)


# Characters COPY reads at a time: sent to the server while the next are built.
_COPY_READ = 64 * 1024


class _LinesFile(io.TextIOBase):
    """A file over an iterator of lines, read as they are produced."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._rest = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        while size is None or size < 0 or length < size:
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            length += len(line)
        data = "".join(parts)
        if size is None or size < 0:
            self._rest = ""
            return data
        self._rest = data[size:]
        return data[:size]


def _values(cursor, template: str, rows: list[tuple]) -> str:
    """A VALUES list, each row quoted by psycopg2 (what execute_values does), to send as one
    statement through Django's cursor: counted, logged and wrapped like any query."""
    from psycopg2.extensions import encodings

    raw = cursor.cursor
    joined = b",".join(raw.mogrify(template, row) for row in rows)
    return joined.decode(encodings[raw.connection.encoding])


@transaction.atomic
def audit_record_many(
    *, actor, items: Iterable[AuditItem | tuple], record_empty: bool = False, batch_size: int = 2000
) -> int:
    """Write a batch of entries in the caller's transaction (on PostgreSQL one COPY, else one
    INSERT per batch_size rows; no lock), chained when it commits; returns how many. An item
    whose changes are empty writes nothing unless record_empty (a creation, or an event that
    changes no field)."""
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    # The rows first, all of them: str(obj) or a content type may query the database, which
    # it cannot do while a COPY is under way.
    rows = _rows(actor_user=actor_user, items=items, record_empty=record_empty, at=timezone.now())
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        ids = _copy_entries(rows)
    else:
        ids = _insert(rows, batch_size=batch_size) if rows else []
    if rows:
        digest_at = _COLUMNS.index("digest")
        _chain_on_commit([(pk, row[digest_at]) for pk, row in zip(ids, rows, strict=True)])
    return len(rows)


@transaction.atomic
def audit_record(
    *, obj: models.Model, actor, action: str, changes: dict, record_empty: bool = False
) -> AuditEntry | None:
    """Write an entry for obj; call it in the transaction that made the change (the
    one-entry case of audit_record_many). Empty changes write nothing (a change that
    changes nothing), unless record_empty: then returns None."""
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    rows = _rows(
        actor_user=actor_user,
        items=[AuditItem(obj, action, changes)],
        record_empty=record_empty,
        at=timezone.now(),
    )
    if not rows:
        return None
    (pk,) = _insert(rows, batch_size=1)
    _chain_on_commit([(pk, rows[0][_COLUMNS.index("digest")])])
    return AuditEntry(pk=pk, **_fields(rows[0]))


def audit_create(
    *, obj: models.Model, actor, fields: Iterable[str], action: str = "create"
) -> AuditEntry:
    """Record the creation of obj with every non-empty audited field."""
    after = snapshot(obj, fields)
    changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
    return audit_record(obj=obj, actor=actor, action=action, changes=changes, record_empty=True)


# Derived data -------------------------------------------------------------------------


def rows_checksum(rows: Iterable) -> str:
    """SHA-256 over the rows in the order given (one canonical JSON line each): the checksum
    of a run's output. Pass an ordered query (e.g. .values_list(...).order_by("pk"))."""
    digest = hashlib.sha256()
    for row in rows:
        line = json.dumps(_jsonable(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def audit_run(
    *,
    obj: models.Model,
    actor,
    action: str,
    inputs: dict,
    rules_version: str,
    counts: dict[str, int],
    rows: Iterable | None = None,
    checksum: str | None = None,
) -> AuditEntry:
    """One entry for a run that derives data (ledger rows, tallies, an import): its inputs,
    the rules' version, the row counts and the checksum of its output (of rows, or given),
    recorded on obj (the Job, the import). Never one entry per derived row."""
    if (rows is None) == (checksum is None):
        raise ValueError("audit_run needs rows or checksum, not both")
    changes = {
        "inputs": inputs,
        "rules_version": str(rules_version),
        "counts": {str(k): int(v) for k, v in counts.items()},
        "checksum": checksum if checksum is not None else rows_checksum(rows),
    }
    return audit_record(obj=obj, actor=actor, action=action, changes=changes, record_empty=True)


# The chain ----------------------------------------------------------------------------


def _chain_on_commit(entries: list[tuple[int, str]]) -> None:
    """Chain these (id, digest) entries when the transaction commits. One callback per
    write: Django drops it with a savepoint that rolls back, together with its entries."""
    # robust: the change has committed; a failure to chain is logged, and chain_pending
    # (audit_verify) chains what is left.
    transaction.on_commit(lambda: chain_entries(entries), robust=True)


def _lock_chain() -> None:
    # SQLite transactions here are IMMEDIATE: the write lock is already held.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _head() -> AuditHead:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if AuditLink.objects.exists():
            raise RuntimeError("the audit chain's head row is missing: run audit_verify")
        head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
    return head


def _linked(ids: list[int]) -> set[int]:
    """Which of these entries have their link already."""
    if connection.vendor == "postgresql":
        # One array parameter: the ORM's IN list costs more than the query for 500 ids.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT entry_id FROM {AuditLink._meta.db_table} WHERE entry_id = ANY(%s)", [ids]
            )
            return {pk for (pk,) in cursor.fetchall()}
    return set(AuditLink.objects.filter(entry_id__in=ids).values_list("entry_id", flat=True))


def _append(entries: list[tuple[int, str]]) -> int:
    """Give each (id, digest) still unchained its link (the next seq and its hash, in order)
    and move the head. The caller holds the chain lock."""
    linked = _linked([pk for pk, _ in entries])
    entries = [(pk, digest) for pk, digest in entries if pk not in linked]
    if not entries:
        return 0
    head = _head()
    seq, prev = head.seq, head.hash
    links = []
    for pk, digest in entries:
        seq += 1
        link = AuditEntry.chain_hash(prev, seq, digest)
        links.append((pk, seq, prev, link))
        prev = link
    if connection.vendor == "postgresql" and len(links) >= COPY_FROM:
        with connection.cursor() as cursor:
            _copy(
                cursor,
                AuditLink._meta.db_table,
                ("entry_id", "seq", "prev_hash", "hash"),
                [f"{pk}\t{s}\t{p}\t{h}\n" for pk, s, p, h in links],  # ints and hex: no escapes
            )
    else:
        AuditLink.objects.bulk_create(
            AuditLink(entry_id=pk, seq=s, prev_hash=p, hash=h) for pk, s, p, h in links
        )
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev, updated_at=timezone.now())
    return len(links)


def chain_entries(entries: list[tuple[int, str]], *, chunk: int | None = None) -> int:
    """Append committed entries, given as (id, digest) in the order written, to the chain:
    `chunk` at a time, each chunk in a short transaction of its own holding the chain lock,
    so that an edit arriving during a large batch waits for one chunk at most. Returns how
    many it chained (an entry some other call chained already is skipped).
    Call it outside a transaction: inside one, the lock is held until that one ends."""
    chunk = chunk or CHAIN_CHUNK
    done = 0
    for start in range(0, len(entries), chunk):
        with transaction.atomic():
            _lock_chain()
            done += _append(entries[start : start + chunk])
    return done


def chain_pending(*, chunk: int | None = None) -> int:
    """Chain every committed entry left unchained (its process died between the commit
    and the chaining), oldest first; returns how many. audit_verify calls it first. It
    reads every entry without a link (an anti-join over both tables): too slow to run on
    every append, which knows its own entries by id."""
    found = list(
        AuditEntry.objects.filter(link__isnull=True).order_by("id").values_list("id", "digest")
    )
    return chain_entries(found, chunk=chunk)


def object_history(*, obj: models.Model) -> QuerySet[AuditEntry]:
    """The entries for obj, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
    ).order_by("-id")


@dataclass
class ChainReport:
    """What a walk of the chain found."""

    checked: int = 0  # entries verified, in sequence order
    broken: AuditEntry | None = None  # the first entry whose link or hash is wrong
    end_seq: int = 0  # where the walk ended
    end_hash: str = GENESIS_HASH
    head_seq: int | None = None  # the head kept in AuditHead
    head_hash: str | None = None
    chained_now: int = 0  # entries found unchained (a crash after commit), chained first
    expected_head: str | None = None  # a head kept outside the system, to find in the chain
    expected_found: bool | None = None

    @property
    def head_matches(self) -> bool:
        return (self.head_seq, self.head_hash) == (self.end_seq, self.end_hash)

    @property
    def ok(self) -> bool:
        return self.broken is None and self.head_matches and self.expected_found is not False

    @property
    def problems(self) -> list[str]:
        found = []
        if self.broken is not None:
            b = self.broken
            found.append(
                _(
                    "审计链在第 %(seq)s 条（#%(pk)s，%(at)s %(actor)s %(action)s %(repr)s）处断开，"
                    "此前 %(checked)s 条完好。"
                )
                % {
                    "seq": b.seq,
                    "pk": b.pk,
                    "at": f"{b.at:%Y-%m-%d %H:%M:%S}",
                    "actor": b.actor_username,
                    "action": b.action,
                    "repr": b.object_repr,
                    "checked": self.checked,
                }
            )
        elif not self.head_matches:
            found.append(
                _(
                    "审计链的末尾（第 %(end_seq)s 条，%(end_hash)s）与记录的链头"
                    "（第 %(head_seq)s 条，%(head_hash)s）不符：最新的记录可能被删除。"
                )
                % {
                    "end_seq": self.end_seq,
                    "end_hash": self.end_hash,
                    "head_seq": self.head_seq,
                    "head_hash": self.head_hash,
                }
            )
        if self.expected_found is False:
            found.append(
                _("审计链中没有保存在外部的链头 %(hash)s：它之前的记录被改动或删除。")
                % {"hash": self.expected_head}
            )
        return found


def chain_report(
    *,
    chunk_size: int = 2000,
    progress: Callable[[float], None] | None = None,
    expect_head: str | None = None,
) -> ChainReport:
    """Chain what is left unchained, then walk the chain in sequence order: each entry must
    link to the one before and hash to its own hash, and the walk must end at AuditHead
    (and pass expect_head, a head hash an operator kept outside, when given).
    progress, when given, is told the fraction done after each chunk (a background job's bar)."""
    report = ChainReport(chained_now=chain_pending(), expected_head=expect_head)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        report.head_seq, report.head_hash = head.seq, head.hash
    if expect_head is not None:
        report.expected_found = expect_head == GENESIS_HASH
    chained = AuditEntry.objects.filter(link__isnull=False).select_related("link")
    total = AuditLink.objects.count() if progress else 0
    prev, seq = GENESIS_HASH, 0
    for entry in chained.order_by("link__seq").iterator(chunk_size=chunk_size):
        if (
            entry.seq != seq + 1
            or entry.prev_hash != prev
            or entry.compute_hash(prev) != entry.hash
            or (entry.hash_version > 1 and entry.digest != entry.compute_digest())
        ):
            report.broken = entry
            break
        prev, seq = entry.hash, entry.seq
        report.checked += 1
        if expect_head is not None and prev == expect_head:
            report.expected_found = True
        if progress and report.checked % chunk_size == 0:
            progress(report.checked / total)
    report.end_seq, report.end_hash = seq, prev
    return report


def verify_chain(
    *, chunk_size: int = 2000, progress: Callable[[float], None] | None = None
) -> tuple[int, AuditEntry | None]:
    """(entries checked, first broken entry or None): chain_report without the head check.
    Prefer chain_report: it also finds entries deleted from the end of the chain."""
    report = chain_report(chunk_size=chunk_size, progress=progress)
    return report.checked, report.broken
