"""Document numbers (文号): per kind and year, from a configured prefix, e.g. 历组通〔2026〕12号
(六角括号, no leading zero). Gapless and never twice: the number is taken by locking the kind's
row for the year (NoticeSequence) in the publishing transaction, so two publishers queue on the
row and a rolled-back publication gives its number back."""

from django.conf import settings
from django.db import transaction

from ..models import NoticeSequence


def prefix(kind: str) -> str:
    """The configured prefix of a kind (settings.DANDANG["NOTICE_PREFIXES"])."""
    prefixes = settings.DANDANG["NOTICE_PREFIXES"]
    return prefixes.get(kind) or prefixes.get("default", "组通")


def format_number(kind: str, year: int, sequence: int) -> str:
    return f"{prefix(kind)}〔{year}〕{sequence}号"


def take_number(kind: str, year: int) -> int:
    """The next number of kind in year, taken for the caller's transaction (which must be the
    one that publishes): the row stays locked until it commits or rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the publishing transaction")
    # The row exists once per kind and year; two first publishers of a year both try to make
    # it and one of them finds it made (no error), then both queue on its lock.
    NoticeSequence.objects.bulk_create([NoticeSequence(kind=kind, year=year)],
                                       ignore_conflicts=True)
    row = NoticeSequence.objects.select_for_update().get(kind=kind, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def last_numbers() -> dict[tuple[str, int], int]:
    """{(kind, year): last number taken}, for the admin and the checks."""
    return {(row.kind, row.year): row.last for row in NoticeSequence.objects.all()}


__all__ = ["format_number", "last_numbers", "prefix", "take_number"]
