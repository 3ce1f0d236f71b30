"""Pages of 不适宜担任现职: issue a yellow or red card or an adjustment with its situation
(services.unfit.unfit_record), beside the catalog of situations and the recent records."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from core.views import ServiceFormView

from ..forms import UnfitForm
from ..selectors.unfit import situation_list, unfit_records
from ..services.unfit import unfit_record


@login_required
def unfit_list(request):
    """The situation catalog in its four groups and the records made under it."""
    return render(request, "incentives/unfit_list.html", {
        "situations": situation_list(active_only=True),
        "records": unfit_records(user=request.user)[:50],
        "can_create": any(request.user.has_role(r) for r in (Role.STAFF, Role.ADMIN))})


class UnfitCreateView(ServiceFormView):
    required_roles = (Role.STAFF, Role.ADMIN)
    form_class = UnfitForm
    template_name = "incentives/unfit_form.html"
    success_message = _("已登记，记入该干部的奖惩记录。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre") or None, "date": timezone.localdate()}

    def perform(self, form):
        return unfit_record(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return reverse("incentives:record-detail", args=[self.object.pk])
