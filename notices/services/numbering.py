"""Document numbers (文号): per issuing body, kind and year, e.g. 历组通〔2026〕12号 (六角括号,
no leading zero). The issuing unit's nearest IssuingBody gives its 代字 and its own sequences;
without one, the deployment's configured prefixes and sequences apply. Gapless and never
twice: the number is taken by locking the sequence's row (NoticeSequence) in the publishing
transaction, so two publishers queue on the row and a rolled-back publication gives its
number back."""

from django.conf import settings
from django.db import transaction

from ..models import IssuingBody, NoticeSequence

# What follows the issuing body's 代字 for each kind (历组 + 公 = 历组公).
KIND_SUFFIXES = {"pre_appointment": "公", "tolerance_decision": "容", "clarification": "澄",
                 "commendation": "通"}


def issuing_body_for(unit) -> IssuingBody | None:
    """The IssuingBody of unit or of its nearest ancestor that has one."""
    if unit is None:
        return None
    ids = [int(part) for part in unit.path.strip("/").split("/") if part.isdigit()]
    bodies = IssuingBody.objects.filter(unit_id__in=ids).select_related("unit")
    return max(bodies, key=lambda body: body.unit.depth, default=None)


def scope_of(body: IssuingBody | None) -> str:
    """The sequence a body numbers in (Notice.numbering)."""
    return f"body:{body.pk}" if body is not None else ""


def prefix(kind: str, body: IssuingBody | None = None) -> str:
    """The body's 代字 and the kind's suffix; without a body, the configured prefix of the kind
    (settings.DANDANG["NOTICE_PREFIXES"])."""
    if body is not None:
        return f"{body.code}{KIND_SUFFIXES[kind]}"
    prefixes = settings.DANDANG["NOTICE_PREFIXES"]
    return prefixes.get(kind) or prefixes.get("default", "组通")


def format_number(kind: str, year: int, sequence: int, body: IssuingBody | None = None) -> str:
    return f"{prefix(kind, body)}〔{year}〕{sequence}号"


def take_number(kind: str, year: int, scope: str = "") -> int:
    """The next number of kind in year, taken for the caller's transaction (which must be the
    one that publishes): the row stays locked until it commits or rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the publishing transaction")
    # The row exists once per kind and year; two first publishers of a year both try to make
    # it and one of them finds it made (no error), then both queue on its lock.
    NoticeSequence.objects.bulk_create([NoticeSequence(scope=scope, kind=kind, year=year)],
                                       ignore_conflicts=True)
    row = NoticeSequence.objects.select_for_update().get(scope=scope, kind=kind, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def last_numbers() -> dict[tuple[str, str, int], int]:
    """{(scope, kind, year): last number taken}, for the admin and the checks."""
    return {(row.scope, row.kind, row.year): row.last for row in NoticeSequence.objects.all()}


__all__ = ["format_number", "issuing_body_for", "last_numbers", "prefix", "scope_of", "take_number"]
