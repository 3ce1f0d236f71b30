"""frontline-projects/ and frontline-records/: the shapes API.md names, `overdue` on the project,
attaching cadres and outcomes, history, 404 outside scope."""

import datetime as dt

import time_machine

from tests.factories import CadreFactory, UserFactory


@time_machine.travel(dt.datetime(2025, 11, 13, 10, 0), tick=False)
def test_project_with_cadres_records_and_overdue(as_user, staff_user, tree):
    api = as_user(staff_user)
    a, b = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["street"])
    created = api.post("/api/v1/frontline-projects/", {
        "name": "小清河治理", "unit": tree["district"].pk, "start_date": "2025-06-02",
        "cadres": [{"cadre": a.pk}, {"cadre": b.pk, "attached_on": "2025-11-10"}]}, format="json")
    assert created.status_code == 201, created.content
    project = created.json()
    assert [c["attached_on"] for c in project["cadres"]] == ["2025-06-02", "2025-11-10"]
    assert {(o["cadre"], o["cadence"]) for o in project["overdue"]} == {
        (a.pk, "daily"), (a.pk, "weekly"), (a.pk, "monthly"), (a.pk, "quarterly"), (b.pk, "daily")}
    for cadence, day in [("daily", "2025-11-12"), ("weekly", "2025-11-07"), ("monthly", "2025-10-31"),
                         ("quarterly", "2025-09-30")]:
        record = api.post("/api/v1/frontline-records/", {"project": project["id"], "cadre": a.pk,
                                                         "cadence": cadence, "date": day, "content": "已完成"},
                          format="json")
        assert record.status_code == 201, record.content
        assert set(record.json()) >= {"cadre", "project", "cadence", "date", "content"}
    detail = api.get(f"/api/v1/frontline-projects/{project['id']}/").json()
    assert [(o["cadre"], o["cadence"]) for o in detail["overdue"]] == [(b.pk, "daily")]
    listed = api.get("/api/v1/frontline-projects/").json()["results"][0]
    assert listed["overdue"] == detail["overdue"]
    future = api.post("/api/v1/frontline-records/", {"project": project["id"], "cadre": a.pk, "cadence": "daily",
                                                     "date": "2025-11-14", "content": "x"}, format="json")
    assert future.status_code == 400 and "date" in future.json()
    bad = api.post("/api/v1/frontline-records/", {"project": project["id"], "cadre": a.pk, "cadence": "hourly",
                                                  "date": "2025-11-12", "content": "x"}, format="json")
    assert bad.status_code == 400 and "cadence" in bad.json()
    records = api.get(f"/api/v1/frontline-records/?project={project['id']}&cadence=daily").json()
    assert records["count"] == 1
    history = api.get(f"/api/v1/frontline-records/{records['results'][0]['id']}/history/").json()
    assert history["results"][0]["action"] == "create"
    assert api.get(f"/api/v1/frontline-projects/{project['id']}/history/").status_code == 200


@time_machine.travel(dt.datetime(2025, 11, 13, 10, 0), tick=False)
def test_attach_and_outcomes(as_user, staff_user, tree):
    api = as_user(staff_user)
    a, c = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["street"])
    project = api.post("/api/v1/frontline-projects/", {"name": "工程", "unit": tree["district"].pk,
                                                       "start_date": "2025-06-02", "cadres": [{"cadre": a.pk}]},
                       format="json").json()
    attached = api.post(f"/api/v1/frontline-projects/{project['id']}/cadres/",
                        {"cadres": [{"cadre": c.pk, "attached_on": "2025-07-01"}]}, format="json")
    assert attached.status_code == 200 and len(attached.json()["cadres"]) == 2
    twice = api.post(f"/api/v1/frontline-projects/{project['id']}/cadres/", {"cadres": [{"cadre": c.pk}]},
                     format="json")
    assert twice.status_code == 400
    outcome = api.post(f"/api/v1/frontline-projects/{project['id']}/outcomes/",
                       {"cadres": [a.pk], "red_flag": True, "reserve": True}, format="json")
    assert outcome.status_code == 200, outcome.content
    assert "red_flag" in api.get(f"/api/v1/cadres/{a.pk}/").json()["tags"]
    reserve = api.get("/api/v1/reserve-list/?source=frontline").json()
    assert reserve["count"] == 1 and reserve["results"][0]["project"] == project["id"]
    stranger = CadreFactory(unit=tree["street"])
    refused = api.post(f"/api/v1/frontline-projects/{project['id']}/outcomes/",
                       {"cadres": [stranger.pk], "red_flag": True}, format="json")
    assert refused.status_code == 400


