"""Who may see what of a tolerance case: each rule once, as a Q for querysets beside a predicate
for one object, asked by every answer (lists, queues, pages, the API, history, the timeline,
notifications, exports). Who may *act* on a case is selectors.action_refusal, which uses these.

Who sees a case:
- administrators: every case;
- the filer: their own filings, drafts included (nobody else sees a draft);
- staff: cases with a subject unit, or a subject cadre's unit, in their scope;
- reviewers: cases whose panel (either round) they sit on;
- liaisons: cases sent to them, from the proposal on: to them by name, or, when the case
  names no liaison, to every liaison whose scope covers a subject;
- a cadre account: the cases about its own cadre record.

Who sees the votes (API.md, "Personal data"): administrators and staff covering the case see
every vote; a panel member sees their own vote, and everyone's once the round is decided;
nobody else (the subject cadre, the applicant, the liaison) sees a vote or who cast it, nor
the panel, in any answer.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.history import Redaction
from core.models import Role
from core.scoping import paths_in_scope, scope_paths, scope_q

from .models import Case, Decision, PanelMember, Vote

State = Case.State


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# Subjects in scope -------------------------------------------------------------------------


def subjects_in_scope_q(user) -> Q:
    """Cases with a subject unit, or a subject cadre's unit, in the user's scope."""
    paths = scope_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    units = Case.subject_units.through.objects.filter(case_id=OuterRef("pk")).filter(scope_q(user, "unit"))
    cadres = Case.subject_cadres.through.objects.filter(case_id=OuterRef("pk")).filter(
        scope_q(user, "cadre__unit"))
    return Q(Exists(units)) | Q(Exists(cadres))


def covers(user, subject_paths: list[str]) -> bool:
    """Whether a subject (given by its units' tree paths) lies in the user's scope: the one
    object predicate matching subjects_in_scope_q."""
    return paths_in_scope(user, subject_paths)


# Sent to the liaison -------------------------------------------------------------------------


def sent_to_liaison_q(user) -> Q:
    """Cases sent to this liaison: from the proposal on, to them by name or, when the case names
    no liaison, to every liaison whose scope covers a subject."""
    if not (_active(user) and user.has_role(Role.LIAISON)):
        return Q(pk__in=[])
    return Q(state__in=Case.SENT_TO_LIAISON_STATES) & (
        Q(liaison=user) | (Q(liaison__isnull=True) & subjects_in_scope_q(user)))


def is_sent_to_liaison(user, case: Case, subject_paths: list[str]) -> bool:
    """sent_to_liaison_q for one case (its subjects' paths read by the caller, once)."""
    if not (_active(user) and user.has_role(Role.LIAISON)) or case.state not in Case.SENT_TO_LIAISON_STATES:
        return False
    return case.liaison_id == user.pk if case.liaison_id else covers(user, subject_paths)


# Seeing a case -----------------------------------------------------------------------------


def case_visible_q(user) -> Q:
    """The cases the user may see (see the module's docstring)."""
    if not _active(user):
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    not_draft = ~Q(state=State.DRAFT)
    q = Q(created_by=user)
    if user.has_role(Role.STAFF):
        q |= not_draft & subjects_in_scope_q(user)
    if user.has_role(Role.REVIEWER):
        q |= Q(Exists(PanelMember.objects.filter(case_id=OuterRef("pk"), reviewer=user)))
    q |= sent_to_liaison_q(user)
    if user.has_role(Role.CADRE):
        q |= not_draft & Q(Exists(Case.subject_cadres.through.objects.filter(
            case_id=OuterRef("pk"), cadre__account_id=user.pk)))
    return q


def can_see_case(user, case: Case) -> bool:
    """case_visible_q for one case."""
    return Case.objects.filter(case_visible_q(user), pk=case.pk).exists()


# Intake --------------------------------------------------------------------------------------


def intake_q(user) -> Q:
    """Submitted cases this user may take in or turn down: staff covering a subject, never their
    own filing (nobody approves their own work)."""
    if not (_active(user) and user.has_role(Role.STAFF)):
        return Q(pk__in=[])
    return Q(state=State.SUBMITTED) & subjects_in_scope_q(user) & ~Q(created_by=user)


def may_take_in(user, case: Case, subject_paths: list[str]) -> bool:
    """intake_q for one case, whatever its state (the state is the workflow's question)."""
    return (_active(user) and user.has_role(Role.STAFF) and case.created_by_id != user.pk
            and covers(user, subject_paths))


# Votes -------------------------------------------------------------------------------------

SEES_ALL, SEES_AS_PANEL, SEES_NONE = "all", "panel", "none"


def vote_sight(user, case: Case) -> str:
    """How much of the case's votes user may see: SEES_ALL (administrators, staff covering the
    case), SEES_AS_PANEL (a panel member: their own, and every vote of a decided round) or
    SEES_NONE (everyone else: the subject cadre, the applicant, the liaison)."""
    if not _active(user):
        return SEES_NONE
    if user.is_admin:
        return SEES_ALL
    if user.has_role(Role.STAFF) and Case.objects.filter(subjects_in_scope_q(user), pk=case.pk).exists():
        return SEES_ALL
    if user.has_role(Role.REVIEWER) and PanelMember.objects.filter(case_id=case.pk, reviewer=user).exists():
        return SEES_AS_PANEL
    return SEES_NONE


def _decided_rounds(case: Case) -> set[int]:
    return set(Decision.objects.filter(case_id=case.pk).values_list("round", flat=True))


def visible_votes_q(user, case: Case, *, sight: str | None = None) -> Q:
    """The case's Vote rows user may see."""
    sight = sight or vote_sight(user, case)
    if sight == SEES_ALL:
        return Q()
    if sight == SEES_AS_PANEL:
        return Q(voter=user) | Q(round__in=_decided_rounds(case))
    return Q(pk__in=[])


def can_see_vote(user, vote: Vote, *, sight: str | None = None, decided_rounds: set[int] | None = None) -> bool:
    """visible_votes_q for one vote (pass what the caller has read already: the sight, the rounds
    that have a decision)."""
    sight = sight or vote_sight(user, vote.case)
    if sight == SEES_ALL:
        return True
    if sight == SEES_AS_PANEL:
        if vote.voter_id == user.pk:
            return True
        return vote.round in (decided_rounds if decided_rounds is not None else _decided_rounds(vote.case))
    return False


def sees_panel(sight: str) -> bool:
    """Whether the panel (who may vote) is shown: to those who may see any vote."""
    return sight != SEES_NONE


def _is_vote_key(key: str) -> bool:
    return key.startswith("vote:") or key == "votes"


def _is_panel_key(key: str) -> bool:
    return key.startswith("panel_round_")


def case_history_redaction(user, case: Case) -> Redaction:
    """What of the case's history user may not read (core.history asks it for the page's
    history panel and the API's history/): the vote rule above, applied to entries. A vote
    entry belongs to a decided round when it is older than the latest decision."""
    sight = vote_sight(user, case)
    if sight == SEES_ALL:
        return Redaction()
    if sight == SEES_AS_PANEL:
        last = Decision.objects.filter(case_id=case.pk).order_by("-decided_at").values_list(
            "decided_at", flat=True).first()
        undecided_votes = Q(action=Case.Action.VOTE) & ~Q(actor=user)
        if last is not None:
            undecided_votes &= Q(at__gt=last)
        return Redaction(exclude=undecided_votes)
    return Redaction(exclude=Q(action__in=[Case.Action.VOTE, "panel"]),
                     hide_key=lambda key: _is_vote_key(key) or _is_panel_key(key),
                     anonymous_actions=frozenset({Case.Action.DECIDE}), anonymous_actor=_("审议组"))
