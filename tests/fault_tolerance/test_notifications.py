"""Notifications: one mail per recipient, sent by a task after commit and retried on mail
errors; a kind and a template each; a request to act is marked done when the act is done."""

import pytest
from django.db import transaction

from core.models import Notification
from core.notifications import notification_kind
from fault_tolerance.models import Case
from fault_tolerance.notifications import Kind
from fault_tolerance.services import case_transition
from tests.fault_tolerance.flaky_mail import FlakyBackend

pytestmark = pytest.mark.django_db
A = Case.Action


def _of(kind, user=None):
    qs = Notification.objects.filter(kind=kind)
    return qs.filter(recipient=user) if user is not None else qs


def test_each_recipient_gets_their_own_message(
    people, new_case, advance, mailoutbox, django_capture_on_commit_callbacks
):
    case = advance(new_case(), "opinion")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(case, "appealed")  # notify (filer + cadre), then appeal (panel + staff)
    for mail in mailoutbox:
        assert len(mail.to) == 1 and not mail.cc and not mail.bcc
    appeal = [m for m in mailoutbox if m.subject.startswith("申诉复核待表决")]
    assert sorted(m.to[0] for m in appeal) == sorted(
        u.email for u in _recipients(Kind.APPEAL_VOTE_REQUESTED) if u.email
    )
    assert appeal  # the city reviewers on the appeal panel have no address; staff2 has


def _recipients(kind):
    from core.models import User

    return User.objects.filter(notifications__kind=kind).distinct()


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(
    people, new_case, advance, mailoutbox, django_capture_on_commit_callbacks
):
    case = advance(new_case(), "proposed")
    mailoutbox.clear()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            case_transition(case=case, action=A.OPINION, actor=people.liaison, text="同意。")
            assert (
                _of(Kind.VOTE_REQUESTED).count() == 6
            )  # written in the transaction (the default panel)
            raise RuntimeError("something later in the same request failed")
    assert callbacks == [] and mailoutbox == []
    assert Notification.objects.count() == before


