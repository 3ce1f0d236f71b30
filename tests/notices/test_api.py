"""notices/ (API.md): a draft of each kind created, edited, previewed, published and
downloaded through the API; a published notice never changes (PATCH 409); what each refusal
answers and leaves."""

import hashlib

import pytest

from core.models import AuditEntry
from notices.models import Notice, NoticeSequence

URL = "/api/v1/notices/"

pytestmark = pytest.mark.django_db


def payloads(people, sources, publish_day):
    return {
        "pre_appointment": {"items": [{"cadre": people.subject.pk,
                                       "proposed_post": "历下区某局局长",
                                       "exceptional_reason": "任职年限破格"}],
                            "period_start": publish_day.isoformat()},
        "tolerance_decision": {"case": sources["case"].pk},
        "clarification": {"clarification": sources["clarification"].pk},
        "commendation": {"records": [sources["record"].pk]},
    }


@pytest.mark.parametrize("kind", list(Notice.Kind.values))
def test_each_kind_drafts_previews_publishes_and_downloads(kind, people, sources, publish_day,
                                                            as_user, tree):
    api = as_user(people.staff)
    body = {"kind": kind, "issuing_unit": tree["district"].pk, "issuer": "中共历下区委组织部",
            **payloads(people, sources, publish_day)[kind]}
    created = api.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    notice = created.json()
    assert notice["state"] == "draft" and notice["document_number"] == ""
    assert notice["issuing_unit"] == tree["district"].pk and notice["verify_url"] is None
    assert notice["sha256"] == "" and notice["verification_code"] is None
    url = f"{URL}{notice['id']}/"

    edited = api.patch(url, {"title": "新标题", "cc": "区委办公室"}, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["title"] == "新标题"
    assert edited.json()["published_by"] is None and edited.json()["verify_url"] is None

    preview = api.get(f"{url}pdf/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF")
    assert not Notice.objects.get(pk=notice["id"]).sha256  # a preview stores nothing

    published = api.post(f"{url}publish/")
    assert published.status_code == 200, published.json()
    done = published.json()
    assert done["state"] == "published" and done["published_by"] == "staff2"
    assert done["document_number"].endswith("〔2025〕1号")
    assert done["verify_url"].endswith(f"/verify/{done['verification_code']}/")
    assert done["issued_on"] == publish_day.isoformat()
    # API.md's `issuer`: the issuing body printed on the notice, instead of the configured one.
    frozen = Notice.objects.get(pk=notice["id"]).content
    assert frozen["issuer"]["body"] == "中共历下区委组织部" and done["issuer"] == "中共历下区委组织部"

    pdf = api.get(f"{url}pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == done["sha256"]
    assert "attachment" in pdf["Content-Disposition"]
    assert "filename*=utf-8''" in pdf["Content-Disposition"]
    assert pdf["Cache-Control"].startswith("max-age=0") or "no-store" in pdf["Cache-Control"]
    assert "no-store" in api.get(url)["Cache-Control"]

    history = api.get(f"{url}history/").json()["results"]
    assert [h["action"] for h in history] == ["publish", "update", "create"]
    assert history[0]["actor"] == "staff2"


def test_pre_appointment_items_and_period(people, sources, publish_day, as_user, tree):
    api = as_user(people.staff)
    res = api.post(URL, {"kind": "pre_appointment", "entries": [
        {"cadre": people.subject.pk, "proposed_post": "局长", "note": "试用期一年"}],
        "period_start": publish_day.isoformat(), "period_days": 5}, format="json")
    assert res.status_code == 201, res.json()
    items = res.json()["items"]
    assert items == [{"cadre": people.subject.pk, "cadre_name": "謝允崗", "proposed_post": "局长",
                      "note": "试用期一年", "exceptional_reason": ""}]
    # No issuing unit: the top of the caller's scope; no issuer: the configured issuing body.
    assert res.json()["issuing_unit"] == tree["district"].pk and res.json()["issuer"] == ""
    done = api.post(f"{URL}{res.json()['id']}/publish/").json()
    assert done["period_end"] == "2025-10-17"


def test_a_published_notice_is_never_patched(people, sources, publish_day, as_user):
    api = as_user(people.staff)
    notice = api.post(URL, {"kind": "clarification",
                            "clarification": sources["clarification"].pk}, format="json").json()
    url = f"{URL}{notice['id']}/"
    assert api.post(f"{url}publish/").status_code == 200
    before = Notice.objects.get(pk=notice["id"])
    entries = AuditEntry.objects.count()
    for body in ({"title": "改"}, {"title": ""}, {"kind": "commendation"}, {}):
        res = api.patch(url, body, format="json")
        assert res.status_code == 409, res.json()
        assert res.json()["state"] == "published" and res.json()["detail"]
    again = api.post(f"{url}publish/")
    assert again.status_code == 409 and again.json()["state"] == "published"
    after = Notice.objects.get(pk=notice["id"])
    assert (after.title, after.sha256, after.updated_at) == (before.title, before.sha256,
                                                             before.updated_at)
    assert AuditEntry.objects.count() == entries
    assert NoticeSequence.objects.get(kind="clarification").last == 1


def test_publish_names_what_is_missing_and_takes_no_number(people, sources, publish_day, as_user):
    api = as_user(people.staff)
    notice = api.post(URL, {"kind": "pre_appointment"}, format="json").json()
    res = api.post(f"{URL}{notice['id']}/publish/")
    assert res.status_code == 400
    assert set(res.json()) == {"entries", "period_start"}
    assert Notice.objects.get(pk=notice["id"]).state == "draft"
    assert not NoticeSequence.objects.filter(kind="pre_appointment", last__gt=0).exists()


def test_bad_drafts_are_400_and_store_nothing(people, sources, publish_day, as_user, tree):
    api = as_user(people.staff)
    bad = [
        {"kind": "nonsense"},
        {"kind": "clarification", "case": sources["case"].pk},  # a case on a clarification
        {"kind": "commendation", "records": [999999]},
        {"kind": "pre_appointment", "items": [{"cadre": people.subject.pk, "proposed_post": ""}]},
        {"kind": "pre_appointment", "period_days": 0},
        {"kind": "clarification", "issuing_unit": tree["other"].pk},  # outside the scope
        {"kind": "clarification", "issuer": "中" * 101},  # longer than a name
    ]
    for body in bad:
        res = api.post(URL, body, format="json")
        assert res.status_code == 400, (body, res.json())
    assert not Notice.objects.exists()


def test_a_reviewer_may_not_draft_or_publish(people, sources, publish_day, as_user):
    staff = as_user(people.staff)
    notice = staff.post(URL, {"kind": "clarification",
                              "clarification": sources["clarification"].pk}, format="json").json()
    reviewer = as_user(people.reviewers[0])
    assert reviewer.post(URL, {"kind": "clarification"}, format="json").status_code == 403
    assert reviewer.post(f"{URL}{notice['id']}/publish/").status_code == 403
    assert Notice.objects.get(pk=notice["id"]).state == "draft"


def test_filters(people, sources, publish_day, as_user):
    api = as_user(people.staff)
    a = api.post(URL, {"kind": "clarification", "title": "关于澄清的通报",
                       "clarification": sources["clarification"].pk}, format="json").json()
    b = api.post(URL, {"kind": "commendation", "records": [sources["record"].pk]},
                 format="json").json()
    api.post(f"{URL}{a['id']}/publish/")

    def ids(**query):
        res = api.get(URL, query)
        assert res.status_code == 200, res.json()
        return {row["id"] for row in res.json()["results"]}

    assert ids() == {a["id"], b["id"]}
    assert ids(kind="commendation") == {b["id"]}
    assert ids(state="published") == {a["id"]}
    assert ids(year=2025) == {a["id"], b["id"]} and ids(year=2024) == set()
    assert ids(q="澄清") == {a["id"]}
    assert ids(q="〔2025〕1号") == {a["id"]}
    assert ids(issuing_unit=people.staff.units.get().pk) == {a["id"], b["id"]}
    assert api.get(URL, {"kind": "x"}).status_code == 400
    assert api.get(URL, {"year": "abc"}).status_code == 400


def test_a_correction_names_a_published_notice_of_its_kind(people, sources, publish_day, as_user):
    api = as_user(people.staff)
    original = api.post(URL, {"kind": "clarification",
                              "clarification": sources["clarification"].pk}, format="json").json()
    other_kind = api.post(URL, {"kind": "commendation", "records": [sources["record"].pk]},
                          format="json").json()
    api.post(f"{URL}{original['id']}/publish/")
    api.post(f"{URL}{other_kind['id']}/publish/")
    correction = api.post(URL, {"kind": "clarification", "corrects": original["id"],
                                "clarification": sources["clarification"].pk}, format="json")
    assert correction.status_code == 201 and correction.json()["corrects"] == original["id"]
    draft = api.post(URL, {"kind": "clarification"}, format="json").json()
    for wrong in (other_kind["id"], draft["id"]):
        res = api.patch(f"{URL}{draft['id']}/", {"corrects": wrong}, format="json")
        assert res.status_code == 400 and "corrects" in res.json()
    assert Notice.objects.get(pk=draft["id"]).corrects is None


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(
        people, sources, publish_day, as_user, django_assert_max_num_queries):
    api = as_user(people.staff)
    for i in range(6):  # six drafts, each its own (the same draft twice is refused: 409)
        api.post(URL, {"kind": "pre_appointment", "items": [
            {"cadre": people.subject.pk, "proposed_post": f"局长{i}"}]}, format="json")
    with django_assert_max_num_queries(12):
        res = api.get(URL)
    assert res.json()["count"] == 6


def test_a_draft_is_posted_as_json_only(people, as_user):
    """A form encoding cannot carry `items` (objects in a list): such a POST is 415, never a
    draft that silently lost its items (found by the schema fuzzer)."""
    api = as_user(people.staff)
    res = api.post(URL, {"kind": "pre_appointment", "items": ["cadre", "proposed_post"]})
    assert res.status_code == 415
    assert not Notice.objects.exists()
