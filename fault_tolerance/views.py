"""HTML pages for fault-tolerance cases (容错纠错). Reads go through fault_tolerance.selectors
and view_helpers (scoped exactly as the API: a case the user may not see is 404); every
write goes through fault_tolerance.services, whose refusals come back onto the page."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cadres.accounts import own_cadre
from core.models import Role
from core.views import ServiceFormView, form_refusals, has_any_role

from . import selectors, services, view_helpers
from .forms import (
    ACTION_FORMS,
    CaseFilterForm,
    CaseForm,
    CorrectionDoneForm,
    CorrectionForm,
    EvidenceForm,
    NoDataForm,
    PanelForm,
    ProposalForm,
)
from .models import Case, Correction

PAGE_SIZE = 50
AUTOCOMPLETE_LIMIT = 20
FILING_ROLES = (Role.STAFF, Role.CADRE)


# Shared pieces ----------------------------------------------------------------------------


def _is_xhr(request) -> bool:
    """static/js/tolerance.js posts upload forms by XHR to show progress."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _done(request, url: str):
    """Where to go after a write: a redirect, or for an XHR upload the address to go to."""
    return JsonResponse({"redirect": url}) if _is_xhr(request) else redirect(url)


class _CaseFormView(ServiceFormView):
    """ServiceFormView for cases: any refusal of the service shows on the form; an XHR upload
    is answered with where to go next rather than a redirect."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302 and _is_xhr(self.request):
            return JsonResponse({"redirect": response.url})
        return response


# Lists ------------------------------------------------------------------------------------


@login_required
def case_list(request):
    """Cases the user may see, with filters, 50 a page; the same selector as the API."""
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list(user=request.user, filters=form.filters() if form.is_valid() else None)
    if form.is_bound and not form.is_valid():  # the form shows what is wrong; list nothing rather than guess
        cases = cases.none()
    cases = selectors.cases_with_due_date(cases)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    window = view_helpers.DeadlineWindow.now()
    for case in page:
        case.due_status = window.status(case.due_on)
    return render(request, "fault_tolerance/case_list.html", {
        "form": form, "page_obj": page, "can_file": has_any_role(request.user, *FILING_ROLES),
    })


@login_required
def work_queue(request):
    """待我处理: the cases waiting on this user, by what they wait for."""
    sections = view_helpers.work_queue(user=request.user)
    window = view_helpers.DeadlineWindow.now()
    for section in sections:
        for case in section["cases"]:
            case.due_status = window.status(case.due_on)
    return render(request, "fault_tolerance/queue.html", {
        "sections": sections, "total": sum(len(s["cases"]) for s in sections)})


# Filing and editing -----------------------------------------------------------------------


class CaseCreateView(_CaseFormView):
    required_roles = FILING_ROLES
    form_class = CaseForm
    template_name = "fault_tolerance/case_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        policy = selectors.policy_for(None)
        return super().get_context_data(max_bytes=policy.attachment_max_bytes, max_mb=policy.attachment_max_mb,
                                        **kwargs)

    def perform(self, form):
        user, fields = self.request.user, form.service_fields()
        if not form.chooses_subjects:
            own = own_cadre(user)
            fields["subject_cadres"] = [own] if own is not None else []
        submit = "submit" in self.request.POST
        # All or nothing: a refused file or submission leaves no case and no file behind.
        case = services.case_file(actor=user, evidence=form.cleaned_data.get("evidence") or [], submit=submit,
                                  **fields)
        messages.success(self.request, _("容错申请已提交。") if submit else _("容错申请已保存为草稿。"))
        return case


class CaseEditView(_CaseFormView):
    required_roles = FILING_ROLES
    form_class = CaseForm
    template_name = "fault_tolerance/case_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = selectors.case_get(user=request.user, pk=kwargs["pk"])
            if not selectors.may_edit_draft(self.case, request.user):
                messages.warning(request, _("只有填报人可以修改草稿状态的申请。"))
                return redirect(self.case.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.case,
                "with_files": False}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def perform(self, form):
        user, submit = self.request.user, "submit" in self.request.POST
        with transaction.atomic():
            case = services.case_update(case=self.case, actor=user, **form.service_fields())
            if submit:
                case = services.case_transition(case=case, action=Case.Action.SUBMIT, actor=user)
        messages.success(self.request, _("容错申请已提交。") if submit else _("草稿已保存。"))
        return case


# The case page and its actions ---------------------------------------------------------------


def _correction_forms(case: Case, user, corrections: list, *, may: bool, add_form=None,
                      done_form=None) -> CorrectionForm | None:
    """The correction forms the page offers staff once a case is tolerated (may: the rule
    services.correction_create applies): one to record a step not yet recorded (returned),
    one on each open step to mark it done (set on the step)."""
    for step in corrections:
        if done_form is not None and done_form.prefix == f"c{step.pk}":
            step.done_form = done_form  # a refused attempt shows why, whoever made it
        elif may and step.done_on is None:
            step.done_form = CorrectionDoneForm(prefix=f"c{step.pk}")
    if not may:
        return add_form
    recorded = {c.step for c in corrections}
    steps = [(value, label) for value, label in Correction.Step.choices if value not in recorded]
    if add_form is not None or not steps:
        return add_form
    return CorrectionForm(steps=steps, assignees=selectors.assignee_candidates(case),
                          prefix="correction")


def _errors(form) -> list[str]:
    return [e for errs in form.errors.values() for e in errs]


def _panel_context(case: Case, user, subjects, bound=None) -> dict:
    """The panel card for staff who may name it (selectors.may_assign_panel): the panel as it
    stands (or would be by default) and the form to change it, prefilled with it."""
    if not selectors.may_assign_panel(case, user, subjects=subjects):
        return {"panel_form": None}
    named, eligible = selectors.panel(case), selectors.panel_candidates(case)
    default = named or selectors.default_panel(case)
    form = bound or PanelForm(prefix="panel", case=case, eligible=eligible,
                              initial={"reviewers": [u.pk for u in default]})
    return {"panel_form": form, "panel": default, "panel_is_default": not named}


def _render_case(request, case: Case, *, bound: dict | None = None, evidence_form=None, correction_form=None,
                 done_form=None, panel_form=None, status: int = 200):
    user = request.user
    bound = bound or {}
    subjects = selectors.CaseSubjects(case)  # read once for every "may this user…" below
    corrections = list(selectors.correction_list(user=user, filters={"case": case.pk}))
    allowed = selectors.allowed_actions(case, user, subjects=subjects)
    policy = selectors.policy_for(case.jurisdiction)
    votes_cast = None
    if Case.Action.DECIDE in allowed or Case.Action.VOTE in allowed:
        votes_cast = view_helpers.votes_cast(case)
        # 作出认定 is offered once the quorum has voted (the service would refuse it before).
        if votes_cast < policy.quorum and Case.Action.DECIDE not in bound:
            allowed = [a for a in allowed if a != Case.Action.DECIDE]
    own_vote = view_helpers.own_vote(case, user) if Case.Action.VOTE in allowed else None
    initial = {Case.Action.VOTE: {"choice": own_vote.choice}} if own_vote else {}
    action_forms = {a: bound.get(a) or ACTION_FORMS.get(a, NoDataForm)(prefix=a, initial=initial.get(a))
                    for a in allowed if a != Case.Action.PROPOSE}
    # An action refused outright (the state moved on, or it was never this user's) has no
    # form on the page any more: its reason goes at the top instead.
    refused = [{"label": Case.Action(a).label, "errors": _errors(form)}
               for a, form in bound.items() if a not in action_forms]
    panel = _panel_context(case, user, subjects, bound=panel_form)
    if panel_form is not None and panel["panel_form"] is None:
        refused.append({"label": _("确定审议组"), "errors": _errors(panel_form)})
    window = view_helpers.DeadlineWindow.now()
    may_add_evidence = selectors.may_add_evidence(case, user, subjects=subjects)
    return render(request, "fault_tolerance/case_detail.html", {
        "case": case,
        "allowed": allowed,
        "action_forms": action_forms,
        "refused": refused,
        "action_labels": dict(Case.Action.choices),
        "can_edit": selectors.may_edit_draft(case, user),
        "deadlines": view_helpers.deadline_rows(case, window),
        "calendar_years_missing": view_helpers.calendar_years_missing(case, user),
        "criteria": view_helpers.criteria_view(case),
        "rounds": view_helpers.rounds_view(case, user),
        "timeline": view_helpers.case_timeline(case, user),
        "attachments": case.attachments.select_related("uploaded_by"),
        "corrections": corrections,
        "correction_form": _correction_forms(
            case, user, corrections, add_form=correction_form, done_form=done_form,
            may=selectors.may_record_corrections(case, user, subjects=subjects)),
        "today": window.today,
        "policy": policy,
        "evidence_form": (evidence_form or EvidenceForm()) if may_add_evidence else None,
        "protected": case.protects,
        "own_vote": own_vote,
        "votes_cast": votes_cast,
        "panel_shortfall": view_helpers.panel_shortfall(case, user),
        **panel,
    }, status=status)


@login_required
def case_detail(request, pk: int):
    return _render_case(request, selectors.case_get(user=request.user, pk=pk))


@login_required
@require_POST
def case_action(request, pk: int, action: str):
    """One workflow action from the case page, through services.case_transition. A refusal
    re-renders the page with the reason beside the action's form; nothing was saved."""
    case = selectors.case_get(user=request.user, pk=pk)
    if action not in Case.Action.values or action == Case.Action.PROPOSE:
        raise Http404
    form = ACTION_FORMS.get(action, NoDataForm)(request.POST, prefix=action)
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.case_transition(case=case, action=action, actor=request.user, **form.service_data())
        if not refused:
            messages.success(request, _("已完成：%(action)s。") % {"action": Case.Action(action).label})
            return redirect(case.get_absolute_url())
        status = refused.status
    # Read again: the refused action changed nothing, but the state may have moved meanwhile.
    case = selectors.case_get(user=request.user, pk=pk)
    return _render_case(request, case, bound={action: form}, status=status)


