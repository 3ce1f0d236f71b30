"""A cadre's own account (the 干部本人 role): the link lives on the cadre (Cadre.account), so
core's accounts know nothing of cadres. These wrap core.accounts' writes with the link, in
one transaction and audited on the user; cadres.api serves them as `users/` with its `cadre`
field (API.md)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import accounts
from core.audit import audit_record

from .models import Cadre

_UNSET = object()


def own_cadre(user) -> Cadre | None:
    """The user's own cadre record, or None (anonymous users and accounts without one)."""
    # The reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError, when unset;
    # Django caches the miss on the user, so asking twice costs one query.
    return getattr(user, "cadre", None) if getattr(user, "pk", None) else None


def own_cadre_id(user) -> int | None:
    cadre = own_cadre(user)
    return cadre.pk if cadre is not None else None


def _link(*, user, cadre: Cadre | None, actor) -> None:
    """Make cadre the user's own record (None: no record); audited on the user when it changes."""
    old = Cadre.objects.select_for_update().filter(account=user).first()
    if (old.pk if old else None) == (cadre.pk if cadre else None):
        return
    if cadre is not None:
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        if cadre.account_id is not None:
            raise ValidationError({"cadre": _("该干部档案已关联其他账号。")})
    if old is not None:
        old.account = None
        old.save(update_fields=["account"])
    if cadre is not None:
        cadre.account = user
        cadre.save(update_fields=["account"])
    # The user's cached reverse relation would still answer with the old record.
    user._state.fields_cache.pop("cadre", None)
    audit_record(
        obj=user,
        actor=actor,
        action="update",
        changes={"cadre": [old.pk if old else None, cadre.pk if cadre else None]},
    )


@transaction.atomic
def user_create(*, actor, cadre: Cadre | None = None, **fields):
    """core.accounts.user_create, then the link to the user's own cadre record (whose name the
    account takes when none is given)."""
    if cadre is not None and not fields.get("name"):
        fields["name"] = cadre.name
    user = accounts.user_create(actor=actor, **fields)
    if cadre is not None:
        _link(user=user, cadre=cadre, actor=actor)
    return user


@transaction.atomic
def user_update(*, user, actor, cadre=_UNSET, **fields):
    """core.accounts.user_update, then (when given) the link to the user's own cadre record."""
    user = accounts.user_update(user=user, actor=actor, **fields)
    if cadre is not _UNSET:
        _link(user=user, cadre=cadre, actor=actor)
    return user
