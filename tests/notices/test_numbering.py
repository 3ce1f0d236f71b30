"""Document numbers under races: publishers at the same moment on PostgreSQL get 1..N, no gap,
none twice; a publication that fails after taking its number gives it back."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from notices.models import Notice, NoticeSequence
from notices.services import notice_publish
from notices.services import publish as publish_module
from tests.factories import CadreFactory

from .helpers import at, pre_appointment

MONDAY = dt.date(2025, 6, 9)


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_get_consecutive_numbers(staff_user, tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    n = 6
    with at(MONDAY):
        drafts = [pre_appointment(staff_user, tree["district"], CadreFactory(unit=tree["street"]),
                                  period_start=MONDAY) for _ in range(n)]
        barrier = threading.Barrier(n)
        errors: list[BaseException] = []

        def publish(notice):
            try:
                barrier.wait(timeout=30)
                notice_publish(actor=staff_user, notice=notice)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors, errors
    published = Notice.objects.filter(state=Notice.State.PUBLISHED)
    assert sorted(published.values_list("sequence", flat=True)) == list(range(1, n + 1))
    assert sorted(published.values_list("document_number", flat=True)) == sorted(
        f"某组公〔2025〕{i}号" for i in range(1, n + 1))
    assert NoticeSequence.objects.get(kind=Notice.Kind.PRE_APPOINTMENT, year=2025).last == n


@pytest.mark.django_db
def test_a_failed_publication_gives_its_number_back(staff_user, tree, cadre_in_street,
                                                    monkeypatch):
    with at(MONDAY):
        first = pre_appointment(staff_user, tree["district"], cadre_in_street, period_start=MONDAY)
        second = pre_appointment(staff_user, tree["district"], CadreFactory(unit=tree["street"]),
                                 period_start=MONDAY)
        real_render = publish_module.render_pdf

        def broken(html):
            raise OSError("the renderer died after the number was taken")

        monkeypatch.setattr(publish_module, "render_pdf", broken)
        with pytest.raises(OSError):
            notice_publish(actor=staff_user, notice=first)
        first.refresh_from_db()
        assert first.state == Notice.State.DRAFT and first.sequence is None
        assert not NoticeSequence.objects.filter(last__gt=0).exists()

        monkeypatch.setattr(publish_module, "render_pdf", real_render)
        second = notice_publish(actor=staff_user, notice=second)
        first = notice_publish(actor=staff_user, notice=first)
    assert second.document_number == "某组公〔2025〕1号"
    assert first.document_number == "某组公〔2025〕2号"


@pytest.mark.django_db
def test_each_issuing_body_numbers_in_its_own_sequence_under_its_own_name(staff_user, tree):
    """A 组织部 with its own 代字 (IssuingBody on its unit) numbers its notices apart from the
    deployment's, and prints its own name; a unit below it issues as it does; without one, the
    configured prefix and issuing body apply."""
    from notices.models import IssuingBody

    with at(MONDAY):
        plain = notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["district"], CadreFactory(unit=tree["street"]), period_start=MONDAY))
        assert plain.document_number == "某组公〔2025〕1号" and plain.numbering == ""

        body = IssuingBody.objects.create(unit=tree["district"], name="中共历下区委组织部", code="历组")
        first = notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["street"], CadreFactory(unit=tree["street"]), period_start=MONDAY))
        second = notice_publish(actor=staff_user, notice=pre_appointment(
            staff_user, tree["district"], CadreFactory(unit=tree["street"]), period_start=MONDAY))
    assert [first.document_number, second.document_number] == ["历组公〔2025〕1号", "历组公〔2025〕2号"]
    assert first.numbering == second.numbering == f"body:{body.pk}"
    assert first.content["issuer"]["body"] == "中共历下区委组织部"
    assert plain.content["issuer"]["body"] != "中共历下区委组织部"
    assert NoticeSequence.objects.get(scope="", kind="pre_appointment", year=2025).last == 1
    assert NoticeSequence.objects.get(scope=f"body:{body.pk}", kind="pre_appointment",
                                      year=2025).last == 2
