"""In-app notifications, with a copy by email through Django's mail backend.

`notify` is called by services inside their transaction: the rows commit with the change
they announce, and the emails leave only once that change is committed."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "",
           obj: models.Model | None = None) -> list[Notification]:
    """Create one notification per distinct active recipient and email those with an address."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return []
    target_type = ContentType.objects.get_for_model(obj.__class__) if obj is not None else None
    rows = Notification.objects.bulk_create([
        Notification(recipient=u, title=title[:200], body=body, link=link[:300],
                     target_type=target_type, target_id=obj.pk if obj is not None else None)
        for u in users.values()
    ])
    addresses = sorted({u.email for u in users.values() if u.email})
    if addresses:
        transaction.on_commit(lambda: _send_email(title, body, link, addresses))
    return rows


def _send_email(title: str, body: str, link: str, addresses: list[str]) -> None:
    text = "\n\n".join(part for part in (body, link) if part)
    try:
        send_mail(title, text, settings.DEFAULT_FROM_EMAIL, addresses)
    except Exception:  # noqa: BLE001 - the change is committed; a mail failure must not undo or hide it
        log.exception("notification email to %s failed", addresses)


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
