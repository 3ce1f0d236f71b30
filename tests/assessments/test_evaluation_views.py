"""The pages of 换届后评估: rounds, a round with candidates and the shortlist to confirm, one
evaluation, the reserve list and its export; 404 outside scope, refusals back on the form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import PostElectionEvaluation, ReserveListEntry
from assessments.services.evaluation import evaluation_create, evaluation_round_create
from cadres.models import Cadre
from tests.factories import CadreFactory, UserFactory

SIX = ("political", "operation", "professional", "structure", "performance", "problems")


@pytest.fixture
def setup(tree, staff_user, client):
    client.force_login(staff_user)
    evaluation_round = evaluation_round_create(actor=staff_user, unit=tree["district"], name="历下区换届后评估", year=2026)
    evaluations = [
        evaluation_create(actor=staff_user, round=evaluation_round, cadre=CadreFactory(unit=tree["street"], name=f"干部{i}"),
                          **dict.fromkeys(SIX, Decimal(95 - i)))
        for i in range(10)
    ]
    return evaluation_round, evaluations


def test_pages_render(client, setup, tree):
    evaluation_round, evaluations = setup
    for url in [reverse("assessments:evaluation-round-list"), evaluation_round.get_absolute_url(),
                evaluations[0].get_absolute_url(), reverse("assessments:reserve-list"),
                reverse("assessments:evaluation-round-create"),
                reverse("assessments:evaluation-create", args=[evaluation_round.pk])]:
        answer = client.get(url)
        assert answer.status_code == 200, url
    page = client.get(evaluation_round.get_absolute_url() + "?top_percent=20").content.decode()
    assert "干部0" in page and "确认出彩型名单" in page


def test_confirm_shortlist_from_the_page(client, setup):
    evaluation_round, evaluations = setup
    url = reverse("assessments:evaluation-shortlist", args=[evaluation_round.pk]) + "?top_percent=20"
    answer = client.post(url, {"evaluations": [str(evaluations[0].pk), str(evaluations[1].pk)]})
    assert answer.status_code == 302
    assert ReserveListEntry.objects.count() == 2
    assert Cadre.Tag.STANDOUT in Cadre.objects.get(name="干部0").tags
    listed = client.get(reverse("assessments:reserve-list")).content.decode()
    assert "干部0" in listed and "干部1" in listed
    export = client.get(reverse("assessments:reserve-list-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    # one not among the candidates is refused, nothing saved
    refused = client.post(url, {"evaluations": [str(evaluations[9].pk)]})
    assert refused.status_code == 400
    assert ReserveListEntry.objects.count() == 2


def test_bad_scores_come_back_on_the_form(client, setup, tree):
    evaluation_round, _ = setup
    url = reverse("assessments:evaluation-create", args=[evaluation_round.pk])
    data = {"subject": "cadre", "cadre": CadreFactory(unit=tree["street"]).pk, **dict.fromkeys(SIX, "80"),
            "problems": "120"}
    answer = client.post(url, data)
    assert answer.status_code == 400 and "分数须在 0 到 100 之间" in answer.content.decode()
    duplicate = {**data, "cadre": Cadre.objects.get(name="干部0").pk, "problems": "80"}
    answer = client.post(url, duplicate)
    assert answer.status_code == 400 and "本轮已有" in answer.content.decode()
    assert PostElectionEvaluation.objects.count() == 10
    ok = client.post(url, {**data, "problems": "100"})
    assert ok.status_code == 302


def test_outside_scope_is_404(client, setup, tree, admin_user):
    evaluation_round, evaluations = setup
    client.force_login(UserFactory(units=[tree["other"]]))
    assert client.get(evaluation_round.get_absolute_url()).status_code == 404
    assert client.get(evaluations[0].get_absolute_url()).status_code == 404
    assert client.post(reverse("assessments:evaluation-shortlist", args=[evaluation_round.pk]),
                       {"evaluations": [str(evaluations[0].pk)]}).status_code == 404
    evaluations[0].refresh_from_db()
    assert evaluations[0].shortlisted_at is None
