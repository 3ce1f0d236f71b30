"""bench/generate.py on a few hundred rows: a consistent tree, valid people, sane histories,
the bench users' scopes, and deep API pages that match the plain ordering."""

from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench import generate
from cadres import idnumber, selectors, services
from cadres.models import Appointment, Cadre, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return generate.load(units=120, cadres=300, appointments=450, log=lambda *a: None)


def test_units_form_a_tree_with_correct_paths(city):
    units = {u.pk: u for u in Unit.objects.all()}
    assert len(units) == city["units"] == 120
    assert len({u.code for u in units.values()}) == 120
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "/") + f"{unit.pk}/"
        assert unit.depth == (parent.depth + 1 if parent else 0)
    assert {u.kind for u in units.values()} >= {
        "party_committee",
        "government_department",
        "subdistrict",
        "town",
    }


def test_cadres_have_valid_unique_id_numbers_matching_birth_and_gender(city):
    rows = list(Cadre.objects.values_list("id_number", "birth_date", "gender"))
    assert len(rows) == 300
    assert len({r[0] for r in rows}) == 300
    for number, birth, gender in rows:
        assert idnumber.parse(number) == (birth, gender)


def test_each_cadre_has_one_open_post_and_no_overlap(city):
    posts = defaultdict(list)
    for a in Appointment.objects.order_by("start_date"):
        posts[a.cadre_id].append(a)
    assert set(posts) == set(Cadre.objects.values_list("pk", flat=True))
    assert 440 <= sum(map(len, posts.values())) <= 450
    for appointments in posts.values():
        assert [a.end_date for a in appointments].count(None) == 1 and appointments[
            -1
        ].end_date is None
        for earlier, later in zip(appointments, appointments[1:], strict=False):
            assert earlier.end_date == later.start_date


def test_refuses_existing_data_unless_forced(city):
    with pytest.raises(generate.DataExists):
        generate.load(units=120, cadres=300, appointments=450, log=lambda *a: None)
    again = generate.load(units=50, cadres=80, appointments=80, force=True, log=lambda *a: None)
    assert (Unit.objects.count(), Cadre.objects.count(), Appointment.objects.count()) == (
        50,
        80,
        80,
    )
    assert again["staff"].units.get().pk == again["staff_unit_id"]


def test_services_work_after_the_bulk_load(city):
    """Ids were given explicitly: the sequences must have moved past them."""
    unit = services.unit_create(
        actor=city["admin"],
        name="新单位",
        code="NEW-1",
        kind="town",
        parent=Unit.objects.get(pk=city["staff_unit_id"]),
    )
    assert unit.pk > 120 and unit.path.endswith(f"/{unit.pk}/")


def test_the_bench_staff_user_sees_only_their_district(city):
    district = Unit.objects.get(pk=city["staff_unit_id"])
    visible = selectors.cadre_list(user=city["staff"])
    expected = Cadre.objects.filter(unit__path__startswith=district.path)
    assert 0 < visible.count() == expected.count() < Cadre.objects.count()
    assert set(visible.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))


@pytest.mark.parametrize("username", ["admin", "staff"])
def test_deep_api_pages_follow_the_list_order_in_the_same_number_of_queries(city, username):
    user = city[username]
    expected = list(selectors.cadre_list(user=user).values_list("pk", flat=True))
    client = APIClient()
    client.force_authenticate(user=user)
    seen, page, query_counts = [], 1, set()
    while True:
        with CaptureQueriesContext(connection) as queries:
            data = client.get("/api/v1/cadres/", {"page": page, "page_size": 7}).json()
        query_counts.add(len(queries))
        seen += [c["id"] for c in data["results"]]
        if not data["next"]:
            break
        page += 1
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/cadres/", {"page": 2, "page_size": 200})
    query_counts.add(len(queries))
    assert page > 3
    assert seen == expected
    # Page 1 (plain) and deeper pages (deferred join), 7 or 200 rows: the same queries.
    assert len(query_counts) == 1
