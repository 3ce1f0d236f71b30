"""In a real browser: log in, find a cadre, edit with an invalid ID number (refused, nothing
changes), then with a valid change (saved), and see the change in the history panel."""

import pytest
from playwright.sync_api import expect

from cadres.models import Cadre
from core.models import AuditEntry, Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-Word-123"


@pytest.fixture
def world():
    city = UnitFactory(name="济南市", code="JN", kind="party_committee")
    district = UnitFactory(name="历下区", code="JN-LX", parent=city, kind="party_committee")
    street = UnitFactory(name="解放路街道", code="JN-LX-JFL", parent=district, kind="subdistrict")
    staff = UserFactory(username="staff_jinan", roles=[Role.STAFF], units=[district])
    cadre = CadreFactory(unit=street, name="謝允崗", position_title="科长")
    CadreFactory.create_batch(3, unit=street)
    return {"street": street, "district": district, "staff": staff, "cadre": cadre}


def _log_in(page, username):
    page.goto(page.base_url + "/cadres/")
    expect(page).to_have_url(page.base_url + "/login/?next=/cadres/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator("h1")).to_have_text("干部")


def test_find_edit_with_an_invalid_then_a_valid_change_and_see_it_in_history(browser_page, world):
    page, cadre = browser_page, world["cadre"]
    _log_in(page, "staff_jinan")

    page.fill("#id_q", "謝允")
    page.click("button:has-text('查询')")
    rows = page.locator("#cadre-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cadre.id_number_masked)
    rows.first.locator("a", has_text="謝允崗").click()
    expect(page.locator("h1")).to_contain_text("謝允崗")

    page.click("a:has-text('编辑')")
    id_input = page.locator("#id_id_number")
    expect(id_input).to_have_value("")
    expect(id_input).to_have_attribute("placeholder", cadre.id_number_masked)
    wrong = cadre.id_number[:17] + ("0" if cadre.id_number[17] != "0" else "1")
    id_input.fill(wrong)
    page.fill("#id_position_title", "副局长")
    page.click("button:has-text('保存')")

    expect(page.locator(".field.has-error")).to_contain_text("身份证号校验位不正确，请核对。")
    expect(page.locator(".alert-error")).to_be_visible()
    saved = Cadre.objects.get(pk=cadre.pk)
    assert (saved.id_number, saved.position_title) == (cadre.id_number, "科长")
    assert not AuditEntry.objects.filter(object_id=cadre.pk, action="update").exists()

    page.fill("#id_id_number", "")  # blank: keep the stored number
    expect(page.locator("#id_position_title")).to_have_value("副局长")
    page.click("button:has-text('保存')")

    expect(page).to_have_url(page.base_url + f"/cadres/{cadre.pk}/")
    expect(page.locator(".alert-success")).to_contain_text("干部档案已保存。")
    change = page.locator("#history .history-entry").first
    expect(change).to_contain_text("staff_jinan")
    expect(change.locator("tr", has_text="现任职务")).to_contain_text("科长")
    expect(change.locator("tr", has_text="现任职务").locator(".new")).to_have_text("副局长")
    assert Cadre.objects.get(pk=cadre.pk).position_title == "副局长"


def test_unit_tree_expands_lazily_and_the_unit_autocomplete_fills_the_form(browser_page, world):
    page = browser_page
    _log_in(page, "staff_jinan")

    page.click("nav >> text=单位")
    tree = page.locator("#unit-tree")
    expect(tree).to_contain_text("历下区")
    expect(page.get_by_role("link", name="解放路街道")).to_have_count(0)
    page.click("button.tree-toggle")
    expect(page.get_by_role("link", name="解放路街道")).to_be_visible()

    page.goto(page.base_url + "/cadres/")
    page.fill("#id_unit", "解放")
    option = page.locator(".autocomplete-option", has_text="解放路街道")
    expect(option).to_be_visible()
    expect(page.locator(".autocomplete-option")).to_have_count(1)
    option.click()
    expect(page.locator("input[name=unit]")).to_have_value(str(world["street"].pk))
    page.click("button:has-text('查询')")
    expect(page.locator("#cadre-table tbody tr")).to_have_count(4)
    expect(page.locator("#id_unit")).to_have_value("解放路街道")
