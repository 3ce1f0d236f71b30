"""Pages: the rules part of incentives. The proposals of the rules that need a decision (辞退,
降级 ...): the list (scoped), confirm, and dismiss with a reason, each through services.rules.
A decided proposal answers 409 with a message saying what became of it."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Conflict
from core.views import form_refusals

from .. import permissions
from ..forms import ProposalDismissForm, ProposalFilterForm
from ..models import RuleProposal
from ..selectors.rules import proposal_list
from ..services.rules import proposal_confirm, proposal_dismiss

PAGE_SIZE = 30
TEMPLATE = "incentives/proposal_list.html"


def _proposal_get(user, pk) -> RuleProposal:
    try:
        return proposal_list(user=user).get(pk=pk)
    except (RuleProposal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
def proposal_list_page(request, *, refused_form=None, refused_pk=None, status=200):
    """The proposals the user may see, pending ones by default."""
    form = ProposalFilterForm(request.GET or {"state": RuleProposal.State.PENDING})
    state = form.cleaned_data["state"] if form.is_valid() else RuleProposal.State.PENDING
    page = Paginator(proposal_list(user=request.user, state=state or None),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    shown = False
    for proposal in page:
        mine = refused_pk == proposal.pk
        shown = shown or mine
        proposal.dismiss_form = (refused_form if mine and isinstance(refused_form, ProposalDismissForm)
                                 else ProposalDismissForm(prefix=f"p{proposal.pk}"))
        proposal.refusal = refused_form if mine else None
    return render(request, TEMPLATE, {
        "form": form, "page_obj": page, "can_write": permissions.can_write(request.user),
        # A refusal about a proposal this page does not list (decided meanwhile) shows on top.
        "refusal": refused_form if refused_form is not None and not shown else None},
        status=status)


def _in_words(exc: Conflict) -> Conflict:
    """The service's Conflict names a raw state; the page says it in words."""
    state = RuleProposal.State(exc.state).label if exc.state in RuleProposal.State.values else exc.state
    return Conflict(_("该建议已处理（%(state)s），不能再次确认或不予采纳。请刷新页面查看最新状态。")
                    % {"state": state}, state=exc.state, action=exc.action)


def _decide(request, proposal, form, call):
    """Run the service: a refusal becomes the form's errors (a decided proposal 409, in words),
    the list is shown again with them; None when the service went through."""
    with form_refusals(form) as refused:
        try:
            call()
        except Conflict as exc:
            raise _in_words(exc) from exc
    if refused:
        return proposal_list_page(request, refused_form=form, refused_pk=proposal.pk,
                                  status=refused.status)
    return None


@login_required
@require_POST
def proposal_confirm_view(request, pk):
    proposal = _proposal_get(request.user, pk)
    form = django_forms.Form(request.POST)
    refused = _decide(request, proposal, form,
                      lambda: proposal_confirm(actor=request.user, proposal=proposal))
    if refused is not None:
        return refused
    messages.success(request, _("已确认：%(who)s %(year)s 年度 %(what)s，已记入奖惩记录。") % {
        "who": proposal.cadre.name, "year": proposal.year, "what": proposal.rule.label})
    return redirect("incentives:proposal-list")


@login_required
@require_POST
def proposal_dismiss_view(request, pk):
    proposal = _proposal_get(request.user, pk)
    form = ProposalDismissForm(request.POST, prefix=f"p{proposal.pk}")
    if not form.is_valid():
        return proposal_list_page(request, refused_form=form, refused_pk=proposal.pk, status=400)
    refused = _decide(request, proposal, form, lambda: proposal_dismiss(
        actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]))
    if refused is not None:
        return refused
    messages.success(request, _("已不予采纳：%(who)s %(year)s 年度 %(what)s。") % {
        "who": proposal.cadre.name, "year": proposal.year, "what": proposal.rule.label})
    return redirect("incentives:proposal-list")