@login_required
@require_POST
def panel_assign(request, pk: int):
    """Staff name the current round's panel through services.case_panel_set; a refusal comes
    back beside the form (or at the top when the panel can no longer be named)."""
    case = selectors.case_get(user=request.user, pk=pk)
    form = PanelForm(request.POST, prefix="panel", case=case, eligible=selectors.panel_candidates(case))
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.case_panel_set(case=case, actor=request.user, **form.service_data())
        if not refused:
            messages.success(request, _("审议组已确定。"))
            return redirect(case.get_absolute_url() + "#panel")
        status = refused.status
    case = selectors.case_get(user=request.user, pk=pk)
    return _render_case(request, case, panel_form=form, status=status)


@login_required
def reviewer_autocomplete(request, pk: int):
    """At most 20 reviewers who may sit on this case's panel whose username or name contains q."""
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.may_assign_panel(case, request.user):
        raise PermissionDenied(_("您不能调整本案的审议组。"))
    q = request.GET.get("q", "").strip()[:60].lower()
    reviewers = [u for u in selectors.panel_candidates(case)
                 if q in u.username.lower() or q in u.get_full_name().lower()]
    options = [{"value": u.pk, "label": u.username, "hint": u.get_full_name()}
               for u in reviewers[:AUTOCOMPLETE_LIMIT]]
    return render(request, "includes/autocomplete_options.html", {"options": options, "q": q})


