"""In-app notifications, each with a copy by email to its own recipient.

A notification has a kind, registered by the app that sends it (`register_kind`, from its
AppConfig.ready(); core holds no app's words). A kind names a template whose first line is
the subject and whose rest is the body; `asks_action` marks the kinds that ask the recipient
to do something, which the service performing that act marks done (`notifications_done`).

`notify` is called by services inside their transaction: the rows commit with the change
they announce. The emails leave only after commit, one message per recipient carrying only
that recipient's address, sent by a Celery task that retries on mail errors. The notification
row is the outbox: one whose email never left (the broker was down at the commit) is sent by
`notification_email_relay`, on beat."""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationKind:
    """What a notification is about: its key (stored on the row), its template and whether it
    asks the recipient to act."""

    key: str
    template: str
    asks_action: bool = False

    def render(self, context: dict) -> tuple[str, str]:
        """(subject, body) from the template: the first line, then the rest."""
        text = render_to_string(self.template, context).strip()
        subject, _sep, body = text.partition("\n")
        return " ".join(subject.split()), body.strip()


_KINDS: dict[str, NotificationKind] = {}


def register_kind(key: str, *, template: str, asks_action: bool = False) -> NotificationKind:
    """Declare a kind (from an AppConfig.ready()); registering the same key again replaces it."""
    kind = NotificationKind(key=str(key), template=template, asks_action=asks_action)
    _KINDS[kind.key] = kind
    return kind


def notification_kind(key: str) -> NotificationKind:
    """The registered kind; raises LookupError for a key nobody registered."""
    try:
        return _KINDS[str(key)]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered") from None


def notify(
    *,
    kind: str,
    recipients: Iterable,
    context: dict | None = None,
    link: str = "",
    obj: models.Model | None = None,
) -> list[Notification]:
    """Create one notification of kind per distinct active recipient, and after commit queue
    one email per recipient who has an address."""
    declared = notification_kind(kind)
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return []
    title, body = declared.render({**(context or {}), "link": link, "obj": obj})
    target_type = ContentType.objects.get_for_model(obj.__class__) if obj is not None else None
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=declared.key,
                title=title[:200],
                body=body,
                link=link[:300],
                target_type=target_type,
                target_id=obj.pk if obj is not None else None,
            )
            for u in users.values()
        ]
    )
    for row in rows:
        if row.recipient.email:
            # One callback each, robust: a broker that is down must not turn the committed
            # change into an error page, nor keep the other recipients' mail from leaving.
            transaction.on_commit(lambda pk=row.pk: notification_email_task.delay(pk), robust=True)
    return rows


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient alone; returns whether a message left. Sending
    twice is avoided: a notification already emailed is skipped, and one being sent by another
    worker (the task's retry and the relay at once) is locked and skipped. Raises the mail
    backend's errors (the task retries them; the relay tries again at its next run)."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if row is None or not row.recipient.email or not row.recipient.is_active:
            return False
        text = "\n\n".join(part for part in (row.body, _absolute(row.link)) if part)
        EmailMessage(row.title, text, settings.DEFAULT_FROM_EMAIL, [row.recipient.email]).send()
        Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
    return True


def notification_email_relay(*, limit: int = 500) -> dict:
    """What beat runs every NOTIFICATION_RELAY_INTERVAL_SECONDS: the email of a notification
    whose task never ran (the broker was down when the change committed, or the task gave up
    its retries) is sent here. Only notifications older than NOTIFICATION_RELAY_AFTER_SECONDS
    (the task's turn first) and younger than NOTIFICATION_RELAY_WITHIN_SECONDS (a mail about a
    matter days old is no longer news; the notification itself stays in the app). A mail error
    stops the run: the mail server is down, and the next run tries again."""
    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            recipient__is_active=True,
            created_at__lt=now - dt.timedelta(seconds=settings.NOTIFICATION_RELAY_AFTER_SECONDS),
            created_at__gte=now - dt.timedelta(seconds=settings.NOTIFICATION_RELAY_WITHIN_SECONDS),
        )
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        try:
            sent += notification_email_send(notification_id=pk)
        except (smtplib.SMTPException, OSError):
            log.warning("Relaying notification emails stopped at %s: mail error", pk,
                           exc_info=True)
            return {"pending": len(pending), "sent": sent, "stopped": pk}
    return {"pending": len(pending), "sent": sent}


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") and base else link


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def notification_email_task(self, notification_id: int) -> bool:
    """Thin: send one notification's email; mail errors are retried with backoff."""
    return notification_email_send(notification_id=notification_id)


def notifications_done(
    *, obj: models.Model, kinds: Iterable[str], recipients: Iterable | None = None
) -> int:
    """Mark done the notifications of these kinds about obj (for these recipients, or for all
    when None): the act they asked for has been performed. Returns how many changed."""
    qs = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(obj.__class__),
        target_id=obj.pk,
        kind__in=[str(k) for k in kinds],
        done_at__isnull=True,
    )
    if recipients is not None:
        qs = qs.filter(recipient__in=[u.pk for u in recipients])
    return qs.update(done_at=timezone.now())


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when ids is None); returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
