"""HTML pages for what follows a report or a sanction: clarifications (澄清正名) and the
dishonesty list, sanctions and the re-use of a disciplined cadre (重新使用). Reads go through
the selectors (scoped as the API: what the user may not see is 404); writes through the
services, whose refusals come back onto the form with nothing saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres import idnumber
from cadres import selectors as cadre_selectors
from cadres.models import Appointment
from cadres.services import appointment_create
from core.models import Role
from core.services import require_role
from core.views import ServiceFormView, form_refusals, has_any_role

from . import permissions, selectors, services
from .forms import (
    ClarificationFilterForm,
    ClarificationForm,
    ReuseForm,
    SanctionFilterForm,
    SanctionForm,
)

PAGE_SIZE = 50
SANCTION_ROLES = (
    Role.STAFF,
    Role.ADMIN,
)  # who records sanctions and re-use appointments (the services' rule)


def _listing(request, form_class, selector, template: str, **context):
    """A filtered list, PAGE_SIZE a page: a bad filter is shown on the form and lists nothing."""
    form = form_class(request.GET or None)
    rows = selector(user=request.user, filters=form.filters() if form.is_valid() else None)
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"form": form, "page_obj": page, **context})


# Clarification (澄清正名) ------------------------------------------------------------------------


@login_required
def clarification_list(request):
    """Clarifications about the cadres the user may see."""
    return _listing(
        request,
        ClarificationFilterForm,
        selectors.clarification_list,
        "discipline/clarification_list.html",
        can_create=has_any_role(request.user, Role.STAFF),
    )


class ClarificationCreateView(ServiceFormView):
    required_roles = (Role.STAFF,)
    form_class = ClarificationForm
    template_name = "discipline/clarification_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre") or None}

    def perform(self, form):
        clarification = services.clarification_create(
            actor=self.request.user, **form.service_data()
        )
        if clarification.malicious:
            messages.success(self.request, _("澄清正名已登记；举报人已列入失信黑名单。"))
        else:
            messages.success(self.request, _("澄清正名已登记。"))
        return clarification


@login_required
def clarification_detail(request, pk: int):
    """One clarification with its history; the dishonesty entry for administrators only."""
    clarification = selectors.clarification_get(user=request.user, pk=pk)
    entry = (getattr(clarification, "dishonesty_entry", None)
             if permissions.can_see_dishonesty_list(request.user) else None)
    return render(
        request,
        "discipline/clarification_detail.html",
        {
            "clarification": clarification,
            "entry": entry,
            "entry_id_number": idnumber.mask(entry.id_number) if entry and entry.id_number else "",
        },
    )


# Sanctions and re-use (重新使用) ----------------------------------------------------------------


@login_required
def sanction_list(request):
    """Sanctions of the cadres the user may see, with their effect periods."""
    return _listing(
        request,
        SanctionFilterForm,
        selectors.sanction_list,
        "discipline/sanction_list.html",
        can_create=has_any_role(request.user, *SANCTION_ROLES),
        today=timezone.localdate(),
    )


class SanctionCreateView(ServiceFormView):
    required_roles = SANCTION_ROLES
    form_class = SanctionForm
    template_name = "discipline/sanction_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre") or None}

    def perform(self, form):
        sanction = services.sanction_create(actor=self.request.user, **form.service_data())
        end = sanction.effect_ends_on
        messages.success(
            self.request,
            _("处分已登记，影响期至 %(end)s。") % {"end": end.isoformat()}
            if end
            else _("处分已登记。"),
        )
        return sanction


def _render_cadre_sanctions(request, cadre, *, reuse_form=None, status: int = 200):
    sanctions = selectors.cadre_sanctions(cadre=cadre)
    can_edit = has_any_role(request.user, *SANCTION_ROLES)
    if can_edit and reuse_form is None and sanctions:
        reuse_form = ReuseForm(
            user=request.user,
            sanctions=sanctions,
            prefix="reuse",
            initial={"post_level": cadre.post_level, "is_main": True},
        )
    return render(
        request,
        "discipline/cadre_sanctions.html",
        {
            "cadre": cadre,
            "sanctions": sanctions,
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "reuse_form": reuse_form if can_edit else None,
        },
        status=status,
    )


@login_required
def cadre_sanctions(request, pk: int):
    """A cadre's sanctions, when each one's effect period ends, and the re-use that followed."""
    return _render_cadre_sanctions(request, cadre_selectors.cadre_get(user=request.user, pk=pk))


@login_required
@require_POST
def reuse_create(request, pk: int):
    """Record a re-use appointment (kind 重新使用) through the appointment service, which links
    it to the sanction and refuses it before the effect period ends."""
    cadre = cadre_selectors.cadre_get(user=request.user, pk=pk)
    require_role(request.user, *SANCTION_ROLES)
    form = ReuseForm(
        request.POST, user=request.user, sanctions=selectors.sanctions_of(cadre), prefix="reuse"
    )
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            appointment_create(
                actor=request.user, cadre=cadre, kind=Appointment.Kind.REUSE, **form.service_data()
            )
        if not refused:
            messages.success(request, _("重新使用已登记，任职记录已关联所依据的处分。"))
            return redirect("discipline:cadre-sanctions", pk=cadre.pk)
        status = refused.status
    return _render_cadre_sanctions(request, cadre, reuse_form=form, status=status)
