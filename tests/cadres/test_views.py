"""The HTML pages for units and cadres: scoping, filters, pagination, forms, masking, history."""

import datetime as dt
import re

import pytest
from cadres import services
from cadres.models import Appointment, Cadre, PostLevel
from core.models import AuditEntry, Role
from tests.factories import CadreFactory, UnitFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(tree):
    return UserFactory(username="reviewer1", roles=[Role.REVIEWER], units=[tree["district"]])


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _text(response) -> str:
    return response.content.decode()


def _row_names(response) -> list[str]:
    return [c.name for c in response.context["page_obj"]]


def _cadre_form_data(cadre=None, **overrides) -> dict:
    """What the browser posts for a cadre form, starting from a record's values."""
    data = {
        "name": "", "gender": "M", "birth_date": "1980-05-17", "ethnicity": "汉族", "id_number": "",
        "political_status": "cpc_member", "education": "bachelor", "unit": "", "position_title": "科长",
        "post_level": PostLevel.SECTION_CHIEF, "rank": "", "rank_since": "", "status": "active",
    }
    if cadre is not None:
        data.update(name=cadre.name, gender=cadre.gender, birth_date=cadre.birth_date.isoformat(),
                    unit=cadre.unit_id, position_title=cadre.position_title, post_level=cadre.post_level,
                    status=cadre.status, political_status=cadre.political_status, education=cadre.education)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Units ----------------------------------------------------------------------------------


def test_unit_tree_starts_at_the_users_scope_and_loads_children_on_demand(staff_client, tree):
    page = _text(staff_client.get("/units/"))
    assert "历下区" in page
    assert "济南市" not in page and "鹤山市" not in page
    # The street is one level down: not rendered until the district is expanded.
    assert "解放路街道" not in page
    assert f'hx-get="/units/{tree["district"].pk}/children/"' in page

    fragment = _text(staff_client.get(f"/units/{tree['district'].pk}/children/"))
    assert "解放路街道" in fragment
    assert "<html" not in fragment


def test_unit_children_come_in_batches(staff_client, tree):
    for i in range(105):
        UnitFactory(name=f"社区{i:03d}", code=f"JN-LX-C{i:03d}", parent=tree["district"], kind="subdistrict")
    first = staff_client.get(f"/units/{tree['district'].pk}/children/")
    assert len(first.context["nodes"]) == 100
    assert f"/units/{tree['district'].pk}/children/?offset=100" in _text(first)
    rest = staff_client.get(f"/units/{tree['district'].pk}/children/?offset=100")
    assert len(rest.context["nodes"]) == 6  # 5 more communities and the street
    assert "加载更多" not in _text(rest)


def test_unit_search_lists_only_units_in_scope(staff_client, tree):
    page = _text(staff_client.get("/units/", {"q": "街道"}))
    assert "解放路街道" in page
    assert list(staff_client.get("/units/", {"q": "鹤山"}).context["page_obj"]) == []
    # 历下区's parent, 济南市, lies above this user's scope: the results do not name it.
    page = _text(staff_client.get("/units/", {"q": "历下"}))
    assert "历下区" in page and "济南市" not in page


def test_unit_pages_outside_scope_are_404(staff_client, tree):
    assert staff_client.get(f"/units/{tree['other'].pk}/").status_code == 404
    assert staff_client.get(f"/units/{tree['city'].pk}/").status_code == 404
    assert staff_client.get(f"/units/{tree['other'].pk}/children/").status_code == 404


def test_unit_detail_shows_fields_children_cadre_link_and_history(client, admin_user, tree):
    services.unit_update(unit=tree["district"], actor=admin_user, name="历下区委")
    staff = UserFactory(roles=[Role.STAFF], units=[tree["district"]])
    client.force_login(staff)
    page = _text(client.get(f"/units/{tree['district'].pk}/"))
    assert "JN-LX" in page
    assert "解放路街道" in page
    assert f"/cadres/?unit={tree['district'].pk}&amp;tree=on" in page
    # The history panel: who changed what from what to what.
    history = page.split('id="history"', 1)[1]
    assert "admin1" in history and "历下区" in history and "历下区委" in history
    # The parent (济南市) is above this user's scope: not named on the page.
    assert "济南市" not in page