class ProposalView(_CaseFormView):
    """认定建议: the criteria checklist and the recommendation, with the rules beside them."""

    required_roles = (Role.STAFF,)
    form_class = ProposalForm
    template_name = "fault_tolerance/proposal_form.html"
    success_message = gettext_lazy("认定建议已提出，已送纪检监察联络人出具意见。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = selectors.case_get(user=request.user, pk=kwargs["pk"])
            if Case.Action.PROPOSE not in selectors.allowed_actions(self.case, request.user):
                messages.warning(request, _("本案当前不能由您提出认定建议。"))
                return redirect(self.case.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "situations": list(selectors.situation_catalog()),
                "liaisons": selectors.liaison_candidates(self.case)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **view_helpers.rules_context(self.case), **kwargs)

    def perform(self, form):
        return services.case_transition(case=self.case, action=Case.Action.PROPOSE, actor=self.request.user,
                                        **form.service_data())


# Evidence -----------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, pk: int):
    """Add evidence files to a case, all or none (the page posts by XHR to show progress)."""
    case = selectors.case_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        if not form.cleaned_data["evidence"]:
            form.add_error("evidence", _("请选择要上传的文件。"))
        else:
            with form_refusals(form) as refused:
                services.attachments_add(case=case, actor=request.user, evidence=form.cleaned_data["evidence"],
                                         description=form.cleaned_data["description"])
            if not refused:
                messages.success(request, _("已上传 %(n)d 个文件。") % {"n": len(form.cleaned_data["evidence"])})
                return _done(request, case.get_absolute_url() + "#evidence")
            status = refused.status
    return _render_case(request, case, evidence_form=form, status=status)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """An evidence file, to those who may see its case; under its own name and checked type."""
    case = selectors.case_get(user=request.user, pk=pk)
    attachment = case.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                        content_type=attachment.content_type)


# Correction (纠错) ---------------------------------------------------------------------------


@login_required
@require_POST
def correction_add(request, pk: int):
    """Record a correction step of a tolerated case through services.correction_create."""
    case = selectors.case_get(user=request.user, pk=pk)
    recorded = set(case.corrections.values_list("step", flat=True))
    form = CorrectionForm(request.POST, prefix="correction",
                          steps=[c for c in Correction.Step.choices if c[0] not in recorded],
                          assignees=selectors.assignee_candidates(case))
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.correction_create(actor=request.user, case=case, **form.service_data())
        if not refused:
            messages.success(request, _("纠错步骤已登记。"))
            return redirect(case.get_absolute_url() + "#corrections")
        status = refused.status
    return _render_case(request, case, correction_form=form, status=status)


@login_required
@require_POST
def correction_done(request, pk: int, correction_pk: int):
    """Mark a correction step done, with its evidence, through services.correction_update."""
    case = selectors.case_get(user=request.user, pk=pk)
    correction = selectors.correction_get(user=request.user, pk=correction_pk)
    if correction.case_id != case.pk:
        raise Http404
    form = CorrectionDoneForm(request.POST, request.FILES, prefix=f"c{correction.pk}")
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            services.correction_update(correction=correction, actor=request.user, **dict(form.cleaned_data))
        if not refused:
            messages.success(request, _("已登记完成：%(step)s。") % {"step": correction.get_step_display()})
            return redirect(case.get_absolute_url() + "#corrections")
        status = refused.status
    return _render_case(request, case, done_form=form, status=status)
