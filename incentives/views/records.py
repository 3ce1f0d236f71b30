"""Pages of incentive records (奖惩记录): the list the user may see (filters), one record with
its history, the hand-entry form (through services.records.record_create); and the measure
catalog, read-only here (administrators edit it in the admin)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from core.views import ServiceFormView, has_any_role

from .. import permissions
from ..forms import RecordFilterForm, RecordForm
from ..selectors.catalog import measure_list
from ..selectors.records import record_get, record_list
from ..services.records import record_create

PAGE_SIZE = 50
WRITE_ROLES = (Role.STAFF, Role.ADMIN)


@login_required
def record_list_view(request):
    """奖惩记录 of the cadres and teams the user may see."""
    form = RecordFilterForm(request.GET or None)
    rows = record_list(user=request.user)
    if form.is_bound:
        if form.is_valid():
            f = form.filters()
            if f.get("q"):
                rows = rows.filter(Q(cadre__name__contains=f["q"]) | Q(unit__name__contains=f["q"]))
            if f.get("measure"):
                rows = rows.filter(measure=f["measure"])
            if f.get("source"):
                rows = rows.filter(source=f["source"])
            if f.get("year"):
                rows = rows.filter(date__year=f["year"])
        else:
            rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incentives/records_list.html", {
        "form": form, "page_obj": page,
        "can_create": has_any_role(request.user, *WRITE_ROLES)})


@login_required
def record_detail(request, pk: int):
    record = record_get(user=request.user, pk=pk)
    return render(request, "incentives/records_detail.html", {"record": record})


class RecordCreateView(ServiceFormView):
    required_roles = WRITE_ROLES
    form_class = RecordForm
    template_name = "incentives/records_form.html"
    success_message = _("奖惩记录已登记。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre") or None, "date": timezone.localdate()}

    def perform(self, form):
        return record_create(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return reverse("incentives:record-detail", args=[self.object.pk])


@login_required
def measure_list_view(request):
    """激励措施目录, as everyone reads it; the administrators' link to edit it."""
    return render(request, "incentives/catalog_list.html", {
        "measures": measure_list(), "can_edit": permissions.can_edit_catalog(request.user)})
