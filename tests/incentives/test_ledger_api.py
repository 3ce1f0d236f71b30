"""The ledger's API: ledger/ (filters, scope, a fixed query count), ledger/recompute/ (202 with
the job), ledger/honor-board/, rule-proposals/ (confirm, dismiss, 409) and the rules."""

import datetime as dt

import pytest

from core.models import Job, Role
from incentives.models import LedgerRow, RuleProposal
from incentives.services.ledger import tally
from tests.factories import CadreFactory, UnitFactory, UserFactory

from .ledger_helpers import grades, record


@pytest.fixture
def ledger(tree, staff_user):
    street = [CadreFactory(unit=tree["street"]) for _ in range(3)]
    away = CadreFactory(unit=tree["other"])
    grades(street[0], staff_user, y2024="excellent")
    grades(street[1], staff_user, y2024="basically_competent")
    grades(street[2], staff_user, y2024="incompetent")
    grades(away, staff_user, y2024="excellent")
    record(street[0], staff_user, "public_praise", dt.date(2024, 3, 1))
    tally()
    return {"street": street, "away": away}


def test_the_ledger_lists_the_rows_in_scope_with_their_entries(as_user, staff_user, ledger, tree):
    api = as_user(staff_user)
    body = api.get("/api/v1/ledger/", {"year": 2024}).json()
    assert body["count"] == 3  # the county's cadre is out of scope
    top = body["results"][0]
    assert (top["cadre"], top["positive"], top["negative"], top["net"]) == (
        ledger["street"][0].pk, 5, 0, 5)
    assert {e["kind"] for e in top["entries"]} == {"rule", "record"}
    pending = [r for r in body["results"] if r["cadre"] == ledger["street"][2].pk][0]
    assert pending["entries"][0]["pending"] is True and pending["net"] == 0
    only = api.get("/api/v1/ledger/", {"cadre": ledger["street"][1].pk}).json()
    assert [r["net"] for r in only["results"]] == [-5]
    assert api.get("/api/v1/ledger/", {"unit_tree": tree["street"].pk}).json()["count"] == 3
    assert api.get("/api/v1/ledger/", {"year": "x"}).status_code == 400


def test_the_ledger_page_costs_a_fixed_number_of_queries(as_user, admin_user, tree, staff_user,
                                                         django_assert_max_num_queries):
    for _ in range(30):
        grades(CadreFactory(unit=tree["street"]), staff_user, y2024="excellent")
    tally()
    api = as_user(admin_user)
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/ledger/", {"year": 2024, "unit_tree": tree["city"].pk,
                                           "page_size": 50}).json()
    assert body["count"] == 30


def test_recompute_answers_202_with_the_job(as_user, admin_user, staff_user, ledger):
    response = as_user(admin_user).post("/api/v1/ledger/recompute/", {}, format="json")
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["job"]).kind == "incentives.tally"
    staff = as_user(staff_user)
    assert staff.post("/api/v1/ledger/recompute/", {}, format="json").status_code == 403
    assert staff.post("/api/v1/ledger/recompute/", {"cadres": [ledger["away"].pk]},
                      format="json").status_code == 400
    mine = staff.post("/api/v1/ledger/recompute/", {"cadres": [ledger["street"][0].pk],
                                                    "year": 2024}, format="json")
    assert mine.status_code == 202
    reviewer = UserFactory(roles=[Role.REVIEWER], units=[ledger["street"][0].unit])
    assert as_user(reviewer).post("/api/v1/ledger/recompute/", {"cadres": [ledger["street"][0].pk]},
                                  format="json").status_code == 403


def test_the_honor_board_has_the_top_and_the_bottom_of_a_category(as_user, admin_user, ledger):
    body = as_user(admin_user).get("/api/v1/ledger/honor-board/",
                                   {"year": 2024, "category": "comprehensive"}).json()
    assert [r["cadre"] for r in body["top"]][:1] == [ledger["street"][0].pk]
    assert [r["cadre"] for r in body["bottom"]] == [ledger["street"][1].pk]
    assert as_user(admin_user).get("/api/v1/ledger/honor-board/",
                                   {"year": 2024}).status_code == 400


