"""Helpers every app's services share: role checks, validated saves and the refusal of a
create that repeats an existing row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

from .errors import Conflict
from .scoping import unit_in_scope


def require_role(actor, *roles: str) -> None:
    """Raise PermissionDenied unless the actor holds one of roles."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))
    if not any(actor.has_role(role) for role in roles):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def require_unit_in_scope(actor, unit, field: str = "unit") -> None:
    """Raise ValidationError on field when unit lies outside the actor's scope."""
    if unit is None or not unit_in_scope(actor, unit):
        raise ValidationError({field: _("单位不存在或不在您的管辖范围内。")})


def apply_fields(obj: models.Model, fields: dict, allowed: tuple[str, ...]) -> list[str]:
    """Set the allowed fields on obj; return the names whose value changed."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("不能修改此字段。") for name in sorted(unknown)})
    changed = []
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname if field.is_relation else name)
        new = value.pk if (field.is_relation and isinstance(value, models.Model)) else value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def validated_save(obj: models.Model, *, update_fields: list[str] | None = None,
                   unique_messages: dict[str, str] | None = None) -> None:
    """full_clean then save; a unique race that slips past full_clean becomes a ValidationError."""
    obj.full_clean()
    try:
        obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        for field, message in (unique_messages or {}).items():
            if field in str(exc):
                raise ValidationError({field: message}) from exc
        raise


def refuse_duplicate(obj: models.Model, *, subject: models.Model, fields: tuple[str, ...],
                     among=None, same=None) -> None:
    """Raise Conflict (409) when a row like obj already exists: the same value in each of
    fields (model field names; a relation compares by id, None matches NULL). A double click,
    or a client retrying a POST whose answer it lost, sends the same body twice, and two
    requests each checking before the other saved would both find nothing; so the subject
    the row is about (its cadre or unit) is locked first, in the caller's transaction, and
    the second request waits for the first to commit, then finds its row. among: the
    queryset to look in (default: every row of obj's model), e.g. leaving out rejected ones.
    same: a predicate on a row matching on fields, for what fields cannot say (a draft's
    items, held in another table). Call it after the scope check, so the existing row named is
    one the actor may see."""
    type(subject).objects.select_for_update().filter(pk=subject.pk).values_list("pk").first()
    lookup = {}
    for name in fields:
        field = obj._meta.get_field(name)
        lookup[field.attname] = getattr(obj, field.attname)
    qs = among if among is not None else type(obj).objects.all()
    matches = qs.filter(**lookup).order_by("pk")
    existing = next((row for row in matches if same is None or same(row)), None)
    if existing is not None:
        raise Conflict(
            _("已有一条相同的%(what)s（编号 %(id)s），未重复保存。")
            % {"what": obj._meta.verbose_name, "id": existing.pk},
            state=getattr(existing, "state", "") or "exists", action=_("新增"))
