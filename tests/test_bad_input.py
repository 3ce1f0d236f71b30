"""Bad input never gives a 500 (API.md): each request below once did, or is the kind fuzzing
probes. Each answers with the right status and a message that says what is wrong, on SQLite
and PostgreSQL alike (PostgreSQL refuses NUL in text; SQLite cannot bind an int beyond 64 bits)."""

import datetime as dt
import io
import json

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from cadres.models import Cadre, Unit
from core.input import MAX_ID
from core.models import Role
from discipline.models import Clarification
from fault_tolerance.models import Case, CaseAttachment, Policy
from fault_tolerance.services import case_create, case_transition

from .factories import CadreFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db

NUL = "含有空字符（NUL，U+0000）"
HUGE = str(10**30)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LOOKS_HOLD = {
    "policy": True,
    "procedure": True,
    "result": True,
    "integrity": True,
    "attitude": True,
}


def _client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def admin_api(admin_user):
    return _client_of(admin_user)


@pytest.fixture
def staff_api(staff_user):
    return _client_of(staff_user)


@pytest.fixture
def staff2(tree):
    return UserFactory(username="staff2", roles=[Role.STAFF], units=[tree["district"]])


@pytest.fixture
def draft(staff_user, cadre_in_street):
    return case_create(
        actor=staff_user,
        title="先行组织中介机构开展安全检查",
        description="先检查后招标。",
        occurred_on=dt.date(2025, 3, 1),
        field="audit",
        source="audit",
        subject_cadres=[cadre_in_street],
    )


@pytest.fixture
def investigating(draft, staff_user, staff2):
    """The draft taken to where a proposal is due, on a date the holiday calendar covers."""
    case = draft
    with time_machine.travel(dt.date(2025, 9, 1), tick=False):
        for action, actor in (("submit", staff_user), ("accept", staff2), ("investigate", staff2)):
            case = case_transition(case=case, action=action, actor=actor)
    return case


def _cadre_payload(unit, **overrides):
    birth = dt.date(1985, 4, 2)
    return {
        "name": "王芳",
        "gender": "F",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, "F"),
        "unit": unit.pk,
        "position_title": "科员",
        "post_level": "staff",
        "status": "active",
        **overrides,
    }


def _png_header_only() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()[:40]  # the signature and IHDR, then nothing: a broken image


# NUL: refused wherever it comes in ---------------------------------------------------------


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/v1/cadres/", "q"),
        ("/api/v1/units/", "q"),
        ("/api/v1/tolerance-cases/", "q"),
        ("/api/v1/clarifications/", "q"),
        ("/api/v1/cadres/", "status"),
        ("/api/v1/units/", "a\x00b"),
    ],
)
def test_nul_in_an_api_query_string_is_400_naming_the_parameter(admin_api, tree, url, param):
    response = admin_api.get(url, {param: "济\x00南"})
    assert response.status_code == 400
    assert NUL in response.json()[param.replace("\x00", "\\x00")][0]


@pytest.mark.parametrize(
    "url, param",
    [
        ("/units/", "q"),
        ("/units/autocomplete/", "q"),
        ("/cadres/autocomplete/", "q"),
        ("/cadres/", "q"),
        ("/tolerance/", "q"),
        ("/notifications/", "unread"),
    ],
)
def test_nul_in_a_page_query_string_is_400_naming_the_parameter(client, admin_user, url, param):
    client.force_login(admin_user)
    response = client.get(url, {param: "济\x00南"})
    assert response.status_code == 400
    page = response.content.decode()
    assert NUL in page and f"参数“{param}”" in page


@pytest.mark.parametrize(
    "url, field, payload",
    [
        ("/api/v1/units/", "name", {"code": "NUL-1", "kind": "town", "category": "social"}),
        ("/api/v1/units/", "code", {"name": "单位", "kind": "town", "category": "social"}),
        ("/api/v1/cadres/", "name", None),
        ("/api/v1/cadres/", "position_title", None),
        ("/api/v1/notices/", "title", {"kind": "commendation"}),
    ],
)
def test_nul_in_a_json_body_is_400_naming_the_field_and_saves_nothing(
    admin_api, tree, url, field, payload
):
    payload = _cadre_payload(tree["street"]) if payload is None else payload
    before = (Unit.objects.count(), Cadre.objects.count())
    response = admin_api.post(url, {**payload, field: "济\x00南"}, format="json")
    assert response.status_code == 400
    assert NUL in response.json()[field][0]
    assert (Unit.objects.count(), Cadre.objects.count()) == before


