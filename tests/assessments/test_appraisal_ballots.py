"""民主测评: codes shown once and kept only as hashes, one ballot per code (also under a race),
closed rounds and unknown codes refused, the ballot page rate-limited, results after closing,
and nothing stored that joins a ballot to its code."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.models import AppraisalBallot, AppraisalCode, AppraisalMark, AppraisalRound
from assessments.selectors.appraisal import appraisal_results
from assessments.services.appraisal import (
    CODE_ALPHABET,
    BallotRefused,
    appraisal_open,
    ballot_cast,
    code_entropy_bits,
    normalize_code,
)
from core.models import AuditEntry, Role
from tests.concurrency import at_once
from tests.factories import CadreFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def _open(user, unit, voters=3, hours=24):
    return appraisal_open(actor=user, unit=unit, year=2025, kind=AppraisalRound.Kind.ANNUAL,
                          closes_at=timezone.now() + dt.timedelta(hours=hours), voters=voters)


@pytest.fixture
def opened(tree, staff_user):
    CadreFactory(unit=tree["street"], name="甲干部")
    CadreFactory(unit=tree["street"], name="乙干部")
    CadreFactory(unit=tree["street"], name="离任者", status="transferred")
    return _open(staff_user, tree["street"])


def _marks(round_, rating="good"):
    return {pk: rating for pk in round_.cadres.values_list("pk", flat=True)}


def test_codes_are_short_unambiguous_and_stored_only_as_hashes(opened):
    assert len(opened.codes) == 3 and len(set(opened.codes)) == 3
    for code in opened.codes:
        plain = normalize_code(code)
        assert len(plain) == 10 and set(plain) <= set(CODE_ALPHABET)
        assert not set(plain) & set("01OIL")
    assert code_entropy_bits() > 45
    stored = list(AppraisalCode.objects.values_list("code_hash", "used"))
    assert len(stored) == 3 and not any(used for _, used in stored)
    everything = " ".join(h for h, _ in stored) + str(list(AuditEntry.objects.values_list("changes", flat=True)))
    for code in opened.codes:
        assert normalize_code(code) not in everything and code not in everything
    # The active cadres when opened, fixed then: a cadre added later is not rated.
    assert sorted(opened.round.cadres.values_list("name", flat=True)) == ["乙干部", "甲干部"]
    CadreFactory(unit=opened.round.unit, name="后来者")
    assert opened.round.cadres.count() == 2


def test_a_code_votes_once_in_any_spelling(opened):
    code = opened.codes[0]
    ballot_cast(code=code.lower().replace("-", " "), team="good", marks=_marks(opened.round))
    with pytest.raises(BallotRefused) as caught:
        ballot_cast(code=code, team="poor", marks=_marks(opened.round, "poor"))
    assert caught.value.reason == "invalid"
    assert AppraisalBallot.objects.count() == 1
    opened.round.refresh_from_db()
    assert opened.round.ballots_cast == 1


def test_a_ballot_must_rate_every_cadre_and_the_team(opened):
    from django.core.exceptions import ValidationError

    marks = _marks(opened.round)
    marks.popitem()
    with pytest.raises(ValidationError):
        ballot_cast(code=opened.codes[0], team="good", marks=marks)
    with pytest.raises(ValidationError):
        ballot_cast(code=opened.codes[0], team="", marks=_marks(opened.round))
    assert not AppraisalBallot.objects.exists()
    assert not AppraisalCode.objects.filter(used=True).exists()


def race(*calls):
    return at_once(*calls, outcomes=True)


@pytest.mark.django_db(transaction=True)
def test_two_submissions_racing_with_one_code_cast_one_ballot(tree, staff_user):
    CadreFactory(unit=tree["street"], name="甲干部")
    opened = _open(staff_user, tree["street"])
    marks = _marks(opened.round)
    code = opened.codes[0]
    results = race(lambda: ballot_cast(code=code, team="good", marks=marks),
                   lambda: ballot_cast(code=code, team="poor", marks=marks))
    refused = [r for r in results if isinstance(r, BallotRefused)]
    assert len(refused) == 1 and results.count(None) == 1, results
    assert AppraisalBallot.objects.count() == 1
    assert AppraisalRound.objects.get().ballots_cast == 1


def test_a_closed_round_refuses_ballots_with_a_clear_page(opened, client):
    code = opened.codes[0]
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        with pytest.raises(BallotRefused) as caught:
            ballot_cast(code=code, team="good", marks=_marks(opened.round))
        assert caught.value.reason == "closed"
        response = client.get(reverse("appraisal-ballot", args=[code]))
    assert response.status_code == 410
    assert "测评已截止" in response.content.decode()
    assert not AppraisalBallot.objects.exists()


def test_unknown_and_used_codes_get_one_answer(opened, client):
    code = opened.codes[0]
    page = client.get(reverse("appraisal-ballot", args=[code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲干部" in html and "领导班子" in html and "csrfmiddlewaretoken" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1] and 'style="' not in html
    data = {f"cadre_{pk}": "fairly_good" for pk in opened.round.cadres.values_list("pk", flat=True)}
    data["team"] = "good"
    done = client.post(reverse("appraisal-ballot", args=[code]), data)
    assert done.status_code == 302 and done["Location"] == reverse("appraisal-ballot-done")
    assert code not in done["Location"]
    used = client.get(reverse("appraisal-ballot", args=[code]))
    again = client.post(reverse("appraisal-ballot", args=[code]), data)
    unknown = client.get(reverse("appraisal-ballot", args=["ABCDE-FGHJK"]))
    garbage = client.get(reverse("appraisal-ballot", args=["x"]))
    assert used.status_code == again.status_code == unknown.status_code == garbage.status_code == 404
    def main(response):
        return response.content.decode().split("<main")[1].split("</main>")[0]

    assert main(used) == main(unknown) == main(garbage) == main(again)
    assert "测评码无效或已使用" in unknown.content.decode()
    assert AppraisalBallot.objects.count() == 1


def test_an_incomplete_ballot_is_shown_again_and_spends_nothing(opened, client):
    response = client.post(reverse("appraisal-ballot", args=[opened.codes[0]]), {"team": "good"})
    assert response.status_code == 400
    assert "请评价该干部" in response.content.decode()
    assert not AppraisalCode.objects.filter(used=True).exists()


def test_the_ballot_page_is_rate_limited_per_ip(opened, client, settings):
    settings.DANDANG = {**settings.DANDANG, "BALLOT_RATE_LIMIT": "3/m"}
    url = reverse("appraisal-ballot", args=["ABCDE-FGHJK"])
    answers = [client.get(url, REMOTE_ADDR="10.0.0.7").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    limited = client.get(reverse("appraisal-ballot", args=[opened.codes[0]]), REMOTE_ADDR="10.0.0.7")
    assert limited.status_code == 429 and "请求过于频繁" in limited.content.decode()
    assert client.get(url, REMOTE_ADDR="10.0.0.8").status_code == 404


def test_results_count_and_score_each_cadre_and_the_team(opened, staff_user):
    round_ = opened.round
    a, b = round_.cadres.order_by("name")
    ballot_cast(code=opened.codes[0], team="good", marks={a.pk: "good", b.pk: "poor"})
    ballot_cast(code=opened.codes[1], team="average", marks={a.pk: "fairly_good", b.pk: "poor"})
    results = appraisal_results(appraisal_round=round_)
    assert results.team.counts == {"good": 1, "fairly_good": 0, "average": 1, "poor": 0}
    assert results.team.score == 80.0
    by_name = {c.name: t for c, t in results.cadres}
    assert by_name[a.name].counts["good"] == 1 and by_name[a.name].score == 90.0
    assert by_name[b.name].counts["poor"] == 2 and by_name[b.name].score == 0.0
    round_.refresh_from_db()
    assert round_.turnout == pytest.approx(2 / 3)


def test_nothing_stored_joins_a_ballot_to_its_code(opened, staff_user):
    before = AuditEntry.objects.count()
    for code in opened.codes[:2]:
        ballot_cast(code=code, team="good", marks=_marks(opened.round))
    # Casting writes no audit entry at all (an entry carries a time and an order).
    assert AuditEntry.objects.count() == before
    code_columns = {f.column: f for f in AppraisalCode._meta.concrete_fields}
    assert set(code_columns) == {"id", "round_id", "code_hash", "used"}
    for model in (AppraisalBallot, AppraisalMark):
        fields = model._meta.concrete_fields
        # No reference to a code, no time, no sequence: random ids.
        assert not any(f.is_relation and f.related_model is AppraisalCode for f in fields)
        assert not any(f.get_internal_type() in ("DateTimeField", "DateField", "TimeField")
                       for f in fields)
        assert model._meta.pk.get_internal_type() == "UUIDField"
        assert not model._meta.ordering
    assert {f.column for f in AppraisalBallot._meta.concrete_fields} == {"id", "round_id", "team"}
    assert {f.column for f in AppraisalMark._meta.concrete_fields} == {
        "id", "ballot_id", "cadre_id", "rating"}
    # The only column the two share is the round: every used code of the round matches every
    # ballot of the round alike.
    assert not AppraisalCode._meta.get_field("round").related_model is AppraisalBallot
    with connection.cursor() as cursor:
        ballot_cols = {c.name for c in connection.introspection.get_table_description(
            cursor, AppraisalBallot._meta.db_table)}
        code_cols = {c.name for c in connection.introspection.get_table_description(
            cursor, AppraisalCode._meta.db_table)}
    assert ballot_cols & code_cols == {"id", "round_id"}
    assert "used_at" not in code_cols


def test_sealing_rewrites_the_ballots_and_keeps_the_counts(opened, staff_user):
    a, b = opened.round.cadres.order_by("name")
    ballot_cast(code=opened.codes[0], team="good", marks={a.pk: "good", b.pk: "average"})
    old_ids = set(AppraisalBallot.objects.values_list("pk", flat=True))
    before = appraisal_results(appraisal_round=opened.round)
    from assessments.services.appraisal import appraisal_seal
    from core.errors import Conflict

    with pytest.raises(Conflict):
        appraisal_seal(round=opened.round, actor=staff_user)
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        appraisal_seal(round=opened.round, actor=staff_user)
    assert not old_ids & set(AppraisalBallot.objects.values_list("pk", flat=True))
    after = appraisal_results(appraisal_round=opened.round)
    assert after.team.counts == before.team.counts
    assert [t.counts for _, t in after.cadres] == [t.counts for _, t in before.cadres]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {AppraisalBallot._meta.db_table} "
                           f"UNION SELECT DISTINCT xmin::text FROM {AppraisalCode._meta.db_table}")
            assert len(cursor.fetchall()) == 1


# API and pages -----------------------------------------------------------------------


def test_api_answers_the_codes_once(tree, staff_user, as_user):
    CadreFactory(unit=tree["street"], name="甲干部")
    api = as_user(staff_user)
    closes = (timezone.now() + dt.timedelta(days=2)).isoformat()
    created = api.post("/api/v1/democratic-appraisals/", {
        "unit": tree["street"].pk, "year": 2025, "kind": "post_election", "closes_at": closes,
        "voters": 4}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["codes"]) == 4 and body["ballots_cast"] == 0 and len(body["cadres"]) == 1
    assert "no-store" in created["Cache-Control"]
    pk = body["id"]
    detail = api.get(f"/api/v1/democratic-appraisals/{pk}/").json()
    listed = api.get("/api/v1/democratic-appraisals/").json()
    history = api.get(f"/api/v1/democratic-appraisals/{pk}/history/").json()
    for answer in (detail, listed, history):
        assert "codes" not in str(answer).replace("'codes'", "")  # no key, no value
        for code in body["codes"]:
            assert code not in str(answer)
    assert "codes" not in detail
    assert history["results"][0]["action"] == "open"
    early = api.get(f"/api/v1/democratic-appraisals/{pk}/results/")
    assert early.status_code == 409 and early.json()["state"] == "open"


def test_api_results_after_closing(opened, staff_user, as_user):
    ballot_cast(code=opened.codes[0], team="good", marks=_marks(opened.round))
    api = as_user(staff_user)
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        data = api.get(f"/api/v1/democratic-appraisals/{opened.round.pk}/results/").json()
    assert data["ballots_cast"] == 1 and data["voters"] == 3
    assert data["team"] == {"counts": {"good": 1, "fairly_good": 0, "average": 0, "poor": 0},
                            "ballots": 1, "score": 100.0}
    assert {c["cadre_name"] for c in data["cadres"]} == {"甲干部", "乙干部"}


def test_api_refuses_an_open_outside_scope_and_bad_input(tree, staff_user, as_user):
    api = as_user(staff_user)
    closes = (timezone.now() + dt.timedelta(days=2)).isoformat()
    outside = api.post("/api/v1/democratic-appraisals/", {
        "unit": tree["other"].pk, "year": 2025, "kind": "annual", "closes_at": closes,
        "voters": 4}, format="json")
    assert outside.status_code == 400 and "unit" in outside.json()
    past = api.post("/api/v1/democratic-appraisals/", {
        "unit": tree["street"].pk, "year": 2025, "kind": "annual",
        "closes_at": "2020-01-01T00:00:00Z", "voters": 0}, format="json")
    assert past.status_code == 400
    reviewer = UserFactory(username="rev", roles=[Role.REVIEWER], units=[tree["district"]])
    assert as_user(reviewer).post("/api/v1/democratic-appraisals/", {
        "unit": tree["street"].pk, "year": 2025, "kind": "annual", "closes_at": closes,
        "voters": 4}, format="json").status_code == 403
    assert not AppraisalRound.objects.exists()


def test_out_of_scope_is_404_everywhere(opened, tree, as_user, client):
    stranger = UserFactory(username="heshan", roles=[Role.STAFF], units=[tree["other"]])
    api = as_user(stranger)
    pk = opened.round.pk
    for path in ("", "results/", "history/"):
        assert api.get(f"/api/v1/democratic-appraisals/{pk}/{path}").status_code == 404
    assert api.get("/api/v1/democratic-appraisals/").json()["count"] == 0
    client.force_login(stranger)
    assert client.get(reverse("assessments:appraisal-detail", args=[pk])).status_code == 404
    assert client.post(reverse("assessments:appraisal-slips", args=[pk]),
                       {"code": opened.codes}).status_code == 404


def test_a_second_round_is_not_opened_while_one_of_that_unit_year_and_kind_is_open(opened, staff_user,
                                                                                 tree):
    with pytest.raises(ValidationError) as refused:
        _open(staff_user, tree["street"])
    assert "已有一轮进行中的年度民主测评" in refused.value.message_dict["unit"][0]
    assert AppraisalRound.objects.count() == 1 and AppraisalCode.objects.count() == 3
    # Another kind, or once the round has closed, is a new round.
    appraisal_open(actor=staff_user, unit=tree["street"], year=2025,
                   kind=AppraisalRound.Kind.POST_ELECTION,
                   closes_at=timezone.now() + dt.timedelta(hours=24), voters=2)
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        _open(staff_user, tree["street"])
    assert AppraisalRound.objects.count() == 3


def test_posting_the_opening_form_twice_opens_one_round(tree, staff_user, client):
    # Found in a browser: reloading the codes' page (the answer to the POST) or a second click
    # opened a second round with codes of its own, splitting the votes.
    client.force_login(staff_user)
    closes = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"unit": tree["street"].pk, "year": 2025, "kind": "annual", "closes_at": closes,
            "voters": 2}
    assert client.post(reverse("assessments:appraisal-create"), data).status_code == 201
    again = client.post(reverse("assessments:appraisal-create"), data)
    assert again.status_code == 400
    assert "不能重复发起" in again.content.decode()
    assert AppraisalRound.objects.count() == 1 and AppraisalCode.objects.count() == 2


def test_the_page_shows_the_codes_once_and_the_slips_download_needs_them(tree, staff_user, client):
    CadreFactory(unit=tree["street"], name="甲干部")
    client.force_login(staff_user)
    closes = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(reverse("assessments:appraisal-create"), {
        "unit": tree["street"].pk, "year": 2025, "kind": "annual", "closes_at": closes,
        "voters": 2})
    assert answer.status_code == 201
    html = answer.content.decode()
    round_ = AppraisalRound.objects.get()
    slips = answer.context["slips"]
    codes = [s["code"] for s in slips]
    assert len(codes) == 2 and all(c in html for c in codes)
    assert "data:image/svg+xml" in html and "/ballot/" in html
    detail = client.get(round_.get_absolute_url()).content.decode()
    listing = client.get(reverse("assessments:appraisal-list")).content.decode()
    assert not any(c in detail or c in listing for c in codes)
    sheet = client.post(reverse("assessments:appraisal-slips", args=[round_.pk]), {"code": codes})
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(sheet.content)).active
    assert sorted(ws.cell(row=r, column=3).value for r in (2, 3)) == sorted(codes)
    # Without the codes (or with made-up ones) there is nothing to download.
    assert client.post(reverse("assessments:appraisal-slips", args=[round_.pk])).status_code == 400
    assert client.post(reverse("assessments:appraisal-slips", args=[round_.pk]),
                       {"code": ["ABCDE-FGHJK"]}).status_code == 400


def test_the_detail_page_shows_results_only_when_closed(opened, staff_user, client):
    ballot_cast(code=opened.codes[0], team="good", marks=_marks(opened.round))
    client.force_login(staff_user)
    url = opened.round.get_absolute_url()
    open_page = client.get(url).content.decode()
    assert "测评结果在截止后显示" in open_page and "综合得分" not in open_page
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        closed_page = client.get(url).content.decode()
    assert "综合得分" in closed_page and "100.0" in closed_page


def test_beat_seals_a_round_soon_after_it_closes_and_leaves_an_open_one(opened, tree, staff_user):
    from django.conf import settings

    from assessments.services.appraisal import seal_due_rounds

    still_open = _open(staff_user, tree["district"], hours=48)
    a, b = opened.round.cadres.order_by("name")
    ballot_cast(code=opened.codes[0], team="good", marks={a.pk: "good", b.pk: "average"})
    assert seal_due_rounds() == 0
    with time_machine.travel(opened.round.closes_at + dt.timedelta(minutes=1)):
        assert seal_due_rounds() == 1
        assert seal_due_rounds() == 0  # sealed once
    opened.round.refresh_from_db()
    still_open.round.refresh_from_db()
    assert opened.round.sealed and not still_open.round.sealed
    schedule = settings.CELERY_BEAT_SCHEDULE["assessments.seal_closed_appraisals"]
    assert schedule["task"] == "assessments.tasks.seal_closed_appraisals"