def test_history_panel_does_not_name_a_unit_above_the_users_scope(client, admin_user, tree):
    unit = services.unit_create(actor=admin_user, name="历城区", code="JN-LC", parent=tree["city"], kind="party_committee")
    client.force_login(UserFactory(roles=[Role.STAFF], units=[unit]))
    history = _text(client.get(f"/units/{unit.pk}/")).split('id="history"', 1)[1]
    # Unnamed, and never as a raw "#id" either (issue 7, item 16).
    assert "上级单位" in history and "（管辖范围外）" in history and f"#{tree['city'].pk}" not in history
    assert "济南市" not in history
    client.force_login(admin_user)
    assert "济南市" in _text(client.get(f"/units/{unit.pk}/")).split('id="history"', 1)[1]


def test_unit_autocomplete_offers_only_units_in_scope(staff_client, tree):
    html = _text(staff_client.get("/units/autocomplete/", {"q": ""}))
    values = re.findall(r'data-value="(\d+)"', html)
    assert set(values) == {str(tree["district"].pk), str(tree["street"].pk)}
    assert "鹤山市" not in html and "济南市" not in html
    assert 'data-value' not in _text(staff_client.get("/units/autocomplete/", {"q": "鹤山"}))
    by_code = _text(staff_client.get("/units/autocomplete/", {"q": "JN-LX-JFL"}))
    assert re.findall(r'data-value="(\d+)"', by_code) == [str(tree["street"].pk)]


def test_unit_autocomplete_answers_at_most_twenty(staff_client, tree):
    for i in range(30):
        UnitFactory(name=f"测试科{i}", parent=tree["district"])
    html = _text(staff_client.get("/units/autocomplete/", {"q": "测试科"}))
    assert len(re.findall(r'class="autocomplete-option"', html)) == 20


def test_cadre_autocomplete_offers_only_cadres_in_scope(staff_client, tree, cadre_in_street):
    CadreFactory(unit=tree["other"], name="謝鹤山")
    html = _text(staff_client.get("/cadres/autocomplete/", {"q": "謝"}))
    assert re.findall(r'data-value="(\d+)"', html) == [str(cadre_in_street.pk)]
    assert "謝鹤山" not in html and cadre_in_street.id_number not in html


# Cadre list -------------------------------------------------------------------------------


def test_cadre_list_shows_only_cadres_in_scope_with_masked_ids(staff_client, tree, cadre_in_street):
    outsider = CadreFactory(unit=tree["other"], name="鹤山干部")
    response = staff_client.get("/cadres/")
    page = _text(response)
    assert _row_names(response) == ["謝允崗"]
    assert outsider.name not in page
    assert cadre_in_street.id_number_masked in page
    assert cadre_in_street.id_number not in page


def test_cadre_list_filters(staff_client, tree):
    CadreFactory(unit=tree["district"], name="王建国", post_level=PostLevel.DIVISION_CHIEF, is_reserve=True)
    CadreFactory(unit=tree["street"], name="李红梅", gender="F", status=Cadre.Status.RETIRED)
    CadreFactory(unit=tree["street"], name="王小明")
    district, street = tree["district"].pk, tree["street"].pk

    def names(**params):
        return sorted(_row_names(staff_client.get("/cadres/", params)))

    assert names(q="王") == ["王小明", "王建国"]
    assert names(unit=district) == ["王建国"]
    assert names(unit=district, tree="on") == ["李红梅", "王小明", "王建国"]
    assert names(unit=street) == ["李红梅", "王小明"]
    assert names(post_level=PostLevel.DIVISION_CHIEF) == ["王建国"]
    assert names(status="retired") == ["李红梅"]
    assert names(is_reserve="true") == ["王建国"]
    assert names(is_reserve="false", q="王") == ["王小明"]