def test_nul_in_a_form_encoded_and_a_multipart_body_is_400(admin_api, staff_api, tree, draft):
    response = admin_api.patch(
        f"/api/v1/units/{tree['street'].pk}/",
        "name=%E8%A1%97%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and NUL in response.json()["name"][0]
    response = staff_api.post(
        f"/api/v1/tolerance-cases/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("证据.pdf", PDF), "description": "说明\x00"},
        format="multipart",
    )
    assert response.status_code == 400 and NUL in response.json()["description"][0]
    assert not CaseAttachment.objects.exists()


@pytest.mark.parametrize(
    "criteria",
    [
        {**LOOKS_HOLD, "notes": {"policy": "经集体研究\x00"}},
        {**LOOKS_HOLD, "situations": ["E\x0001"]},
        {**LOOKS_HOLD, "notes\x00": {}},
    ],
)
@pytest.mark.parametrize("as_form", [False, True], ids=["json", "form-field-json-text"])
def test_nul_inside_the_criteria_is_400_however_the_json_arrives(
    staff2, investigating, criteria, as_form
):
    url = f"/api/v1/tolerance-cases/{investigating.pk}/propose/"
    payload = {"criteria": criteria, "recommendation": "exempted"}
    if (
        as_form
    ):  # JSON text in a form field: decoded by the serializer's JSONField, after the parser
        response = _client_of(staff2).post(url, {**payload, "criteria": json.dumps(criteria)})
    else:
        response = _client_of(staff2).post(url, payload, format="json")
    assert response.status_code == 400
    assert NUL in response.json()["criteria"][0]
    investigating.refresh_from_db()
    assert investigating.state == Case.State.INVESTIGATING


def test_nul_in_a_page_form_is_400_and_saves_nothing(client, staff_user, tree):
    client.force_login(staff_user)
    response = client.post(
        reverse("cadres:cadre-create"), _cadre_payload(tree["street"], name="王\x00芳")
    )
    assert response.status_code == 400
    assert NUL in response.content.decode() and "参数“name”" in response.content.decode()
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("key", ["ab\x00cd", "a" * 65, "张三"])
def test_a_token_no_token_can_have_is_401(api, key):
    response = api.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效或已过期，请重新获取。"


def test_a_forged_session_cookie_is_no_session(client, api):
    cookie = "sessionid=abcdefghij\x00klmnopqrstuvwxyz123456"
    response = client.get("/units/", HTTP_COOKIE=cookie)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = api.get("/api/v1/cadres/", HTTP_COOKIE=cookie)
    assert response.status_code == 401


# Ids and numbers beyond what the database holds ------------------------------------------------


@pytest.mark.parametrize(
    "url, param, value, message",
    [
        ("/api/v1/cadres/", "unit", "abc", "输入整数"),
        ("/api/v1/cadres/", "unit", "1.5", "输入整数"),
        ("/api/v1/cadres/", "unit", "-1e300", "输入整数"),
        ("/api/v1/cadres/", "unit", HUGE, "小于或等于"),
        ("/api/v1/cadres/", "unit", "0", "大于或等于"),
        ("/api/v1/cadres/", "unit_tree", "abc", "输入整数"),
        ("/api/v1/cadres/", "unit_tree", HUGE, "小于或等于"),
        ("/api/v1/units/", "parent", HUGE, "小于或等于"),
        ("/api/v1/appointments/", "cadre", HUGE, "小于或等于"),
        ("/api/v1/tolerance-cases/", "cadre", HUGE, "小于或等于"),
        ("/api/v1/tolerance-cases/", "unit_tree", "abc", "输入整数"),
        ("/api/v1/clarifications/", "cadre", HUGE, "小于或等于"),
        ("/api/v1/corrections/", "case", "1e5", "输入整数"),
    ],
)
def test_a_bad_id_in_a_filter_is_400_naming_the_filter(admin_api, url, param, value, message):
    response = admin_api.get(url, {param: value})
    assert response.status_code == 400
    assert message in response.json()[param][0]


def test_a_filter_on_the_largest_id_lists_nothing(admin_api, cadre_in_street):
    response = admin_api.get("/api/v1/cadres/", {"unit_tree": str(MAX_ID)})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_list_filter_on_a_detail_is_ignored_not_a_500(admin_api, cadre_in_street):
    # List filters apply to lists only (core.api_filters): a detail route's extra action
    # answers its object whatever the query string says (issue 7, item 13).
    response = admin_api.get(f"/api/v1/cadres/{cadre_in_street.pk}/history/", {"unit": HUGE})
    assert response.status_code == 200 and "results" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cadres/{HUGE}/",
        f"/api/v1/units/{HUGE}/history/",
        f"/api/v1/tolerance-cases/{HUGE}/",
        "/api/v1/cadres/abc/",
        f"/cadres/{HUGE}/",
        f"/units/{HUGE}/children/",
        f"/tolerance/{HUGE}/",
    ],
)
def test_an_id_that_cannot_exist_in_the_path_is_404(client, admin_api, admin_user, url):
    if url.startswith("/api/"):
        response = admin_api.get(url)
        assert response.status_code == 404 and response.json()["detail"]
    else:
        client.force_login(admin_user)
        response = client.get(url)
        assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_an_attachment_id_of_other_digits_is_404(staff_api, draft):
    response = staff_api.get(f"/api/v1/tolerance-cases/{draft.pk}/attachments/²/")
    assert response.status_code == 404


