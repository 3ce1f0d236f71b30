"""Writes: 民主测评. Opening a round (its codes come back once, never stored readable), casting
a ballot with a code (once: a conditional UPDATE decides), sealing a closed round.

Codes: CODE_LENGTH characters from CODE_ALPHABET (digits and capitals without 0/O, 1/I/L and
U: nothing to misread on a slip), drawn with `secrets`: 30 ** 10 ≈ 5.9 × 10^14, about 49
bits. With 1,000 live codes a guess hits one in about 6 × 10^11; the ballot page is also
rate-limited per client IP. Shown as two groups of five (ABCDE-FGHJK); typed with or without
the dash, in either case."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.audit import audit_create, audit_record
from core.errors import Conflict
from core.models import Role, Unit
from core.services import require_role, require_unit_in_scope

from ..models import AppraisalBallot, AppraisalCode, AppraisalMark, AppraisalRound, Rating

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 characters: no 0 O 1 I L U
CODE_LENGTH = 10
MAX_VOTERS = 2000
_HMAC_SALT = "assessments.appraisal.code"


def code_entropy_bits() -> float:
    import math

    return CODE_LENGTH * math.log2(len(CODE_ALPHABET))


def normalize_code(raw: str) -> str:
    """The code as stored: capitals, no dash or space; '' when it cannot be a code."""
    code = "".join((raw or "").split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def format_code(code: str) -> str:
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def code_hash(code: str) -> str:
    """The keyed hash a code is stored as (HMAC-SHA256 under SECRET_KEY)."""
    return salted_hmac(_HMAC_SALT, code, algorithm="sha256").hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class OpenedRound:
    """A round just opened and its codes in the clear: the only time they exist."""

    round: AppraisalRound
    codes: list[str]


@transaction.atomic
def appraisal_open(*, actor, unit, year: int, kind: str, closes_at, voters: int,
                   at=None) -> OpenedRound:
    """Open a round for unit: the unit's active cadres are fixed as the cadres rated, `voters`
    codes are made and returned (formatted) once. `at`: the moment it is opened (now; the demo
    replays fixed dates). Raises PermissionDenied, ValidationError."""
    require_role(actor, Role.STAFF, Role.ADMIN)
    require_unit_in_scope(actor, unit)
    errors = {}
    if closes_at is not None and closes_at <= (at or timezone.now()):
        errors["closes_at"] = _("截止时间须晚于当前时间。")
    if voters is None or not 1 <= voters <= MAX_VOTERS:
        errors["voters"] = _("测评票数须在 1 到 %(max)s 之间。") % {"max": MAX_VOTERS}
    if kind not in AppraisalRound.Kind.values:
        errors["kind"] = _("测评类型无效。")
    if errors:
        raise ValidationError(errors)
    # One open round per unit, year and kind: a second click, or reloading the codes' page
    # (its answer to the POST), opened a second round with codes of its own, so the votes
    # were split. The unit's row lock makes two requests at once wait for each other.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    running = (AppraisalRound.objects.filter(unit=unit, year=year, kind=kind,
                                             closes_at__gt=at or timezone.now())
               .order_by("closes_at").first())
    if running is not None:
        raise ValidationError({"unit": _(
            "%(unit)s %(year)s 年已有一轮进行中的%(kind)s（%(closes)s 截止），不能重复发起；"
            "测评码已在发起时生成。") % {
                "unit": unit.name, "year": year, "kind": running.get_kind_display(),
                "closes": timezone.localtime(running.closes_at).strftime("%Y-%m-%d %H:%M")}})
    round_ = AppraisalRound(unit=unit, year=year, kind=kind, closes_at=closes_at, voters=voters,
                            created_by=actor)
    round_.full_clean(exclude=["created_by", "cadres"])
    round_.save()
    round_.cadres.set(
        Cadre.objects.filter(unit=unit, status=Cadre.Status.ACTIVE).values_list("pk", flat=True)
    )
    codes: set[str] = set()
    while len(codes) < voters:
        codes.add(_new_code())
    codes_list = sorted(codes)  # no order to keep: the slips need none
    AppraisalCode.objects.bulk_create(
        [AppraisalCode(round=round_, code_hash=code_hash(c)) for c in codes_list], batch_size=1000
    )
    audit_create(obj=round_, actor=actor, fields=AppraisalRound.AUDITED,
                 action=AppraisalRound.HistoryAction.OPEN)
    return OpenedRound(round=round_, codes=[format_code(c) for c in codes_list])


class BallotRefused(Exception):
    """A code that may not vote: `reason` is "invalid" (unknown or already used: one answer
    for both) or "closed" (a real code of a round past its closing time)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def ballot_round(*, code: str, at=None) -> AppraisalRound:
    """The open round a code may vote in (at `at`, default now). Raises BallotRefused."""
    normalized = normalize_code(code)
    row = (
        AppraisalCode.objects.filter(code_hash=code_hash(normalized)).select_related("round").first()
        if normalized else None
    )
    if row is None:
        raise BallotRefused("invalid")
    if row.round.closes_at <= (at or timezone.now()):
        raise BallotRefused("closed")
    if row.used:
        raise BallotRefused("invalid")
    return row.round


