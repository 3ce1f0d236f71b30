"""Login, logout, lockout, language, the dashboard, error pages and the Django admin."""

import datetime as dt

import pytest
from django.conf import settings

from cadres.models import Cadre, Unit
from core.audit import object_history
from core.models import Role, User
from tests.factories import CadreFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


# Login, logout, lockout ------------------------------------------------------------------


def test_login_page_is_in_chinese_by_default(client):
    page = _text(client.get("/login/"))
    assert '<html lang="zh-CN">' in page
    assert "用户名" in page and "密码" in page and "登录" in page


def test_login_then_logout(client, staff_user):
    response = client.post("/login/", {"username": "staff1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = _text(client.get("/"))
    assert "staff1" in home and "组织部工作人员" in home

    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/")["Location"] == "/login/?next=/"


def test_wrong_password_is_refused_with_a_chinese_message(client, staff_user):
    response = client.post("/login/", {"username": "staff1", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in _text(response)
    assert client.get("/").status_code == 302


def test_lockout_after_the_failure_limit_refuses_even_the_right_password(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "staff1", "password": "wrong"})
    response = client.post("/login/", {"username": "staff1", "password": PASSWORD})
    assert response.status_code == 429
    page = _text(response)
    assert "账号已暂时锁定" in page
    assert f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败" in page
    assert client.get("/").status_code == 302  # not logged in


def test_language_switch_shows_english(client, staff_user):
    client.force_login(staff_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cadres/"})
    assert response.status_code == 302 and response["Location"] == "/cadres/"
    page = _text(client.get("/cadres/"))
    assert '<html lang="en">' in page
    assert "Cadres" in page and "Post level" in page and "Search" in page
    assert "干部" not in page.split("<main", 1)[1].replace("干部1", "")

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "职务层次" in _text(client.get("/cadres/"))


# Dashboard and error pages -----------------------------------------------------------------


def test_home_counts_only_what_is_in_scope(client, staff_user, tree):
    CadreFactory.create_batch(3, unit=tree["street"])
    CadreFactory(unit=tree["street"], is_reserve=True)
    CadreFactory.create_batch(5, unit=tree["other"])
    client.force_login(staff_user)
    stats = client.get("/").context["stats"]
    assert {k: stats[k] for k in ("units", "cadres", "active", "reserve")} == {
        "units": 2, "cadres": 4, "active": 4, "reserve": 1}


def test_a_cadres_own_home_offers_its_record_and_cases_not_the_staff_lists(client, tree):
    # Found in a browser as cadre1: the home page counted 单位 0 / 干部 1 "within your scope"
    # and linked to the unit tree, the cadre list, appraisals, frontline and the reserve list.
    own = CadreFactory(unit=tree["street"], name="胡海燕")
    user = UserFactory(username="cadre_hu", roles=[Role.CADRE], cadre=own)
    client.force_login(user)
    answer = client.get("/")
    page = _text(answer)
    main = page[page.index('<main'):]
    assert f'href="/cadres/{own.pk}/"' in main and 'href="/tolerance/"' in main
    for staff_only in ('href="/units/"', 'href="/cadres/"', 'href="/cadres/?', "/assessments/",
                       "管辖范围", "以灰色显示"):
        assert staff_only not in main, staff_only
    assert answer.context["stats"] == {}


def test_a_cadres_own_pages_lead_to_no_staff_list(client, tree):
    # The breadcrumbs of one's record and sanctions led to the cadre and sanction lists, and
    # the 容错纠错 tabs to 待我处理, pages a cadre's account can only see empty.
    own = CadreFactory(unit=tree["street"])
    client.force_login(UserFactory(roles=[Role.CADRE], cadre=own))
    for url in (f"/cadres/{own.pk}/", f"/sanctions/cadre/{own.pk}/", "/tolerance/"):
        page = _text(client.get(url))
        assert f'href="/cadres/{own.pk}/"' in page, url
        for staff_list in ('href="/cadres/"', 'href="/sanctions/"', 'href="/tolerance/queue/"'):
            assert staff_list not in page, (url, staff_list)


def test_the_nav_shows_other_apps_as_placeholders_until_they_exist(client, staff_user):
    client.force_login(staff_user)
    page = _text(client.get("/cadres/"))
    assert '<a class="nav-item is-active" href="/cadres/" aria-current="page">干部</a>' in page
    assert 'href="/units/"' in page
    for label in ("考核", "容错纠错", "激励"):
        assert label in page


def test_404_and_403_pages_are_in_the_layout(client, tree):
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    client.force_login(reviewer)
    missing = client.get("/cadres/999999/")
    assert missing.status_code == 404 and "不在您的管辖范围内" in _text(missing)
    forbidden = client.get("/cadres/new/")
    assert forbidden.status_code == 403 and "您的角色无权执行此操作。" in _text(forbidden)


# Django admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/admin/", "/admin/core/user/", "/admin/core/user/add/", "/admin/core/auditentry/", "/admin/core/job/",
    "/admin/core/unit/", "/admin/core/unit/add/", "/admin/cadres/cadre/", "/admin/cadres/cadre/add/",
])
def test_admin_pages_load_for_an_administrator(client, superuser, cadre_in_street, path):
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200, path


def test_admin_lists_mask_the_id_number_and_forms_use_autocomplete(client, superuser, cadre_in_street):
    client.force_login(superuser)
    listing = _text(client.get("/admin/cadres/cadre/"))
    assert cadre_in_street.id_number_masked in listing and cadre_in_street.id_number not in listing
    user_form = _text(client.get(f"/admin/core/user/{superuser.pk}/change/"))
    assert 'data-ajax--url="/admin/autocomplete/"' in user_form  # units and cadre: searched, not listed


def test_admin_cannot_change_or_delete_audit_entries(client, superuser, cadre_in_street, admin_user):
    from cadres.services import cadre_update

    cadre_update(cadre=cadre_in_street, actor=admin_user, position_title="副局长")
    entry = object_history(obj=cadre_in_street).first()
    client.force_login(superuser)
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert object_history(obj=cadre_in_street).filter(pk=entry.pk).exists()


def _admin_cadre_data(cadre, **overrides):
    data = {
        "name": cadre.name, "gender": cadre.gender, "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": cadre.ethnicity, "id_number": cadre.id_number, "political_status": "", "education": "",
        "unit": cadre.unit_id, "position_title": cadre.position_title, "post_level": cadre.post_level,
        "rank": "", "rank_since": "", "status": cadre.status, "tags": "[]",
    }
    data.update(overrides)
    return data


def test_admin_edit_of_a_cadre_goes_through_the_service_and_is_audited(client, superuser, cadre_in_street):
    client.force_login(superuser)
    response = client.post(f"/admin/cadres/cadre/{cadre_in_street.pk}/change/",
                           _admin_cadre_data(cadre_in_street, position_title="副局长"))
    assert response.status_code == 302
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.position_title == "副局长"
    entry = object_history(obj=cadre_in_street).first()
    assert (entry.actor_username, entry.action, entry.changes) == ("root", "update", {"position_title": ["科长", "副局长"]})


def test_admin_shows_the_services_errors_on_the_form_and_saves_nothing(client, superuser, cadre_in_street):
    client.force_login(superuser)
    bad = cadre_in_street.id_number[:17] + ("0" if cadre_in_street.id_number[17] != "0" else "1")
    response = client.post(f"/admin/cadres/cadre/{cadre_in_street.pk}/change/",
                           _admin_cadre_data(cadre_in_street, id_number=bad, position_title="副局长"))
    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对。" in _text(response)
    cadre_in_street.refresh_from_db()
    assert cadre_in_street.position_title == "科长"
    assert not object_history(obj=cadre_in_street).exists()


def test_admin_adds_a_unit_through_the_service(client, superuser, tree):
    client.force_login(superuser)
    response = client.post("/admin/core/unit/add/", {
        "name": "泉城路街道", "code": "JN-LX-QCL", "parent": tree["district"].pk, "kind": "subdistrict", "category": ""})
    assert response.status_code == 302
    unit = Unit.objects.get(code="JN-LX-QCL")
    assert unit.path == f"{tree['district'].path}{unit.pk}/" and unit.depth == 2  # kept by the service
    assert object_history(obj=unit).get().actor_username == "root"


def test_admin_refuses_to_move_a_unit_under_itself(client, superuser, tree):
    client.force_login(superuser)
    response = client.post(f"/admin/core/unit/{tree['district'].pk}/change/", {
        "name": "历下区", "code": "JN-LX", "parent": tree["street"].pk, "kind": "party_committee", "category": ""})
    assert response.status_code == 200
    assert "上级单位不能是本单位或其下级单位。" in _text(response)
    tree["district"].refresh_from_db()
    assert tree["district"].parent_id == tree["city"].pk


def test_admin_add_of_a_cadre_is_audited(client, superuser, tree):
    client.force_login(superuser)
    number = make_id_number(dt.date(1979, 2, 3), "F")
    cadre = CadreFactory.build(unit=tree["street"], gender="F", birth_date=dt.date(1979, 2, 3), name="謝允崗",
                               id_number=number)
    response = client.post("/admin/cadres/cadre/add/", _admin_cadre_data(cadre))
    assert response.status_code == 302, _text(response)
    saved = Cadre.objects.get(id_number=number)
    assert saved.name == "謝允崗"
    assert object_history(obj=saved).get().action == "create"


def test_admin_adds_a_user_with_roles_and_it_is_audited(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/core/user/add/", {
        "username": "liaison9", "name": "钱联络", "password1": "Long-enough-pass-9", "password2": "Long-enough-pass-9",
        "roles": ["liaison"]})
    assert response.status_code == 302, _text(response)
    user = User.objects.get(username="liaison9")
    assert user.roles == ["liaison"] and user.check_password("Long-enough-pass-9")
    entry = object_history(obj=user).get()
    assert (entry.action, entry.actor_username, entry.changes["roles"]) == ("create", "root", [None, ["liaison"]])
    assert "password" not in entry.changes


def test_admin_password_change_is_audited_without_the_hash(client, superuser, staff_user):
    client.force_login(superuser)
    response = client.post(f"/admin/core/user/{staff_user.pk}/password/", {
        "password1": "Another-long-pass-7", "password2": "Another-long-pass-7"})
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Another-long-pass-7")
    entry = object_history(obj=staff_user).get()
    assert (entry.actor_username, entry.changes) == ("root", {"password": ["***", "***"]})


def test_admin_role_changes_on_a_user_are_audited(client, superuser, staff_user, tree):
    client.force_login(superuser)
    page = client.get(f"/admin/core/user/{staff_user.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "last_login", "date_joined")}
    data.update({
        "username": "staff1", "name": "李科员", "roles": ["staff", "reviewer"], "units": [tree["district"].pk, tree["other"].pk],
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "groups": [], "user_permissions": [], "cadre": "",
    })
    data.pop("date_joined", None)
    response = client.post(f"/admin/core/user/{staff_user.pk}/change/", data)
    assert response.status_code == 302, page.context and _text(response)
    staff_user.refresh_from_db()
    assert staff_user.roles == ["staff", "reviewer"]
    entry = object_history(obj=staff_user).first()
    assert entry.actor_username == "root"
    assert entry.changes["roles"] == [["staff"], ["staff", "reviewer"]]
    assert entry.changes["units"] == [[tree["district"].pk], sorted([tree["district"].pk, tree["other"].pk])]
