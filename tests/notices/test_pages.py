"""The notices' pages: a draft of each kind started from its source, saved through the form,
previewed (the PDF's HTML, marked 草稿), published after the confirmation step and downloaded;
refusals shown on the form with their status; corrections linked both ways."""

import hashlib

import pytest
from django.urls import reverse

from notices.models import Notice

pytestmark = pytest.mark.django_db


def form_data(kind, people, sources, publish_day, tree, **extra):
    data = {"title": "", "issuing_unit": tree["district"].pk, "preamble": "导语", "closing": "",
            "cc": "", "corrects": ""}
    if kind == "pre_appointment":
        data.update({"period_start": publish_day.isoformat(), "period_days": 5,
                     "entries-TOTAL_FORMS": 1, "entries-INITIAL_FORMS": 0,
                     "entries-MIN_NUM_FORMS": 0, "entries-MAX_NUM_FORMS": 200,
                     "entries-0-cadre": people.subject.pk, "entries-0-proposed_post": "某局局长",
                     "entries-0-exceptional_reason": "任职年限破格", "entries-0-note": ""})
    elif kind == "tolerance_decision":
        data["case"] = sources["case"].pk
    elif kind == "clarification":
        data["clarification"] = sources["clarification"].pk
    else:
        data["records"] = [sources["record"].pk]
    data.update(extra)
    return data


@pytest.mark.parametrize("kind", list(Notice.Kind.values))
def test_each_kind_through_the_pages(kind, client, people, sources, publish_day, tree):
    client.force_login(people.staff)
    start = client.get(reverse("notices:list"))
    assert start.status_code == 200
    assert reverse("notices:create", args=[kind]) in start.content.decode()

    assert client.get(reverse("notices:create", args=[kind])).status_code == 200
    saved = client.post(reverse("notices:create", args=[kind]),
                        form_data(kind, people, sources, publish_day, tree))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    notice = Notice.objects.get()
    assert saved["Location"] == notice.get_absolute_url() and notice.state == "draft"

    detail = client.get(notice.get_absolute_url()).content.decode()
    assert "謝允崗" in detail and "发布" in detail

    edit = client.get(reverse("notices:edit", args=[notice.pk]))
    assert edit.status_code == 200
    resaved = client.post(reverse("notices:edit", args=[notice.pk]),
                          form_data(kind, people, sources, publish_day, tree, title="改过的标题"))
    assert resaved.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "改过的标题"

    preview = client.get(reverse("notices:preview", args=[notice.pk]))
    assert preview.status_code == 200 and "草稿" in preview.content.decode()
    assert "謝允崗" in preview.content.decode()
    draft_pdf = client.get(reverse("notices:pdf", args=[notice.pk]))
    assert draft_pdf["Content-Type"] == "application/pdf"

    unconfirmed = client.post(reverse("notices:publish", args=[notice.pk]), {})
    assert unconfirmed.status_code == 400
    assert Notice.objects.get(pk=notice.pk).state == "draft"
    published = client.post(reverse("notices:publish", args=[notice.pk]), {"confirm": "on"})
    assert published.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "published"

    page = client.get(notice.get_absolute_url()).content.decode()
    assert notice.document_number in page and notice.sha256 in page
    assert f"/verify/{notice.verification_code}/" in page
    assert reverse("notices:edit", args=[notice.pk]) not in page
    pdf = client.get(reverse("notices:pdf", args=[notice.pk]))
    assert hashlib.sha256(b"".join(pdf.streaming_content) if pdf.streaming
                          else pdf.content).hexdigest() == notice.sha256

    # Published: the edit page sends back to the notice; the publish form is a 409.
    assert client.get(reverse("notices:edit", args=[notice.pk])).status_code == 302
    again = client.post(reverse("notices:publish", args=[notice.pk]), {"confirm": "on"})
    assert again.status_code == 409


def test_refusals_come_back_on_the_form(client, people, sources, publish_day, tree):
    client.force_login(people.staff)
    url = reverse("notices:create", args=["pre_appointment"])
    # A cadre twice: the service's refusal, on the form, nothing saved.
    twice = form_data("pre_appointment", people, sources, publish_day, tree, **{
        "entries-TOTAL_FORMS": 2, "entries-1-cadre": people.subject.pk,
        "entries-1-proposed_post": "副局长"})
    res = client.post(url, twice)
    assert res.status_code == 400 and "重复列入" in res.content.decode()
    # A unit outside the scope: the form's own check.
    res = client.post(url, form_data("pre_appointment", people, sources, publish_day, tree,
                                     issuing_unit=tree["other"].pk))
    assert res.status_code == 400
    # A missing period: saved as a draft, refused at publishing with the reason.
    client.post(url, form_data("pre_appointment", people, sources, publish_day, tree,
                               period_start=""))
    notice = Notice.objects.get()
    res = client.post(reverse("notices:publish", args=[notice.pk]), {"confirm": "on"})
    assert res.status_code == 400 and "请填写公示开始日期" in res.content.decode()
    assert Notice.objects.get().state == "draft"
    # A reviewer may read nothing of a draft, and start none.
    client.force_login(people.reviewers[0])
    assert client.get(url).status_code == 403
    assert client.get(notice.get_absolute_url()).status_code == 404