@pytest.mark.parametrize("offset", [HUGE, "-5", "abc", "9" * 5000])
def test_the_unit_tree_takes_any_offset(client, admin_user, tree, offset):
    client.force_login(admin_user)
    response = client.get("/units/", {"offset": offset})
    assert response.status_code == 200
    response = client.get(f"/units/{tree['city'].pk}/children/", {"offset": offset})
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["subject_cadres", "subject_units"])
@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "²"])
def test_a_case_form_subject_id_beyond_the_database_is_a_form_error(
    client, staff_user, tree, field, value
):
    client.force_login(staff_user)
    response = client.post(
        reverse("fault_tolerance:case-create"),
        {
            "title": "测试事项",
            "occurred_on": "2025-03-01",
            "field": "audit",
            "source": "audit",
            field: [value],
        },
    )
    assert response.status_code == 400
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert not Case.objects.exists()


def test_marking_notifications_read_ignores_ids_that_cannot_exist(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("notifications:mark-read"), {"ids": [HUGE, "²", "abc"]})
    assert response.status_code == 302


# Pages of a list -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["abc", "-1", "0", "", " ", "²", "999999", HUGE])
def test_a_page_that_does_not_exist_is_404(admin_api, cadre_in_street, page):
    response = admin_api.get("/api/v1/cadres/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "无效页面。"


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "null"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_400(admin_api, cadre_in_street,
                                                                 page_size):
    # The schema says a whole number from 1 (issue 7, item 13): anything else is refused.
    response = admin_api.get("/api/v1/cadres/", {"page_size": page_size})
    assert response.status_code == 400 and list(response.json()) == ["page_size"]


def test_a_huge_page_size_gives_the_maximum(admin_api, cadre_in_street):
    response = admin_api.get("/api/v1/cadres/", {"page_size": HUGE})
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["謝允崗"]


@pytest.mark.parametrize("page", ["abc", "-1", "999999", HUGE])
def test_a_page_list_takes_any_page_number(client, admin_user, cadre_in_street, page):
    client.force_login(admin_user)
    response = client.get("/cadres/", {"page": page})
    assert response.status_code == 200 and "謝允崗" in response.content.decode()


# Bodies that cannot be parsed, and values too long -------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{", "请求内容不是有效的 JSON"),
        (b'{"name": "\xff\xfe"}', "请求内容不是有效的 JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON 嵌套层次过深"),
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/cadres/", "/api/v1/auth/token/",
                                 "/api/v1/notices/", "/api/v1/notices/publish-batch/",
                                 "/api/v1/ledger/recompute/", "/api/v1/incentive-records/"])
