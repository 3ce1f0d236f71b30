"""The admin: notices for reference only. A published notice is refused on change and delete,
through the pages and through the admin's own save path; drafts are viewable; the numbering
sequence is read-only."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from notices.models import Notice, NoticeSequence
from notices.services import notice_create, notice_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = UserFactory(username="root", roles=["admin"], is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def notices(people, sources, publish_day, tree):
    published = notice_publish(actor=people.staff, notice=notice_create(
        actor=people.staff, kind=Notice.Kind.CLARIFICATION, issuing_unit=tree["district"],
        clarification=sources["clarification"]))
    draft = notice_create(
        actor=people.staff, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=tree["district"],
        entries=[{"cadre": people.subject, "proposed_post": "局长"}])
    return {"published": published, "draft": draft}


def frozen(notice):
    notice.refresh_from_db()
    return (notice.title, notice.state, notice.sha256, notice.document_number, notice.updated_at,
            bytes(notice.pdf.data))


def test_pages_load_and_show_both(root, notices):
    listing = root.get("/admin/notices/notice/")
    assert listing.status_code == 200
    assert notices["published"].document_number in listing.content.decode()
    for notice in notices.values():
        assert root.get(f"/admin/notices/notice/{notice.pk}/change/").status_code == 200
    assert root.get("/admin/notices/noticesequence/").status_code == 200


def test_a_published_notice_is_refused_change_and_delete(root, notices):
    published = notices["published"]
    before = frozen(published)
    url = f"/admin/notices/notice/{published.pk}/"
    assert root.post(f"{url}change/", {"title": "改"}).status_code == 403
    assert root.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert root.get("/admin/notices/notice/add/").status_code == 403
    bulk = root.post("/admin/notices/notice/", {"action": "delete_selected",
                                               "_selected_action": [published.pk]})
    assert bulk.status_code in (200, 302)
    assert frozen(published) == before


def test_the_admins_save_path_never_writes_a_published_row(root, notices):
    """Even reached directly (a subclass that allowed the form, a custom action), save_model and
    delete_model refuse a published notice and leave the row as it was."""
    published = notices["published"]
    before = frozen(published)
    model_admin = site._registry[Notice]
    request = RequestFactory().post("/")
    request.user = root.user
    published.title = "改过"
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, published, form=None, change=True)
    with pytest.raises(PermissionDenied):
        model_admin.delete_model(request, published)
    with pytest.raises(PermissionDenied):
        model_admin.delete_queryset(request, Notice.objects.filter(pk=published.pk))
    assert frozen(published) == before


def test_drafts_are_viewable_not_writable_and_the_sequence_is_read_only(root, notices):
    draft = notices["draft"]
    page = root.get(f"/admin/notices/notice/{draft.pk}/change/").content.decode()
    assert "局长" in page  # its cadre rows, shown inline
    change = f"/admin/notices/notice/{draft.pk}/change/"
    assert root.post(change, {"title": "改"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "改"
    sequence = NoticeSequence.objects.get(kind="clarification")
    url = f"/admin/notices/noticesequence/{sequence.pk}/change/"
    assert root.post(url, {"kind": "clarification", "year": 2025, "last": 0}).status_code == 403
    sequence.refresh_from_db()
    assert sequence.last == 1


def test_an_administrator_names_an_issuing_body_and_it_is_audited(root, tree):
    from core.models import AuditEntry
    from notices.models import IssuingBody

    response = root.post("/admin/notices/issuingbody/add/", {
        "unit": tree["district"].pk, "name": "中共历下区委组织部", "code": "历组"})
    assert response.status_code == 302, response.content.decode()[:500]
    body = IssuingBody.objects.get(unit=tree["district"])
    assert (body.name, body.code) == ("中共历下区委组织部", "历组")
    entry = AuditEntry.objects.get(object_type="notices.issuingbody", object_id=body.pk)
    assert entry.actor == root.user and entry.changes["code"] == [None, "历组"]
    assert root.get("/admin/notices/issuingbody/").status_code == 200