def test_outside_scope_is_404(as_user, admin_user, staff_user, tree):
    admin = as_user(admin_user)
    outsider = CadreFactory(unit=tree["other"])
    project = admin.post("/api/v1/frontline-projects/", {"name": "鹤山工程", "unit": tree["other"].pk,
                                                         "start_date": "2025-01-06",
                                                         "cadres": [{"cadre": outsider.pk}]}, format="json").json()
    record = admin.post("/api/v1/frontline-records/", {"project": project["id"], "cadre": outsider.pk,
                                                       "cadence": "daily", "date": "2025-01-06", "content": "x"},
                        format="json").json()
    api = as_user(staff_user)
    assert api.get(f"/api/v1/frontline-projects/{project['id']}/").status_code == 404
    assert api.get(f"/api/v1/frontline-records/{record['id']}/").status_code == 404
    assert api.get(f"/api/v1/frontline-records/{record['id']}/history/").status_code == 404
    assert api.post(f"/api/v1/frontline-projects/{project['id']}/outcomes/",
                    {"cadres": [outsider.pk], "red_flag": True}, format="json").status_code == 404
    named = api.post("/api/v1/frontline-records/", {"project": project["id"], "cadre": outsider.pk,
                                                    "cadence": "daily", "date": "2025-01-07", "content": "x"},
                     format="json")
    assert named.status_code == 400
    reader = as_user(UserFactory(units=[tree["other"]]))
    assert reader.get("/api/v1/frontline-projects/").json()["count"] == 1


@time_machine.travel(dt.datetime(2025, 11, 13, 10, 0), tick=False)
def test_timeline_and_dashboard(as_user, staff_user, tree, client):
    from assessments.services.evaluation import evaluation_create, evaluation_round_create, shortlist_confirm
    from assessments.services.frontline import frontline_project_create, frontline_record_create

    a = CadreFactory(unit=tree["street"])
    project = frontline_project_create(actor=staff_user, name="工程", unit=tree["district"],
                                       start_date=dt.date(2025, 6, 2), cadres=[(a, None)])
    frontline_record_create(actor=staff_user, project=project, cadre=a, cadence="daily",
                            date=dt.date(2025, 11, 12), content="日报")
    frontline_record_create(actor=staff_user, project=project, cadre=a, cadence="weekly",
                            date=dt.date(2025, 11, 7), content="周检查")
    evaluation_round = evaluation_round_create(actor=staff_user, unit=tree["district"], name="评估", year=2025,
                                               held_on=dt.date(2025, 9, 26))
    evaluation = evaluation_create(actor=staff_user, round=evaluation_round, cadre=a,
                                   **dict.fromkeys(["political", "operation", "professional", "structure",
                                                    "performance", "problems"], 95))
    shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=[evaluation],
                      listed_on=dt.date(2025, 10, 1))
    entries = as_user(staff_user).get(f"/api/v1/cadres/{a.pk}/timeline/").json()
    entries = entries.get("results", entries)
    kinds = {e["kind"]: e for e in entries}
    assert {"post_election_evaluation", "reserve_list", "frontline"} <= set(kinds)
    assert "日报告 1 次" in kinds["frontline"]["detail"] and "周检查 1 次" in kinds["frontline"]["detail"]
    client.force_login(staff_user)
    assert client.get("/").status_code == 200
    from core.dashboard import dashboard_stats

    stats = dashboard_stats(user=staff_user)
    assert stats["reserve_list"] == 1 and stats["frontline_overdue_projects"] == 1
    outsider = UserFactory(units=[tree["other"]])
    assert dashboard_stats(user=outsider)["reserve_list"] == 0


def _queries(api, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


@time_machine.travel(dt.datetime(2025, 11, 13, 10, 0), tick=False)
def test_lists_answer_in_a_fixed_number_of_queries(as_user, staff_user, tree):
    from assessments.services.evaluation import evaluation_create, evaluation_round_create, shortlist_confirm
    from assessments.services.frontline import frontline_project_create, frontline_record_create

    api = as_user(staff_user)
    evaluation_round = evaluation_round_create(actor=staff_user, unit=tree["district"], name="评估", year=2025)
    six = dict.fromkeys(["political", "operation", "professional", "structure", "performance", "problems"], 90)

    def grow(n):
        for _ in range(n):
            cadre = CadreFactory(unit=tree["street"])
            project = frontline_project_create(actor=staff_user, name="工程", unit=tree["district"],
                                               start_date=dt.date(2025, 6, 2), cadres=[(cadre, None)])
            frontline_record_create(actor=staff_user, project=project, cadre=cadre, cadence="daily",
                                    date=dt.date(2025, 11, 12), content="日报")
            evaluation = evaluation_create(actor=staff_user, round=evaluation_round, cadre=cadre, **six)
            shortlist_confirm(actor=staff_user, evaluation_round=evaluation_round, evaluations=[evaluation])

    paths = ["/api/v1/frontline-projects/", "/api/v1/frontline-records/", "/api/v1/post-election-evaluations/",
             "/api/v1/reserve-list/"]
    grow(2)
    few = [_queries(api, p) for p in paths]
    grow(5)
    assert [_queries(api, p) for p in paths] == few
