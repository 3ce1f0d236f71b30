"""Reads the HTML pages need on top of fault_tolerance.selectors: the "待我处理" queue and a
case's page put into shapes a template can show. What a user may do on a case is asked of
the selectors (allowed_actions, may_add_evidence, …), the rules the services enforce.
Reads only; every write goes through fault_tolerance.services."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import history
from core.models import Role

from . import permissions, selectors
from .models import DISTINCTIONS, LOOKS, Case, Outcome, PanelMember, Policy, Situation, Vote

State, Action = Case.State, Case.Action
NEAR_WITHIN = 3  # working days: the same window as selectors.deadline_watch's default


# Deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineWindow:
    """Today and the last day counted as "near", worked out once per page."""

    today: dt.date
    near_until: dt.date

    @classmethod
    def now(cls) -> "DeadlineWindow":
        today = timezone.localdate()
        return cls(today, selectors.deadline_threshold(today, NEAR_WITHIN))

    def status(self, due: dt.date | None) -> str:
        """"overdue", "near" or "" for a deadline that is the one running now."""
        if due is None:
            return ""
        if due < self.today:
            return "overdue"
        return "near" if due <= self.near_until else ""


def current_due(case: Case) -> dt.date | None:
    """The deadline that runs in the case's current state (selectors.cases_with_due_date)."""
    return (selectors.cases_with_due_date(Case.objects.filter(pk=case.pk))
            .values_list("due_on", flat=True).first())


# The "待我处理" queue ------------------------------------------------------------------


WAITING_LABELS = {
    "draft": gettext_lazy("草稿待提交"),
    State.SUBMITTED: gettext_lazy("待受理"),
    State.ACCEPTED: gettext_lazy("待调查核实"),
    State.INVESTIGATING: gettext_lazy("待提出认定建议"),
    State.PROPOSED: gettext_lazy("待出具纪检意见"),
    "vote": gettext_lazy("待表决"),
    "decide": gettext_lazy("已表决，待作出认定"),
    State.DECIDED: gettext_lazy("待告知"),
    State.NOTIFIED: gettext_lazy("申诉期满，待办结"),
}


QUEUE_LIMIT = 100  # rows shown per section; the case list, filtered by state, has the rest


def _queue_sections(user, today: dt.date) -> list[tuple[str, QuerySet[Case]]]:
    visible = Case.objects.filter(permissions.case_visible_q(user))
    sections: list[tuple[str, QuerySet]] = [("draft", visible.filter(created_by=user, state=State.DRAFT))]
    if user.has_role(Role.STAFF):
        in_scope = visible.filter(permissions.subjects_in_scope_q(user))
        # Intake waits on staff other than the filer (permissions.intake_q).
        sections.append((State.SUBMITTED, visible.filter(permissions.intake_q(user))))
        sections += [(state, in_scope.filter(state=state))
                     for state in (State.ACCEPTED, State.INVESTIGATING, State.DECIDED)]
        # Closing waits for the appeal window to pass: the rule the close action applies.
        sections.append((State.NOTIFIED, in_scope.filter(selectors.appeal_window_passed_q(today),
                                                         state=State.NOTIFIED)))
    if user.has_role(Role.LIAISON):
        sections.append((State.PROPOSED, visible.filter(permissions.sent_to_liaison_q(user),
                                                        state=State.PROPOSED)))
    if user.has_role(Role.REVIEWER):
        on_panel = PanelMember.objects.filter(case_id=OuterRef("pk"), round=OuterRef("round"), reviewer=user)
        voted = Vote.objects.filter(case_id=OuterRef("pk"), round=OuterRef("round"), voter=user)
        sections.append(("vote", selectors.reviewer_queue(user=user)))
        # A reviewer who has voted is waited on only once the quorum has voted (then the panel
        # decides); before that the case waits on the others, and the queue says nothing.
        decidable = _quorum_reached(Case.objects.filter(state__in=Case.VOTING_STATES)
                                    .filter(Exists(on_panel), Exists(voted)))
        sections.append(("decide", Case.objects.filter(pk__in=decidable)))
    return sections


def _quorum_reached(cases: QuerySet[Case]) -> list[int]:
    """The ids of cases whose current round has at least its policy's quorum of votes (the
    rule rules.tally applies when the panel decides). Two queries, whatever the number."""
    rows = list(cases.annotate(cast=Count("votes", filter=Q(votes__round=F("round"))))
                .select_related("jurisdiction").only("pk", "jurisdiction__path"))
    policies = {p.jurisdiction_id: p for p in Policy.objects.select_related("jurisdiction")}
    default = policies.get(None) or Policy()

    def quorum(unit) -> int:
        ids = [int(i) for i in unit.path.strip("/").split("/")] if unit is not None else []
        return next((policies[i].quorum for i in reversed(ids) if i in policies), default.quorum)

    return [c.pk for c in rows if c.cast >= quorum(c.jurisdiction)]


