"""The grade grids (annual and quarterly), the list of annual grades, the chooser and the
distribution chart: scoped like the API, saved all or nothing through the services, the grid
of a 300-cadre unit in a fixed number of queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import datetime as dt

from assessments.models import AnnualAssessment, ExcellenceRate, QuarterlyAssessment
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from cadres.models import Cadre
from core.models import AuditEntry, Role
from tests.factories import CadreFactory, UnitFactory, UserFactory

YEAR = 2025


def _grid(unit, year=YEAR):
    return f"/assessments/annual/{unit.pk}/{year}/"


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def street_cadres(tree):
    return [CadreFactory(unit=tree["street"], name=name) for name in ("甲一", "乙二", "丙三", "丁四")]


@pytest.fixture
def one_place(tree):
    """The street's 优秀 rate at 25%: one place among its four cadres (floor(0.25 × 4) = 1)."""
    return ExcellenceRate.objects.create(unit=tree["street"], rate="0.25")


def test_the_grid_shows_every_active_cadre_with_a_select_and_the_counter(client, tree, staff_user, street_cadres,
                                                                         one_place):
    gone = CadreFactory(unit=tree["street"], name="离职者", status=Cadre.Status.RETIRED)
    annual_save(actor=staff_user, rows=[AnnualRow(street_cadres[0], YEAR, "excellent")])
    client.force_login(staff_user)
    page = _text(client.get(_grid(tree["street"])))
    for cadre in street_cadres:
        assert f'name="grade-{cadre.pk}"' in page
    assert gone.name not in page
    # Saved: the grade is selected and cannot be blanked (no 未评定 option on that select).
    select = re.search(rf'<select name="grade-{street_cadres[0].pk}".*?</select>', page, re.S).group(0)
    assert '<option value="excellent" selected>' in select and "未评定" not in select
    assert 'data-cap="1"' in page and 'data-elsewhere="0"' in page
    assert re.search(r"data-counter-value>1<", page)
    # 1 优秀 against a cap of floor(0.25 × 4) = 1: at the cap, not over it.
    assert 'class="grid-counter is-over"' not in page and "比例 25%，参加考核 4 人" in page


def test_a_unit_outside_the_scope_is_404_to_see_and_to_save(client, tree, staff_user):
    cadre = CadreFactory(unit=tree["other"])
    client.force_login(staff_user)
    assert client.get(_grid(tree["other"])).status_code == 404
    response = client.post(_grid(tree["other"]), {f"grade-{cadre.pk}": "competent"})
    assert response.status_code == 404
    assert client.get(f"/assessments/quarterly/{tree['other'].pk}/{YEAR}/1/").status_code == 404
    assert client.get(f"/assessments/annual/{tree['other'].pk}/{YEAR}/distribution/").status_code == 404
    assert client.get(f"/assessments/annual/99999/{YEAR}/").status_code == 404
    assert client.get(f"/assessments/annual/{tree['street'].pk}/1999/").status_code == 404
    assert not AnnualAssessment.objects.exists()


def test_a_cadre_account_cannot_post_and_sees_no_save_button(client, tree, street_cadres):
    account = UserFactory(roles=[Role.CADRE], units=[tree["street"]], cadre=street_cadres[0])
    client.force_login(account)
    page = client.get(_grid(tree["street"]))
    assert page.status_code == 200 and "保存全部" not in _text(page)
    response = client.post(_grid(tree["street"]), {f"grade-{street_cadres[0].pk}": "excellent"})
    assert response.status_code == 403
    response = client.post(f"/assessments/quarterly/{tree['street'].pk}/{YEAR}/2/",
                           {f"grade-{street_cadres[0].pk}": "good"})
    assert response.status_code == 403
    assert not AnnualAssessment.objects.exists() and not QuarterlyAssessment.objects.exists()


