"""The cadre list's name search (either spelling, 1-3 characters and longer, a whole ID number),
its per-unit counts, and the API's serializer-free rows: same answers as the plain ways."""

import datetime as dt

import pytest
from django.db import connection

from cadres import selectors, services
from cadres.api import CadreSerializer
from cadres.models import Cadre
from cadres.search import grams, normalize

from ..factories import CadreFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return {
        "xie": CadreFactory(unit=tree["street"], name="謝允崗"),
        "chen": CadreFactory(unit=tree["district"], name="陈雄"),
        "ouyang": CadreFactory(unit=tree["street"], name="欧阳明华"),
        "wang": CadreFactory(unit=tree["other"], name="王芳"),
    }


def api_names(api, q):
    response = api.get("/api/v1/cadres/", {"q": q})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == len(body["results"])
    return {row["name"] for row in body["results"]}


def page_names(client, q):
    response = client.get("/cadres/", {"q": q})
    assert response.status_code == 200
    return {c.name for c in response.context["page_obj"]}


def test_normalized_spelling_and_pieces():
    assert normalize("謝允崗") == normalize("谢允岗") == "谢允岗"
    assert grams("谢允岗") == ["谢", "允", "岗", "谢允", "允岗", "谢允岗"]
    assert grams("王王") == ["王", "王王"]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("谢允岗", {"謝允崗"}),  # simplified finds traditional
        ("謝允崗", {"謝允崗"}),
        ("谢", {"謝允崗"}),  # one character
        ("允岗", {"謝允崗"}),  # two, in the middle of the name
        ("陳雄", {"陈雄"}),  # traditional finds simplified
        ("雄", {"陈雄"}),
        ("欧阳明华", {"欧阳明华"}),  # longer than the pieces
        ("歐陽明華", {"欧阳明华"}),
        ("阳明华", {"欧阳明华"}),
        ("欧阳华", set()),  # pieces in the name, but not this string
        ("欧明", set()),
        ("王", {"王芳"}),
        ("  谢允  ", {"謝允崗"}),
        ("李", set()),
    ],
)
def test_search_finds_either_spelling_at_any_length(as_user, admin_user, people, q, expected):
    assert api_names(as_user(admin_user), q) == expected


def test_search_is_scoped_and_shared_by_the_page_and_autocomplete(
    client, as_user, staff_user, people
):
    assert api_names(as_user(staff_user), "王") == set()  # 王芳 is outside the staff's district
    client.force_login(staff_user)
    assert page_names(client, "谢允岗") == {"謝允崗"}
    assert page_names(client, "王") == set()
    html = client.get("/cadres/autocomplete/", {"q": "谢"}).content.decode()
    assert "謝允崗" in html


def test_search_by_a_whole_id_number(client, as_user, staff_user, people):
    xie = people["xie"]
    assert api_names(as_user(staff_user), xie.id_number) == {"謝允崗"}
    assert api_names(as_user(staff_user), people["wang"].id_number) == set()  # out of scope
    assert api_names(as_user(staff_user), xie.id_number[:-4]) == set()  # a part is no name
    client.force_login(staff_user)
    assert page_names(client, xie.id_number) == {"謝允崗"}


def test_id_number_search_takes_a_lowercase_x(as_user, admin_user, tree):
    cadre = CadreFactory(unit=tree["street"], name="张三")
    number = cadre.id_number
    Cadre.objects.filter(pk=cadre.pk).update(id_number=number[:-1] + "X")
    assert api_names(as_user(admin_user), number[:-1] + "x") == {"张三"}


def test_renaming_through_the_service_updates_the_search(as_user, admin_user, people):
    services.cadre_update(cadre=people["chen"], actor=admin_user, name="陳建國")
    api = as_user(admin_user)
    assert api_names(api, "建国") == {"陳建國"}
    assert api_names(api, "雄") == set()


def test_a_created_cadre_is_found_at_once(as_user, admin_user, tree):
    from cadres import idnumber

    birth = dt.date(1980, 5, 17)
    services.cadre_create(
        actor=admin_user,
        name="鄭曉東",
        gender="M",
        birth_date=birth,
        id_number=idnumber.make("370112", birth, 9, "M"),
        unit=tree["street"],
        post_level="section_chief",
    )
    assert api_names(as_user(admin_user), "郑晓") == {"鄭曉東"}


# Counts ---------------------------------------------------------------------------------


def _all_filters(tree):
    return [
        {},
        {"unit": tree["street"].pk},
        {"unit": tree["other"].pk},
        {"unit_tree": tree["district"].pk},
        {"unit_tree": tree["city"].pk},
        {"unit_tree": 999_999},
        {"unit_tree": tree["district"].pk, "unit": tree["street"].pk},
        {"status": "retired"},
        {"q": "王"},
        {"q": "謝"},
        {"q": " 五 "},
        {"q": "王五"},
        {"q": "王", "unit_tree": tree["district"].pk},
        {"q": "王", "unit": tree["other"].pk},
        {"q": "王", "status": "retired"},
    ]


def assert_counts_exact(users, tree):
    for user in users:
        for filters in _all_filters(tree):
            expected = selectors.cadre_list(user=user, filters=filters).count()
            assert selectors.cadre_list_counted(user=user, filters=filters)[1] == expected, (
                user,
                filters,
            )


