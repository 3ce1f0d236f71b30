"""The cadre timeline's discipline entries: clarifications and sanctions, as the user's own
lists show them (selectors.clarification_list and sanction_list decide who sees which)."""

from django.utils.translation import gettext as _

from core.timeline import register

from . import selectors


@register
def clarifications(cadre, user, limit: int) -> list[dict]:
    rows = selectors.clarification_list(user=user).filter(cadre=cadre).order_by("-clarified_on", "-id")[:limit]
    return [
        {"date": c.clarified_on, "kind": "clarification", "title": _("澄清正名"),
         "detail": f"{c.get_manner_display()}：{c.finding[:80]}", "object_id": c.pk,
         "url": c.get_absolute_url()}
        for c in rows
    ]


@register
def sanctions(cadre, user, limit: int) -> list[dict]:
    rows = selectors.sanction_list(user=user).filter(cadre=cadre).order_by("-decided_on", "-id")[:limit]
    return [
        {"date": s.decided_on, "kind": "sanction", "title": _("处分：%(kind)s") % {"kind": s.get_kind_display()},
         "detail": " ".join(x for x in [
             s.document_number,
             _("影响期至 %(date)s") % {"date": s.effect_ends_on.isoformat()} if s.effect_ends_on else ""] if x),
         "object_id": s.pk, "url": s.get_absolute_url()}
        for s in rows
    ]
