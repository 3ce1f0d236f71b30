"""末位倒逼's measure proposals: created once per principal leader, idempotent on regrade,
withdrawn or flagged (never dropped) when a regrade removes their basis, confirmed or dismissed
by staff (409 in any other state), and the signal the incentives app will receive."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import TeamMeasureProposal
from assessments.selectors.team import TeamRow, principal_leaders
from assessments.services.team import (
    team_assessment_save,
    team_proposal_confirm,
    team_proposal_dismiss,
    team_recompute,
)
from assessments.signals import team_measure_confirmed
from core.errors import Conflict
from core.models import AuditEntry, Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

S = TeamMeasureProposal.Status


@pytest.fixture
def group(tree):
    """Three towns of one category; the last has a 党委书记 and a 镇长 (正科) and a 副镇长 (副科)."""
    units = [
        UnitFactory(name=f"镇{i}", parent=tree["district"], kind="town", category="key_development")
        for i in range(3)
    ]
    last = units[2]
    secretary = CadreFactory(unit=last, position_title="党委书记", post_level="section_chief")
    mayor = CadreFactory(unit=last, position_title="镇长", post_level="section_chief")
    CadreFactory(unit=last, position_title="副镇长", post_level="section_deputy")
    CadreFactory(unit=last, position_title="原镇长", post_level="section_chief", status="retired")
    return units, secretary, mayor


def year_of(actor, units, year, last_grade="poor"):
    team_assessment_save(
        actor=actor,
        rows=[
            TeamRow(units[0], year, "good", Decimal(95)),
            TeamRow(units[1], year, "good", Decimal(90)),
            TeamRow(units[2], year, last_grade, Decimal(60)),
        ],
    )


def test_principal_leaders_are_the_active_cadres_at_the_units_top_level(group):
    units, secretary, mayor = group
    assert {c.pk for c in principal_leaders([units[2].pk])[units[2].pk]} == {secretary.pk, mayor.pk}
    assert principal_leaders([units[0].pk]) == {}  # nobody to propose for


def test_proposals_are_created_once_and_regrading_does_not_duplicate(tree, staff_user, group):
    units, secretary, mayor = group
    year_of(staff_user, units, 2024)
    props = TeamMeasureProposal.objects.all()
    assert {(p.cadre_id, p.measure, p.status) for p in props} == {
        (secretary.pk, "talk_reminder", S.PENDING),
        (mayor.pk, "talk_reminder", S.PENDING),
    }
    year_of(staff_user, units, 2024, last_grade="average")  # regrade, still last
    assessment = props[0].assessment
    before = AuditEntry.objects.count()
    team_recompute(
        actor=staff_user,
        jurisdiction_id=assessment.jurisdiction_id,
        category=assessment.category,
        from_year=2024,
    )
    assert AuditEntry.objects.count() == before  # nothing changed: nothing recorded
    assert TeamMeasureProposal.objects.count() == 2


def test_three_years_make_three_measures_for_the_leaders(tree, staff_user, group):
    units, secretary, _mayor = group
    for year in (2023, 2024, 2025):
        year_of(staff_user, units, year)
    measures = dict(
        TeamMeasureProposal.objects.filter(cadre=secretary).values_list(
            "assessment__year", "measure"
        )
    )
    assert measures == {2023: "talk_reminder", 2024: "admonishment", 2025: "post_adjustment"}


def test_a_regrade_withdraws_pending_flags_confirmed_and_restores(tree, staff_user, group):
    units, secretary, mayor = group
    year_of(staff_user, units, 2024)
    confirmed = TeamMeasureProposal.objects.get(cadre=secretary)
    team_proposal_confirm(actor=staff_user, proposal=confirmed)
    year_of(staff_user, units, 2024, last_grade="good")  # 95, 90, 60 all 好: 镇2 still last
    assert TeamMeasureProposal.objects.filter(status=S.PENDING).count() == 1
    team_assessment_save(actor=staff_user, rows=[TeamRow(units[2], 2024, "good", Decimal(99))])
    got = {
        p.cadre_id: (p.status, p.basis_lost)
        for p in TeamMeasureProposal.objects.filter(assessment__unit=units[2])
    }
    assert got == {secretary.pk: (S.CONFIRMED, True), mayor.pk: (S.WITHDRAWN, False)}
    # 镇1 is now last but has no cadres: no proposal; the basis of 镇2's returns on a regrade back.
    team_assessment_save(actor=staff_user, rows=[TeamRow(units[2], 2024, "poor", Decimal(10))])
    got = {
        p.cadre_id: (p.status, p.basis_lost)
        for p in TeamMeasureProposal.objects.filter(assessment__unit=units[2])
    }
    assert got == {secretary.pk: (S.CONFIRMED, False), mayor.pk: (S.PENDING, False)}
    assert TeamMeasureProposal.objects.count() == 2
    flagged = AuditEntry.objects.filter(object_id=confirmed.pk, action="basis_lost").get()
    assert flagged.changes == {"basis_lost": [False, True]}


def test_confirm_records_who_and_when_and_sends_the_signal(tree, staff_user, group):
    units, secretary, _mayor = group
    year_of(staff_user, units, 2025)
    proposal = TeamMeasureProposal.objects.get(cadre=secretary)
    heard = []

    def receiver(sender, *, proposal, actor, **kwargs):
        heard.append((proposal.pk, proposal.status, actor.pk))

    team_measure_confirmed.connect(receiver)
    try:
        done = team_proposal_confirm(actor=staff_user, proposal=proposal)
    finally:
        team_measure_confirmed.disconnect(receiver)
    assert heard == [(proposal.pk, S.CONFIRMED, staff_user.pk)]
    assert done.decided_by == staff_user and done.decided_at is not None
    with pytest.raises(Conflict) as caught:
        team_proposal_confirm(actor=staff_user, proposal=proposal)
    assert caught.value.state == S.CONFIRMED
    with pytest.raises(Conflict):
        team_proposal_dismiss(actor=staff_user, proposal=proposal, reason="重复")


def test_dismiss_needs_a_reason_and_then_is_final(tree, staff_user, group):
    units, _secretary, mayor = group
    year_of(staff_user, units, 2025)
    proposal = TeamMeasureProposal.objects.get(cadre=mayor)
    with pytest.raises(ValidationError):
        team_proposal_dismiss(actor=staff_user, proposal=proposal, reason="  ")
    done = team_proposal_dismiss(actor=staff_user, proposal=proposal, reason="已于当年调整分工")
    assert (done.status, done.dismiss_reason) == (S.DISMISSED, "已于当年调整分工")
    with pytest.raises(Conflict):
        team_proposal_confirm(actor=staff_user, proposal=proposal)
    # A regrade neither revives nor duplicates a dismissed proposal.
    year_of(staff_user, units, 2025, last_grade="average")
    assert TeamMeasureProposal.objects.filter(cadre=mayor).count() == 1


def test_outside_the_scope_or_without_the_role_nobody_decides(tree, staff_user, group):
    units, secretary, _mayor = group
    year_of(staff_user, units, 2025)
    proposal = TeamMeasureProposal.objects.get(cadre=secretary)
    elsewhere = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    for user in (elsewhere, reviewer):
        with pytest.raises(PermissionDenied):
            team_proposal_confirm(actor=user, proposal=proposal)
    assert TeamMeasureProposal.objects.get(pk=proposal.pk).status == S.PENDING


def test_a_confirmed_measure_is_on_the_leaders_timeline_for_those_who_see_it(tree, staff_user, group):
    from core.timeline import cadre_timeline

    units, secretary, _mayor = group
    year_of(staff_user, units, 2025)
    team_proposal_confirm(actor=staff_user, proposal=TeamMeasureProposal.objects.get(cadre=secretary))
    kinds = [e["kind"] for e in cadre_timeline(cadre=secretary, user=staff_user)]
    assert kinds.count("team_measure") == 1
    elsewhere = UserFactory(roles=[Role.STAFF], units=[tree["other"]])
    assert "team_measure" not in [e["kind"] for e in cadre_timeline(cadre=secretary, user=elsewhere)]
