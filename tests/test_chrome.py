"""Issue 7, item 18: the empty choice reads 请选择; a favicon; the Django admin branded and in
Chinese, django-axes' models included."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_empty_choice_reads_please_choose(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/cadres/new/").content.decode()
    assert "---------" not in page
    assert ">请选择</option>" in page


def test_pages_and_the_admin_carry_a_favicon(client, admin_user):
    assert finders.find("favicon.svg")
    client.force_login(admin_user)
    for url in ("/", "/admin/"):
        assert 'rel="icon" href="/static/favicon.svg"' in client.get(url).content.decode(), url


def test_the_admin_is_branded_and_in_chinese_axes_included(client, admin_user):
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert "担当 · 系统管理" in index and "Django" not in index.split("<body", 1)[1]
    assert "登录防护" in index and "登录尝试" in index and "登录失败记录" in index
    for english in ("Axes", "Access attempts", "Access failures", "Access logs"):
        assert english not in index, english
    changelist = client.get("/admin/axes/accessattempt/").content.decode()
    assert "选择 登录尝试 来修改" in changelist and "access attempt" not in changelist.lower()
