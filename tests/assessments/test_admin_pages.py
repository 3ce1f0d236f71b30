"""The admin of assessments: every model opens for an administrator; only grades (through the
services) and 优秀 rates may be written there, the rest is read only."""

import pytest
from django.contrib import admin

from assessments.models import AnnualAssessment, ExcellenceRate, QuarterlyAssessment
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from core.models import Role
from tests.factories import CadreFactory, UserFactory

WRITABLE = {AnnualAssessment, QuarterlyAssessment, ExcellenceRate}
MODELS = [m for m in admin.site._registry if m._meta.app_label == "assessments"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_assessments_model_opens_and_only_grades_and_rates_are_written_here(client, tree, model):
    superuser = UserFactory(username="root", roles=[Role.ADMIN, Role.STAFF], is_superuser=True, is_staff=True)
    annual_save(actor=superuser, rows=[AnnualRow(CadreFactory(unit=tree["street"]), 2025, "competent")])
    client.force_login(superuser)
    base = f"/admin/assessments/{model._meta.model_name}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "add/").status_code == (200 if model in WRITABLE else 403)
    if model is AnnualAssessment:
        assert client.get(f"{base}{AnnualAssessment.objects.get().pk}/change/").status_code == 200
