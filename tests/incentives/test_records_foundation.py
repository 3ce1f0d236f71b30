"""record_create, the one write path of incentive records: a cadre or a team, in scope, audited,
and the ledger told which cadres changed once it commits."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from incentives.models import IncentiveRecord, Measure
from incentives.services.records import record_create
from incentives.signals import sources_changed
from tests.factories import CadreFactory


@pytest.fixture
def commendation(db):
    return Measure.objects.create(code="commend-test", name="通报表扬", direction="positive",
                                  kind="spiritual", points=3)


def test_a_record_is_made_audited_and_announced_on_commit(tree, staff_user, commendation,
                                                           django_capture_on_commit_callbacks):
    cadre = CadreFactory(unit=tree["street"])
    heard = []
    sources_changed.connect(lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record = record_create(actor=staff_user, measure=commendation, cadre=cadre,
                                   date=dt.date(2025, 5, 1), reason="抗洪抢险表现突出")
    finally:
        sources_changed.disconnect(dispatch_uid="t")
    assert record.source == IncentiveRecord.Source.HAND
    assert heard == [{"signal": sources_changed, "cadre_ids": {cadre.pk}, "years": {2025}}]


def test_a_cadre_or_a_team_but_not_both_nor_outside_the_scope(tree, staff_user, commendation):
    cadre = CadreFactory(unit=tree["street"])
    with pytest.raises(ValidationError):
        record_create(actor=staff_user, measure=commendation, cadre=cadre, unit=tree["street"],
                      reason="x")
    with pytest.raises(ValidationError):
        record_create(actor=staff_user, measure=commendation, cadre=CadreFactory(unit=tree["other"]),
                      reason="x")
    assert not IncentiveRecord.objects.exists()
