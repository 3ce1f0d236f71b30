"""Template tags every app's pages use: {% load dandang %}.

- {% nav_link "app:name" label %}: a left-nav entry, shown disabled until the URL exists;
- {% history_entries obj as history %}: an object's audit entries ready to show
  (templates/includes/history_panel.html uses it: `{% include "includes/history_panel.html" with obj=x %}`);
- {% url_replace page=3 %}: the current query string with some parameters replaced;
- {{ user|role_labels }}: the user's roles in words;
- {{ request.get_full_path|without_id_numbers }}: a URL fit to echo (core.redaction);
- {% job_shown job as shown %}: a job's kind in words and its result's template (core.jobs).
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import history, jobs
from core.models import Role
from core.redaction import redact
from core.scoping import paths_in_scope, unit_scope

register = template.Library()

HISTORY_LIMIT = 50


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, exact: bool = False):
    """A nav entry; until another app adds url_name it shows as a disabled placeholder."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return format_html('<span class="nav-item is-disabled" title="{}">{}</span>', _("即将上线"), label)
    request = context.get("request")
    path = request.path if request else ""
    active = path == url if exact else path.startswith(url)
    return format_html('<a class="nav-item{}" href="{}"{}>{}</a>', " is-active" if active else "", url,
                       mark_safe(' aria-current="page"') if active else "", label)


@register.filter
def sees_unit(user, unit) -> bool:
    """Whether user may open unit's page (its scope covers it): link it only then, never to a 404."""
    return unit is not None and paths_in_scope(user, [unit.path])


@register.filter
def sees_cadre(user, cadre) -> bool:
    """Whether user may open cadre's page: their scope covers the cadre's unit, or it is their own record."""
    if cadre is None:
        return False
    return cadre.account_id == getattr(user, "pk", None) or paths_in_scope(user, [cadre.unit.path])


@register.filter
def cadre_only(user) -> bool:
    """Whether user's one role is 干部本人: the navigation then offers only what such an account can
    use (its own record, its cases, notices), not the scoped lists that would stand empty."""
    return list(getattr(user, "roles", None) or []) == [Role.CADRE] and not getattr(user, "is_superuser", False)


@register.filter
def role_labels(user) -> str:
    labels = dict(Role.choices)
    roles = list(getattr(user, "roles", None) or [])
    if getattr(user, "is_superuser", False) and Role.ADMIN not in roles:
        roles.append(Role.ADMIN)
    return "、".join(str(labels.get(r, r)) for r in roles)


@register.simple_tag(takes_context=True)
def url_replace(context, **params) -> str:
    """?a=1&page=2 → ?a=1&page=3 for {% url_replace page=3 %}; empty values drop the key."""
    query = context["request"].GET.copy()
    for key, value in params.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    # A search by a whole ID number is never echoed back (API.md, "Personal data").
    return "?" + redact(query.urlencode())


@register.filter
def without_id_numbers(text: str) -> str:
    """{{ request.get_full_path|without_id_numbers }}: a URL to echo, ID numbers masked."""
    return redact(text)


# History -----------------------------------------------------------------------


def _choice_labels(model) -> dict:
    """Every value → label of the model's nested Choices classes (labels list items such as tags)."""
    labels = {}
    for attr in vars(model).values():
        if isinstance(attr, type) and issubclass(attr, models.Choices):
            labels.update(dict(attr.choices))
    return labels


