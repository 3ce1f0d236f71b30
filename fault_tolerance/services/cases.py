"""Writes to cases: filing, editing a draft, the workflow (one service applies
Case.TRANSITIONS), the panel and the deadlines."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.accounts import own_cadre, own_cadre_id
from core.audit import audit_create, audit_record, diff, snapshot
from core.errors import Conflict
from core.models import Role, User
from core.notifications import notifications_done, notify
from core.services import apply_fields, require_role, require_unit_in_scope
from core.workdays import deadline_after, shared_calendar

from .. import rules, selectors
from ..models import Case, Decision, Outcome, PanelMember, Situation, Vote
from ..notifications import Kind
from ..signals import case_decided
from .attachments import attachments_add
from .files import atomic_with_files

State, Action = Case.State, Case.Action
CASE_FIELDS = ("title", "description", "occurred_on", "field", "source", "applicant")
# What a transition may change, for its audit entry.
WORKFLOW_AUDITED = (
    "state", "outcome", "round", "investigator", "proposed_by", "liaison", "opinion_by", "rejection_reason",
    "criteria", "situations", "recommendation", "opinion_text", "appeal_reason", *Case.STEP_DATES.values(),
    "intake_due", "decision_due", "appeal_due", "deadline_notes",
)


# Filing -----------------------------------------------------------------------------


def _check_subjects(actor, cadres: list, units: list) -> None:
    if not cadres and not units:
        raise ValidationError({"subject_cadres": _("请至少选择一名干部或一个单位作为容错对象。")})
    if actor.has_role(Role.STAFF):
        for unit in units:
            require_unit_in_scope(actor, unit, field="subject_units")
        for cadre in cadres:
            require_unit_in_scope(actor, cadre.unit, field="subject_cadres")
        return
    # A cadre account files for itself only.
    own_id = own_cadre_id(actor)
    if units or [c.pk for c in cadres] != [own_id] or own_id is None:
        raise ValidationError({"subject_cadres": _("干部本人只能为自己提出容错申请。")})


def _clean_case(case: Case) -> None:
    case.title = (case.title or "").strip()
    if not case.title:
        raise ValidationError({"title": _("请填写事项名称。")})
    if case.occurred_on and case.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("发生时间不能晚于今天。")})
    case.full_clean(exclude=["created_by", "subject_cadres", "subject_units", "situations"])


def _set_jurisdiction(case: Case, cadres: list, units: list) -> None:
    paths = [u.path for u in units] + [c.unit.path for c in cadres]
    case.jurisdiction = selectors.lowest_common_unit(paths)


@transaction.atomic
def case_create(*, actor, subject_cadres=(), subject_units=(), **fields) -> Case:
    """File a case as a draft: staff for subjects in their scope, a cadre for themselves.
    Raises ValidationError, PermissionDenied."""
    require_role(actor, Role.STAFF, Role.CADRE)
    cadres, units = list(subject_cadres), list(subject_units)
    _check_subjects(actor, cadres, units)
    case = Case(created_by=actor)
    apply_fields(case, fields, CASE_FIELDS)
    if not case.applicant and not actor.has_role(Role.STAFF) and own_cadre(actor) is not None:
        case.applicant = own_cadre(actor).name
    _set_jurisdiction(case, cadres, units)
    _clean_case(case)
    case.save()
    case.subject_cadres.set(cadres)
    case.subject_units.set(units)
    audit_create(obj=case, actor=actor, fields=Case.AUDITED)
    return case


@atomic_with_files()
def case_file(*, actor, evidence=(), submit: bool = False, **fields) -> Case:
    """File a case (case_create) with its first evidence files and, when asked, submit it: all
    or nothing, so that a refused file or submission leaves no case and no file on disk.
    Raises what case_create, attachments_add and case_transition raise."""
    case = case_create(actor=actor, **fields)
    attachments_add(case=case, actor=actor, evidence=evidence)
    if submit:
        case = case_transition(case=case, action=Action.SUBMIT, actor=actor)
    return case


@transaction.atomic
def case_update(*, case: Case, actor, subject_cadres=None, subject_units=None, **fields) -> Case:
    """Edit a draft; only its filer may. Raises Conflict (not a draft), PermissionDenied, ValidationError."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state != State.DRAFT:
        raise Conflict(_("只有草稿状态的申请可以修改。"), state=case.state, action="update")
    if not selectors.may_edit_draft(case, actor):
        raise PermissionDenied(_("只有填报人可以修改草稿。"))
    before = snapshot(case, Case.AUDITED)
    apply_fields(case, fields, CASE_FIELDS)
    cadres = list(case.subject_cadres.select_related("unit")) if subject_cadres is None else list(subject_cadres)
    units = list(case.subject_units.all()) if subject_units is None else list(subject_units)
    if subject_cadres is not None or subject_units is not None:
        _check_subjects(actor, cadres, units)
        _set_jurisdiction(case, cadres, units)
    _clean_case(case)
    case.save()
    if subject_cadres is not None:
        case.subject_cadres.set(cadres)
    if subject_units is not None:
        case.subject_units.set(units)
    changes = diff(before, snapshot(case, Case.AUDITED))
    if changes:
        audit_record(obj=case, actor=actor, action="update", changes=changes)
    return case


