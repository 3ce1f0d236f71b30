"""Helpers every app's services share: role checks and validated saves."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

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