def _own_unit_ids(obj, name: str) -> list[int]:
    """The ids obj holds now in its unit field `name` (its page names those already)."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(obj, name).values_list("pk", flat=True))
    value = getattr(obj, field.attname, None) if field.concrete else None
    return [value] if isinstance(value, int) else []


def _related_names(model, entries, user, obj=None) -> dict:
    """{field name: {id: str(obj)}} for the foreign keys the entries mention: one query per field.
    Units outside the user's scope stay unnamed, as they are everywhere else, except those the
    object holds now (a cadre's own unit, a case's subject units: the page names them anyway);
    a unit's parent above the scope stays unnamed."""
    wanted: dict[str, set] = {}
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.related_model is not None:
                for value in pair if isinstance(pair, list) else []:
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, int):
                            wanted.setdefault(name, set()).add(item)
    names = {}
    for name, ids in wanted.items():
        related = model._meta.get_field(name).related_model
        if related._meta.label == "core.Unit":
            # A unit's own parent is not its page's to name (the tree above the scope stays closed).
            own = _own_unit_ids(obj, name) if obj is not None and model is not related else []
            visible = related._default_manager.filter(
                models.Q(pk__in=unit_scope(user).values("pk")) | models.Q(pk__in=own))
        else:
            visible = related._default_manager.all()
        names[name] = {obj.pk: str(obj) for obj in visible.filter(pk__in=ids)}
    return names


def _show(value, field, choice_labels: dict, related: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.is_relation:
        items = value if isinstance(value, list) else [value]
        # Never a raw "#id": what the user may not see is said in words.
        return "、".join(related.get(item, _("（管辖范围外）")) for item in items)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "、".join(_show(v, None, choice_labels, related) if isinstance(v, (dict, list))
                        else str(choice_labels.get(v, v)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@register.simple_tag(takes_context=True)
def history_entries(context, obj, limit: int = HISTORY_LIMIT) -> dict:
    """The latest `limit` audit entries of obj, each with its changes in words.

    Returns {"entries": [{"at", "actor", "action", "changes": [(label, old, new)]}], "more": bool}."""
    if obj is None or obj.pk is None:
        return {"entries": [], "more": False}
    model = type(obj)
    user = context.get("user")
    visible, rule = history.visible_entries(obj=obj, user=user)
    rows = list(visible.only("id", "at", "actor_id", "actor_username", "action", "changes")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        rule.show(row)
    actors = history.actor_names(rows)  # pages show people by name (the API keeps the username)
    related = _related_names(model, rows, user, obj)
    choice_labels = _choice_labels(model)
    # The app may put into words what its services record beyond the model's fields.
    describe = history.spec_for(model).describe
    entries = []
    for row in rows:
        changes = []
        for name, pair in (row.changes or {}).items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            described = describe(name, old, new) if describe else None
            if described is not None:
                changes.append(described)
                continue
            try:
                field = model._meta.get_field(name)
                label = str(getattr(field, "verbose_name", name))
                if field.auto_created and field.is_relation:  # a reverse relation: the key only shares its name
                    raise FieldDoesNotExist
            except FieldDoesNotExist:  # a field since removed, or a pseudo-field such as password
                field, label = None, name
            names = related.get(name, {})
            changes.append((label, _show(old, field, choice_labels, names), _show(new, field, choice_labels, names)))
        entries.append({
            "at": row.at,
            "actor": actors.get(row.actor_id) or row.actor_username,
            "action": history.action_label(model, row.action),
            "changes": changes,
        })
    return {"entries": entries, "more": more}


@register.inclusion_tag("includes/filter_bar.html", takes_context=True)
def filter_bar(context, form, field_names: str, reset_url: str, label: str, extra_class: str = ""):
    """A list page's filter form: the named fields of form, 查询 and 重置 (back to reset_url).

        {% filter_bar form "q kind" reset_url label %}"""
    return {"form": form, "fields": [form[name] for name in field_names.split()],
            "reset_url": reset_url, "label": label, "extra_class": extra_class,
            "request": context.get("request")}


@register.simple_tag(takes_context=True)
def related_links(context, obj) -> list[dict]:
    """What apps above made of obj that the viewer may open (core.related):
    {% related_links case as links %}."""
    from core.related import related_links as links

    return links(obj, context["request"].user)


# ---- notices (issue #10): offering an action by role in a template --------------------------


@register.filter
def has_any_role(user, roles: str) -> bool:
    """{% if user|has_any_role:"staff admin" %}: whether user holds one of the roles."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        user.has_role(role) for role in roles.split())


@register.simple_tag
def job_shown(job) -> dict:
    """{"label", "result_template"} of the job's kind, as its handler registered them."""
    return jobs.job_shown(job.kind)