def test_rule_proposals_are_confirmed_or_dismissed_once(as_user, staff_user, ledger):
    api = as_user(staff_user)
    [proposal] = api.get("/api/v1/rule-proposals/", {"state": "pending"}).json()["results"]
    assert proposal["rule_code"] == "incompetent_demotion"
    url = f"/api/v1/rule-proposals/{proposal['id']}/"
    assert api.post(url + "dismiss/", {"reason": ""}, format="json").status_code == 400
    assert api.post(url + "confirm/").json()["state"] == "confirmed"
    again = api.post(url + "dismiss/", {"reason": "重复"}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "confirmed"
    history = api.get(url + "history/").json()
    history = history["results"] if isinstance(history, dict) else history
    assert history[0]["action"] == "confirm"
    assert RuleProposal.objects.get().record.measure.code == "demotion_one_level"


def test_administrators_version_the_rules_through_the_api(as_user, admin_user, staff_user):
    rules = as_user(admin_user).get("/api/v1/accumulation-rules/").json()["results"]
    streak = [r for r in rules if r["code"] == "excellent_three_years"][0]
    url = f"/api/v1/accumulation-rules/{streak['id']}/"
    assert as_user(staff_user).patch(url, {"label": "x"}, format="json").status_code == 403
    bad = as_user(admin_user).patch(url, {"params": {"grade": "excellent"}}, format="json")
    assert bad.status_code == 400
    new = as_user(admin_user).patch(url, {"params": {"grade": "excellent", "years": 4}},
                                    format="json").json()
    assert (new["version"], new["params"]["years"]) == (2, 4)
    assert as_user(admin_user).patch(url, {"label": "旧"}, format="json").status_code == 409


def test_an_out_of_scope_proposal_is_404(as_user, staff_user, tree):
    other_unit = UnitFactory(parent=tree["other"])
    cadre = CadreFactory(unit=other_unit)
    grades(cadre, staff_user, y2024="incompetent")
    tally()
    pk = RuleProposal.objects.get(cadre=cadre).pk
    assert as_user(staff_user).post(f"/api/v1/rule-proposals/{pk}/confirm/").status_code == 404
    assert RuleProposal.objects.get(pk=pk).state == RuleProposal.State.PENDING


# The subtree by the rows' unit_path (a unit moved; a path the tally puts right) ----


def _subtree(api, unit):
    body = api.get("/api/v1/ledger/", {"year": 2024, "unit_tree": unit.pk}).json()
    return sorted(r["cadre"] for r in body["results"])


def test_a_moved_unit_takes_its_ledger_rows_to_its_new_parent(as_user, admin_user, ledger, tree):
    from cadres.services import unit_update

    api = as_user(admin_user)
    street = sorted(c.pk for c in ledger["street"])
    assert _subtree(api, tree["city"]) == street
    unit_update(unit=tree["district"], actor=admin_user, parent=tree["other"])
    tree["street"].refresh_from_db()
    # The rows moved with the unit, in the move's transaction, before any tally.
    assert _subtree(api, tree["city"]) == []
    assert _subtree(api, tree["other"]) == sorted([*street, ledger["away"].pk])
    assert _subtree(api, tree["street"]) == street
    assert {r.unit_path for r in LedgerRow.objects.filter(unit=tree["street"])} == {
        tree["street"].path}
    assert tally()["written"] == 0  # the tally derives the same paths from the units


def test_the_tally_puts_a_wrong_unit_path_right(as_user, admin_user, ledger, tree):
    LedgerRow.objects.filter(unit=tree["street"]).update(unit_path="/0/")
    assert _subtree(as_user(admin_user), tree["street"]) == []
    assert tally()["written"] == 3
    assert _subtree(as_user(admin_user), tree["street"]) == sorted(c.pk for c in ledger["street"])


def test_an_unknown_unit_lists_nothing(as_user, admin_user, ledger):
    body = as_user(admin_user).get("/api/v1/ledger/", {"unit_tree": 999999}).json()
    assert body["count"] == 0 and body["results"] == []