def test_the_grid_saves_every_grade_at_once_and_audits_each(client, tree, staff_user, street_cadres):
    a, b, c, d = street_cadres
    client.force_login(staff_user)
    response = client.post(_grid(tree["street"]), {
        f"grade-{a.pk}": "competent", f"grade-{b.pk}": "basically_competent",
        f"grade-{c.pk}": "not_graded", f"comment-{c.pk}": "处分期内，只写评语。",
        f"grade-{d.pk}": "",  # left ungraded
    })
    assert response.status_code == 302 and response["Location"] == _grid(tree["street"])
    saved = {g.cadre_id: (g.grade, g.comment) for g in AnnualAssessment.objects.all()}
    assert saved == {a.pk: ("competent", ""), b.pk: ("basically_competent", ""),
                     c.pk: ("not_graded", "处分期内，只写评语。")}
    assert AuditEntry.objects.filter(action="create", object_id__in=[g for g in
           AnnualAssessment.objects.values_list("pk", flat=True)]).count() == 3
    page = _text(client.get(response["Location"]))
    assert "已保存：新录入 3 人，修改 0 人，未变 0 人。" in page
    # A comment sent with a grade other than 不定等次 is dropped.
    client.post(_grid(tree["street"]), {
        f"grade-{a.pk}": "competent", f"comment-{a.pk}": "不该保存", f"grade-{b.pk}": "competent",
        f"grade-{c.pk}": "not_graded", f"comment-{c.pk}": "处分期内，只写评语。",
    })
    assert AnnualAssessment.objects.get(cadre=a).comment == ""
    assert AnnualAssessment.objects.get(cadre=b).grade == "competent"


def test_a_refused_row_saves_nothing_and_its_message_stands_beside_it(client, tree, staff_user,
                                                                     street_cadres):
    a, b, *_ = street_cadres
    annual_save(actor=staff_user, rows=[AnnualRow(a, YEAR, "competent")])
    # The real cap refuses b's row: four cadres at 15% leave no 优秀 place (floor(0.6) = 0).
    client.force_login(staff_user)
    response = client.post(_grid(tree["street"]), {f"grade-{a.pk}": "incompetent",
                                                   f"grade-{b.pk}": "excellent"})
    assert response.status_code == 400
    page = _text(response)
    row_b = re.search(rf'<tr[^>]*id="cadre-{b.pk}".*?</tr>', page, re.S).group(0)
    row_a = re.search(rf'<tr[^>]*id="cadre-{a.pk}".*?</tr>', page, re.S).group(0)
    assert "超出优秀名额" in row_b and "优秀名额 0 名" in row_b and "has-error" in row_b
    assert "超出优秀名额" not in row_a
    assert "没有保存任何等次" in page
    # What was sent is shown again, not what is saved.
    assert '<option value="incompetent" selected>' in row_a
    assert [(g.cadre_id, g.grade) for g in AnnualAssessment.objects.all()] == [(a.pk, "competent")]


def test_a_bad_grade_or_a_blanked_saved_grade_is_refused_inline(client, tree, staff_user, street_cadres):
    a, b, *_ = street_cadres
    annual_save(actor=staff_user, rows=[AnnualRow(a, YEAR, "competent")])
    client.force_login(staff_user)
    response = client.post(_grid(tree["street"]), {f"grade-{a.pk}": "", f"grade-{b.pk}": "优秀"})
    assert response.status_code == 400
    page = _text(response)
    assert "已录入的等次不能清空。" in page and "等次无效。" in page
    assert AnnualAssessment.objects.get().grade == "competent"
    assert AnnualAssessment.objects.count() == 1


def test_each_gate_stands_beside_the_cadre_it_blocks_with_the_forbidden_grades_disabled(
        client, tree, staff_user, street_cadres, one_place):
    from discipline.services import sanction_create

    a, b, c, _d = street_cadres
    sanction_create(actor=staff_user, cadre=a, kind="warning", decided_on=dt.date(YEAR, 3, 1))
    sanction_create(actor=staff_user, cadre=c, kind="demerit", decided_on=dt.date(YEAR - 1, 9, 1))
    client.force_login(staff_user)
    page = _text(client.get(_grid(tree["street"])))
    row_a = re.search(rf'<tr[^>]*id="cadre-{a.pk}".*?</tr>', page, re.S).group(0)
    row_b = re.search(rf'<tr[^>]*id="cadre-{b.pk}".*?</tr>', page, re.S).group(0)
    row_c = re.search(rf'<tr[^>]*id="cadre-{c.pk}".*?</tr>', page, re.S).group(0)
    assert "受警告处分当年，不得评为优秀" in row_a and "《公务员考核规定》" in row_a
    assert '<option value="excellent" disabled>' in row_a
    assert '<option value="competent">' in row_a
    assert "警告" not in row_b and '<option value="excellent">' in row_b
    # During a 记过 (twelve months from 2024-09-01): 不定等次 only, with a comment.
    assert "处分期间，只写评语，不确定等次" in row_c
    assert '<option value="competent" disabled>' in row_c and '<option value="not_graded">' in row_c
    # The gate holds when the page is bypassed: a 优秀 posted for a is refused beside a.
    response = client.post(_grid(tree["street"]), {f"grade-{a.pk}": "excellent"})
    assert response.status_code == 400 and not AnnualAssessment.objects.exists()