def test_cadre_list_refuses_a_unit_outside_scope_with_a_message(staff_client, tree):
    CadreFactory(unit=tree["other"], name="鹤山干部")
    response = staff_client.get("/cadres/", {"unit": tree["other"].pk, "tree": "on"})
    assert response.status_code == 200
    assert _row_names(response) == []
    assert "单位不存在或不在您的管辖范围内" in _text(response)


def test_cadre_list_keeps_the_chosen_unit_in_the_filter(staff_client, tree):
    page = _text(staff_client.get("/cadres/", {"unit": tree["street"].pk}))
    assert 'value="解放路街道"' in page


def test_cadre_list_pages_by_fifty_and_keeps_filters_in_page_links(staff_client, tree):
    CadreFactory.create_batch(55, unit=tree["street"], name="张三")
    first = staff_client.get("/cadres/", {"q": "张"})
    assert len(first.context["page_obj"]) == 50
    assert "共 55 条" in _text(first)
    assert "?q=%E5%BC%A0&amp;page=2" in _text(first)
    second = staff_client.get("/cadres/", {"q": "张", "page": 2})
    assert len(second.context["page_obj"]) == 5


# session, user, scope, count, page; a chosen unit adds its check and its label.
@pytest.mark.parametrize("params, budget", [({}, 5), ({"unit": "street", "tree": "on", "q": "干部"}, 7)])
def test_cadre_list_query_count_does_not_grow_with_the_page(staff_client, tree, params, budget,
                                                            django_assert_num_queries):
    params = {k: (tree[v].pk if k == "unit" else v) for k, v in params.items()}
    CadreFactory.create_batch(2, unit=tree["street"])
    with django_assert_num_queries(budget):
        staff_client.get("/cadres/", params)
    CadreFactory.create_batch(60, unit=tree["street"])
    with django_assert_num_queries(budget):
        full = staff_client.get("/cadres/", params)
    assert len(full.context["page_obj"]) == 50
    with django_assert_num_queries(budget):  # a later page: ids first, then the page's rows, in one query
        second = staff_client.get("/cadres/", {**params, "page": 2})
    assert len(second.context["page_obj"]) == 12
    assert not {c.pk for c in full.context["page_obj"]} & {c.pk for c in second.context["page_obj"]}


# Cadre detail -------------------------------------------------------------------------------


def test_staff_sees_the_id_number_masked_and_an_admin_whole_on_the_detail_page(client, staff_user, admin_user,
                                                                               cadre_in_street):
    client.force_login(staff_user)
    page = _text(client.get(f"/cadres/{cadre_in_street.pk}/"))
    assert cadre_in_street.id_number_masked in page
    assert cadre_in_street.id_number not in page

    client.force_login(admin_user)
    page = _text(client.get(f"/cadres/{cadre_in_street.pk}/"))
    assert f'id="id-number">{cadre_in_street.id_number}<' in page
    # ... but never in the list, even for an administrator.
    assert cadre_in_street.id_number not in _text(client.get("/cadres/"))


def test_cadre_detail_shows_timeline_appointments_and_history(client, admin_user, staff_user, tree):
    cadre = services.cadre_create(
        actor=admin_user, name="謝允崗", gender="M", birth_date=dt.date(1980, 5, 17),
        id_number=make_id_number(dt.date(1980, 5, 17), "M"), unit=tree["street"], position_title="科长",
        post_level=PostLevel.SECTION_CHIEF)
    services.appointment_create(
        actor=admin_user, cadre=cadre, unit=tree["district"], title="副区长", post_level=PostLevel.DIVISION_DEPUTY,
        kind=Appointment.Kind.EXCEPTIONAL_PROMOTION, start_date=dt.date(2021, 7, 1), exceptional_reason="任职年限破格")
    client.force_login(staff_user)
    page = _text(client.get(f"/cadres/{cadre.pk}/"))
    assert "破格提拔：副区长" in page  # the timeline
    assert "任职年限破格" in page
    history = page.split('id="history"', 1)[1]
    assert "创建" in history and "修改" in history and "admin1" in history
    assert "科长" in history and "副区长" in history


