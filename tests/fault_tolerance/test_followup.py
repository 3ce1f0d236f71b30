"""Correction (纠错), clarification (澄清正名) with the dishonesty list, sanctions and re-use."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.models import Appointment
from cadres.services import appointment_create
from core.audit import object_history
from core.models import Notification
from discipline.models import DishonestyEntry, Reuse, Sanction
from discipline.selectors import dishonesty_list
from discipline.services import sanction_create
from fault_tolerance.models import Case, Correction
from fault_tolerance.selectors import corrections_overdue
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db
A = Case.Action


@pytest.fixture
def tolerated(people, new_case, advance):
    return advance(new_case(), "notified")


def _api(api, user):
    api.force_authenticate(user=user)
    return api


# Correction -----------------------------------------------------------------------------


def test_five_steps_with_assignee_due_and_evidence(api, people, tolerated):
    client = _api(api, people.staff)
    response = client.post("/api/v1/corrections/", {
        "case": tolerated.pk, "step": "start", "assignee": people.filer.pk, "due_on": "2025-10-20",
        "evidence_text": "经部务会研究，启动纠错程序。"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["step"] == "start" and body["assignee"] == people.filer.pk and body["done_on"] is None
    assert Notification.objects.filter(recipient=people.filer, title__startswith="纠错任务：启动纠错").exists()
    # Done only in order: 谈话教育 cannot be done before 启动纠错 and 发送通知.
    talk = client.post("/api/v1/corrections/", {"case": tolerated.pk, "step": "talk", "due_on": "2025-11-01"},
                       format="json").json()
    response = client.patch(f"/api/v1/corrections/{talk['id']}/", {"done_on": "2025-10-25"}, format="json")
    assert response.status_code == 400 and "启动纠错、发送通知" in response.json()["done_on"][0]
    response = client.patch(f"/api/v1/corrections/{body['id']}/", {"done_on": "2025-10-10"}, format="json")
    assert response.status_code == 200 and response.json()["done_on"] == "2025-10-10"
    entry = object_history(obj=Correction.objects.get(pk=body["id"])).first()
    assert entry.changes == {"done_on": [None, "2025-10-10"]}
    # A step is recorded once; case and step do not change afterwards.
    again = client.post("/api/v1/corrections/", {"case": tolerated.pk, "step": "start"}, format="json")
    assert again.status_code == 400 and again.json()["step"] == ["本案已登记该步骤。"]
    moved = client.patch(f"/api/v1/corrections/{body['id']}/", {"step": "improve"}, format="json")
    assert moved.status_code == 400


def test_evidence_file_is_checked_like_any_upload(api, people, tolerated):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _api(api, people.staff)
    step = client.post("/api/v1/corrections/", {"case": tolerated.pk, "step": "start"}, format="json").json()
    bad = client.patch(f"/api/v1/corrections/{step['id']}/",
                       {"evidence": SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 64)}, format="multipart")
    assert bad.status_code == 400 and "不支持的文件类型" in bad.json()["file"][0]
    good = client.patch(f"/api/v1/corrections/{step['id']}/",
                        {"evidence": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")}, format="multipart")
    assert good.status_code == 200 and good.json()["has_evidence_file"] and len(good.json()["evidence_sha256"]) == 64


def test_only_tolerated_cases_are_corrected(api, people, new_case, advance):
    case = advance(new_case(), "opinion")
    case = advance.votes(case, ["not_tolerated"] * 3)
    from fault_tolerance.services import case_transition

    case = case_transition(case=case, action=A.DECIDE, actor=people.reviewers[0])
    response = _api(api, people.staff).post("/api/v1/corrections/", {"case": case.pk, "step": "start"}, format="json")
    assert response.status_code == 400 and "免责或从轻减轻" in response.json()["case"][0]


def test_overdue_steps_are_listed(api, people, tolerated):
    client = _api(api, people.staff)
    for step, due in (("start", "2025-10-01"), ("notice", "2025-10-20"), ("talk", "2099-01-01")):
        client.post("/api/v1/corrections/", {"case": tolerated.pk, "step": step, "due_on": due}, format="json")
    with time_machine.travel(dt.date(2025, 10, 15), tick=False):
        assert [c.step for c in corrections_overdue(user=people.staff)] == ["start"]
        body = client.get("/api/v1/corrections/", {"overdue": "true"}).json()
    assert [c["step"] for c in body["results"]] == ["start"] and body["results"][0]["overdue"] is True
    assert client.get("/api/v1/corrections/", {"case": tolerated.pk}).json()["count"] == 3
    assert _api(api, people.outsider_staff).get("/api/v1/corrections/").json()["count"] == 0


# Clarification ----------------------------------------------------------------------------


def _clarify(api, user, cadre, **extra):
    return _api(api, user).post("/api/v1/clarifications/", {
        "cadre": cadre.pk, "report_summary": "举报其在项目招标中收受好处。", "finding": "经核查，举报内容不属实。",
        "manner": "meeting", "clarified_on": "2025-10-20", "follow_up_on": "2025-12-20", **extra}, format="json")


def test_clarification_is_recorded_and_shown_on_the_timeline(api, people):
    response = _clarify(api, people.staff, people.subject)
    assert response.status_code == 201
    body = response.json()
    assert body["manner"] == "meeting" and body["follow_up_on"] == "2025-12-20" and body["malicious"] is False
    assert "accuser_name" not in body and "dishonesty_entry" not in body
    timeline = _api(api, people.staff).get(f"/api/v1/cadres/{people.subject.pk}/timeline/").json()["results"]
    assert any(e["kind"] == "clarification" and "举报内容不属实" in e["detail"] for e in timeline)


def test_malicious_accuser_goes_on_the_list_only_administrators_see(api, people):
    response = _clarify(api, people.staff, people.subject, malicious=True)
    assert response.status_code == 400 and "accuser_name" in response.json()
    response = _clarify(api, people.staff, people.subject, malicious=True, accuser_name="张某",
                        accuser_id_number="11010519491231002X", accuser_detail="捏造事实，多次诬告")
    assert response.status_code == 201
    entry = DishonestyEntry.objects.get()
    assert entry.name == "张某" and entry.clarification_id == response.json()["id"]
    # Staff never learn the accuser; an administrator does, with the ID number masked.
    staff_view = _api(api, people.staff).get(f"/api/v1/clarifications/{entry.clarification_id}/").json()
    assert "dishonesty_entry" not in staff_view and "张某" not in str(staff_view)
    admin_view = _api(api, people.admin).get(f"/api/v1/clarifications/{entry.clarification_id}/").json()
    assert admin_view["dishonesty_entry"] == {"name": "张某", "id_number": "110105************",
                                              "listed_on": "2025-10-20"}
    assert list(dishonesty_list(user=people.admin)) == [entry]
    with pytest.raises(PermissionDenied):
        dishonesty_list(user=people.staff)
    history = object_history(obj=entry).get()
    assert history.changes["id_number"] == [None, "110105************"]


def test_clarification_checks(api, people, tree):
    outsider = CadreFactory(unit=tree["other"])
    assert _clarify(api, people.staff, outsider).status_code == 400
    response = _clarify(api, people.staff, people.subject, follow_up_on="2025-10-01")
    assert response.status_code == 400 and "follow_up_on" in response.json()
    response = _clarify(api, people.staff, people.subject, malicious=True, accuser_name="李某",
                        accuser_id_number="110105194912310021")
    assert response.status_code == 400 and "accuser_id_number" in response.json()
    assert _clarify(api, people.reviewers[0], people.subject).status_code == 403


# Sanctions and re-use -----------------------------------------------------------------------


def _reuse(people, start, **extra):
    return appointment_create(actor=people.staff, cadre=people.subject, unit=people.subject.unit,
                              title="副主任", post_level="section_deputy", kind=Appointment.Kind.REUSE,
                              start_date=start, **extra)


@pytest.mark.parametrize(("kind", "months", "last_day"), [
    ("warning", 6, dt.date(2025, 7, 31)),
    ("demerit", 12, dt.date(2026, 1, 31)),
    ("major_demerit", 18, dt.date(2026, 7, 31)),
    ("demotion", 24, dt.date(2027, 1, 31)),
    ("dismissal_from_post", 24, dt.date(2027, 1, 31)),
])
def test_effect_periods_follow_the_civil_servant_law(people, kind, months, last_day):
    sanction = sanction_create(actor=people.staff, cadre=people.subject, kind=kind, decided_on=dt.date(2025, 2, 1))
    assert Sanction.EFFECT_MONTHS[kind] == months and sanction.effect_ends_on == last_day


def test_reuse_is_refused_before_the_period_ends_and_linked_after(people):
    sanction = sanction_create(actor=people.staff, cadre=people.subject, kind="demerit",
                               decided_on=dt.date(2024, 3, 15), document_number="历纪发〔2024〕3号")
    with pytest.raises(ValidationError) as exc:
        _reuse(people, dt.date(2025, 3, 14))
    assert exc.value.message_dict["start_date"] == ["记过处分的影响期（12个月）至 2025-03-14 届满，届满前不能重新使用。"]
    assert not Appointment.objects.filter(kind="reuse").exists()
    appointment = _reuse(people, dt.date(2025, 3, 15))
    assert Reuse.objects.get(appointment=appointment).sanction == sanction
    assert object_history(obj=sanction).first().changes == {"reuse_appointment": [None, appointment.pk]}


def test_reuse_needs_a_sanction_of_the_same_cadre(people, tree):
    with pytest.raises(ValidationError, match="没有处分记录"):
        _reuse(people, dt.date(2025, 3, 15))
    other = sanction_create(actor=people.staff, cadre=CadreFactory(unit=tree["street"]), kind="warning",
                            decided_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="不属于该干部"):
        _reuse(people, dt.date(2025, 3, 15), sanction=other)


def test_reuse_through_the_appointments_api(api, people):
    sanction_create(actor=people.staff, cadre=people.subject, kind="warning", decided_on=dt.date(2025, 6, 1))
    client = _api(api, people.staff)
    data = {"cadre": people.subject.pk, "unit": people.subject.unit_id, "title": "副主任", "post_level": "section_deputy",
            "kind": "reuse", "start_date": "2025-11-30"}
    response = client.post("/api/v1/appointments/", data, format="json")
    assert response.status_code == 400 and "2025-11-30 届满" in response.json()["start_date"][0]
    response = client.post("/api/v1/appointments/", {**data, "start_date": "2025-12-01"}, format="json")
    assert response.status_code == 201 and Reuse.objects.filter(appointment_id=response.json()["id"]).exists()


def test_sanction_shows_on_the_timeline(people):
    sanction_create(actor=people.staff, cadre=people.subject, kind="warning", decided_on=dt.date(2025, 6, 1),
                    document_number="历纪发〔2025〕8号")
    from core.timeline import cadre_timeline

    entry = next(e for e in cadre_timeline(cadre=people.subject, user=people.staff) if e["kind"] == "sanction")
    assert entry["title"] == "处分：警告" and "影响期至 2025-11-30" in entry["detail"]


# Query budgets ------------------------------------------------------------------------------


def _queries(api, user, url) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import User

    api.force_authenticate(user=User.objects.get(pk=user.pk))  # fresh, as on each request
    with CaptureQueriesContext(connection) as ctx:
        body = api.get(url, {"page_size": 50}).json()
    return body["count"], len(ctx.captured_queries)


def test_correction_and_clarification_lists_do_not_grow_with_the_page(api, people, new_case, advance, tree):
    cases = [advance(new_case(title=f"案件{i}"), "notified") for i in range(3)]
    for case in cases[:1]:
        _api(api, people.staff).post("/api/v1/corrections/", {"case": case.pk, "step": "start",
                                                               "assignee": people.staff.pk}, format="json")
    _clarify(api, people.staff, people.subject)
    small = (_queries(api, people.staff, "/api/v1/corrections/"), _queries(api, people.staff, "/api/v1/clarifications/"))
    for case in cases[1:]:
        for step in ("start", "notice"):
            _api(api, people.staff).post("/api/v1/corrections/", {"case": case.pk, "step": step,
                                                                   "assignee": people.filer.pk}, format="json")
    for _ in range(4):
        _clarify(api, people.staff, CadreFactory(unit=tree["street"]))
    large = (_queries(api, people.staff, "/api/v1/corrections/"), _queries(api, people.staff, "/api/v1/clarifications/"))
    assert [count for count, _ in small] == [1, 1] and [count for count, _ in large] == [5, 5]
    assert [q for _, q in small] == [q for _, q in large]