def test_add_row_keeps_what_was_typed(client, people, sources, publish_day, tree):
    client.force_login(people.staff)
    data = form_data("pre_appointment", people, sources, publish_day, tree, add_row="1")
    res = client.post(reverse("notices:create", args=["pre_appointment"]), data)
    assert res.status_code == 200
    html = res.content.decode()
    assert 'name="entries-TOTAL_FORMS" value="2"' in html and "某局局长" in html
    assert not Notice.objects.exists()


def test_sources_start_drafts_and_link_back(client, people, sources, publish_day, tree):
    client.force_login(people.staff)
    cadre_url = reverse("cadres:cadre-detail", args=[people.subject.pk])
    listing = client.get(reverse("cadres:cadre-list")).content.decode()
    assert 'name="cadre"' in listing
    assert reverse("notices:create", args=["pre_appointment"]) in listing
    start = client.get(reverse("notices:create", args=["pre_appointment"]),
                       {"cadre": [people.subject.pk]}).content.decode()
    assert "謝允崗" in start

    case_page = client.get(sources["case"].get_absolute_url()).content.decode()
    link = reverse("notices:create", args=["tolerance_decision"]) + f"?case={sources['case'].pk}"
    assert link in case_page
    clar_page = client.get(reverse("discipline:clarification-detail",
                                   args=[sources["clarification"].pk])).content.decode()
    assert f"?clarification={sources['clarification'].pk}" in clar_page
    records_page = client.get(reverse("incentives:record-list")).content.decode()
    assert reverse("notices:create", args=["commendation"]) in records_page
    start = client.get(reverse("notices:create", args=["commendation"]),
                       {"record": [sources["record"].pk]}).content.decode()
    assert "謝允崗" in start
    assert f'value="{sources["record"].pk}"' in start and "checked" in start

    for kind in Notice.Kind.values:
        client.post(reverse("notices:create", args=[kind]),
                    form_data(kind, people, sources, publish_day, tree))
    notices = {n.kind: n for n in Notice.objects.all()}
    for kind in ("tolerance_decision", "clarification", "commendation", "pre_appointment"):
        client.post(reverse("notices:publish", args=[notices[kind].pk]), {"confirm": "on"})
    pages = {
        "pre_appointment": cadre_url,
        "tolerance_decision": sources["case"].get_absolute_url(),
        "clarification": reverse("discipline:clarification-detail",
                                 args=[sources["clarification"].pk]),
        "commendation": reverse("incentives:record-detail", args=[sources["record"].pk]),
    }
    for kind, url in pages.items():
        html = client.get(url).content.decode()
        notices[kind].refresh_from_db()
        assert notices[kind].get_absolute_url() in html, kind
        assert notices[kind].document_number in html, kind
    # The cadre page lists every notice naming 謝允崗.
    cadre_html = client.get(cadre_url).content.decode()
    assert all(n.get_absolute_url() in cadre_html for n in notices.values())


def test_a_correction_links_both_ways(client, people, sources, publish_day, tree):
    client.force_login(people.staff)
    client.post(reverse("notices:create", args=["clarification"]),
                form_data("clarification", people, sources, publish_day, tree))
    original = Notice.objects.get()
    client.post(reverse("notices:publish", args=[original.pk]), {"confirm": "on"})
    original.refresh_from_db()
    page = client.get(original.get_absolute_url()).content.decode()
    start_url = reverse("notices:create", args=["clarification"]) + f"?corrects={original.pk}"
    assert start_url in page
    form = client.get(start_url).content.decode()
    assert original.document_number in form
    res = client.post(reverse("notices:create", args=["clarification"]),
                      form_data("clarification", people, sources, publish_day, tree,
                                corrects=original.pk, title="更正"))
    assert res.status_code == 302
    correction = Notice.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original
    assert correction.get_absolute_url() in client.get(original.get_absolute_url()).content.decode()
    assert original.get_absolute_url() in client.get(correction.get_absolute_url()).content.decode()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_list_filters(client, people, sources, publish_day, tree, lang):
    client.force_login(people.staff)
    client.post(reverse("notices:create", args=["clarification"]),
                form_data("clarification", people, sources, publish_day, tree, title="甲通报"))
    client.post(reverse("notices:create", args=["commendation"]),
                form_data("commendation", people, sources, publish_day, tree, title="乙通报"))
    url = reverse("notices:list")
    html = client.get(url, {"kind": "commendation"}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert "乙通报" in html and "甲通报" not in html
    html = client.get(url, {"q": "甲"}).content.decode()
    assert "甲通报" in html and "乙通报" not in html
    assert client.get(url, {"year": "abc"}).status_code == 200
    assert "甲通报" not in client.get(url, {"year": "abc"}).content.decode()


def test_a_name_that_looks_like_markup_stays_text(client, people, sources, publish_day, tree):
    people.subject.name = '<script>alert("謝")</script>'
    people.subject.save(update_fields=["name"])
    client.force_login(people.staff)
    client.post(reverse("notices:create", args=["pre_appointment"]),
                form_data("pre_appointment", people, sources, publish_day, tree))
    notice = Notice.objects.get()
    for url in (notice.get_absolute_url(), reverse("notices:preview", args=[notice.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;謝&quot;)&lt;/script&gt;" in html, url
    res = client.get(f"/api/v1/notices/{notice.pk}/")
    assert res.status_code == 200
    assert res.json()["items"][0]["cadre_name"] == '<script>alert("謝")</script>'
