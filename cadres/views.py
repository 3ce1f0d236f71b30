"""HTML views for units and cadres. Reads go through cadres.selectors (scoped: anything
outside the user's scope is 404), writes through cadres.services (core.views.ServiceFormView)."""

from html import escape
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.input import MAX_ID
from core.models import Role
from core.pagination import DeferredJoinPaginator
from core.scoping import unit_in_scope
from core.timeline import cadre_timeline
from core.views import ServiceFormView, has_any_role

from . import idnumber, selectors, services
from .forms import AppointmentForm, CadreForm, CadreSearchForm
from .models import Cadre, PostLevel, Unit

PAGE_SIZE = 50
TREE_BATCH = 100  # children loaded per click in the unit tree
AUTOCOMPLETE_LIMIT = 20
CADRE_PAGE_TIMELINE = 50  # newest timeline entries on the cadre page; the API pages through more
EDIT_ROLES = (Role.STAFF, Role.ADMIN)


# Units ------------------------------------------------------------------------------


def _with_has_children(queryset):
    return queryset.annotate(has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"))))


def _scope_roots(user):
    """The tops of the user's tree: the root units for an administrator, else their own
    scope units less any that lie under another of them."""
    if user.is_admin:
        return _with_has_children(Unit.objects.filter(parent__isnull=True)).order_by("code")
    units = list(_with_has_children(user.units.all()).order_by("code"))
    return [u for u in units if not any(o.pk != u.pk and u.path.startswith(o.path) for o in units)]


def _visible_parent(user, unit):
    """The unit's parent when the user may see it: a parent above their scope is not named."""
    return unit.parent if unit.parent_id and unit_in_scope(user, unit.parent) else None


def _batch(items, offset: int) -> tuple[list, int | None]:
    """One batch of tree nodes from offset, and the next offset (None at the end)."""
    rows = list(items[offset: offset + TREE_BATCH + 1])
    return rows[:TREE_BATCH], (offset + TREE_BATCH if len(rows) > TREE_BATCH else None)


def _offset(request) -> int:
    try:
        offset = int(request.GET.get("offset", 0))
    except ValueError:
        return 0
    # Past the end is simply nothing more; a number beyond the database's range would be a 500.
    return min(max(0, offset), MAX_ID)


@login_required
def unit_tree(request):
    """The unit tree, a level at a time (children load on expand), or a search's matches."""
    q = request.GET.get("q", "").strip()[:60]
    context = {"q": q}
    if q:
        units = selectors.unit_list(user=request.user, filters={"q": q}).order_by("code")
        context["page_obj"] = page = DeferredJoinPaginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
        for unit in page:
            unit.visible_parent = _visible_parent(request.user, unit)
        return render(request, "cadres/unit_tree.html", context)
    context["nodes"], context["next_offset"] = _batch(_scope_roots(request.user), _offset(request))
    if "offset" in request.GET:  # "load more" of the top level: just the next batch
        return render(request, "cadres/_unit_nodes.html", context)
    return render(request, "cadres/unit_tree.html", context)


@login_required
def unit_children(request, pk: int):
    """An htmx fragment: one batch of a unit's children."""
    unit = selectors.unit_get(user=request.user, pk=pk)
    children = _with_has_children(Unit.objects.filter(parent=unit)).order_by("code")
    nodes, next_offset = _batch(children, _offset(request))
    return render(request, "cadres/_unit_nodes.html", {"nodes": nodes, "next_offset": next_offset, "parent": unit})


@login_required
def unit_detail(request, pk: int):
    unit = selectors.unit_get(user=request.user, pk=pk)
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
    # Only the ancestors the user may see: a staff member's trail starts at their own unit.
    ancestors = selectors.unit_list(user=request.user).filter(pk__in=ancestor_ids).order_by("depth")
    children = _with_has_children(Unit.objects.filter(parent=unit)).order_by("code")
    nodes, next_offset = _batch(children, 0)
    return render(request, "cadres/unit_detail.html", {
        "unit": unit,
        "ancestors": ancestors,
        "nodes": nodes,
        "next_offset": next_offset,
        "cadre_count": selectors.cadre_list(user=request.user, filters={"unit": unit.pk}).count(),
    })


@login_required
def unit_autocomplete(request):
    """At most 20 units in the user's scope whose name contains q (or whose code is q), as options."""
    q = request.GET.get("q", "").strip()[:60]
    units = selectors.unit_list(user=request.user, filters={"q": q}).order_by("depth", "code")
    options = []
    for unit in units[:AUTOCOMPLETE_LIMIT]:
        parent = _visible_parent(request.user, unit)
        options.append({"value": unit.pk, "label": unit.name,
                        "hint": f"{unit.code} · {parent.name}" if parent else unit.code})
    return render(request, "includes/autocomplete_options.html", {"options": options, "q": q})


# Cadres -----------------------------------------------------------------------------


class CadreRow(NamedTuple):
    """One row of the cadre list page, from .values(): no model instances, choice labels looked
    up once a page (get_FOO_display hashes every choice's lazy label on every call), and the link
    from one reverse() (the page spent most of its time on these, docs/PERFORMANCE.md)."""

    pk: int
    name: str
    url: str
    is_reserve: bool
    gender: str
    birth_date: object
    unit_name: str
    position_title: str
    post_level: str
    status: str
    status_value: str
    id_number_masked: str

    COLUMNS = ("id", "name", "is_reserve", "gender", "birth_date", "unit__name", "position_title",
               "post_level", "status", "id_number")

    # The table's rows in one string, not the template language, which spent ~0.1 ms a row on
    # them, half of the page's time. Same markup as the template had, every value escaped.
    ROW_HTML = (
        '<tr><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td>{}</td><td><span class="status status-{}">{}</span></td><td class="mono">{}</td></tr>'
    )

    # With `selectable`, a first cell ticks the cadre for the list's selection form
    # (#cadre-select: apps above start work from the chosen cadres, e.g. a 任前公示).
    SELECT_HTML = ('<tr><td class="select"><input type="checkbox" name="cadre" value="{}" '
                   'form="cadre-select" aria-label="{}"></td>')

    @classmethod
    def html(cls, rows: list["CadreRow"], selectable: bool = False) -> str:
        """The rows' markup, every value escaped. html.escape on the plain strings is what
        format_html_join does to each, without its lazy-aware wrappers (a fifth of the page)."""
        reserve = format_html(' <span class="tag tag-accent">{}</span>', _("后备"))
        row_html = cls.ROW_HTML.format
        lines = [
            row_html(
                escape(r.url), escape(r.name), reserve if r.is_reserve else "", escape(r.gender),
                f"{r.birth_date.year}.{r.birth_date.month:02d}" if r.birth_date else "",
                escape(r.unit_name), escape(r.position_title or "—"), escape(r.post_level),
                escape(r.status_value), escape(r.status), escape(r.id_number_masked),
            )
            for r in rows
        ]
        if selectable:
            select, label = cls.SELECT_HTML.format, str(_("选择"))
            lines = [select(r.pk, escape(label + r.name)) + line[len("<tr>"):]
                     for r, line in zip(rows, lines, strict=True)]
        return mark_safe("\n".join(lines))  # noqa: S308 -- every value above is escaped

    @classmethod
    def many(cls, rows) -> list["CadreRow"]:
        genders = {k: str(v) for k, v in Cadre.Gender.choices}
        levels = {k: str(v) for k, v in PostLevel.choices}
        statuses = {k: str(v) for k, v in Cadre.Status.choices}
        url = reverse("cadres:cadre-detail", args=[0])[:-2] + "{}/"  # ".../cadres/0/"
        return [
            cls(r["id"], r["name"], url.format(r["id"]), r["is_reserve"],
                genders.get(r["gender"], r["gender"]), r["birth_date"], r["unit__name"],
                r["position_title"], levels.get(r["post_level"], r["post_level"]),
                statuses.get(r["status"], r["status"]), r["status"], idnumber.mask(r["id_number"]))
            for r in rows
        ]


@login_required
def cadre_list(request):
    """Cadres in scope with filters and 50 a page, through the same selector as the API."""
    form = CadreSearchForm(request.GET or None, user=request.user)
    count = None
    searched_id_number = ""
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        cadres, count = selectors.cadre_list_counted(user=request.user, filters=filters)
        if form.is_bound and form.id_number_searched:
            searched_id_number = idnumber.mask(form.id_number_searched)
            form.hide_id_number()
    else:  # the form shows what is wrong; list nothing rather than guess
        cadres = selectors.cadre_list(user=request.user).none()
    paginator = DeferredJoinPaginator(cadres.values(*CadreRow.COLUMNS), PAGE_SIZE, count=count)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = CadreRow.many(page.object_list)
    return render(request, "cadres/cadre_list.html", {
        "form": form,
        "searched_id_number": searched_id_number,
        "page_obj": page,
        "rows_html": CadreRow.html(page.object_list,
                                   selectable=has_any_role(request.user, *EDIT_ROLES)),
        "can_edit": has_any_role(request.user, *EDIT_ROLES),
    })


@login_required
def cadre_autocomplete(request):
    """At most 20 cadres the user may see whose name contains q (or whose whole ID number q is),
    as options. The term is not echoed back: it may be an ID number."""
    q = request.GET.get("q", "").strip()[:60]
    cadres = selectors.cadre_list(user=request.user, filters={"q": q} if q else {})
    options = [{"value": c.pk, "label": c.name, "hint": f"{c.unit.name} · {c.position_title}".strip(" ·")}
               for c in cadres[:AUTOCOMPLETE_LIMIT]]
    return render(request, "includes/autocomplete_options.html", {"options": options})


@login_required
def cadre_detail(request, pk: int):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    can_edit = has_any_role(request.user, *EDIT_ROLES)
    return render(request, "cadres/cadre_detail.html", {
        "cadre": cadre,
        # The whole ID number only here, and only for administrators.
        "id_number": cadre.id_number if request.user.is_admin else cadre.id_number_masked,
        "tag_labels": [label for value, label in Cadre.Tag.choices if value in (cadre.tags or [])],
        "timeline": cadre_timeline(cadre=cadre, user=request.user, limit=CADRE_PAGE_TIMELINE),
        "appointments": selectors.appointment_list(user=request.user, filters={"cadre": cadre.pk}),
        "can_edit": can_edit,
        "appointment_form": AppointmentForm(user=request.user, prefix="appt") if can_edit else None,
    })


class CadreCreateView(ServiceFormView):
    form_class = CadreForm
    template_name = "cadres/cadre_form.html"
    success_message = _("干部档案已创建。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    id_number_holder = None  # the cadre already holding the number, when the user may see it

    def get_context_data(self, **kwargs):
        return super().get_context_data(id_number_holder=self.id_number_holder, **kwargs)

    def save(self, form):
        return services.cadre_create(actor=self.request.user, **form.service_fields())

    def perform(self, form):
        try:
            return self.save(form)
        except services.IdNumberTaken as exc:
            self.id_number_holder = exc.cadre
            raise


class CadreEditView(CadreCreateView):
    success_message = _("干部档案已保存。")

    def dispatch(self, request, *args, **kwargs):
        self.cadre = None
        if request.user.is_authenticated:
            self.cadre = selectors.cadre_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.cadre}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.cadre, **kwargs)

    def save(self, form):
        appointment = form.appointment_data()
        if appointment is not None:
            return services.cadre_post_change(cadre=self.cadre, actor=self.request.user, **appointment,
                                              **form.service_fields())
        return services.cadre_update(cadre=self.cadre, actor=self.request.user, **form.service_fields())


class AppointmentCreateView(ServiceFormView):
    """Adds an appointment to a cadre; the detail page posts its inline form here."""

    form_class = AppointmentForm
    template_name = "cadres/appointment_form.html"
    prefix = "appt"
    success_message = _("任职记录已添加。")

    def dispatch(self, request, *args, **kwargs):
        self.cadre = None
        if request.user.is_authenticated:
            self.cadre = selectors.cadre_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.cadre, **kwargs)

    def perform(self, form):
        return services.appointment_create(actor=self.request.user, cadre=self.cadre, **form.cleaned_data)

    def get_success_url(self):
        return self.cadre.get_absolute_url() + "#appointments"
