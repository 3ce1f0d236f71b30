"""The API answers what its schema says (issue 7, item 13): list filters apply to lists only,
an empty filter value or a bad page_size is 400, every error status an operation can answer
is documented, and Django's own refusals under /api/ are JSON. tests/test_api_fuzz.py runs
schemathesis with every check over the whole schema; these pin the cases it found."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from core.models import Role
from fault_tolerance.services import case_create

from ..factories import AppointmentFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def admin_api(as_user, db):
    return as_user(UserFactory(roles=[Role.ADMIN, Role.STAFF]))


def test_list_filters_do_not_apply_to_a_detail_route(admin_api, cadre_in_street):
    appointment = AppointmentFactory(cadre=cadre_in_street, kind="promotion")
    answer = admin_api.get(f"/api/v1/appointments/{appointment.pk}/?kind=removal")
    assert answer.status_code == 200, answer.content
    assert answer.json()["id"] == appointment.pk
    history = admin_api.get(f"/api/v1/appointments/{appointment.pk}/history/?kind=removal")
    assert history.status_code == 200
    # The list still filters.
    listed = admin_api.get("/api/v1/appointments/?kind=removal").json()
    assert listed["count"] == 0


@pytest.mark.parametrize("value", ["null", "abc", "0", "-5", ""])
def test_a_page_size_that_is_not_a_positive_whole_number_is_400(admin_api, value):
    answer = admin_api.get(f"/api/v1/units/?page_size={value}")
    assert answer.status_code == 400
    assert "page_size" in answer.json()


def test_a_page_size_above_the_maximum_gives_the_maximum(admin_api, tree):
    assert admin_api.get("/api/v1/units/?page_size=5000").status_code == 200


@pytest.mark.parametrize("query", ["kind=", "status=", "is_reserve=", "unit=", "post_level=%20"])
def test_an_empty_filter_value_is_400_in_the_api(admin_api, tree, query):
    path = "/api/v1/units/" if query.startswith("kind") else "/api/v1/cadres/"
    answer = admin_api.get(f"{path}?{query}")
    assert answer.status_code == 400, answer.content
    name = query.split("=")[0]
    assert list(answer.json()) == [name]


def test_an_empty_free_text_search_is_allowed(admin_api, tree):
    assert admin_api.get("/api/v1/cadres/?q=").status_code == 200


def test_the_pages_keep_an_empty_choice_as_any(client, tree):
    """The HTML list shares the FilterSet: its 请选择 sends kind= and means "any"."""
    client.force_login(UserFactory(roles=[Role.ADMIN]))
    assert client.get("/cadres/?status=&post_level=").status_code == 200


def test_an_unknown_api_path_is_a_json_404(admin_api):
    answer = admin_api.get("/api/v1/units/1.5/history/nope/")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "未找到。"}


def test_an_attachment_description_over_200_characters_is_400_not_cut_short(
    admin_api, cadre_in_street
):
    user = UserFactory(roles=[Role.ADMIN, Role.STAFF])
    case = case_create(
        actor=user,
        title="事项",
        description="经过",
        occurred_on=dt.date(2025, 3, 1),
        field="audit",
        source="audit",
        subject_cadres=[cadre_in_street],
    )
    admin_api.force_authenticate(user)
    answer = admin_api.post(
        f"/api/v1/tolerance-cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile("证据.pdf", PDF), "description": "说" * 201},
        format="multipart",
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["description"]
    assert not case.attachments.exists()


def test_dates_are_written_with_a_four_digit_year(admin_api, cadre_in_street):
    appointment = AppointmentFactory(cadre=cadre_in_street, start_date=dt.date(295, 9, 21))
    assert admin_api.get(f"/api/v1/appointments/{appointment.pk}/").json()["start_date"] == (
        "0295-09-21"
    )


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


def test_every_operation_documents_the_errors_it_can_answer(openapi):
    for path, method, operation in _operations(openapi):
        documented = set(operation["responses"])
        assert {"400", "503"} <= documented, (method, path)
        if operation.get("security") != [{}] and path != "/api/v1/auth/token/":
            assert {"401", "403"} <= documented, (method, path)
        if "{" in path:
            assert "404" in documented, (method, path)
        if method in ("POST", "PUT", "PATCH"):
            assert {"413", "415"} <= documented, (method, path)
        for code in documented - {"200", "201", "204"}:
            content = operation["responses"][code].get("content", {})
            assert "application/json" in content, (method, path, code)


def test_detail_routes_do_not_document_the_list_filters(openapi):
    for path, method, operation in _operations(openapi):
        if "{" not in path:
            continue
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert names <= {"page", "page_size"}, (method, path, names)