@pytest.fixture
def eager_retries():
    """Eager tasks that retry as a worker would (celery's apply() runs the retry at once) instead
    of raising Retry to the caller."""
    from config.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_a_failing_mail_server_is_retried_and_the_request_succeeds(
    client,
    settings,
    people,
    new_case,
    advance,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_retries,
):
    settings.EMAIL_BACKEND = "tests.fault_tolerance.flaky_mail.FlakyBackend"
    case = advance(new_case(), "proposed")
    mailoutbox.clear()
    FlakyBackend.failures_left, FlakyBackend.attempts = 2, 0
    client.force_login(people.liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/tolerance/{case.pk}/act/opinion/", {"opinion-text": "同意免责建议。"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.OPINION
    # Two failures, then the three reviewers with an address get their message, once each.
    assert FlakyBackend.attempts == 2 + 3 and len(mailoutbox) == 3
    assert _of(Kind.VOTE_REQUESTED).filter(emailed_at__isnull=False).count() == 3


def test_a_mail_server_that_stays_down_does_not_fail_the_request(
    client,
    settings,
    people,
    new_case,
    advance,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_retries,
):
    settings.EMAIL_BACKEND = "tests.fault_tolerance.flaky_mail.FlakyBackend"
    case = advance(new_case(), "proposed")
    mailoutbox.clear()
    FlakyBackend.failures_left, FlakyBackend.attempts = 10_000, 0
    client.force_login(people.liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/tolerance/{case.pk}/act/opinion/", {"opinion-text": "同意免责建议。"}
        )
    assert response.status_code == 302 and mailoutbox == []
    assert FlakyBackend.attempts == 3 * 9  # each of three messages: the first try and 8 retries
    assert _of(Kind.VOTE_REQUESTED).count() == 6 and not _of(Kind.VOTE_REQUESTED).filter(
        emailed_at__isnull=False
    )


def test_every_kind_has_a_template_and_the_body_does_not_repeat_the_title(
    people, new_case, advance
):
    case = advance(new_case(), "appealed")
    for kind in Kind:
        title, body = notification_kind(kind).render({"case": case, "correction": None})
        assert title and "\n" not in title, kind
        if kind != Kind.CORRECTION_ASSIGNED:
            assert case.title not in body, kind
    assert notification_kind(Kind.VOTE_REQUESTED).asks_action
    assert not notification_kind(Kind.NOTIFIED).asks_action


def test_a_title_with_markup_is_not_escaped_in_the_mail(
    people, new_case, advance, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advance(new_case(title="A&B <局>"), "submitted")
    assert any(m.subject == "容错申请待受理：A&B <局>" for m in mailoutbox)


def test_requests_to_act_are_marked_done_by_the_act(people, new_case, advance):
    case = advance(new_case(), "submitted")
    assert _of(Kind.INTAKE, people.staff).get().done_at is None
    case = case_transition(case=case, action=A.ACCEPT, actor=people.staff)
    assert (
        _of(Kind.INTAKE).filter(done_at__isnull=True).count() == 0
    )  # taken in: done for all staff asked
    case = advance(case, "opinion")
    r1, r2, r3 = people.reviewers
    case = case_transition(case=case, action=A.VOTE, actor=r1, choice="exempted")
    assert _of(Kind.VOTE_REQUESTED, r1).get().done_at is not None
    assert _of(Kind.VOTE_REQUESTED, r2).get().done_at is None  # only the voter's own request
    case = case_transition(case=case, action=A.VOTE, actor=r2, choice="exempted")
    case = case_transition(case=case, action=A.VOTE, actor=r3, choice="exempted")
    assert (
        _of(Kind.VOTE_REQUESTED).filter(done_at__isnull=True).count() == 3
    )  # r4-r6 have not voted
    case = case_transition(case=case, action=A.DECIDE, actor=r1)
    assert (
        not _of(Kind.VOTE_REQUESTED).filter(done_at__isnull=True).exists()
    )  # decided: moot for all
    assert _of(Kind.OPINION_REQUESTED, people.liaison).get().done_at is not None
    # Informational notifications are never "done".
    assert (
        not _of(Kind.INVESTIGATE).filter(done_at__isnull=True).exists()
    )  # investigated by advance
    assert all(
        n.done_at is None
        for n in Notification.objects.exclude(
            kind__in=[
                k
                for k in Kind
                if k in (Kind.INTAKE, Kind.INVESTIGATE, Kind.OPINION_REQUESTED, Kind.VOTE_REQUESTED)
            ]
        )
    )


def test_a_correction_step_request_is_done_when_recorded(people, new_case, advance):
    import datetime as dt

    from fault_tolerance.services import correction_create, correction_update

    case = advance(new_case(), "notified")
    step = correction_create(
        actor=people.staff,
        case=case,
        step="start",
        assignee=people.filer,
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    asked = _of(Kind.CORRECTION_ASSIGNED, people.filer).get()
    assert asked.done_at is None and "完成期限" in asked.body
    correction_update(correction=step, actor=people.staff, done_on=dt.date.today())
    asked.refresh_from_db()
    assert asked.done_at is not None


def test_the_list_shows_what_is_done_and_no_title_twice(client, people, new_case, advance):
    case = advance(new_case(), "submitted")
    client.force_login(people.staff)
    page = client.get("/notifications/").content.decode()
    assert "已办理" not in page and page.count(case.title) == 1
    case_transition(case=case, action=A.ACCEPT, actor=people.staff)
    item = Notification.objects.get(recipient=people.staff, kind=Kind.INTAKE)
    page = client.get("/notifications/").content.decode()
    row = page.split(f'id="notification-{item.pk}"')[1].split("</li>")[0]
    assert "已办理" in row
