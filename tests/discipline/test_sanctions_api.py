"""sanctions/ (API.md): GET, POST; the kinds with their effect periods (公务员法 §64), scoped
like the rest, with history/, filters and the OpenAPI schema."""

import datetime as dt

import pytest

from discipline.models import Sanction
from tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/sanctions/"


def _post(client, cadre, kind="warning", decided_on="2025-05-01", **extra):
    return client.post(
        URL,
        {
            "cadre": cadre.pk,
            "kind": kind,
            "decided_on": decided_on,
            "document_number": "甬纪〔2025〕1号",
            "reason": "违反工作纪律",
            **extra,
        },
        format="json",
    )


@pytest.mark.parametrize(
    ("kind", "effective_until"),
    [
        ("warning", "2025-10-31"),
        ("demerit", "2026-04-30"),
        ("major_demerit", "2026-10-31"),
        ("demotion", "2027-04-30"),
        ("dismissal_from_post", "2027-04-30"),
        ("admonishment", "2025-10-31"),
        ("expulsion", None),
    ],
)
def test_each_kind_records_its_effect_period(
    as_user, staff_user, cadre_in_street, kind, effective_until
):
    response = _post(as_user(staff_user), cadre_in_street, kind=kind)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == kind and body["effective_until"] == effective_until
    assert body["cadre"] == cadre_in_street.pk and body["decided_on"] == "2025-05-01"
    assert Sanction.objects.get(pk=body["id"]).kind == kind


def test_effective_until_is_read_only(as_user, staff_user, cadre_in_street):
    body = _post(as_user(staff_user), cadre_in_street, effective_until="2099-01-01").json()
    assert body["effective_until"] == "2025-10-31"


def test_an_unknown_kind_and_a_future_date_are_400_and_save_nothing(
    as_user, staff_user, cadre_in_street
):
    client = as_user(staff_user)
    assert _post(client, cadre_in_street, kind="dismissal").status_code == 400
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = _post(client, cadre_in_street, decided_on=future)
    assert response.status_code == 400 and "decided_on" in response.json()
    assert not Sanction.objects.exists()


def test_scope_outside_is_404_and_a_cadre_outside_is_400(as_user, staff_user, admin_user, tree):
    outside = CadreFactory(unit=tree["other"])
    created = _post(as_user(admin_user), outside).json()
    client = as_user(staff_user)
    assert client.get(f"{URL}{created['id']}/").status_code == 404
    assert client.get(f"{URL}{created['id']}/history/").status_code == 404
    assert client.get(URL).json()["count"] == 0
    response = _post(client, outside)
    assert (
        response.status_code == 400 and "不存在" in response.json()["cadre"][0]
    )  # "does not exist"
    assert Sanction.objects.count() == 1


def test_reviewers_read_but_do_not_write(as_user, tree, cadre_in_street):
    reviewer = UserFactory(roles=["reviewer"], units=[tree["district"]])
    assert _post(as_user(reviewer), cadre_in_street).status_code == 403
    assert as_user(reviewer).get(URL).status_code == 200


def test_filters_by_cadre_and_kind(as_user, staff_user, cadre_in_street, tree):
    other = CadreFactory(unit=tree["street"])
    client = as_user(staff_user)
    _post(client, cadre_in_street, kind="warning")
    _post(client, cadre_in_street, kind="demerit")
    _post(client, other, kind="warning")
    assert client.get(URL).json()["count"] == 3
    assert client.get(URL, {"cadre": cadre_in_street.pk}).json()["count"] == 2
    assert client.get(URL, {"kind": "warning"}).json()["count"] == 2
    assert client.get(URL, {"kind": "nonsense"}).status_code == 400


def test_history_shows_the_creation(as_user, staff_user, cadre_in_street):
    client = as_user(staff_user)
    body = _post(client, cadre_in_street, kind="demerit").json()
    history = client.get(f"{URL}{body['id']}/history/").json()["results"]
    assert [e["action"] for e in history] == ["create"]
    assert history[0]["changes"]["kind"] == [None, "demerit"]


def test_openapi_schema_describes_sanctions(as_user, staff_user):
    paths = as_user(staff_user).get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {URL, f"{URL}{{id}}/", f"{URL}{{id}}/history/"} <= set(paths)
    assert "post" in paths[URL] and "patch" not in paths[f"{URL}{{id}}/"]
