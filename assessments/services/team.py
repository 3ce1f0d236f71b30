"""Every write of team grades (班子年度考核) and of the measure proposals of 末位倒逼.

- `team_assessment_save`: one grade or a batch, all or nothing; then the ranks, bottom streaks
  and escalations of every group it touched are recomputed from the earliest year it touched
  onwards (a regrade of 2023 can change who is in their third year at the bottom in 2025).
- `team_recompute`: set-based for one group (jurisdiction, category) from a year on: one query
  to read, one bulk_update, then the proposals synchronised: created once per (grade, leader,
  measure); a pending one whose basis is gone is withdrawn (reopened if the basis returns); a
  confirmed one is never dropped: it is flagged `basis_lost` for staff to look at; a dismissed
  one stays dismissed. Running it twice changes nothing the second time and records nothing.
- `team_proposal_confirm` / `team_proposal_dismiss`: staff decide a pending proposal (409 in
  any other state); confirming sends signals.team_measure_confirmed, inside the transaction,
  for the incentives app to record the measure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditItem, audit_record, audit_record_many, audit_run, snapshot
from core.errors import Conflict

from .. import permissions
from ..models import TeamAssessment, TeamMeasureProposal
from ..selectors.team import (
    TeamRow,
    bottom_units,
    escalation_for,
    principal_leaders,
    rank_group,
)
from ..signals import team_grades_saved, team_measure_confirmed
from .annual import RowErrors

RULES_VERSION = "assessments.team/1"
Status = TeamMeasureProposal.Status


@dataclass
class TeamSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    objects: list = field(default_factory=list)


def _add(errors: dict, index: int, name: str, message: str) -> None:
    errors.setdefault(index, {}).setdefault(name, []).append(message)


def _row_errors(actor, rows: list[TeamRow]) -> dict[int, dict[str, list[str]]]:
    errors: dict[int, dict[str, list[str]]] = {}
    may_write = permissions.unit_writer(actor)
    seen: dict[tuple[int, int], int] = {}
    for index, row in enumerate(rows):
        if not may_write(row.unit):
            _add(errors, index, "unit", _("单位不存在或不在您的管辖范围内。"))
            continue
        if not row.unit.category:
            _add(
                errors,
                index,
                "unit",
                _(
                    "“%(unit)s”未设置考核类别，不能进行班子考核：班子在所属考核类别内排名。"
                    "请先在单位信息中设置考核类别。"
                )
                % {"unit": row.unit.name},
            )
        if row.grade not in TeamAssessment.Grade.values:
            _add(errors, index, "grade", _("等次无效，应为好、较好、一般或差。"))
        if row.score is not None and not (0 <= row.score <= 100):
            _add(errors, index, "score", _("得分应在 0 到 100 之间。"))
        if not (2000 <= int(row.year) <= 2100):
            _add(errors, index, "year", _("年度应在 2000 到 2100 之间。"))
        key = (row.unit.pk, row.year)
        if key in seen:
            _add(
                errors,
                index,
                "unit",
                _("与第 %(n)s 条重复：同一单位同一年度只能有一个班子考核等次。")
                % {"n": seen[key] + 1},
            )
        seen.setdefault(key, index)
    return errors


def _refuse(errors: dict, single: bool):
    if single:
        raise ValidationError(errors[0])
    raise RowErrors(errors)


@transaction.atomic
def team_assessment_save(
    *, actor, rows: list[TeamRow], create_only: bool = False
) -> TeamSaveResult:
    """Save team grades, all or nothing, then recompute the ranks and escalations of the
    groups touched. A (unit, year) already graded is updated (its category and jurisdiction
    taken afresh from the unit), unless create_only (the API's POST), when it is refused.
    Raises PermissionDenied; ValidationError (one row: field errors) or RowErrors (a batch)."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色无权录入考核结果。"))
    single = len(rows) == 1
    errors = _row_errors(actor, rows)
    if errors:
        _refuse(errors, single)
    existing = {
        (a.unit_id, a.year): a
        for a in TeamAssessment.objects.select_for_update().filter(
            unit_id__in={r.unit.pk for r in rows}, year__in={r.year for r in rows}
        )
    }
    if create_only:
        for index, row in enumerate(rows):
            if (row.unit.pk, row.year) in existing:
                _add(
                    errors,
                    index,
                    "year",
                    _("“%(unit)s”%(year)s 年度已有班子考核等次。")
                    % {"unit": row.unit.name, "year": row.year},
                )
        if errors:
            _refuse(errors, single)

    result = TeamSaveResult()
    now = timezone.now()
    to_create, to_update, groups = [], [], {}

    def touch(jurisdiction_id, category, year):
        key = (jurisdiction_id, category)
        groups[key] = min(groups.get(key, year), year)

    for row in rows:
        current = existing.get((row.unit.pk, row.year))
        values = dict(
            grade=row.grade,
            score=row.score,
            category=row.unit.category,
            jurisdiction_id=row.unit.parent_id,
        )
        if current is None:
            obj = TeamAssessment(unit=row.unit, year=row.year, created_by=actor, **values)
            to_create.append(obj)
            result.objects.append(obj)
            touch(obj.jurisdiction_id, obj.category, obj.year)
            continue
        result.objects.append(current)
        if all(getattr(current, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        before = snapshot(current, TeamAssessment.AUDITED)
        touch(current.jurisdiction_id, current.category, current.year)  # the group it leaves
        for k, v in values.items():
            setattr(current, k, v)
        current.updated_at = now
        to_update.append((current, before))
        touch(current.jurisdiction_id, current.category, current.year)
    result.created, result.updated = len(to_create), len(to_update)
    TeamAssessment.objects.bulk_create(to_create)
    TeamAssessment.objects.bulk_update(
        [obj for obj, _b in to_update],
        ["grade", "score", "category", "jurisdiction", "updated_at"],
    )
    items = [
        AuditItem(
            obj,
            "create",
            {
                k: [None, v]
                for k, v in snapshot(obj, TeamAssessment.AUDITED).items()
                if v not in (None, "")
            },
        )
        for obj in to_create
    ]
    for obj, before in to_update:
        after = snapshot(obj, TeamAssessment.AUDITED)
        items.append(
            AuditItem(
                obj, "update", {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            )
        )
    audit_record_many(actor=actor, items=items)
    for (jurisdiction_id, category), year in sorted(
        groups.items(), key=lambda kv: (str(kv[0]), kv[1])
    ):
        team_recompute(
            actor=actor, jurisdiction_id=jurisdiction_id, category=category, from_year=year
        )
    if to_create or to_update:
        # The saved objects carry their fresh rank and escalation.
        fresh = {
            a.pk: a for a in TeamAssessment.objects.filter(pk__in=[o.pk for o in result.objects])
        }
        for obj in result.objects:
            obj.rank = fresh[obj.pk].rank
            obj.bottom_streak = fresh[obj.pk].bottom_streak
            obj.escalation = fresh[obj.pk].escalation
    return result


def _group_q(jurisdiction_id, category) -> Q:
    place = (
        Q(jurisdiction__isnull=True)
        if jurisdiction_id is None
        else Q(jurisdiction_id=jurisdiction_id)
    )
    return place & Q(category=category)


@transaction.atomic
def team_recompute(*, actor, jurisdiction_id, category: str, from_year: int) -> dict[str, int]:
    """Recompute ranks, bottom streaks and escalations of one group (jurisdiction, category)
    for from_year and every later year, and synchronise the measure proposals (see the
    module's docstring). Set-based: a fixed number of queries whatever the group's size.
    Returns the counts; records one audit_run entry when anything changed."""
    records = list(
        TeamAssessment.objects.select_for_update(of=("self",))
        .filter(_group_q(jurisdiction_id, category), year__gte=from_year)
        .select_related("unit")
        .order_by("year", "unit_id")
    )
    if not records:
        return {}
    streak = {
        (unit_id, year): value
        for unit_id, year, value in TeamAssessment.objects.filter(
            unit_id__in={a.unit_id for a in records}, year__gte=from_year - 1
        ).values_list("unit_id", "year", "bottom_streak")
    }
    by_year = defaultdict(list)
    for a in records:
        by_year[a.year].append(a)
    changed = []
    for year in sorted(by_year):
        ranks = rank_group(by_year[year])
        bottom = bottom_units(ranks)
        for a, rank in ranks.items():
            run = streak.get((a.unit_id, year - 1), 0) + 1 if a in bottom else 0
            streak[(a.unit_id, year)] = run
            new = (rank, run, escalation_for(run))
            if (a.rank, a.bottom_streak, a.escalation) != new:
                a.rank, a.bottom_streak, a.escalation = new
                changed.append(a)
    TeamAssessment.objects.bulk_update(changed, ["rank", "bottom_streak", "escalation"])
    counts = {"ranked": len(records), "changed": len(changed), **_sync_proposals(actor, records)}
    unit_ids = {a.unit_id for a in records}
    transaction.on_commit(lambda: team_grades_saved.send(
        sender=TeamAssessment, unit_ids=unit_ids, years=None))
    if any(v for k, v in counts.items() if k != "ranked"):
        audit_run(
            obj=records[0],
            actor=actor,
            action=TeamAssessment.HistoryAction.RECOMPUTE,
            inputs={"jurisdiction": jurisdiction_id, "category": category, "from_year": from_year},
            rules_version=RULES_VERSION,
            counts=counts,
            rows=sorted(
                (a.unit_id, a.year, a.rank, a.bottom_streak, a.escalation) for a in records
            ),
        )
    return counts


def _sync_proposals(actor, records: list[TeamAssessment]) -> dict[str, int]:
    """Bring the proposals of records in line with their escalations (see the module's docstring)."""
    existing = defaultdict(list)
    for p in (
        TeamMeasureProposal.objects.select_for_update(of=("self",))
        .filter(assessment__in=records)
        .select_related("cadre")
        .order_by("id")
    ):
        existing[p.assessment_id].append(p)
    needing = [
        a
        for a in records
        if a.escalation and not any(p.measure == a.escalation for p in existing[a.pk])
    ]
    leaders = principal_leaders({a.unit_id for a in needing}) if needing else {}
    to_create, to_update, items = [], [], []
    counts = dict.fromkeys(("proposed", "withdrawn", "reopened", "flagged", "unflagged"), 0)
    for a in records:
        for p in existing[a.pk]:
            p.assessment = a
            before = (p.status, p.basis_lost)
            basis = p.measure == a.escalation
            if basis and p.status == Status.WITHDRAWN:
                p.status, action, count = (
                    Status.PENDING,
                    TeamMeasureProposal.HistoryAction.REOPEN,
                    "reopened",
                )
            elif basis and p.status == Status.CONFIRMED and p.basis_lost:
                p.basis_lost, action, count = (
                    False,
                    TeamMeasureProposal.HistoryAction.BASIS_RESTORED,
                    "unflagged",
                )
            elif not basis and p.status == Status.PENDING:
                p.status, action, count = (
                    Status.WITHDRAWN,
                    TeamMeasureProposal.HistoryAction.WITHDRAW,
                    "withdrawn",
                )
            elif not basis and p.status == Status.CONFIRMED and not p.basis_lost:
                p.basis_lost, action, count = (
                    True,
                    TeamMeasureProposal.HistoryAction.BASIS_LOST,
                    "flagged",
                )
            else:
                continue
            counts[count] += 1
            to_update.append(p)
            changes = {}
            if before[0] != p.status:
                changes["status"] = [before[0], p.status]
            if before[1] != p.basis_lost:
                changes["basis_lost"] = [before[1], p.basis_lost]
            items.append(AuditItem(p, action, changes))
        if a in needing:
            for cadre in leaders.get(a.unit_id, []):
                to_create.append(
                    TeamMeasureProposal(assessment=a, cadre=cadre, measure=a.escalation)
                )
    TeamMeasureProposal.objects.bulk_create(to_create)
    TeamMeasureProposal.objects.bulk_update(to_update, ["status", "basis_lost"])
    counts["proposed"] = len(to_create)
    items.extend(
        AuditItem(
            p,
            "create",
            {
                k: [None, v]
                for k, v in snapshot(p, TeamMeasureProposal.AUDITED).items()
                if v not in (None, "", False)
            },
        )
        for p in to_create
    )
    audit_record_many(actor=actor, items=items, record_empty=True)
    return counts


# Staff decide a proposal -------------------------------------------------------------------


def _locked(proposal: TeamMeasureProposal, actor, action: str) -> TeamMeasureProposal:
    proposal = (
        TeamMeasureProposal.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "cadre")
        .get(pk=proposal.pk)
    )
    if not permissions.can_write_unit(actor, proposal.assessment.unit):
        raise PermissionDenied(_("您无权处理该单位的末位措施建议。"))
    if (proposal.status, action) not in TeamMeasureProposal.TRANSITIONS:
        raise Conflict(
            _("该建议当前为“%(state)s”，只有待确认的建议可以确认或不予采纳。")
            % {"state": proposal.get_status_display()},
            state=proposal.status,
            action=action,
        )
    return proposal


@transaction.atomic
def team_proposal_confirm(*, actor, proposal: TeamMeasureProposal) -> TeamMeasureProposal:
    """Confirm a pending proposal: records who and when, and sends team_measure_confirmed (the
    incentives app records the measure). Raises Conflict (not pending), PermissionDenied."""
    proposal = _locked(proposal, actor, "confirm")
    old = proposal.status
    proposal.status = TeamMeasureProposal.TRANSITIONS[(old, "confirm")]
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        obj=proposal,
        actor=actor,
        action=TeamMeasureProposal.HistoryAction.CONFIRM,
        changes={"status": [old, proposal.status]},
    )
    team_measure_confirmed.send(sender=TeamMeasureProposal, proposal=proposal, actor=actor)
    return proposal


@transaction.atomic
def team_proposal_dismiss(
    *, actor, proposal: TeamMeasureProposal, reason: str
) -> TeamMeasureProposal:
    """Dismiss a pending proposal with a reason. Raises Conflict (not pending),
    ValidationError (no reason), PermissionDenied."""
    proposal = _locked(proposal, actor, "dismiss")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予采纳的理由。")})
    old = proposal.status
    proposal.status = TeamMeasureProposal.TRANSITIONS[(old, "dismiss")]
    proposal.decided_by, proposal.decided_at, proposal.dismiss_reason = (
        actor,
        timezone.now(),
        reason,
    )
    proposal.save(update_fields=["status", "decided_by", "decided_at", "dismiss_reason"])
    audit_record(
        obj=proposal,
        actor=actor,
        action=TeamMeasureProposal.HistoryAction.DISMISS,
        changes={"status": [old, proposal.status], "dismiss_reason": ["", reason]},
    )
    return proposal
