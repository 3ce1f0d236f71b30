"""Writes to user accounts (administrators only), audited like every domain change."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .audit import audit_create, audit_record, diff, snapshot
from .models import Role, User
from .services import require_role

# A cadre's own account is linked from the cadre record: cadres.accounts writes and audits it.
USER_AUDITED = ("username", "name", "first_name", "last_name", "email", "roles", "units",
                "is_active", "is_api_client")
_EDITABLE = ("username", "name", "first_name", "last_name", "email", "roles", "is_active",
             "is_api_client")


def _save(user: User) -> None:
    """Save, turning a lost race on the unique username into the same 400 that full_clean gives
    when it sees the name taken: two requests may both pass full_clean, and only the database
    knows which one won. Inside a savepoint, so the caller's transaction stays usable."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if User.objects.filter(username=user.username).exclude(pk=user.pk).exists():
            raise ValidationError(
                {"username": User._meta.get_field("username").error_messages["unique"]}
            ) from None
        raise


def _check_roles(roles) -> list[str]:
    if not isinstance(roles, list) or any(r not in Role.values for r in roles):
        raise ValidationError({"roles": _("角色只能是：%(roles)s。") % {"roles": ", ".join(Role.values)}})
    return sorted(set(roles))


@transaction.atomic
def user_create(*, actor, password: str | None = None, units=None, **fields) -> User:
    """Create an account. Raises ValidationError (weak password, taken name, bad role)."""
    require_role(actor, Role.ADMIN)
    user = User(**{k: v for k, v in fields.items() if k in _EDITABLE})
    user.roles = _check_roles(fields.get("roles", []))
    user.full_clean(exclude=["password"])
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    _save(user)
    if units is not None:
        user.units.set(units)
    audit_create(obj=user, actor=actor, fields=USER_AUDITED)
    return user


@transaction.atomic
def user_update(*, user: User, actor, password: str | None = None, units=None, **fields) -> User:
    """Change an account's roles, scope or password."""
    require_role(actor, Role.ADMIN)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, USER_AUDITED)
    for key, value in fields.items():
        if key not in _EDITABLE:
            raise ValidationError({key: _("不能修改此字段。")})
        setattr(user, key, _check_roles(value) if key == "roles" else value)
    user.full_clean(exclude=["password"])
    changes_password = bool(password)
    if changes_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    _save(user)
    if units is not None:
        user.units.set(units)
    changes = diff(before, snapshot(user, USER_AUDITED))
    if changes_password:
        changes["password"] = ["***", "***"]
    if changes:
        audit_record(obj=user, actor=actor, action="update", changes=changes)
    return user
