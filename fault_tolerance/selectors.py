"""Every non-trivial read of fault-tolerance data, scoped to the user.

Who sees a case:
- administrators: every case;
- the filer: their own filings, drafts included (nobody else sees a draft);
- staff: cases with a subject unit, or a subject cadre's unit, in their scope;
- reviewers: cases whose panel (either round) they sit on;
- liaisons: cases sent to them, from the proposal on: to them by name, or, when the case
  names no liaison, to every liaison whose scope covers a subject;
- a cadre account: the cases about its own cadre record.
(fault_tolerance.permissions holds these rules; every read here asks it.)"""

import datetime as dt
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.accounts import own_cadre, own_cadre_id
from cadres.models import Cadre, Unit
from core.models import Role, User

from . import permissions
from .deadlines import cases_with_due_date, deadline_threshold  # noqa: F401 (re-exported)
from .filters import CaseFilter, CorrectionFilter
from .models import (
    LEADING_POST_LEVELS,
    TOLERATED_OUTCOMES,
    Case,
    Correction,
    PanelMember,
    Policy,
    Situation,
    Vote,
)

State = Case.State


def _filtered(filterset_class, data, queryset):
    filterset = filterset_class(data or {}, queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# Visibility: fault_tolerance.permissions decides; these read through it. ------------------


def case_list(*, user, filters: dict | None = None) -> QuerySet[Case]:
    """Cases the user may see, filtered, newest first; raises ValidationError on a bad filter."""
    qs = (Case.objects.filter(permissions.case_visible_q(user))
          .select_related("created_by", "jurisdiction")
          # Each subject cadre's unit too: pages link a cadre only for those who may open it.
          .prefetch_related(Prefetch("subject_cadres", queryset=Cadre.objects.select_related("unit")),
                            "subject_units"))
    return _filtered(CaseFilter, filters, qs).order_by("-id")


def case_detail_queryset(*, user) -> QuerySet[Case]:
    """Cases the user may see, with everything a case's page shows fetched in a fixed number of queries."""
    return case_list(user=user).select_related(
        "investigator", "proposed_by", "liaison", "opinion_by").prefetch_related(
        "situations", "decisions__decided_by",
        Prefetch("panel_members", queryset=PanelMember.objects.select_related("reviewer").order_by("round", "id")),
        Prefetch("votes", queryset=Vote.objects.select_related("voter").order_by("round", "id")),
    )


def case_get(*, user, pk) -> Case:
    """One case the user may see, with what its page shows; Http404 otherwise."""
    try:
        return case_detail_queryset(user=user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reviewer_queue(*, user) -> QuerySet[Case]:
    """Cases waiting on this reviewer: on the current round's panel, voting open, not yet voted."""
    on_panel = PanelMember.objects.filter(case_id=OuterRef("pk"), round=OuterRef("round"), reviewer=user)
    voted = Vote.objects.filter(case_id=OuterRef("pk"), round=OuterRef("round"), voter=user)
    return (Case.objects.filter(state__in=Case.VOTING_STATES).filter(Exists(on_panel)).exclude(Exists(voted))
            .select_related("jurisdiction").prefetch_related("subject_cadres", "subject_units")
            .order_by("decision_due", "id"))


# Subjects, coverage, recusal and the panel ------------------------------------


def subject_paths(case: Case) -> list[str]:
    """The tree paths of the case's subject units and of its subject cadres' units."""
    unit_ids = Case.subject_units.through.objects.filter(case_id=case.pk).values("unit_id")
    cadre_unit_ids = Cadre.objects.filter(tolerance_cases=case).values("unit_id")
    return list(Unit.objects.filter(Q(pk__in=unit_ids) | Q(pk__in=cadre_unit_ids))
                .values_list("path", flat=True).distinct())


def lowest_common_unit(paths: list[str]) -> Unit | None:
    """The lowest unit above (or equal to) every path, or None when they share no root."""
    if not paths:
        return None
    split = [p.strip("/").split("/") for p in paths]
    common = []
    for parts in zip(*split, strict=False):  # as deep as the shallowest path
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Unit.objects.filter(pk=int(common[-1])).first() if common else None


def _ancestor_ids(paths: list[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def covering_users(*, case: Case, role: str, paths: list[str] | None = None) -> list[User]:
    """Active users holding role whose scope covers a subject of the case (administrators aside)."""
    ancestors = _ancestor_ids(subject_paths(case) if paths is None else paths)
    users = User.objects.filter(is_active=True, units__in=ancestors).select_related("cadre").distinct()
    return sorted((u for u in users if role in (u.roles or [])), key=lambda u: u.username)


def recusal_reason(*, case: Case, user, subject_cadre_ids: set[int], subject_unit_ids: set[int]) -> str | None:
    """Why user may not vote on case (filer, investigator, proposer, a subject, a leader of a
    subject unit), or None. Leading means: their cadre record is in a subject unit at
    副科级 or above (models.LEADING_POST_LEVELS)."""
    if user.pk == case.created_by_id:
        return _("您是本案的填报人，不能参与表决。")
    if user.pk in (case.investigator_id, case.proposed_by_id):
        return _("您参与了本案的调查核实或提出认定建议，不能参与表决。")
    cadre = own_cadre(user)
    if cadre is not None:
        if cadre.pk in subject_cadre_ids:
            return _("您是本案的容错对象，须回避。")
        if cadre.unit_id in subject_unit_ids and cadre.post_level in LEADING_POST_LEVELS:
            return _("您是容错对象单位的领导干部，须回避。")
    return None


def subject_ids(case: Case) -> tuple[set[int], set[int]]:
    """(subject cadre ids, subject unit ids)."""
    through_c, through_u = Case.subject_cadres.through, Case.subject_units.through
    return (set(through_c.objects.filter(case_id=case.pk).values_list("cadre_id", flat=True)),
            set(through_u.objects.filter(case_id=case.pk).values_list("unit_id", flat=True)))


def earlier_voters(case: Case) -> set[int]:
    """Who voted in an earlier round: left out of the review on appeal."""
    return set(Vote.objects.filter(case=case, round__lt=case.round).values_list("voter_id", flat=True))


def _may_sit(case: Case, users, *, excluded: set[int]) -> list[User]:
    cadre_ids, unit_ids = subject_ids(case)
    return [u for u in users if u.pk not in excluded
            and recusal_reason(case=case, user=u, subject_cadre_ids=cadre_ids, subject_unit_ids=unit_ids) is None]


def reviewers_above(case: Case) -> list[User]:
    """The reviewers of the jurisdiction above (上一级) the case's that do not cover the case
    themselves: active reviewers whose scope lies in the area of the jurisdiction's parent unit.
    An appeal draws on them when the covering reviewers who have not voted fall short of the
    quorum. Empty when the jurisdiction has no parent."""
    parts = (case.jurisdiction.path.strip("/").split("/") if case.jurisdiction_id else [])
    if len(parts) < 2:
        return []
    parent_path = "/" + "/".join(parts[:-1]) + "/"
    covering = {u.pk for u in covering_users(case=case, role=Role.REVIEWER)}
    users = (User.objects.filter(is_active=True, units__path__startswith=parent_path)
             .exclude(pk__in=covering).select_related("cadre").distinct())
    return sorted((u for u in users if Role.REVIEWER in (u.roles or [])), key=lambda u: u.username)


def default_panel(case: Case) -> list[User]:
    """The panel when staff name none: every reviewer whose scope covers the case, less those
    who must recuse (API.md); on appeal, less those who voted before and, when that leaves
    fewer than the quorum, with the reviewers of the jurisdiction above (reviewers_above)."""
    excluded = earlier_voters(case) if case.round > 1 else set()
    chosen = _may_sit(case, covering_users(case=case, role=Role.REVIEWER), excluded=excluded)
    if case.round > 1 and len(chosen) < policy_for(case.jurisdiction).quorum:
        chosen += _may_sit(case, reviewers_above(case), excluded=excluded)
    return chosen


def panel_candidates(case: Case) -> list[User]:
    """Those staff may name to the current round's panel: the covering reviewers who need not
    recuse and, on appeal, have not voted before, plus on appeal the reviewers of the
    jurisdiction above (reviewers_above) on the same terms."""
    excluded = earlier_voters(case) if case.round > 1 else set()
    users = covering_users(case=case, role=Role.REVIEWER)
    if case.round > 1:
        users += reviewers_above(case)
    return _may_sit(case, users, excluded=excluded)


def panel_shortfall(case: Case) -> dict | None:
    """When the current round's panel (as named, or by default) has fewer members than the
    quorum of the case's policy while it still has to vote: {"size", "quorum", "unit" (where
    reviewers must be added: the jurisdiction above on appeal, else the jurisdiction),
    "policy_unit"}; None otherwise. The page says who can fix it and how."""
    if case.state not in Case.PANEL_STATES:
        return None
    policy = policy_for(case.jurisdiction)
    size = len(panel(case) or default_panel(case))
    if size >= policy.quorum:
        return None
    unit = case.jurisdiction
    if case.round > 1 and unit is not None and unit.parent_id:
        unit = unit.parent
    return {"size": size, "quorum": policy.quorum, "unit": unit,
            "policy_unit": policy.jurisdiction if policy.pk else None}


# Who may be named for a case: the form offers these and the API accepts only these -------


def _users(users: list[User]) -> QuerySet[User]:
    return User.objects.filter(pk__in=[u.pk for u in users]).order_by("username")


def panel_candidate_users(case: Case) -> QuerySet[User]:
    """panel_candidates as a queryset (the API's CandidateField)."""
    return _users(panel_candidates(case))


def liaison_candidates(case: Case) -> QuerySet[User]:
    """The liaisons a proposal may name: those whose scope covers the case."""
    return _users(covering_users(case=case, role=Role.LIAISON))


def assignee_candidates(case: Case) -> QuerySet[User]:
    """The staff a correction step may be assigned to: those whose scope covers the case."""
    return _users(covering_users(case=case, role=Role.STAFF))


def panel(case: Case, round: int | None = None) -> list[User]:
    """The reviewers on the case's panel for round (the current one by default)."""
    members = PanelMember.objects.filter(case=case, round=round or case.round).select_related("reviewer")
    return [m.reviewer for m in members.order_by("id")]


# Who may act --------------------------------------------------------------------------
# Each rule the services enforce lives here once; the services raise with these reasons and
# the pages ask the same functions before offering a form.


class CaseSubjects:
    """A case's subjects, read once (and only when a check needs them) for one request's checks."""

    def __init__(self, case: Case):
        self.case = case

    @cached_property
    def paths(self) -> list[str]:
        return subject_paths(self.case)

    @cached_property
    def _ids(self) -> tuple[set[int], set[int]]:
        return subject_ids(self.case)

    @property
    def cadre_ids(self) -> set[int]:
        return self._ids[0]

    @property
    def unit_ids(self) -> set[int]:
        return self._ids[1]

    def covered_by(self, user) -> bool:
        return permissions.covers(user, self.paths)

    def recusal(self, user) -> str | None:
        return recusal_reason(case=self.case, user=user, subject_cadre_ids=self.cadre_ids,
                              subject_unit_ids=self.unit_ids)


def action_refusal(case: Case, action: str, user, *, subjects: CaseSubjects | None = None) -> str | None:
    """Why user may not take the workflow action on case in its current state, or None when they may.

    First the roles Case.TRANSITIONS names for the move, then who among them may act on this
    case: submit, the filer; accept and reject (intake), staff covering the case other than
    its filer (nobody approves their own work); vote and decide, the current round's panel
    less those who must recuse (recusal_reason: the filer and the investigator never vote);
    opinion, the liaison the case was sent to; appeal, the subject cadre or covering staff on
    their behalf; every other move, staff covering the case. Not judged here: a move the
    state forbids (the service's Conflict) and the move's data (criteria, quorum, the appeal
    window). services.case_transition raises PermissionDenied with this reason."""
    move = Case.TRANSITIONS.get((case.state, action))
    if move is None:
        return _("当前状态（%(state)s）不允许此操作。") % {"state": case.get_state_display()}
    if not (getattr(user, "is_authenticated", False) and user.is_active
            and any(user.has_role(role) for role in move[1])):
        return _("您的角色无权执行此操作。")
    subjects = subjects or CaseSubjects(case)
    if action == Case.Action.SUBMIT:
        return None if user.pk == case.created_by_id else _("只有填报人可以提交申请。")
    if action in (Case.Action.VOTE, Case.Action.DECIDE):
        if not PanelMember.objects.filter(case=case, round=case.round, reviewer=user).exists():
            return _("您不是本案本轮审议组成员。")
        return subjects.recusal(user)
    if action == Case.Action.OPINION:
        sent = permissions.is_sent_to_liaison(user, case, subjects.paths)
        return None if sent else _("本案未送您出具意见。")
    if action == Case.Action.APPEAL:
        own = user.has_role(Role.CADRE) and own_cadre_id(user) in subjects.cadre_ids
        on_behalf = user.has_role(Role.STAFF) and subjects.covered_by(user)
        return None if own or on_behalf else _("只有容错对象本人或管辖范围内的工作人员可以提出申诉。")
    if not (user.has_role(Role.STAFF) and subjects.covered_by(user)):
        return _("本案不在您的管辖范围内。")
    if action in (Case.Action.ACCEPT, Case.Action.REJECT) and not permissions.may_take_in(user, case, subjects.paths):
        return _("您是本案的填报人，不能办理本案的受理或不予受理，请由其他工作人员办理。")
    return None


def allowed_actions(case: Case, user, *, subjects: CaseSubjects | None = None) -> list[str]:
    """The workflow actions user may take on case now: the legal moves of Case.TRANSITIONS from
    its state that action_refusal lets this user take. A move can still be refused for its
    data (criteria, quorum, tie, appeal window); the service says why then."""
    subjects = subjects or CaseSubjects(case)
    return [str(action) for (state, action) in Case.TRANSITIONS
            if state == case.state and action_refusal(case, action, user, subjects=subjects) is None]


def may_edit_draft(case: Case, user) -> bool:
    """Whether user may edit case (services.case_update): a draft, by its filer only."""
    return case.state == State.DRAFT and case.created_by_id == user.pk


def may_add_evidence(case: Case, user, *, subjects: CaseSubjects | None = None) -> bool:
    """Whether user may attach evidence to case now (services.attachment_add): while the state
    is open for evidence (Case.OPEN_FOR_EVIDENCE), its filer, staff covering it, or the
    account of a subject cadre."""
    if case.state not in Case.OPEN_FOR_EVIDENCE:
        return False
    if user.pk == case.created_by_id:
        return True
    subjects = subjects or CaseSubjects(case)
    if user.has_role(Role.STAFF) and subjects.covered_by(user):
        return True
    return user.has_role(Role.CADRE) and own_cadre_id(user) in subjects.cadre_ids


def panel_open(case: Case) -> bool:
    """Whether the current round's panel may still be named: in Case.PANEL_STATES, before its first vote."""
    return case.state in Case.PANEL_STATES and not Vote.objects.filter(case=case, round=case.round).exists()


def may_assign_panel(case: Case, user, *, subjects: CaseSubjects | None = None) -> bool:
    """Whether user may name the current round's panel (services.case_panel_set): staff
    covering the case, while panel_open."""
    return user.has_role(Role.STAFF) and panel_open(case) and (subjects or CaseSubjects(case)).covered_by(user)


def correctable(case: Case) -> bool:
    """Whether correction steps (纠错) may be recorded for case: decided as tolerated (免责 or 从轻减轻)."""
    return case.outcome in TOLERATED_OUTCOMES and case.state in Case.DECIDED_STATES


def may_record_corrections(case: Case, user, *, subjects: CaseSubjects | None = None) -> bool:
    """Whether user may record correction steps of case (services.correction_create): staff
    covering a correctable case."""
    return user.has_role(Role.STAFF) and correctable(case) and (subjects or CaseSubjects(case)).covered_by(user)


def appeal_window_passed_q(today: dt.date) -> Q:
    """The cases whose appeal window no longer stands in the way of closing on today: already
    reviewed on appeal, no window counted, or its last day before today. The one closing
    rule: services.case_transition's `close` and the queue's 待办结 both use it."""
    return Q(round__gt=1) | Q(appeal_due__isnull=True) | Q(appeal_due__lt=today)


# Policy ---------------------------------------------------------------------------


def policy_for(unit: Unit | None) -> Policy:
    """The policy of the nearest unit at or above unit that has one, else the default row,
    else the built-in defaults."""
    ids = _ancestor_ids([unit.path]) if unit is not None else set()
    candidates = Policy.objects.filter(Q(jurisdiction_id__in=ids) | Q(jurisdiction__isnull=True)).select_related(
        "jurisdiction")
    best = max(candidates, key=lambda p: p.jurisdiction.depth if p.jurisdiction_id else -1, default=None)
    return best or Policy()


def situation_catalog(*, active_only: bool = True) -> QuerySet[Situation]:
    qs = Situation.objects.all()
    return qs.filter(active=True) if active_only else qs


# Deadlines --------------------------------------------------------------------------


def deadline_watch(*, user, within: int = 3, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases the user may see whose current deadline is past, within `within` working
    days, or could not be counted (the calendar lacks a year); earliest first.
    Each row has `due_on` (None when not counted)."""
    today = today or timezone.localdate()
    threshold = deadline_threshold(today, within)
    open_states = [State.SUBMITTED, State.ACCEPTED, State.INVESTIGATING, State.PROPOSED, State.OPINION,
                   State.APPEALED, State.NOTIFIED]
    qs = cases_with_due_date(case_list(user=user).filter(state__in=open_states))
    uncounted = Q(due_on__isnull=True) & ~Q(state=State.NOTIFIED)
    return qs.filter(Q(due_on__lte=threshold) | uncounted).order_by(F("due_on").asc(nulls_first=True), "id")


# Effects of exemption ------------------------------------------------------------


def protected_matters(cadre: Cadre) -> QuerySet[Case]:
    """The cases that exempted the cadre (免责): no negative measure may rest on them, and
    they count against the cadre nowhere (promotion, rank, titles, reserve status, awards,
    assessments). A case under appeal keeps its decision until a new one is made."""
    return Case.objects.filter(Case.protects_q(), subject_cadres=cadre).order_by("-decided_on", "-id")


def is_protected(cadre: Cadre, case: Case) -> bool:
    """Whether case exempted cadre (see protected_matters)."""
    return protected_matters(cadre).filter(pk=case.pk).exists()


def protected_cadre_ids(cadre_ids) -> set[int]:
    """Of cadre_ids, those protected by at least one exempted case (one query, for lists)."""
    through = Case.subject_cadres.through
    return set(through.objects.filter(Case.protects_q("case__"), cadre_id__in=list(cadre_ids))
               .values_list("cadre_id", flat=True).distinct())


# Correction, clarification, sanctions ----------------------------------------------


def correction_list(*, user, filters: dict | None = None) -> QuerySet[Correction]:
    """Correction steps of the cases the user may see, plus those assigned to the user."""
    if not getattr(user, "is_authenticated", False):
        return Correction.objects.none()
    visible = Case.objects.filter(permissions.case_visible_q(user)).values("pk")
    qs = (Correction.objects.filter(Q(case__in=visible) | Q(assignee=user))
          .select_related("case", "assignee"))
    return _filtered(CorrectionFilter, filters, qs).order_by("case_id", "id")


def correction_get(*, user, pk) -> Correction:
    try:
        return correction_list(user=user).get(pk=pk)
    except (Correction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def corrections_overdue(*, user, today: dt.date | None = None) -> QuerySet[Correction]:
    """Steps not done by their due date, earliest first."""
    today = today or timezone.localdate()
    return correction_list(user=user).filter(done_on__isnull=True, due_on__lt=today).order_by("due_on", "id")