# Deadlines --------------------------------------------------------------------------


def _set_deadline(case: Case, key: str, start: dt.date, days: int) -> None:
    """Set case.<key> to the days-th working day after start. A count that runs into a year
    whose schedule is not entered is provisional: deadline_notes[key] lists those years."""
    deadline = deadline_after(start, days)
    notes = dict(case.deadline_notes or {})
    if deadline.provisional:
        notes[key] = list(deadline.provisional_years)
    else:
        notes.pop(key, None)
    setattr(case, key, deadline.date)
    case.deadline_notes = notes


def _count_deadlines(case: Case, action: str) -> None:
    policy = selectors.policy_for(case.jurisdiction)
    if action == Action.SUBMIT:
        _set_deadline(case, "intake_due", case.submitted_on, policy.intake_days)
    elif action in (Action.ACCEPT, Action.APPEAL):
        start = case.accepted_on if action == Action.ACCEPT else case.appealed_on
        _set_deadline(case, "decision_due", start, policy.decision_days)
    elif action == Action.NOTIFY:
        case.appeal_due = case.notified_on + dt.timedelta(days=policy.appeal_days)


@transaction.atomic
def case_deadlines_refresh(*, case: Case) -> Case:
    """Count again the deadlines that were counted provisionally (after an administrator
    entered a year's schedule). Idempotent; a no-op when none was provisional."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.deadline_notes:
        return case
    before = snapshot(case, ("intake_due", "decision_due", "deadline_notes"))
    with shared_calendar():
        if "intake_due" in case.deadline_notes and case.submitted_on:
            _count_deadlines(case, Action.SUBMIT)
        if "decision_due" in case.deadline_notes:
            _count_deadlines(case, Action.APPEAL if case.round > 1 else Action.ACCEPT)
    changes = diff(before, snapshot(case, ("intake_due", "decision_due", "deadline_notes")))
    if changes:
        case.save(update_fields=["intake_due", "decision_due", "deadline_notes", "updated_at"])
        audit_record(obj=case, actor=None, action="deadlines", changes=changes)
    return case


# What one transition reads about the case -----------------------------------------------


class _Context(selectors.CaseSubjects):
    """The case's subjects (who may act: selectors.action_refusal) and its criteria, read once
    for the guard, the handlers and the notices of one transition."""

    def never_tolerated(self) -> list[str]:
        return list(self.case.situations.filter(group=Situation.Group.NEVER).values_list("code", flat=True))

    def check_outcome(self, outcome: str, field: str | None) -> None:
        refusal = rules.outcome_refusal(outcome, looks_failed=self.case.looks_failed(),
                                        never_tolerated=self.never_tolerated())
        if refusal:
            raise ValidationError({field: refusal} if field else refusal)


# What each move does ------------------------------------------------------------------


def _text(data: dict, key: str, message: str) -> str:
    value = data.get(key)
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise ValidationError({key: message})
    return value


def _set_panel(case: Case, reviewers: list, actor) -> dict:
    old = sorted(PanelMember.objects.filter(case=case, round=case.round).values_list("reviewer_id", flat=True))
    PanelMember.objects.filter(case=case, round=case.round).delete()
    PanelMember.objects.bulk_create(
        [PanelMember(case=case, round=case.round, reviewer=r, assigned_by=actor) for r in reviewers])
    new = sorted(r.pk for r in reviewers)
    return {f"panel_round_{case.round}": [old, new]} if old != new else {}


def _on_reject(ctx, actor, data):
    ctx.case.rejection_reason = _text(data, "reason", _("请填写不予受理的理由。"))


def _on_investigate(ctx, actor, data):
    ctx.case.investigator = actor


def _on_propose(ctx, actor, data):
    case = ctx.case
    criteria, codes = rules.clean_criteria(data.get("criteria"))
    recommendation = data.get("recommendation")
    if recommendation not in Outcome.values:
        raise ValidationError({"recommendation": _("认定建议只能是：免责、从轻减轻、不予容错。")})
    situations = list(Situation.objects.filter(code__in=codes, active=True))
    unknown = sorted(set(codes) - {s.code for s in situations})
    if unknown:
        raise ValidationError({"criteria": _("情形编号不存在或已停用：%(codes)s。") % {"codes": "、".join(unknown)}})
    liaison = data.get("liaison")
    if liaison is not None:
        # Only a liaison covering the case (what the form offers), named by nobody's username.
        liaison_id = liaison.pk if isinstance(liaison, User) else liaison
        liaison = selectors.liaison_candidates(case).filter(pk=liaison_id).first()
        if liaison is None:
            raise ValidationError({"liaison": _("所选联络人不存在或不可选择。")})
    case.criteria, case.recommendation, case.proposed_by, case.liaison = criteria, recommendation, actor, liaison
    case.situations.set(situations)
    ctx.check_outcome(recommendation, "recommendation")
    if PanelMember.objects.filter(case=case, round=case.round).exists():
        return {}
    return _set_panel(case, selectors.default_panel(case), actor)


def _on_opinion(ctx, actor, data):
    ctx.case.opinion_text = _text(data, "text", _("请填写纪检监察意见。"))
    ctx.case.opinion_by = actor


def _on_vote(ctx, actor, data):
    case, choice = ctx.case, data.get("choice")
    if choice not in Outcome.values:
        raise ValidationError({"choice": _("表决意见只能是：免责、从轻减轻、不予容错。")})
    ctx.check_outcome(choice, "choice")
    previous = Vote.objects.filter(case=case, round=case.round, voter=actor).values_list("choice", flat=True).first()
    Vote.objects.update_or_create(case=case, round=case.round, voter=actor,
                                  defaults={"choice": choice, "cast_at": timezone.now()})
    return {f"vote:{actor.get_username()}": [previous, choice]} if choice != previous else {}


def _on_decide(ctx, actor, data):
    case = ctx.case
    votes = list(Vote.objects.filter(case=case, round=case.round).select_related("voter").order_by("voter__username"))
    policy = selectors.policy_for(case.jurisdiction)
    panel_size = PanelMember.objects.filter(case=case, round=case.round).count()
    outcome = rules.tally([v.choice for v in votes], quorum=policy.quorum, majority=policy.majority,
                          panel_size=panel_size)
    ctx.check_outcome(outcome, None)
    record = [{"voter": v.voter_id, "username": v.voter.get_username(), "choice": v.choice} for v in votes]
    Decision.objects.create(case=case, round=case.round, outcome=outcome, votes=record, decided_by=actor,
                            decided_at=timezone.now())
    case.outcome = outcome
    case_id, cadre_ids = case.pk, set(case.subject_cadres.values_list("pk", flat=True))
    transaction.on_commit(lambda: case_decided.send(sender=Case, case_id=case_id, cadre_ids=cadre_ids))
    return {"votes": [None, record]}


def _on_appeal(ctx, actor, data):
    case, today = ctx.case, timezone.localdate()
    if case.round > 1:
        raise Conflict(_("申诉只能提出一次，本案已经过申诉复核。"), state=case.state, action=Action.APPEAL)
    if case.appeal_due and today > case.appeal_due:
        raise ValidationError(_("申诉期已于 %(date)s 届满。") % {"date": case.appeal_due.isoformat()})
    case.appeal_reason = _text(data, "reason", _("请填写申诉理由。"))
    case.round += 1
    return _set_panel(case, selectors.default_panel(case), actor)


def _on_close(ctx, actor, data):
    case, today = ctx.case, timezone.localdate()
    # Asked of the (locked) row, so that the queue's 待办结 and this refusal are one rule.
    if not Case.objects.filter(selectors.appeal_window_passed_q(today), pk=case.pk).exists():
        raise ValidationError(_("申诉期至 %(date)s 届满，届满前不能办结。") % {"date": case.appeal_due.isoformat()})


_HANDLERS = {
    Action.REJECT: _on_reject, Action.INVESTIGATE: _on_investigate, Action.PROPOSE: _on_propose,
    Action.OPINION: _on_opinion, Action.VOTE: _on_vote, Action.DECIDE: _on_decide, Action.APPEAL: _on_appeal,
    Action.CLOSE: _on_close,
}


# Who hears about it ------------------------------------------------------------------


def _cadre_accounts(ctx: _Context) -> list:
    return list(User.objects.filter(cadre__in=ctx.cadre_ids, is_active=True))


def _next_in_line(ctx: _Context, action: str) -> tuple[str, list]:
    """The notification kind an action sends and to whom (the next people in line)."""
    case = ctx.case
    staff = lambda: selectors.covering_users(case=case, role=Role.STAFF, paths=ctx.paths)  # noqa: E731
    filer = [case.created_by]
    if action == Action.SUBMIT:
        return Kind.INTAKE, staff()
    if action == Action.ACCEPT:
        return Kind.INVESTIGATE, staff() + filer
    if action in (Action.REJECT, Action.CLOSE, Action.NOTIFY):
        kinds = {Action.REJECT: Kind.REJECTED, Action.CLOSE: Kind.CLOSED, Action.NOTIFY: Kind.NOTIFIED}
        return kinds[action], filer + _cadre_accounts(ctx)
    if action == Action.PROPOSE:
        liaisons = [case.liaison] if case.liaison_id else selectors.covering_users(
            case=case, role=Role.LIAISON, paths=ctx.paths)
        return Kind.OPINION_REQUESTED, liaisons
    if action == Action.OPINION:
        return Kind.VOTE_REQUESTED, selectors.panel(case)
    if action == Action.DECIDE:
        return Kind.DECIDED, staff()
    if action == Action.APPEAL:
        return Kind.APPEAL_VOTE_REQUESTED, selectors.panel(case) + staff()
    return "", []


# Which requests an action fulfils: (kinds, whether only the actor's own are done). Taking a
# case in answers every staff member asked to; a vote answers only the voter's request.
_FULFILS = {
    Action.ACCEPT: ((Kind.INTAKE,), False),
    Action.REJECT: ((Kind.INTAKE,), False),
    Action.INVESTIGATE: ((Kind.INVESTIGATE,), False),
    Action.OPINION: ((Kind.OPINION_REQUESTED,), False),
    Action.VOTE: ((Kind.VOTE_REQUESTED, Kind.APPEAL_VOTE_REQUESTED), True),
    Action.DECIDE: ((Kind.VOTE_REQUESTED, Kind.APPEAL_VOTE_REQUESTED), False),
    Action.NOTIFY: ((Kind.DECIDED,), False),
}


def _announce(ctx: _Context, action: str, actor) -> None:
    case = ctx.case
    if action in _FULFILS:
        kinds, own_only = _FULFILS[action]
        notifications_done(obj=case, kinds=kinds, recipients=[actor] if own_only else None)
    kind, recipients = _next_in_line(ctx, action)
    recipients = [u for u in recipients if u.pk != actor.pk]
    if kind and recipients:
        notify(kind=kind, recipients=recipients, context={"case": case}, link=case.get_absolute_url(), obj=case)


# The one service for every move ---------------------------------------------------------


@transaction.atomic
def case_transition(*, case: Case, action: str, actor, **data) -> Case:
    """Apply a workflow action to a case, as declared in Case.TRANSITIONS.

    Locks the case, so that of two concurrent actions one wins and the other finds the new
    state. Raises Conflict (the state forbids the move), PermissionDenied (wrong role, or
    selectors.action_refusal: not this actor's case, the filer at intake, recusal) or
    ValidationError (bad data, criteria, quorum, tie, the appeal window)."""
    if action not in Case.Action.values:
        raise ValidationError({"action": _("未知的操作。")})
    case = Case.objects.select_for_update(of=("self",)).select_related("jurisdiction", "created_by").get(pk=case.pk)
    move = Case.TRANSITIONS.get((case.state, action))
    if move is None:
        raise Conflict(_("当前状态（%(state)s）不允许执行“%(action)s”。") % {
            "state": case.get_state_display(), "action": Case.Action(action).label}, state=case.state, action=action)
    new_state, roles = move
    require_role(actor, *roles)
    ctx = _Context(case)
    refusal = selectors.action_refusal(case, action, actor, subjects=ctx)
    if refusal:
        raise PermissionDenied(refusal)
    before = snapshot(case, WORKFLOW_AUDITED)
    today = timezone.localdate()
    if action in Case.STEP_DATES:
        setattr(case, Case.STEP_DATES[action], today)
    extra = _HANDLERS.get(action, lambda *a: None)(ctx, actor, data) or {}
    case.state = new_state
    _count_deadlines(case, action)
    case.save()
    changes = {**diff(before, snapshot(case, WORKFLOW_AUDITED)), **extra}
    audit_record(obj=case, actor=actor, action=action, changes=changes)
    _announce(ctx, action, actor)
    return case


@transaction.atomic
def case_panel_set(*, case: Case, actor, reviewers: list) -> Case:
    """Staff name the panel of the current round, before anyone in it has voted. Raises
    Conflict (wrong state, voting begun), PermissionDenied, ValidationError (a reviewer who
    may not sit: not a reviewer, must recuse, voted in an earlier round)."""
    require_role(actor, Role.STAFF)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not selectors.panel_open(case):
        raise Conflict(_("表决开始后或当前状态下不能调整审议组。"), state=case.state, action="panel")
    ctx = _Context(case)
    if not ctx.covered_by(actor):
        raise PermissionDenied(_("本案不在您的管辖范围内。"))
    users = list(dict.fromkeys(reviewers))
    if not users:
        raise ValidationError({"reviewers": _("审议组至少需要一名审核人。")})
    earlier = selectors.earlier_voters(case)
    # Who may sit: the reviewers covering the case and, on appeal, those of the jurisdiction
    # above (selectors.panel_candidates: the form's choices and the API's check are the same).
    may_sit = {u.pk for u in selectors.covering_users(case=case, role=Role.REVIEWER)}
    if case.round > 1:
        may_sit |= {u.pk for u in selectors.reviewers_above(case)}
    errors = []
    for user in users:
        if not (user.is_active and user.has_role(Role.REVIEWER)) or user.pk not in may_sit:
            # Not a reviewer who may sit on this case: said without the account's name (issue 7).
            errors.append(
                _("编号为 %(id)s 的审核人不存在或不能参加本案审议。") % {"id": user.pk}
            )
        elif user.pk in earlier:
            errors.append(_("%(name)s 已参加前一轮表决，申诉复核须另行组成审议组。") % {"name": user.get_username()})
        elif reason := ctx.recusal(user):
            errors.append(f"{user.get_username()}：{reason}")
    if errors:
        raise ValidationError({"reviewers": errors})
    changes = _set_panel(case, users, actor)
    if changes:
        audit_record(obj=case, actor=actor, action="panel", changes=changes)
    return case
