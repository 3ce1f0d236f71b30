"""annual_save, the one write path of annual grades: all or nothing, duplicates refused, an
update audited with its old and new grade."""

import pytest
from django.core.exceptions import PermissionDenied

from assessments.models import AnnualAssessment
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import RowErrors, annual_save
from core.models import AuditEntry
from tests.factories import CadreFactory, UserFactory


def test_a_list_is_saved_whole_or_not_at_all(tree, staff_user):
    a, b = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["street"])
    outside = CadreFactory(unit=tree["other"])
    with pytest.raises(RowErrors) as caught:
        annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "competent"),
                                            AnnualRow(outside, 2025, "competent"),
                                            AnnualRow(a, 2025, "excellent")])
    assert set(caught.value.rows) == {1, 2}
    assert not AnnualAssessment.objects.exists()
    result = annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "competent"),
                                                 AnnualRow(b, 2025, "competent")])
    assert (result.created, result.updated) == (2, 0)


def test_an_update_is_audited_from_old_to_new(tree, staff_user):
    a = CadreFactory(unit=tree["street"])
    annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "competent")])
    with pytest.raises(RowErrors):
        annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "incompetent")], create_only=True)
    result = annual_save(actor=staff_user, rows=[AnnualRow(a, 2025, "basically_competent")])
    assert result.updated == 1
    grade = AnnualAssessment.objects.get()
    entry = AuditEntry.objects.filter(object_id=grade.pk, action="update").get()
    assert entry.changes["grade"] == ["competent", "basically_competent"]


def test_a_cadre_account_may_not_grade(tree):
    with pytest.raises(PermissionDenied):
        annual_save(actor=UserFactory(roles=["cadre"]), rows=[])