def test_counts_stay_exact_through_creates_moves_and_deletes(admin_user, staff_user, tree):
    cadre_user = UserFactory(username="cadre1", roles=["cadre"], units=[tree["street"]])
    users = [admin_user, staff_user, cadre_user, UserFactory(username="nobody", roles=["staff"])]
    CadreFactory.create_batch(5, unit=tree["street"])
    CadreFactory.create_batch(3, unit=tree["district"], status="retired")
    CadreFactory.create_batch(2, unit=tree["other"], name="王五")
    CadreFactory(unit=tree["street"], name="王王")  # a character twice: one cadre
    CadreFactory(unit=tree["district"], name="謝五", status="retired")
    assert_counts_exact(users, tree)
    # The user's own record, outside their scope: seen, so counted.
    Cadre.objects.filter(pk=Cadre.objects.filter(unit=tree["other"]).first().pk).update(account=cadre_user)
    cadre_user = type(cadre_user).objects.get(pk=cadre_user.pk)
    users[2] = cadre_user
    assert_counts_exact(users, tree)

    moved = Cadre.objects.filter(unit=tree["street"]).order_by("-name")[:2]  # 王王 first
    services.cadre_update(cadre=moved[0], actor=admin_user, unit=tree["other"])
    Cadre.objects.filter(pk=moved[1].pk).update(unit=tree["city"])  # a bulk move, no service
    assert_counts_exact(users, tree)
    services.cadre_update(cadre=moved[0], actor=admin_user, name="谢王")  # renamed
    assert_counts_exact(users, tree)

    Cadre.objects.filter(unit=tree["district"]).delete()
    assert_counts_exact(users, tree)
    new_unit = UnitFactory(parent=tree["district"])
    CadreFactory.create_batch(4, unit=new_unit)
    assert_counts_exact(users, tree)


def test_the_api_and_page_report_the_exact_count(client, as_user, staff_user, admin_user, tree):
    CadreFactory.create_batch(3, unit=tree["street"])
    CadreFactory.create_batch(2, unit=tree["other"])
    assert as_user(admin_user).get("/api/v1/cadres/").json()["count"] == 5
    assert as_user(staff_user).get("/api/v1/cadres/").json()["count"] == 3
    client.force_login(staff_user)
    assert client.get("/cadres/").context["page_obj"].paginator.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the counts are PostgreSQL's")
def test_unit_and_one_character_counts_read_no_cadre_rows(
    admin_user, tree, django_assert_num_queries
):
    CadreFactory.create_batch(3, unit=tree["street"])
    from django.test.utils import CaptureQueriesContext

    CadreFactory(unit=tree["district"], name="王芳")
    for filters, expected in (
        ({}, 4),
        ({"q": "王"}, 1),
        ({"q": "王", "unit_tree": tree["city"].pk}, 1),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert selectors.cadre_list_counted(user=admin_user, filters=filters)[1] == expected
        assert all("cadres_cadre" not in q["sql"] for q in ctx.captured_queries), filters


# The API's rows ------------------------------------------------------------------------


def test_list_rows_are_what_the_serializer_gives(as_user, admin_user, tree):
    CadreFactory(
        unit=tree["street"],
        name="谢允岗",
        rank="二级主任科员",
        rank_since=dt.date(2021, 7, 1),
        tags=["red_flag", "standout"],
        is_reserve=True,
    )
    CadreFactory(unit=tree["district"], name="张", ethnicity="", education="master")
    CadreFactory(unit=tree["other"], name="王芳", gender="F", status="retired")
    response = as_user(admin_user).get("/api/v1/cadres/")
    listed = response.json()["results"]
    cadres = selectors.cadre_list(user=admin_user)
    expected = CadreSerializer(cadres, many=True, context={"request": response.wsgi_request}).data
    import json

    assert listed == json.loads(json.dumps(expected, ensure_ascii=False))
    assert [row["id"] for row in listed] == [c.pk for c in cadres]


def test_a_common_character_is_paged_by_walking_the_list_with_the_same_answer(
    as_user, admin_user, people, monkeypatch
):
    api = as_user(admin_user)
    before = {q: api_names(api, q) for q in ("谢", "謝", "王", "明")}
    cadres, count = selectors.cadre_list_counted(user=admin_user, filters={"q": "王"})
    uses_index = "name_grams" in str(cadres.query).split("WHERE")[1]  # 1 of 4: the index
    assert count == 1 and uses_index == (connection.vendor == "postgresql")
    monkeypatch.setattr(selectors, "PAGE_ROWS", 0)  # as if any page took a long walk
    cadres, count = selectors.cadre_list_counted(user=admin_user, filters={"q": "王"})
    assert count == 1 and "name_grams" not in str(cadres.query).split("WHERE")[1]
    assert (
        {q: api_names(api, q) for q in before}
        == before
        == {"谢": {"謝允崗"}, "謝": {"謝允崗"}, "王": {"王芳"}, "明": {"欧阳明华"}}
    )


def test_the_page_rows_escape_and_show_what_the_template_showed(client, staff_user, tree):
    cadre = CadreFactory(
        unit=tree["street"],
        name="<b>王</b>",
        is_reserve=True,
        position_title="",
        birth_date=dt.date(1980, 5, 17),
        status="retired",
    )
    client.force_login(staff_user)
    html = client.get("/cadres/").content.decode()
    # Staff see a first cell ticking the cadre for the list's selection form (a 任前公示).
    assert (
        f'<tr><td class="select"><input type="checkbox" name="cadre" value="{cadre.pk}" '
        'form="cadre-select" aria-label="选择&lt;b&gt;王&lt;/b&gt;"></td>'
        f'<td><a href="/cadres/{cadre.pk}/">&lt;b&gt;王&lt;/b&gt;</a> '
        '<span class="tag tag-accent">后备</span></td><td>男</td><td>1980.05</td>'
        "<td>解放路街道</td><td>—</td><td>正科级</td>"
        '<td><span class="status status-retired">退休</span></td>'
        f'<td class="mono">{cadre.id_number_masked}</td></tr>'
    ) in html
    assert "没有符合条件的干部" not in html
    assert "没有符合条件的干部" in client.get("/cadres/", {"q": "李"}).content.decode()