def test_cadre_pages_outside_scope_are_404(staff_client, tree):
    outsider = CadreFactory(unit=tree["other"])
    assert staff_client.get(f"/cadres/{outsider.pk}/").status_code == 404
    assert staff_client.get(f"/cadres/{outsider.pk}/edit/").status_code == 404
    assert staff_client.post(f"/cadres/{outsider.pk}/edit/", {"name": "x"}).status_code == 404
    assert staff_client.get("/cadres/999999/").status_code == 404


def test_reviewer_reads_but_may_not_create_or_edit(client, reviewer, cadre_in_street):
    client.force_login(reviewer)
    detail = client.get(f"/cadres/{cadre_in_street.pk}/")
    assert detail.status_code == 200
    assert f"/cadres/{cadre_in_street.pk}/edit/" not in _text(detail)
    assert client.get(f"/cadres/{cadre_in_street.pk}/edit/").status_code == 403
    assert client.post(f"/cadres/{cadre_in_street.pk}/edit/", _cadre_form_data(cadre_in_street, name="改名")).status_code == 403
    assert client.get("/cadres/new/").status_code == 403
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.name == "謝允崗"


def test_pages_need_a_login(client, cadre_in_street):
    for url in ["/", "/units/", "/cadres/", f"/cadres/{cadre_in_street.pk}/", "/cadres/new/",
                f"/cadres/{cadre_in_street.pk}/edit/", "/units/autocomplete/", "/cadres/autocomplete/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


# Create and edit -------------------------------------------------------------------------------


def test_create_with_an_invalid_id_number_shows_the_error_inline_and_saves_nothing(staff_client, tree):
    entries = AuditEntry.objects.count()
    valid = make_id_number(dt.date(1980, 5, 17), "M")
    bad = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = staff_client.post("/cadres/new/", _cadre_form_data(name="謝允崗", id_number=bad, unit=tree["street"].pk))
    assert response.status_code == 400
    page = _text(response)
    assert "身份证号校验位不正确，请核对。" in page
    assert re.search(r'has-error[^"]*">\s*<label for="id_id_number"', page)
    assert 'value="謝允崗"' in page  # what was typed stays in the form
    assert 'value="解放路街道"' in page
    assert Cadre.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_create_with_traditional_characters_round_trips(staff_client, tree):
    number = make_id_number(dt.date(1985, 3, 9), "F")
    response = staff_client.post("/cadres/new/", _cadre_form_data(
        name="謝允崗", gender="F", birth_date="1985-03-09", id_number=number, unit=tree["street"].pk,
        tags=["standout"], is_reserve="on"))
    cadre = Cadre.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cadres/{cadre.pk}/"
    assert cadre.name == "謝允崗" and cadre.id_number == number and cadre.tags == ["standout"] and cadre.is_reserve
    page = _text(staff_client.get(response["Location"]))
    assert "<h1>謝允崗" in page and "出彩型" in page and "干部档案已创建" in page


def test_create_refuses_a_unit_outside_scope(staff_client, tree):
    response = staff_client.post("/cadres/new/", _cadre_form_data(
        name="张三", id_number=make_id_number(dt.date(1980, 5, 17), "M"), unit=tree["other"].pk))
    assert "单位不存在或不在您的管辖范围内" in _text(response)
    assert 'value="鹤山市"' not in _text(response)
    assert Cadre.objects.count() == 0


def test_create_reports_a_birth_date_that_disagrees_with_the_id_number_on_its_field(staff_client, tree):
    response = staff_client.post("/cadres/new/", _cadre_form_data(
        name="张三", birth_date="1981-01-01", id_number=make_id_number(dt.date(1980, 5, 17), "M"),
        unit=tree["street"].pk))
    page = _text(response)
    assert "出生日期与身份证号不一致（身份证号为 1980-05-17）。" in page
    assert re.search(r'has-error[^"]*">\s*<label for="id_birth_date"', page)
    assert Cadre.objects.count() == 0


def test_edit_form_never_echoes_the_id_number(staff_client, cadre_in_street):
    page = _text(staff_client.get(f"/cadres/{cadre_in_street.pk}/edit/"))
    assert cadre_in_street.id_number not in page
    assert f'placeholder="{cadre_in_street.id_number_masked}"' in page
    assert 'value="謝允崗"' in page


def test_edit_with_an_invalid_id_number_changes_nothing(staff_client, cadre_in_street):
    before = (cadre_in_street.id_number, cadre_in_street.position_title)
    entries = AuditEntry.objects.count()
    response = staff_client.post(f"/cadres/{cadre_in_street.pk}/edit/", _cadre_form_data(
        cadre_in_street, id_number="11010519800517001", position_title="副局长"))
    assert response.status_code == 400
    assert "身份证号应为18位：17位数字加1位数字或X。" in _text(response)
    cadre_in_street.refresh_from_db()
    assert (cadre_in_street.id_number, cadre_in_street.position_title) == before
    assert AuditEntry.objects.count() == entries


def test_valid_edit_is_saved_and_shown_in_the_history_panel(staff_client, cadre_in_street):
    response = staff_client.post(f"/cadres/{cadre_in_street.pk}/edit/", _cadre_form_data(
        cadre_in_street, position_title="副局长"))  # id_number left blank: unchanged
    assert response.status_code == 302
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.position_title == "副局长"
    history = _text(staff_client.get(f"/cadres/{cadre_in_street.pk}/")).split('id="history"', 1)[1]
    assert re.search(r"现任职务</th><td class=\"old\">科长</td>.*?<td class=\"new\">副局长</td>", history)
    assert "staff1" in history


def test_correcting_the_id_number_is_audited_masked(staff_client, cadre_in_street):
    number = make_id_number(cadre_in_street.birth_date, "M")
    staff_client.post(f"/cadres/{cadre_in_street.pk}/edit/", _cadre_form_data(cadre_in_street, id_number=number))
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.id_number == number
    page = _text(staff_client.get(f"/cadres/{cadre_in_street.pk}/"))
    assert number not in page
    assert number[:6] + "*" * 12 in page.split('id="history"', 1)[1]


# Appointments ---------------------------------------------------------------------------------


def test_add_appointment_from_the_detail_page(staff_client, tree, cadre_in_street):
    url = f"/cadres/{cadre_in_street.pk}/appointments/new/"
    data = {"appt-unit": tree["district"].pk, "appt-title": "副区长", "appt-post_level": PostLevel.DIVISION_DEPUTY,
            "appt-kind": "exceptional_promotion", "appt-start_date": "2021-07-01", "appt-is_main": "on"}
    refused = staff_client.post(url, data)
    assert "破格提拔须填写破格理由" in _text(refused)
    assert not Appointment.objects.exists()

    response = staff_client.post(url, {**data, "appt-exceptional_reason": "任职年限破格"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.cadre, appointment.unit, appointment.title) == (cadre_in_street, tree["district"], "副区长")
    page = _text(staff_client.get(f"/cadres/{cadre_in_street.pk}/"))
    assert "任职年限破格" in page


def test_add_appointment_refuses_a_unit_outside_scope(staff_client, tree, cadre_in_street):
    response = staff_client.post(f"/cadres/{cadre_in_street.pk}/appointments/new/", {
        "appt-unit": tree["other"].pk, "appt-title": "科长", "appt-post_level": PostLevel.SECTION_CHIEF,
        "appt-kind": "lateral", "appt-start_date": "2021-07-01"})
    assert "单位不存在或不在您的管辖范围内" in _text(response)
    assert not Appointment.objects.exists()