def test_the_grid_of_300_cadres_takes_as_many_queries_as_that_of_3(client, tree, staff_user, django_assert_max_num_queries):
    small = UnitFactory(name="小单位", code="JN-LX-S", parent=tree["district"], kind="subdistrict")
    ExcellenceRate.objects.create(unit=small, rate="0.40")  # one place among three
    CadreFactory.create_batch(3, unit=small)
    big = tree["street"]
    cadres = CadreFactory.create_batch(300, unit=big)
    annual_save(actor=staff_user, rows=[AnnualRow(c, YEAR, "competent") for c in cadres[:150]])
    client.force_login(staff_user)
    client.get(_grid(small))  # the session is warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(_grid(small)).status_code == 200
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(_grid(big))
    assert response.status_code == 200
    assert len(many) == len(few)
    assert _text(response).count("<select ") == 300
    # Today, with the placeholder rules: session, user, scope, unit, cadres, grades, quarterly,
    # quota (3). The rules may add a fixed few; never one per cadre.
    assert len(few) <= 20
    # Saving the whole grid (every row changed) is set-based too: both units have rows to
    # create and rows to update.
    small_cadres = list(Cadre.objects.filter(unit=small))
    annual_save(actor=staff_user, rows=[AnnualRow(small_cadres[0], YEAR, "excellent")])
    with CaptureQueriesContext(connection) as few_saved:
        response = client.post(_grid(small), {f"grade-{c.pk}": "competent" for c in small_cadres})
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as many_saved:
        response = client.post(_grid(big), {f"grade-{c.pk}": "basically_competent" for c in cadres})
    assert response.status_code == 302
    assert AnnualAssessment.objects.filter(unit=big, grade="basically_competent").count() == 300
    # The same statements (bulk_create and bulk_update take 2,000 rows a batch).
    assert len(many_saved) == len(few_saved)


def test_the_quarterly_grid_saves_a_quarter_all_at_once(client, tree, staff_user, street_cadres):
    a, b, c, d = street_cadres
    client.force_login(staff_user)
    url = f"/assessments/quarterly/{tree['street'].pk}/{YEAR}/2/"
    page = client.get(url)
    assert page.status_code == 200 and "第二季度" in _text(page)
    response = client.post(url, {f"grade-{a.pk}": "good", f"grade-{b.pk}": "poor", f"grade-{c.pk}": "bad"})
    assert response.status_code == 400 and "等次无效。" in _text(response)
    assert not QuarterlyAssessment.objects.exists()
    response = client.post(url, {f"grade-{a.pk}": "good", f"grade-{b.pk}": "poor"})
    assert response.status_code == 302
    assert set(QuarterlyAssessment.objects.values_list("cadre_id", "quarter", "grade")) == {
        (a.pk, 2, "good"), (b.pk, 2, "poor")}
    # The annual grid shows the quarter beside the cadre.
    annual = _text(client.get(_grid(tree["street"])))
    row_a = re.search(rf'<tr[^>]*id="cadre-{a.pk}".*?</tr>', annual, re.S).group(0)
    assert "Q2 好" in row_a
    assert client.get(f"/assessments/quarterly/{tree['street'].pk}/{YEAR}/5/").status_code == 404


