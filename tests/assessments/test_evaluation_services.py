"""换届后评估: weighted totals (equal and custom weights, and the setting checked), one subject per
evaluation, scores 0–100, the 出彩型 candidates (top X% and threshold), and confirming a
shortlist: the 出彩型 tag and one reserve-list entry per cadre, however often confirmed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from assessments.models import PostElectionEvaluation, ReserveListEntry
from assessments.selectors.evaluation import (
    check_evaluation_weights,
    evaluation_candidates,
    evaluation_list,
    weighted_total,
)
from assessments.services.evaluation import evaluation_create, evaluation_round_create, shortlist_confirm
from cadres.models import Cadre
from core.models import AuditEntry
from tests.factories import CadreFactory

SIX = ("political", "operation", "professional", "structure", "performance", "problems")


def scores(*values):
    values = values if len(values) == 6 else values * 6
    return dict(zip(SIX, [Decimal(v) for v in values], strict=True))


@pytest.fixture
def evaluation_round(tree, staff_user):
    return evaluation_round_create(actor=staff_user, unit=tree["district"], name="2026年换届后评估", year=2026)


def test_equal_weights_give_the_mean(settings, tree, staff_user, evaluation_round):
    settings.DANDANG = {**settings.DANDANG, "EVALUATION_WEIGHTS": [1, 1, 1, 1, 1, 1]}
    cadre = CadreFactory(unit=tree["street"])
    evaluation = evaluation_create(actor=staff_user, round=evaluation_round, cadre=cadre,
                                   **scores(90, 80, 70, 60, 100, 95))
    assert weighted_total(evaluation) == Decimal("82.50")
    assert evaluation_list(user=staff_user).get().total == Decimal("82.50")


def test_custom_weights_weigh_the_total_alike_in_python_and_sql(settings, tree, staff_user, evaluation_round):
    settings.DANDANG = {**settings.DANDANG, "EVALUATION_WEIGHTS": [3, 1, 1, 1, 2, 0]}
    cadre = CadreFactory(unit=tree["street"])
    evaluation = evaluation_create(actor=staff_user, round=evaluation_round, cadre=cadre,
                                   **scores(90, 80, 70, 60, 100, 0))
    # (270 + 80 + 70 + 60 + 200 + 0) / 8 = 85; 问题 weighs nothing here
    assert weighted_total(evaluation) == Decimal("85.00")
    assert evaluation_list(user=staff_user).get().total == Decimal("85.00")
    settings.DANDANG = {**settings.DANDANG, "EVALUATION_WEIGHTS": [1, 1, 1, 1, 1, 2]}
    # 1/3 rounds half up at the second decimal, in both
    evaluation = PostElectionEvaluation(**scores(100, 100, 100, 100, 100, 99))
    assert weighted_total(evaluation) == Decimal("99.71")


@pytest.mark.parametrize("weights", [[1, 1, 1], [1, 1, 1, 1, 1, -1], [0, 0, 0, 0, 0, 0], ["a"] * 6])
def test_a_bad_weights_setting_is_refused(settings, weights):
    settings.DANDANG = {**settings.DANDANG, "EVALUATION_WEIGHTS": weights}
    with pytest.raises(ImproperlyConfigured):
        weighted_total(scores(50))
    assert [e.id for e in check_evaluation_weights()] == ["assessments.E001"]


def test_team_or_cadre_exactly_one(tree, staff_user, evaluation_round):
    cadre = CadreFactory(unit=tree["street"])
    with pytest.raises(ValidationError) as both:
        evaluation_create(actor=staff_user, round=evaluation_round, unit=tree["street"], cadre=cadre, **scores(80))
    assert "__all__" in both.value.message_dict
    with pytest.raises(ValidationError):
        evaluation_create(actor=staff_user, round=evaluation_round, **scores(80))
    team = evaluation_create(actor=staff_user, round=evaluation_round, unit=tree["street"], **scores(80))
    assert team.cadre is None
    with pytest.raises(ValidationError) as again:
        evaluation_create(actor=staff_user, round=evaluation_round, unit=tree["street"], **scores(70))
    assert "unit" in again.value.message_dict
    assert PostElectionEvaluation.objects.count() == 1


@pytest.mark.parametrize("value", ["-1", "100.01", "250"])
def test_scores_out_of_range_are_refused(tree, staff_user, evaluation_round, value):
    cadre = CadreFactory(unit=tree["street"])
    bad = {**scores(80), "problems": Decimal(value)}
    with pytest.raises(ValidationError) as caught:
        evaluation_create(actor=staff_user, round=evaluation_round, cadre=cadre, **bad)
    assert "problems" in caught.value.message_dict
    assert not PostElectionEvaluation.objects.exists()


def test_a_subject_outside_the_round_or_scope_is_refused(tree, staff_user, admin_user, evaluation_round):
    other = CadreFactory(unit=tree["other"])
    with pytest.raises(ValidationError) as caught:
        evaluation_create(actor=staff_user, round=evaluation_round, cadre=other, **scores(80))
    assert "cadre" in caught.value.message_dict
    with pytest.raises(ValidationError) as outside_round:
        evaluation_create(actor=admin_user, round=evaluation_round, cadre=other, **scores(80))
    assert "本轮评估的单位" in outside_round.value.message_dict["cadre"][0]


@pytest.fixture
def ten(tree, staff_user, evaluation_round):
    """Ten cadre evaluations with totals 91, 90, ..., 82 (and one team, never a candidate)."""
    evaluation_create(actor=staff_user, round=evaluation_round, unit=tree["street"], **scores(99))
    return [
        evaluation_create(actor=staff_user, round=evaluation_round, cadre=CadreFactory(unit=tree["street"]),
                          **scores(91 - i))
        for i in range(10)
    ]


def test_top_percent_candidates_round_up_and_keep_ties(tree, staff_user, evaluation_round, ten):
    top = evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, top_percent=20)  # 2 of 10
    assert [e.pk for e in top] == [ten[0].pk, ten[1].pk]
    assert len(evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, top_percent=15)) == 2
    assert len(evaluation_candidates(user=staff_user, evaluation_round=evaluation_round)) == 1  # 10% default
    tie = evaluation_create(actor=staff_user, round=evaluation_round, cadre=CadreFactory(unit=tree["street"]),
                            **scores(90))
    top = evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, top_percent=10)
    assert {e.pk for e in top} == {ten[0].pk, ten[1].pk, tie.pk}  # 11 → 2, and 90 ties at the cut


def test_threshold_candidates_and_both_parameters(tree, staff_user, evaluation_round, ten):
    at_least = evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, threshold=88)
    assert [float(e.total) for e in at_least] == [91, 90, 89, 88]
    both = evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, threshold=88, top_percent=30)
    assert [float(e.total) for e in both] == [91, 90, 89]
    with pytest.raises(ValidationError):
        evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, top_percent=0)


def test_candidates_take_a_fixed_number_of_queries(tree, staff_user, evaluation_round, ten,
                                                   django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        evaluation_candidates(user=staff_user, evaluation_round=evaluation_round, top_percent=50, threshold=80)


def test_confirm_tags_and_lists_once(tree, staff_user, evaluation_round, ten, django_assert_max_num_queries):
    chosen = ten[:3]
    # Lock, update, audit; lock, update, audit the tags; read, insert, audit the entries: the
    # same for three cadres as for thirty (savepoints and content types included; an audit
    # batch is two on PostgreSQL: its ids from the sequence, then the COPY).
    with django_assert_max_num_queries(22):
        fresh = shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=chosen)
    assert len(fresh) == 3
    for evaluation in chosen:
        evaluation.refresh_from_db()
        assert evaluation.shortlisted_by == staff_user and evaluation.shortlisted_at
        assert Cadre.Tag.STANDOUT in Cadre.objects.get(pk=evaluation.cadre_id).tags
    entries = ReserveListEntry.objects.filter(source="evaluation")
    assert sorted(entries.values_list("evaluation_id", flat=True)) == sorted(e.pk for e in chosen)
    audited = AuditEntry.objects.filter(action="shortlist").count()
    assert audited == 3
    # Again, with one more: only the new one changes.
    fresh = shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=ten[:4])
    assert [e.pk for e in fresh] == [ten[3].pk]
    assert ReserveListEntry.objects.count() == 4
    assert AuditEntry.objects.filter(action="shortlist").count() == 4
    assert AuditEntry.objects.filter(object_type="cadres.cadre", action="update").count() == 4
    with django_assert_max_num_queries(22):
        shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=ten)
    assert ReserveListEntry.objects.count() == 10


def test_confirm_refuses_a_team_or_another_rounds_evaluation(tree, staff_user, evaluation_round, ten):
    team = PostElectionEvaluation.objects.get(cadre__isnull=True)
    with pytest.raises(ValidationError):
        shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=[ten[0], team])
    assert not ReserveListEntry.objects.exists()
    assert not PostElectionEvaluation.objects.filter(shortlisted_at__isnull=False).exists()
