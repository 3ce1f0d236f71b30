"""The demo loads one closed, sealed 民主测评 of a Heshan unit through the services."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_demo_loads_a_closed_sealed_heshan_round():
    from assessments.models import AppraisalBallot, AppraisalRound

    call_command("seed_demo")
    appraisal_round = AppraisalRound.objects.get()
    assert appraisal_round.unit.name.startswith("中共鹤山")
    assert appraisal_round.sealed and appraisal_round.is_closed
    assert appraisal_round.ballots_cast == AppraisalBallot.objects.count() == 26
