"""Publishing: a draft becomes a public document, once. In one transaction: the notice is
locked (a second click waits, then finds it published: 409), its content is built and checked
(400 naming what is missing), the kind's next number is taken, the PDF is rendered, signed where
configured, hashed and stored, and the audit entry written. A failure anywhere leaves the draft
as it was and the number untaken."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, diff, snapshot
from core.errors import Conflict

from .. import permissions
from ..models import Notice, NoticePdf
from .content import build_content, subject_ids
from .numbering import format_number, issuing_body_for, scope_of, take_number
from .render import render_html, render_pdf, sign_pdf

# 32 symbols without look-alikes (0/O, 1/I/L): easy to read off paper and type.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def notice_publish(*, actor, notice: Notice) -> Notice:
    """Publish a draft. Raises PermissionDenied, Conflict (already published),
    ValidationError (incomplete, or a period the calendar cannot count yet)."""
    locked = Notice.objects.select_for_update(of=("self",)).select_related(
        "issuing_unit", "case", "clarification__cadre__unit").get(pk=notice.pk)
    if not permissions.can_edit_notice(actor, locked):
        raise PermissionDenied(_("您无权发布该公告。"))
    if locked.state != Notice.State.DRAFT:
        raise Conflict(state=locked.state, action=_("发布"))
    before = snapshot(locked, Notice.AUDITED)
    today = timezone.localdate()
    content = build_content(locked, today=today)
    body = issuing_body_for(locked.issuing_unit)
    scope = scope_of(body)
    sequence = take_number(locked.kind, today.year, scope)
    number = format_number(locked.kind, today.year, sequence, body)
    code = new_code()
    html = render_html(content, document_number=number, issued_on=today, verification_code=code)
    data, signed = sign_pdf(render_pdf(html), name=content["issuer"]["body"])

    locked.state = Notice.State.PUBLISHED
    locked.numbering = scope
    locked.year, locked.sequence, locked.document_number = today.year, sequence, number
    locked.issued_on, locked.content, locked.verification_code = today, content, code
    locked.sha256, locked.signed = hashlib.sha256(data).hexdigest(), signed
    locked.published_at, locked.published_by = timezone.now(), actor
    if content.get("period", {}).get("end_iso"):
        locked.period_end = dt.date.fromisoformat(content["period"]["end_iso"])
    locked.save()
    NoticePdf.objects.create(notice=locked, data=data, size=len(data))
    locked.subjects.set(subject_ids(locked, content))
    audit_record(obj=locked, actor=actor, action=Notice.HistoryAction.PUBLISH,
                 changes=diff(before, snapshot(locked, Notice.AUDITED)))
    return locked
