"""post-election-evaluations/, post-election-rounds/ (candidates, shortlist) and reserve-list/:
the shapes API.md names, 400 for bad input, 404 outside the user's scope, history, the export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from assessments.services.evaluation import evaluation_round_create
from tests.factories import CadreFactory, UserFactory

SIX = ("political", "operation", "professional", "structure", "performance", "problems")


@pytest.fixture
def round_id(tree, staff_user):
    return evaluation_round_create(actor=staff_user, unit=tree["district"], name="换届后评估", year=2026).pk


def body(round_id, **subject):
    return {"round": round_id, **subject, **dict.fromkeys(SIX, 80), "problems": 92}


def test_post_and_get_an_evaluation(as_user, staff_user, tree, round_id):
    api = as_user(staff_user)
    cadre = CadreFactory(unit=tree["street"])
    answer = api.post("/api/v1/post-election-evaluations/", body(round_id, cadre=cadre.pk), format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["cadre"] == cadre.pk and data["unit"] is None and data["round"] == round_id
    assert data["total"] == 82.0 and data["problems"] == 92.0
    assert set(SIX) <= set(data)
    listed = api.get(f"/api/v1/post-election-evaluations/?round={round_id}").json()
    assert listed["count"] == 1 and listed["results"][0]["total"] == 82.0
    history = api.get(f"/api/v1/post-election-evaluations/{data['id']}/history/").json()
    assert history["results"][0]["action"] == "create"
    team = api.post("/api/v1/post-election-evaluations/", body(round_id, unit=tree["street"].pk), format="json")
    assert team.status_code == 201 and team.json()["cadre"] is None


def test_total_is_read_only_and_bad_input_is_400(as_user, staff_user, tree, round_id):
    api = as_user(staff_user)
    cadre = CadreFactory(unit=tree["street"])
    both = api.post("/api/v1/post-election-evaluations/",
                    body(round_id, cadre=cadre.pk, unit=tree["street"].pk), format="json")
    assert both.status_code == 400
    neither = api.post("/api/v1/post-election-evaluations/", body(round_id), format="json")
    assert neither.status_code == 400
    high = api.post("/api/v1/post-election-evaluations/", {**body(round_id, cadre=cadre.pk), "political": 101},
                    format="json")
    assert high.status_code == 400 and "political" in high.json()
    ok = api.post("/api/v1/post-election-evaluations/", {**body(round_id, cadre=cadre.pk), "total": 5},
                  format="json")
    assert ok.json()["total"] == 82.0
    again = api.post("/api/v1/post-election-evaluations/", body(round_id, cadre=cadre.pk), format="json")
    assert again.status_code == 400


def test_outside_scope_is_404_and_cannot_be_named(as_user, staff_user, admin_user, tree):
    other_round = evaluation_round_create(actor=admin_user, unit=tree["other"], name="鹤山", year=2026)
    outsider = CadreFactory(unit=tree["other"])
    admin = as_user(admin_user)
    created = admin.post("/api/v1/post-election-evaluations/", body(other_round.pk, cadre=outsider.pk),
                         format="json").json()
    api = as_user(staff_user)
    assert api.get(f"/api/v1/post-election-evaluations/{created['id']}/").status_code == 404
    assert api.get(f"/api/v1/post-election-evaluations/{created['id']}/history/").status_code == 404
    assert api.get(f"/api/v1/post-election-rounds/{other_round.pk}/").status_code == 404
    assert api.get(f"/api/v1/post-election-evaluations/candidates/?round={other_round.pk}").status_code == 400
    assert api.get("/api/v1/post-election-evaluations/").json()["count"] == 0
    named = api.post("/api/v1/post-election-evaluations/", body(other_round.pk, cadre=outsider.pk), format="json")
    assert named.status_code == 400 and {"round", "cadre"} <= set(named.json())


def test_candidates_shortlist_and_reserve_list(as_user, staff_user, tree, round_id):
    api = as_user(staff_user)
    ids = []
    for i in range(5):
        cadre = CadreFactory(unit=tree["street"], name=f"候选{i}")
        ids.append(api.post("/api/v1/post-election-evaluations/",
                            {**body(round_id, cadre=cadre.pk), **dict.fromkeys(SIX, 90 - i)}, format="json").json()["id"])
    top = api.get(f"/api/v1/post-election-evaluations/candidates/?round={round_id}&top_percent=40").json()
    assert [row["id"] for row in top] == ids[:2]
    assert api.get(f"/api/v1/post-election-evaluations/candidates/?round={round_id}&threshold=87").json()[-1]["id"] == ids[3]
    assert api.get(f"/api/v1/post-election-evaluations/candidates/?round={round_id}&top_percent=abc").status_code == 400
    confirmed = api.post(f"/api/v1/post-election-rounds/{round_id}/shortlist/",
                         {"evaluations": ids[:2], "listed_on": "2026-03-01"}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    assert [row["shortlisted_by"] for row in confirmed.json()] == ["staff1", "staff1"]
    again = api.post(f"/api/v1/post-election-rounds/{round_id}/shortlist/", {"evaluations": ids[:2]}, format="json")
    assert again.status_code == 200
    reserve = api.get("/api/v1/reserve-list/").json()
    assert reserve["count"] == 2
    row = reserve["results"][0]
    assert row["source"] == "evaluation" and row["listed_on"] == "2026-03-01" and row["source_id"] in ids
    cadre = api.get(f"/api/v1/cadres/{row['cadre']}/").json()
    assert "standout" in cadre["tags"]
    assert api.get("/api/v1/reserve-list/?source=frontline").json()["count"] == 0
    export = api.get("/api/v1/reserve-list/export/")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 3
    # a cadre of another jurisdiction never sees them
    outsider = as_user(UserFactory(units=[tree["other"]]))
    assert outsider.get("/api/v1/reserve-list/").json()["count"] == 0
    assert outsider.get(f"/api/v1/reserve-list/{row['id']}/").status_code == 404


def test_readers_may_not_write(as_user, tree, round_id):
    from core.models import Role

    reviewer = as_user(UserFactory(roles=[Role.REVIEWER], units=[tree["district"]]))
    cadre = CadreFactory(unit=tree["street"])
    answer = reviewer.post("/api/v1/post-election-evaluations/", body(round_id, cadre=cadre.pk), format="json")
    assert answer.status_code == 403
    from assessments.models import PostElectionEvaluation

    assert not PostElectionEvaluation.objects.filter(cadre=cadre).exists()


@pytest.mark.parametrize(("language", "title", "first"), [("zh-hans", "干部推荐参考名单", "姓名"),
                                                         ("en", "Recommendation list", "Name")])
def test_the_reserve_list_export_opens_in_excel_in_either_language(client, staff_user, language,
                                                                  title, first):
    # Found in a browser: in English the sheet was named "Cadre recommendation reference list",
    # 35 characters, which Excel refuses (31 at most), and its header stayed in Chinese.
    client.force_login(staff_user)
    client.cookies["django_language"] = language
    export = client.get("/assessments/reserve-list/export/")
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.content))
    assert book.sheetnames == [title] and all(len(name) <= 31 for name in book.sheetnames)
    assert next(book.active.iter_rows(values_only=True))[0] == first
