"""seed_demo loads Heshan's timely rewards (one team, one person, approved and recorded), a
yellow card from the unfit catalog and a few hand records, through the services; a second run
changes nothing."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from core.models import Unit
from incentives.models import IncentiveRecord, TimelyReward


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            first = _seed()
            counts = (IncentiveRecord.objects.count(), TimelyReward.objects.count())
            second = _seed()
            yield first, second, counts
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()


@pytest.fixture
def demo_db(seeded, db):
    return seeded


def test_heshans_timely_rewards_and_the_yellow_card(demo_db):
    heshan = Unit.objects.get(code="JM-HS")
    rewards = TimelyReward.objects.filter(state="approved")
    assert rewards.filter(unit__path__startswith=heshan.path).count() == 1
    assert rewards.filter(cadre__unit__path__startswith=heshan.path).count() == 1
    for reward in rewards:
        assert reward.record.source == "timely_reward" and reward.decided_by != reward.nominated_by
    card = IncentiveRecord.objects.get(measure__code="yellow_card")
    assert card.situation.code == "lying_flat" and card.source == "unfit"
    jinan = Unit.objects.get(code="JN")
    assert IncentiveRecord.objects.filter(source="hand", cadre__unit__path__startswith=jinan.path).count() >= 2


def test_a_second_run_changes_nothing(demo_db):
    first, second, counts = demo_db
    assert "incentives.records" in first
    assert (IncentiveRecord.objects.count(), TimelyReward.objects.count()) == counts


# ledger ----


def test_the_demo_city_is_tallied_once_with_real_figures(demo_db):
    from assessments.models import AnnualAssessment
    from incentives.models import LedgerRow

    first, second, _counts = demo_db
    assert "incentives.ledger" in first and "incentives.ledger" not in second
    assert LedgerRow.objects.filter(net__gt=0).exists()
    # every excellent year has its row, its entries naming the rule they apply
    for grade in AnnualAssessment.objects.filter(grade="excellent"):
        row = LedgerRow.objects.get(cadre=grade.cadre_id, year=grade.year)
        assert any(e.get("rule") and e["source"] == f"annual-assessment:{grade.pk}"
                   for e in row.entries)
