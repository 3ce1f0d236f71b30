"""Positions 15 to 18 of an ID number never reach a non-administrator (API.md, "Personal data"):
with the birth date shown beside the mask they would rebuild the whole number. Every answer a
role can get about a cadre is read, and a search by the whole number finds the cadre without
echoing it back."""

import datetime as dt

import pytest

from cadres import idnumber, services
from core.models import Role
from tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1976, 2, 29)


def _number_ending_in_x(region: str, gender: str) -> str:
    """A number whose last four hold an X: digits a page could show by chance (counts, hashes)
    cannot make a false alarm."""
    for sequence in range(100):
        number = idnumber.make(region, BIRTH, sequence, gender)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives an X")


@pytest.fixture
def secret(tree, admin_user):
    number = _number_ending_in_x("370102", "M")
    cadre = CadreFactory(
        unit=tree["street"],
        name="甄保密",
        birth_date=BIRTH,
        gender="M",
        id_number=_number_ending_in_x("370103", "M"),
    )
    # The change from the old number to this one is in the history, both sides masked.
    services.cadre_update(cadre=cadre, actor=admin_user, id_number=number)
    cadre.refresh_from_db()
    return cadre


def _people(tree, cadre):
    own = UserFactory(username="own1", roles=[Role.CADRE])
    cadre.account = own
    cadre.save(update_fields=["account"])
    return {
        role: UserFactory(username=f"{role}-x", roles=[role], units=[tree["district"]])
        for role in (Role.STAFF, Role.REVIEWER, Role.LIAISON)
    } | {"own": own}


def _answers(client, api, cadre):
    """Every page and API answer about the cadre that a role may ask for."""
    pages = [
        "/cadres/",
        f"/cadres/{cadre.pk}/",
        f"/cadres/{cadre.pk}/edit/",
        f"/cadres/autocomplete/?q={cadre.name}",
    ]
    calls = [
        "/api/v1/cadres/",
        f"/api/v1/cadres/{cadre.pk}/",
        f"/api/v1/cadres/{cadre.pk}/history/",
        f"/api/v1/cadres/{cadre.pk}/timeline/",
        f"/api/v1/cadres/?q={cadre.name}",
    ]
    for url in pages:
        yield url, client.get(url).content.decode()
    for url in calls:
        yield url, api.get(url).content.decode()


def test_the_mask_shows_the_region_code_only():
    number = idnumber.make("110105", dt.date(1949, 12, 31), 0, "M")
    assert idnumber.mask(number) == "110105************"
    assert idnumber.mask(number.lower()) == "110105************"


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER, Role.LIAISON, "own"])
def test_no_answer_to_a_non_administrator_holds_the_last_four(role, tree, secret, client, as_user):
    user = _people(tree, secret)[role]
    client.force_login(user)
    api = as_user(user)
    seen = 0
    for url, body in _answers(client, api, secret):
        assert secret.id_number[14:] not in body, url
        assert secret.id_number not in body, url
        seen += secret.id_number[:6] + "*" * 12 in body
    assert seen, "the masked number is shown somewhere"


def test_history_masks_both_sides_of_an_id_number_change(tree, secret, as_user, staff_user):
    history = as_user(staff_user).get(f"/api/v1/cadres/{secret.pk}/history/").json()["results"]
    change = next(e["changes"]["id_number"] for e in history if "id_number" in e["changes"])
    assert change[1] == secret.id_number[:6] + "*" * 12
    assert change[0].endswith("*" * 12) and "X" not in change[0]


@pytest.mark.parametrize("typed", ["{n}", "{n_lower}", "{n_spaced}", "{n_wide}"])
def test_search_by_whole_id_number_finds_without_echo(
    typed, tree, secret, client, as_user, staff_user
):
    number = secret.id_number
    term = typed.format(
        n=number,
        n_lower=number.lower(),
        n_spaced=f"{number[:6]} {number[6:14]} {number[14:]}",
        n_wide="".join(chr(ord(c) + 0xFEE0) for c in number),
    )
    client.force_login(staff_user)
    page = client.get("/cadres/", {"q": term})
    body = page.content.decode()
    assert [r.name for r in page.context["page_obj"]] == ["甄保密"]
    assert number[14:] not in body and number[14:].lower() not in body
    assert "已按身份证号 " + number[:6] + "*" * 12 + " 查询。" in body

    options = client.get("/cadres/autocomplete/", {"q": term}).content.decode()
    assert "甄保密" in options and number[14:] not in options

    answer = as_user(staff_user).get("/api/v1/cadres/", {"q": term})
    assert [c["name"] for c in answer.json()["results"]] == ["甄保密"]
    assert number[14:] not in answer.content.decode()


def test_search_by_a_number_outside_scope_finds_nothing(tree, client):
    outsider = CadreFactory(unit=tree["other"], name="域外人")
    staff = UserFactory(roles=[Role.STAFF], units=[tree["district"]])
    client.force_login(staff)
    page = client.get("/cadres/", {"q": outsider.id_number})
    assert list(page.context["page_obj"]) == []
