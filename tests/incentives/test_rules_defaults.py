"""The default accumulation rules, each on its own, as the tally applies them: what a cadre's
ledger row counts and how each figure is explained."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from incentives.models import AccumulationRule, IncentiveRecord, RuleProposal
from incentives.services.ledger import tally
from incentives.services.rules import proposal_confirm, proposal_dismiss, rule_update
from tests.factories import CadreFactory

from .ledger_helpers import codes, exempting_case, grades, record, row, sanction, team_grade


@pytest.fixture
def cadre(tree):
    return CadreFactory(unit=tree["street"])


def test_the_defaults_are_seeded_with_the_measures_they_name(db):
    rules = {r.code: r for r in AccumulationRule.objects.filter(is_current=True)}
    assert rules["excellent_commendation"].measure.code == "commendation"
    assert rules["excellent_three_years"].params == {"grade": "excellent", "years": 3}
    assert rules["excellent_three_years"].measure.code == "merit_third"
    assert rules["basically_competent_admonishment"].measure.code == "admonishment_talk"
    assert rules["incompetent_demotion"].needs_confirmation
    assert rules["incompetent_demotion"].measure.code == "demotion_one_level"
    assert rules["incompetent_two_years"].needs_confirmation
    assert rules["incompetent_two_years"].measure.code == "dismissal"
    assert rules["team_good_praise"].measure.code == "public_praise"
    assert rules["team_poor_criticism"].measure.code == "public_criticism"
    assert rules["sanction_blocks_positive"].measure is None


def test_excellent_gives_commendation(cadre, staff_user):
    grades(cadre, staff_user, y2023="excellent")
    tally()
    r = row(cadre, 2023)
    assert (r.positive, r.negative, r.net) == (3, 0, 3)
    [entry] = r.entries
    assert entry == {"kind": "rule", "code": "excellent_commendation", "label": "年度考核优秀，给予嘉奖",
                     "points": 3, "source": f"annual-assessment:{cadre.annual_assessments.get().pk}",
                     "rule": AccumulationRule.objects.get(code="excellent_commendation",
                                                          is_current=True).pk}


def test_three_excellent_years_in_a_row_give_third_class_merit(cadre, staff_user):
    grades(cadre, staff_user, y2021="excellent", y2022="excellent", y2023="excellent")
    tally()
    assert "excellent_three_years" not in codes(cadre, 2022)
    assert codes(cadre, 2023) == ["excellent_commendation", "excellent_three_years"]
    r = row(cadre, 2023)
    assert r.positive == 13
    assert [e.get("from_year") for e in r.entries] == [None, 2021]


def test_a_missing_year_breaks_the_streak(cadre, staff_user):
    grades(cadre, staff_user, y2020="excellent", y2021="excellent", y2023="excellent")
    tally()
    assert all("excellent_three_years" not in codes(cadre, y) for y in (2020, 2021, 2023))


def test_a_not_graded_year_breaks_the_streak(cadre, staff_user):
    grades(cadre, staff_user, y2020="excellent", y2021="excellent", y2022="not_graded",
           y2023="excellent", y2024="excellent")
    tally()
    assert all("excellent_three_years" not in codes(cadre, y) for y in range(2020, 2025))
    assert row(cadre, 2022) is None  # 不定等次 counts nothing


def test_basically_competent_gives_an_admonishment_talk(cadre, staff_user):
    grades(cadre, staff_user, y2024="basically_competent")
    tally()
    r = row(cadre, 2024)
    assert (r.positive, r.negative, r.net) == (0, 5, -5)
    assert r.entries[0]["points"] == -5


def test_incompetent_is_a_pending_demotion_proposal_until_confirmed(cadre, staff_user):
    grades(cadre, staff_user, y2024="incompetent")
    tally()
    r = row(cadre, 2024)
    assert (r.negative, r.net) == (0, 0)
    assert r.entries[0]["code"] == "incompetent_demotion" and r.entries[0]["pending"] is True
    proposal = RuleProposal.objects.get(cadre=cadre, year=2024)
    assert proposal.state == RuleProposal.State.PENDING
    tally()  # again: no second proposal
    assert RuleProposal.objects.filter(cadre=cadre).count() == 1

    proposal_confirm(actor=staff_user, proposal=proposal)
    tally()
    r = row(cadre, 2024)
    assert r.negative == 10
    assert [(e["kind"], e["code"]) for e in r.entries] == [("record", "demotion_one_level")]
    assert IncentiveRecord.objects.get(cadre=cadre).source == IncentiveRecord.Source.RULE
    with pytest.raises(Conflict):
        proposal_dismiss(actor=staff_user, proposal=proposal, reason="晚了")


def test_two_incompetent_years_propose_dismissal_and_a_dismissed_one_counts_nothing(cadre, staff_user):
    grades(cadre, staff_user, y2023="incompetent", y2024="incompetent")
    tally()
    assert codes(cadre, 2024) == ["incompetent_demotion", "incompetent_two_years"]
    dismissal = RuleProposal.objects.get(cadre=cadre, year=2024, rule__code="incompetent_two_years")
    proposal_dismiss(actor=staff_user, proposal=dismissal, reason="已调整岗位")
    tally()
    entries = row(cadre, 2024).entries
    assert [e.get("dismissed") for e in entries] == [None, True]
    assert row(cadre, 2024).negative == 0


def test_team_grades_reach_the_principal_leaders_only(tree, staff_user):
    unit = tree["street"]
    head = CadreFactory(unit=unit, post_level="division_chief")
    co_head = CadreFactory(unit=unit, post_level="division_chief")
    deputy = CadreFactory(unit=unit, post_level="division_deputy")
    team_grade(unit, staff_user, 2023, "good")
    team_grade(unit, staff_user, 2024, "poor")
    tally()
    for leader in (head, co_head):
        assert codes(leader, 2023) == ["team_good_praise"] and row(leader, 2023).net == 2
        assert codes(leader, 2024) == ["team_poor_criticism"] and row(leader, 2024).net == -3
    assert row(deputy, 2023) is None


def current(code):
    return AccumulationRule.objects.get(code=code, is_current=True).pk


def test_a_sanction_period_blocks_positive_rule_outcomes(cadre, staff_user):
    grades(cadre, staff_user, y2023="excellent", y2025="excellent")
    s = sanction(cadre, staff_user, "demerit", dt.date(2023, 6, 1))  # until 2024-05-31
    tally()
    r = row(cadre, 2023)
    assert r.positive == 0
    assert r.entries == [
        {"kind": "rule", "code": "excellent_commendation", "label": "年度考核优秀，给予嘉奖",
         "points": 0, "blocked": True, "source": r.entries[0]["source"],
         "rule": current("excellent_commendation")},
        {"kind": "rule", "code": "sanction_blocks_positive", "label": "处分影响期内，不得给予正向激励",
         "points": 0, "source": f"sanction:{s.pk}", "rule": current("sanction_blocks_positive")},
    ]
    assert row(cadre, 2025).positive == 3  # the period is over


def test_an_exempted_matter_never_feeds_a_negative_record(cadre, staff_user, tree):
    protected = exempting_case(cadre, staff_user, tree["city"])
    not_protecting = exempting_case(cadre, staff_user, tree["city"], outcome="not_tolerated")
    other = CadreFactory(unit=tree["street"])  # not a subject of the exempting case
    record(cadre, staff_user, "public_criticism", dt.date(2024, 5, 1), case=protected)
    record(cadre, staff_user, "talk_reminder", dt.date(2024, 6, 1), case=not_protecting)
    record(other, staff_user, "public_criticism", dt.date(2024, 5, 1), case=protected)
    record(cadre, staff_user, "public_praise", dt.date(2024, 7, 1), case=protected)
    tally()
    r = row(cadre, 2024)
    assert (r.positive, r.negative) == (2, 2)
    exempted = [e for e in r.entries if e.get("exempted")]
    assert [(e["code"], e["points"]) for e in exempted] == [("public_criticism", 0)]
    assert row(other, 2024).negative == 3


def test_rules_are_versioned_by_administrators_only(admin_user, staff_user, cadre):
    rule = AccumulationRule.objects.get(code="excellent_three_years")
    with pytest.raises(PermissionDenied):
        rule_update(actor=staff_user, rule=rule, params={"grade": "excellent", "years": 2})
    with pytest.raises(ValidationError):
        rule_update(actor=admin_user, rule=rule, params={"grade": "not_graded", "years": 2})
    with pytest.raises(ValidationError):
        rule_update(actor=admin_user, rule=rule, params={"grade": "excellent", "years": 1})
    new = rule_update(actor=admin_user, rule=rule, params={"grade": "excellent", "years": 2},
                      label="连续两年优秀，记三等功")
    assert (new.version, new.is_current) == (2, True)
    rule.refresh_from_db()
    assert not rule.is_current
    with pytest.raises(Conflict):
        rule_update(actor=admin_user, rule=rule, label="旧版本")
    grades(cadre, staff_user, y2023="excellent", y2024="excellent")
    tally()
    assert "excellent_three_years" in codes(cadre, 2024)
    assert row(cadre, 2024).rules_version.startswith("rules:")


def test_a_bottom_measure_is_pending_until_confirmed_then_recorded(tree, staff_user):
    from assessments.models import TeamMeasureProposal
    from assessments.services.team import team_proposal_confirm

    unit = tree["street"]
    head = CadreFactory(unit=unit, post_level="division_chief")
    team = team_grade(unit, staff_user, 2024, "average")
    proposal = TeamMeasureProposal.objects.create(assessment=team, cadre=head,
                                                  measure="admonishment")
    tally()
    [entry] = row(head, 2024).entries
    assert (entry["code"], entry["pending"], entry["points"]) == ("bottom_admonishment", True, 0)
    team_proposal_confirm(actor=staff_user, proposal=proposal)
    made = IncentiveRecord.objects.get(cadre=head)
    assert (made.source, made.source_id, made.measure.code, made.date.year) == (
        IncentiveRecord.Source.ASSESSMENT, proposal.pk, "admonishment_talk", 2024)
    tally()
    r = row(head, 2024)
    assert ([e["kind"] for e in r.entries], r.negative) == (["record"], 5)


def test_a_pending_proposal_is_withdrawn_when_its_grade_changes_and_a_decided_one_stays(
        cadre, staff_user):
    grades(cadre, staff_user, y2023="incompetent", y2024="incompetent")
    tally()
    dismissal = RuleProposal.objects.get(cadre=cadre, year=2024, rule__code="incompetent_two_years")
    proposal_dismiss(actor=staff_user, proposal=RuleProposal.objects.get(
        cadre=cadre, year=2023, rule__code="incompetent_demotion"), reason="复核后另行处理")
    # The 2024 grade is changed on review (复核): its 降级 and 辞退 proposals rest on nothing now.
    from assessments.models import AnnualAssessment

    AnnualAssessment.objects.filter(cadre=cadre, year=2024).update(grade="competent")
    tally()
    assert not RuleProposal.objects.filter(pk=dismissal.pk).exists()
    assert list(RuleProposal.objects.filter(cadre=cadre).values_list("year", "rule__code", "state")) == [
        (2023, "incompetent_demotion", "dismissed")]
    assert codes(cadre, 2024) == []
