"""Pages: the annual part of assessments. The grade grids (a unit's year, or one quarter: every
cadre in one form, saved all or nothing through the services), the list of annual grades, the
chooser that leads to a grid, and the distribution chart of a unit's year.

Who may see a unit's grid is asked of assessments.permissions (outside the scope: 404); who may
save it too (can_write_unit: 403 otherwise). The gates and the 优秀 cap are the selectors' and
the services' (selectors.annual): the page shows them, the save enforces them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import permissions
from ..forms import AnnualFilterForm, AnnualGridForm, GridChooseForm, QuarterlyGridForm
from ..models import AnnualAssessment, QuarterlyAssessment
from ..selectors import annual_grid as grid_selectors
from ..services.annual import RowErrors, annual_save, quarterly_save

PAGE_SIZE = 50
QUARTER_LABELS = {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404


def _saved_message(result) -> str:
    return _("已保存：新录入 %(created)s 人，修改 %(updated)s 人，未变 %(unchanged)s 人。") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
    }


def _refusal_errors(exc: ValidationError, rows: list) -> tuple[dict[int, list[str]], list[str]]:
    """A service's refusal as ({cadre id: [messages]}, [messages for the whole form])."""
    if isinstance(exc, RowErrors):
        by_cadre: dict[int, list[str]] = {}
        for index, fields in exc.rows.items():
            by_cadre.setdefault(rows[index].cadre.pk, []).extend(m for ms in fields.values() for m in ms)
        return by_cadre, []
    return {}, list(exc.messages)


# The grids -----------------------------------------------------------------------------------
# A grid is hundreds of rows of one select each: the selects and the quarter tags are written
# here, each distinct option and tag escaped once per page and reused, not by a template loop
# of options, which costs several times the rest of the page (bench/assessment_grid.py).


class _GridHtml:
    """The grade selects and quarter tags of one page, escaped once per distinct piece."""

    def __init__(self, *, label: str, disabled: bool):
        self.label, self.disabled = label, " disabled" if disabled else ""
        self.blank = format_html('<option value="">{}</option>', _("未评定"))
        self.blocked = _("（不可选）")
        self._options: dict = {}
        self._tags: dict = {}

    def _option(self, o) -> str:
        key = (o.value, o.selected, o.disabled)
        if key not in self._options:
            self._options[key] = format_html(
                '<option value="{}"{}{}>{}{}</option>', o.value, " selected" if o.selected else "",
                " disabled" if o.disabled else "", str(o.label), self.blocked if o.disabled else "")
        return self._options[key]

    def select(self, row):
        """The row's grade select with its (visually hidden) label; a saved grade has no blank."""
        pk = row.cadre.pk
        return mark_safe(  # noqa: S308 - every piece is escaped by format_html/escape
            f'<label class="visually-hidden" for="grade-{pk}">'
            f'{escape(self.label % {"name": row.cadre.name})}</label>'
            f'<select name="grade-{pk}" id="grade-{pk}"{self.disabled}>'
            f'{"" if row.saved else self.blank}{"".join(self._option(o) for o in row.options)}</select>'
        )

    def tags(self, pairs):
        out = []
        for q, label in pairs:
            if (q, label) not in self._tags:
                self._tags[(q, label)] = format_html(
                    '<span class="tag{}">Q{} {}</span>', "" if label else " tag-empty", q, label or "—")
            out.append(self._tags[(q, label)])
        return mark_safe("".join(out))  # noqa: S308 - escaped above


@login_required
def annual_grid(request, unit_id: int, year: int):
    """Every cadre of a unit with one grade select each; POST saves them all or none."""
    _check_year(year)
    unit = grid_selectors.grid_unit_get(user=request.user, pk=unit_id)
    can_write = permissions.can_write_unit(request.user, unit)
    posted, row_errors, form_errors, status = None, {}, [], 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("您无权录入该单位的考核结果。"))
        cadres = grid_selectors.grid_cadres(unit=unit, year=year, model=AnnualAssessment)
        form = AnnualGridForm(request.POST, cadres=cadres,
                              saved_ids=grid_selectors.saved_cadre_ids(cadres, year=year))
        rows = form.rows(year) if form.is_valid() else []
        if form.is_valid():
            try:
                result = annual_save(actor=request.user, rows=rows)
            except ValidationError as exc:
                row_errors, form_errors = _refusal_errors(exc, rows)
            else:
                messages.success(request, _saved_message(result))
                return redirect("assessments:annual-grid", unit_id=unit.pk, year=year)
        else:
            row_errors = form.row_errors()
        posted, status = form.posted(), 400
        form_errors.insert(0, _("没有保存任何等次：请按各行提示修改后重新保存。"))
    grid = grid_selectors.annual_grid(unit=unit, year=year, posted=posted)
    html = _GridHtml(label=_("%(name)s的年度等次"), disabled=not can_write)
    for row in grid.rows:
        row.errors = row_errors.get(row.cadre.pk, [])
        row.select_html, row.quarters_html = html.select(row), html.tags(row.quarterly)
    counted = grid.excellent_elsewhere + sum(
        1 for row in grid.rows if row.grade == AnnualAssessment.Grade.EXCELLENT
    )
    return render(request, "assessments/annual_grid.html", {
        "grid": grid, "unit": unit, "year": year, "can_write": can_write,
        "form_errors": form_errors, "excellent_counted": counted,
        "excellent_value": AnnualAssessment.Grade.EXCELLENT,
        "rate_percent": f"{(grid.quota.rate * 100).normalize():f}%",
        "not_graded_value": AnnualAssessment.Grade.NOT_GRADED,
        "quarters": QUARTER_LABELS,
    }, status=status)


