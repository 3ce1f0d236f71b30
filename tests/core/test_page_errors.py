"""One error path for pages (core.views): a service's ValidationError, Conflict,
PermissionDenied and PayloadTooLarge become the form's errors with 400, 409, 403 and 413, in
class-based and function views alike; nothing is a 500."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from core.errors import Conflict, PayloadTooLarge
from core.models import Role
from core.views import ServiceFormView, form_refusals
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    title = forms.CharField()


def _view(refusal):
    class View(ServiceFormView):
        form_class = _Form
        template_name = "core/job_detail.html"  # any template: the form's errors are what is checked

        def perform(self, form):
            raise refusal

        def get_context_data(self, **kwargs):
            context = super().get_context_data(**kwargs)
            context["job"] = None
            return context

    return View.as_view()


@pytest.mark.parametrize(("refusal", "status", "message"), [
    (ValidationError({"title": "标题重复。"}), 400, "标题重复。"),
    (Conflict("当前状态不允许此操作。", state="closed", action="edit"), 409, "当前状态不允许此操作。"),
    (PermissionDenied("您无权修改此记录。"), 403, "您无权修改此记录。"),
    (PayloadTooLarge("文件超过 10 MB。"), 413, "文件超过 10 MB。"),
])
def test_a_refusal_in_a_service_form_view_is_the_forms_error_with_its_status(refusal, status, message):
    request = RequestFactory().post("/x/", {"title": "任前公示"})
    request.user = UserFactory(roles=[Role.STAFF])
    response = _view(refusal)(request)
    assert response.status_code == status
    form = response.context_data["form"]
    assert message in [m for errors in form.errors.values() for m in errors]


def test_a_form_that_fails_its_own_checks_is_a_400():
    request = RequestFactory().post("/x/", {"title": ""})
    request.user = UserFactory(roles=[Role.STAFF])
    assert _view(AssertionError("not reached"))(request).status_code == 400


@pytest.mark.parametrize(("refusal", "status"), [
    (ValidationError("不行。"), 400), (Conflict("冲突。"), 409), (PermissionDenied(), 403),
    (PayloadTooLarge("太大。"), 413),
])
def test_form_refusals_serves_function_views(refusal, status):
    form = _Form({"title": "x"})
    assert form.is_valid()
    with form_refusals(form, field="title") as refused:
        raise refusal
    assert refused and refused.status == status and form.errors


def test_form_refusals_lets_other_errors_through():
    form = _Form({"title": "x"})
    form.is_valid()
    with pytest.raises(KeyError), form_refusals(form):
        raise KeyError("a bug is a bug")