def test_the_list_is_scoped_filtered_and_links_to_the_grid(client, tree, staff_user, admin_user, street_cadres,
                                                           one_place):
    outsider = CadreFactory(unit=tree["other"], name="外单位人")
    annual_save(actor=admin_user, rows=[AnnualRow(street_cadres[0], YEAR, "excellent"),
                                        AnnualRow(street_cadres[1], YEAR, "competent"),
                                        AnnualRow(street_cadres[1], 2024, "competent"),
                                        AnnualRow(outsider, YEAR, "competent")])
    client.force_login(staff_user)
    page = _text(client.get("/assessments/annual/"))
    assert "甲一" in page and "乙二" in page and "外单位人" not in page
    page = _text(client.get("/assessments/annual/", {"grade": "excellent"}))
    assert "甲一" in page and "乙二" not in page
    page = _text(client.get("/assessments/annual/", {"year": "2024"}))
    assert page.count(_grid(tree["street"], 2024)) >= 1 and "甲一" not in page
    page = _text(client.get("/assessments/annual/", {"unit": tree["district"].pk, "tree": "on", "year": YEAR}))
    assert "甲一" in page and f'/assessments/annual/{tree["district"].pk}/{YEAR}/distribution/' in page
    # A unit outside the scope is a bad filter: shown on the form, nothing listed.
    response = client.get("/assessments/annual/", {"unit": tree["other"].pk})
    assert "单位不存在或不在您的管辖范围内" in _text(response) and "甲一" not in _text(response)


def test_the_chooser_leads_to_the_grid_of_a_unit_in_scope(client, tree, staff_user):
    client.force_login(staff_user)
    assert client.get("/assessments/annual/grid/").status_code == 200
    response = client.get("/assessments/annual/grid/", {"unit": tree["street"].pk, "year": YEAR, "kind": "annual"})
    assert response.status_code == 302 and response["Location"] == _grid(tree["street"])
    response = client.get("/assessments/annual/grid/", {"unit": tree["street"].pk, "year": YEAR, "kind": "3"})
    assert response["Location"] == f"/assessments/quarterly/{tree['street'].pk}/{YEAR}/3/"
    response = client.get("/assessments/annual/grid/", {"unit": tree["other"].pk, "year": YEAR, "kind": "annual"})
    assert response.status_code == 400 and "单位不存在或不在您的管辖范围内" in _text(response)


def test_the_distribution_hands_the_counts_to_the_chart_as_json(client, tree, staff_user, street_cadres,
                                                                one_place):
    a, b, c, _d = street_cadres
    annual_save(actor=staff_user, rows=[AnnualRow(a, YEAR, "excellent"), AnnualRow(b, YEAR, "competent"),
                                        AnnualRow(c, YEAR, "competent")])
    client.force_login(staff_user)
    page = _text(client.get(f"/assessments/annual/{tree['street'].pk}/{YEAR}/distribution/"))
    data = json.loads(re.search(r'<script id="grade-distribution" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert [(g["label"], g["count"]) for g in data["grades"]] == [
        ("优秀", 1), ("称职", 2), ("基本称职", 0), ("不称职", 0), ("不定等次", 0)]
    assert (data["graded"], data["excellent"], data["cap"]) == (3, 1, 1)
    assert "vendor/echarts/echarts.min.js" in page and "<script>" not in page


def test_bad_input_is_a_clear_refusal_never_a_500(client, tree, staff_user, street_cadres):
    a = street_cadres[0]
    client.force_login(staff_user)
    huge = str(10**30)
    assert client.get(f"/assessments/annual/{huge}/{YEAR}/").status_code == 404
    assert client.get(f"/assessments/annual/{tree['street'].pk}/{huge}/").status_code == 404
    assert client.get(f"/assessments/quarterly/{tree['street'].pk}/{YEAR}/{huge}/").status_code == 404
    response = client.post(_grid(tree["street"]), {f"grade-{a.pk}": "not_graded", f"comment-{a.pk}": "x" * 2001})
    assert response.status_code == 400 and "评语不能超过 2000 字。" in _text(response)
    response = client.post(_grid(tree["street"]), {f"grade-{a.pk}": "not_graded", f"comment-{a.pk}": "a\x00b"})
    assert response.status_code == 400
    response = client.get("/assessments/annual/", {"year": huge, "unit": huge})
    assert response.status_code == 200 and "没有符合条件的年度考核记录" in _text(response)
    response = client.get("/assessments/annual/grid/", {"unit": "abc", "year": "二〇二五", "kind": "9"})
    assert response.status_code == 400
    assert not AnnualAssessment.objects.exists()