def test_a_body_that_cannot_be_parsed_is_400_in_chinese(admin_api, url, body, message):
    response = admin_api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_a_broken_multipart_body_is_400_in_chinese(staff_api, draft):
    response = staff_api.post(
        f"/api/v1/tolerance-cases/{draft.pk}/attachments/",
        b"--x\r\nbroken",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "无法解析上传的表单数据" in response.json()["detail"]


def test_an_over_long_username_is_refused_before_a_login_attempt_is_recorded(api, client):
    response = api.post(
        "/api/v1/auth/token/", {"username": "张" * 5000, "password": "x"}, format="json"
    )
    assert response.status_code == 400 and "150" in response.json()["username"][0]
    response = client.post(reverse("login"), {"username": "张" * 5000, "password": "x"})
    assert response.status_code == 200 and "150" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_an_over_long_value_is_a_field_error(admin_api, staff_api, tree, cadre_in_street):
    response = admin_api.post(
        "/api/v1/units/",
        {"name": "长" * 10_000, "code": "LONG", "kind": "town", "category": "social"},
        format="json",
    )
    assert response.status_code == 400 and "name" in response.json()
    response = staff_api.post(
        "/api/v1/clarifications/",
        {
            "cadre": cadre_in_street.pk,
            "report_summary": "举报",
            "finding": "不实",
            "manner": "written",
            "malicious": True,
            "accuser_name": "张" * 61,
        },
        format="json",
    )
    assert response.status_code == 400 and "60" in response.json()["accuser_name"][0]
    assert not Clarification.objects.exists()


@pytest.mark.parametrize("distinctions", [[[1]], [{"a": 1}], [1.0], [True], [4], "1"])
def test_distinctions_of_the_wrong_shape_are_400(staff2, investigating, distinctions):
    response = _client_of(staff2).post(
        f"/api/v1/tolerance-cases/{investigating.pk}/propose/",
        {"criteria": {**LOOKS_HOLD, "distinctions": distinctions}, "recommendation": "exempted"},
        format="json",
    )
    assert response.status_code == 400
    assert "三个区分开来" in response.json()["criteria"][0]


# Dates, and names in any script ----------------------------------------------------------------


def test_a_date_that_does_not_exist_is_a_field_error(admin_api, client, staff_user, tree):
    response = admin_api.post(
        "/api/v1/cadres/", _cadre_payload(tree["street"], birth_date="2025-02-30"), format="json"
    )
    assert response.status_code == 400 and "日期格式错误" in response.json()["birth_date"][0]
    client.force_login(staff_user)
    response = client.post(
        reverse("cadres:cadre-create"), _cadre_payload(tree["street"], birth_date="2025-02-30")
    )
    assert response.status_code == 400 and "输入一个有效的日期" in response.content.decode()
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("name", ["謝允崗", "王😀", "𠮷野家", "阿卜杜勒·艾合买提"])
def test_names_in_any_script_round_trip(admin_api, tree, name):
    response = admin_api.post(
        "/api/v1/cadres/", _cadre_payload(tree["street"], name=name), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Cadre.objects.get(pk=response.json()["id"]).name == name
    assert admin_api.get("/api/v1/cadres/", {"q": name}).json()["results"][0]["name"] == name


# Uploads, states and scope ---------------------------------------------------------------------


def test_an_upload_over_the_limit_is_413_through_the_api_and_explained_on_the_page(
    client, staff_api, staff_user, tree, draft
):
    Policy.objects.create(jurisdiction=tree["district"], attachment_max_mb=10)
    twelve_mb = PDF + b"0" * (12 * 1024 * 1024)
    response = staff_api.post(
        f"/api/v1/tolerance-cases/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("证据.pdf", twelve_mb)},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "文件大小 12.0 MB，超过 10 MB 的上限。"
    client.force_login(staff_user)
    response = client.post(
        reverse("fault_tolerance:attachment-upload", args=[draft.pk]),
        {"evidence": SimpleUploadedFile("证据.pdf", twelve_mb)},
    )
    assert response.status_code == 400 and "超过 10 MB 的上限" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_a_broken_file_is_refused_with_the_accepted_types(staff_api, draft):
    response = staff_api.post(
        f"/api/v1/tolerance-cases/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("照片.png", _png_header_only())},
        format="multipart",
    )
    assert response.status_code == 400
    assert "不支持的文件类型" in response.json()["file"][0]


def test_an_action_in_the_wrong_state_is_409_with_the_state(client, staff_api, staff_user, draft):
    assert staff_api.post(f"/api/v1/tolerance-cases/{draft.pk}/submit/").status_code == 200
    response = staff_api.post(f"/api/v1/tolerance-cases/{draft.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["state"] == "submitted" and "不允许" in response.json()["detail"]
    client.force_login(staff_user)
    response = client.post(reverse("fault_tolerance:case-action", args=[draft.pk, "submit"]))
    assert response.status_code == 409 and "不允许" in response.content.decode()


def test_ids_out_of_scope_are_404_or_not_found(client, staff_api, staff_user, tree):
    outsider = CadreFactory(unit=tree["other"], name="鹤山干部")
    assert staff_api.get(f"/api/v1/cadres/{outsider.pk}/").status_code == 404
    assert (
        staff_api.patch(f"/api/v1/cadres/{outsider.pk}/", {"name": "改"}, format="json").status_code
        == 404
    )
    client.force_login(staff_user)
    assert client.get(f"/cadres/{outsider.pk}/").status_code == 404
    response = staff_api.post(
        "/api/v1/tolerance-cases/",
        {
            "title": "越权",
            "occurred_on": "2025-03-01",
            "field": "audit",
            "source": "audit",
            "subject_cadres": [outsider.pk],
        },
        format="json",
    )
    assert response.status_code == 400 and "对象不存在" in response.json()["subject_cadres"][0]