@login_required
def quarterly_grid(request, unit_id: int, year: int, quarter: int):
    """平时考核 of a unit's quarter: the same grid, one 好/较好/一般/较差 select per cadre."""
    _check_year(year)
    if quarter not in QUARTER_LABELS:
        raise Http404
    unit = grid_selectors.grid_unit_get(user=request.user, pk=unit_id)
    can_write = permissions.can_write_unit(request.user, unit)
    posted, row_errors, form_errors, status = None, {}, [], 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("您无权录入该单位的考核结果。"))
        cadres = grid_selectors.grid_cadres(unit=unit, year=year, model=QuarterlyAssessment)
        form = QuarterlyGridForm(
            request.POST, cadres=cadres,
            saved_ids=grid_selectors.saved_cadre_ids(cadres, year=year, quarter=quarter),
        )
        if form.is_valid():
            rows = form.rows(year, quarter)
            try:
                result = quarterly_save(actor=request.user, rows=rows)
            except ValidationError as exc:
                row_errors, form_errors = _refusal_errors(exc, rows)
            else:
                messages.success(request, _saved_message(result))
                return redirect("assessments:quarterly-grid", unit_id=unit.pk, year=year,
                                quarter=quarter)
        else:
            row_errors = form.row_errors()
        posted, status = form.posted(), 400
        form_errors.insert(0, _("没有保存任何等次：请按各行提示修改后重新保存。"))
    rows = grid_selectors.quarterly_grid(unit=unit, year=year, quarter=quarter, posted=posted)
    html = _GridHtml(label=_("%(name)s的平时考核等次"), disabled=not can_write)
    for row in rows:
        row.errors = row_errors.get(row.cadre.pk, [])
        row.select_html, row.quarters_html = html.select(row), html.tags(row.others)
    return render(request, "assessments/annual_quarterly_grid.html", {
        "rows": rows, "unit": unit, "year": year, "quarter": quarter,
        "quarter_label": QUARTER_LABELS[quarter], "quarters": QUARTER_LABELS,
        "can_write": can_write, "form_errors": form_errors,
    }, status=status)


@login_required
def grid_choose(request):
    """Choose a unit (from the user's scope), a year and annual or a quarter; go to its grid."""
    initial = {"year": timezone.localdate().year, "kind": "annual"}
    form = GridChooseForm(request.GET or None, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        unit, year, kind = (form.cleaned_data[k] for k in ("unit", "year", "kind"))
        if kind == "annual":
            return redirect("assessments:annual-grid", unit_id=unit.pk, year=year)
        return redirect("assessments:quarterly-grid", unit_id=unit.pk, year=year, quarter=int(kind))
    return render(request, "assessments/annual_choose.html", {"form": form},
                  status=400 if form.is_bound else 200)


# The list and the chart ------------------------------------------------------------------------


@login_required
def annual_list(request):
    """Annual grades of the cadres the user may see, filtered by unit, year and grade."""
    form = AnnualFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else True
    rows = grid_selectors.annual_list(user=request.user, filters=form.filters() if form.is_bound and valid else None)
    if not valid:
        rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = form.cleaned_data if form.is_bound and valid else {}
    grid_url = None
    if chosen.get("unit") and chosen.get("year"):
        grid_url = reverse("assessments:annual-grid", args=[chosen["unit"].pk, chosen["year"]])
    return render(request, "assessments/annual_list.html", {
        "form": form, "page_obj": page, "grid_url": grid_url,
        "distribution_url": grid_url and reverse(
            "assessments:annual-distribution", args=[chosen["unit"].pk, chosen["year"]]),
        "can_write": permissions.can_write(request.user),
    })


@login_required
def annual_distribution(request, unit_id: int, year: int):
    """The grades of a unit's year as a chart (Apache ECharts, vendored) and as a table."""
    _check_year(year)
    unit = grid_selectors.grid_unit_get(user=request.user, pk=unit_id)
    data = grid_selectors.annual_distribution(unit=unit, year=year)
    data["title"] = _("%(unit)s %(year)s 年度考核等次分布") % {"unit": unit.name, "year": year}
    data["count_label"] = _("人数")
    return render(request, "assessments/annual_distribution.html", {
        "unit": unit, "year": year, "data": data,
    })