def ballot_errors(round_: AppraisalRound, cadre_ids: list[int], *, team, marks: dict) -> dict:
    """What is wrong with a ballot: every cadre of the round and the team rated, nothing else."""
    errors = {}
    if team not in Rating.values:
        errors["team"] = _("请评价领导班子。")
    missing = [pk for pk in cadre_ids if marks.get(pk) not in Rating.values]
    if missing:
        errors["marks"] = _("请评价每一位干部（还有 %(n)s 位未评价）。") % {"n": len(missing)}
    if set(marks) - set(cadre_ids):
        errors["marks"] = _("所评价的干部不在本次测评范围内。")
    return errors


@transaction.atomic
def ballot_cast(*, code: str, team: str, marks: dict[int, str], at=None) -> None:
    """Cast one ballot with code: team's rating, {cadre id: rating} for every cadre rated.
    The code is spent by a conditional UPDATE (unused and the round still open), so of two
    submissions racing with one code exactly one casts. Writes no audit entry and nothing that
    names the code or the time. Raises BallotRefused, ValidationError."""
    at = at or timezone.now()
    round_ = ballot_round(code=code, at=at)
    cadre_ids = list(round_.cadres.values_list("pk", flat=True))
    errors = ballot_errors(round_, cadre_ids, team=team, marks=marks)
    if errors:
        raise ValidationError(errors)
    # One table in the WHERE, no join: on PostgreSQL a join becomes "id IN (subquery)", whose
    # result a waiting UPDATE does not recompute after the winner commits (both would win).
    spent = AppraisalCode.objects.filter(
        code_hash=code_hash(normalize_code(code)), used=False, round_id=round_.pk,
    ).update(used=True)
    if spent != 1:
        # Used meanwhile: a racing submission with the same code won.
        raise BallotRefused("invalid")
    ballot = AppraisalBallot.objects.create(round=round_, team=team)
    AppraisalMark.objects.bulk_create(
        [AppraisalMark(ballot=ballot, cadre_id=pk, rating=marks[pk]) for pk in cadre_ids]
    )
    AppraisalRound.objects.filter(pk=round_.pk).update(ballots_cast=F("ballots_cast") + 1)


@transaction.atomic
def appraisal_seal(*, round: AppraisalRound, actor=None) -> AppraisalRound:
    """Seal a closed round (once; results read it): rewrite its ballots in a shuffled order with
    new random ids and touch its codes, all in this one transaction, so what the database keeps
    beside the columns (the writing transaction, the physical order) no longer pairs a ballot
    with the code that cast it; audit the counts. Raises Conflict when the round is open."""
    round_ = AppraisalRound.objects.select_for_update().get(pk=round.pk)
    if round_.sealed:
        return round_
    if not round_.is_closed:
        raise Conflict(_("测评尚未截止，不能封存。"), state="open")
    ballots = list(AppraisalBallot.objects.filter(round=round_).values_list("pk", "team"))
    marks: dict = {}
    for ballot_id, cadre_id, rating in AppraisalMark.objects.filter(
        ballot__round=round_
    ).values_list("ballot_id", "cadre_id", "rating"):
        marks.setdefault(ballot_id, []).append((cadre_id, rating))
    random.SystemRandom().shuffle(ballots)
    AppraisalBallot.objects.filter(round=round_).delete()
    new_ballots, new_marks = [], []
    for old_id, team in ballots:
        ballot = AppraisalBallot(round=round_, team=team)
        new_ballots.append(ballot)
        new_marks.extend(AppraisalMark(ballot=ballot, cadre_id=c, rating=r)
                         for c, r in marks.get(old_id, []))
    AppraisalBallot.objects.bulk_create(new_ballots, batch_size=1000)
    AppraisalMark.objects.bulk_create(new_marks, batch_size=2000)
    AppraisalCode.objects.filter(round=round_).update(used=F("used"))
    round_.sealed = True
    round_.save(update_fields=["sealed"])
    audit_record(obj=round_, actor=actor, action=AppraisalRound.HistoryAction.SEAL,
                 changes={"ballots_cast": [None, round_.ballots_cast],
                          "sealed": [False, True]})
    return round_


def seal_due_rounds(*, at=None) -> int:
    """Seal every round that has closed and is not sealed yet (beat runs it every
    APPRAISAL_SEAL_INTERVAL_SECONDS), each in its own transaction: the database's
    own traces that could pair a ballot with its code are gone soon after the round closes,
    not only once someone reads the results. Returns how many it sealed."""
    due = AppraisalRound.objects.filter(sealed=False, closes_at__lte=at or timezone.now())
    sealed = 0
    for round_ in due.only("pk").order_by("pk"):
        with transaction.atomic():
            appraisal_seal(round=round_)
        sealed += 1
    return sealed