def votes_cast(case: Case) -> int:
    """How many have voted in the case's current round."""
    return Vote.objects.filter(case_id=case.pk, round=case.round).count()


def own_vote(case: Case, user) -> Vote | None:
    """The user's own vote in the case's current round (theirs to see and change while voting is open)."""
    return Vote.objects.filter(case_id=case.pk, round=case.round, voter_id=user.pk).first()


def work_queue(*, user, today: dt.date | None = None) -> list[dict]:
    """The cases waiting on this user, in sections {"key", "label", "state", "count", "cases"}
    (empty sections left out): their own drafts; for staff, the intake, investigation,
    proposal, notice and closing steps of cases in their scope; for a liaison, the proposals
    sent to them; for a reviewer, the votes and decisions of the panels they sit on.
    At most QUEUE_LIMIT cases a section; a fixed number of queries."""
    result = []
    for key, qs in _queue_sections(user, today or timezone.localdate()):
        count = qs.count()
        if count:
            rows = (selectors.cases_with_due_date(qs).select_related("jurisdiction")
                    .prefetch_related("subject_cadres", "subject_units")
                    .order_by(F("due_on").asc(nulls_last=True), "id"))
            cases = list(rows[:QUEUE_LIMIT])
            result.append({"key": key, "label": WAITING_LABELS[key], "count": count, "cases": cases,
                           "state": key if key in State.values else ""})
    return result


def work_queue_count(*, user, today: dt.date | None = None) -> int:
    """How many cases wait on this user (as work_queue counts them)."""
    return sum(qs.count() for _key, qs in _queue_sections(user, today or timezone.localdate()))


# A case's page ----------------------------------------------------------------------------


def criteria_view(case: Case) -> dict:
    """The checklist as recorded: the five looks with notes, the three distinctions (each
    applied or not) with notes, and the ticked situations grouped by exempt/lighter/never."""
    criteria = case.criteria or {}
    notes = criteria.get("notes") or {}
    looks = [{"key": key, "label": label, "holds": criteria.get(key), "note": notes.get(key, "")}
             for key, label in LOOKS.items()]
    applied = set(criteria.get("distinctions") or [])
    distinctions = [{"number": n, "label": label, "applies": n in applied,
                     "note": notes.get(f"distinction_{n}", "")} for n, label in DISTINCTIONS.items()]
    ticked = list(case.situations.all())  # prefetched by selectors.case_get
    groups = [{"group": value, "label": label, "situations": [s for s in ticked if s.group == value]}
              for value, label in Situation.Group.choices]
    return {"recorded": bool(criteria), "looks": looks, "distinctions": distinctions, "groups": groups,
            "looks_all_hold": bool(criteria) and not case.looks_failed()}


def rounds_view(case: Case, user) -> list[dict]:
    """Per round, newest first, as much as this user may see of it (permissions.vote_sight):
    each panel member with their vote (or none yet), any vote from outside the current panel,
    the tally so far and the decision. A panel member sees their own vote and how many have
    voted until the round is decided; whoever may not see votes sees no panel and no votes,
    only the decision's outcome. Uses case_get's prefetches."""
    labels = dict(Outcome.choices)
    sight = permissions.vote_sight(user, case)
    decided = {d.round for d in case.decisions.all()}
    rounds = sorted({m.round for m in case.panel_members.all()} | {v.round for v in case.votes.all()}
                    | decided, reverse=True)
    result = []
    for number in rounds:
        open_round = sight == permissions.SEES_AS_PANEL and number not in decided
        votes = {v.voter_id: v for v in case.votes.all() if v.round == number}
        cast = len(votes)
        if sight == permissions.SEES_NONE:
            votes = {}
        elif open_round:
            votes = {k: v for k, v in votes.items() if k == user.pk}
        members = ([m.reviewer for m in case.panel_members.all() if m.round == number]
                   if permissions.sees_panel(sight) else [])
        # A panel member's view of an open round: their own vote; the others' are withheld,
        # neither shown nor marked as missing (whether someone has voted is theirs too).
        rows = [{"reviewer": r, "vote": votes.pop(r.pk, None), "withheld": open_round and r.pk != user.pk}
                for r in members]
        rows += [{"reviewer": v.voter, "vote": v, "withheld": False} for v in votes.values()]
        tally = {}
        for row in rows:
            if row["vote"]:
                tally[row["vote"].choice] = tally.get(row["vote"].choice, 0) + 1
        decision = next((d for d in case.decisions.all() if d.round == number), None)
        shows_votes = sight == permissions.SEES_ALL or (sight == permissions.SEES_AS_PANEL and not open_round)
        result.append({
            "round": number, "rows": rows, "decision": decision, "shows_votes": shows_votes,
            "sees_panel": permissions.sees_panel(sight),
            "tally": [{"label": labels[o], "count": tally.get(o, 0)} for o in Outcome.values] if shows_votes else [],
            "cast": cast if permissions.sees_panel(sight) else None,
            "decision_votes": [{**v, "label": labels.get(v.get("choice"), v.get("choice"))}
                               for v in (decision.votes if decision and shows_votes else [])],
        })
    return result


def panel_shortfall(case: Case, user) -> dict | None:
    """selectors.panel_shortfall for those who may see the panel (permissions.sees_panel); the
    page then says who can fix it and how."""
    if not permissions.sees_panel(permissions.vote_sight(user, case)):
        return None
    return selectors.panel_shortfall(case)


def _entry_detail(action: str, changes: dict) -> str:
    """One line saying what an audit entry of a case did, beyond its action's name."""
    labels = dict(Outcome.choices)

    def new(key):
        pair = changes.get(key)
        return pair[1] if isinstance(pair, list) and len(pair) == 2 else None

    if action == Action.VOTE:
        for key, pair in changes.items():
            if key.startswith("vote:") and isinstance(pair, list):
                return _("%(voter)s：%(choice)s") % {"voter": key[5:], "choice": labels.get(pair[1], pair[1])}
    if action == Action.DECIDE and new("outcome"):
        return _("认定结果：%s") % labels.get(new("outcome"), new("outcome"))
    if action == Action.PROPOSE and new("recommendation"):
        return _("认定建议：%s") % labels.get(new("recommendation"), new("recommendation"))
    if action == Action.REJECT and new("rejection_reason"):
        return new("rejection_reason")
    if action == Action.APPEAL and new("appeal_reason"):
        return new("appeal_reason")
    if action == "attachment" and isinstance(new("attachments"), dict):
        return new("attachments").get("name", "")
    return ""


def case_timeline(case: Case, user) -> list[dict]:
    """The case's audit history as this user may read it (core.history, permissions' redaction),
    oldest first: when, who, what, one line of detail."""
    entries, rule = history.visible_entries(obj=case, user=user)
    timeline = []
    rows = [rule.show(e) for e in entries.only("id", "at", "actor_id", "actor_username", "action", "changes")]
    names = history.actor_names(rows)
    for entry in reversed(rows):
        timeline.append({"at": entry.at, "actor": names.get(entry.actor_id) or entry.actor_username,
                         "action": entry.action,
                         "label": history.action_label(Case, entry.action),
                         "detail": _entry_detail(entry.action, entry.changes or {})})
    return timeline


def rules_context(case: Case) -> dict:
    """What the rules beside a proposal or vote say for this case: the policy of its
    jurisdiction (quorum, majority rule) and the panel (as named, or as it would be by default)."""
    panel = selectors.panel(case)
    return {"policy": selectors.policy_for(case.jurisdiction),
            "panel": panel or selectors.default_panel(case), "panel_is_default": not panel}


DEADLINE_LABELS = {
    "intake_due": gettext_lazy("受理期限"),
    "decision_due": gettext_lazy("认定期限"),
    "appeal_due": gettext_lazy("申诉期限"),
}


def deadline_rows(case: Case, window: DeadlineWindow) -> list[dict]:
    """The case's three deadlines for its header: date, whether it is provisional (预计, with
    the reason, the same for every reader), and for the one running now (current_due) its
    near/overdue status."""
    due = current_due(case)
    rows = []
    for key, label in DEADLINE_LABELS.items():
        value = getattr(case, key)
        current = due is not None and value == due
        note = case.deadline_note(key)
        rows.append({"key": key, "label": label, "date": value, "note": note,
                     "provisional": bool(note) and value is not None,
                     "current": current, "status": window.status(value) if current else ""})
    return rows


def calendar_years_missing(case: Case, user) -> list[int]:
    """For an administrator, the years whose schedule would make the case's provisional
    deadlines final (the prompt to enter them); for everyone else nothing."""
    if not user.is_admin:
        return []
    return sorted({year for years in (case.deadline_notes or {}).values() if isinstance(years, list)
                   for year in years})
