"""Pages: the ledger part of incentives. The hub (/incentives/), a unit's year of the ledger
with its chart, Excel export and the 重新计算 button, a cadre's ledger where every figure opens
to its why, and the 红黑榜.

Who sees what is permissions' (through the selectors): a cadre the user may not see is 404,
a unit outside the scope is refused by the form. Starting a tally is staff/admin in scope
(permissions.can_write_unit); the job's progress is the core job page's partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadres.selectors import cadre_get
from core.views import REFUSALS

from .. import permissions
from ..forms import HonorBoardForm, LedgerFilterForm
from ..selectors import ledger as ledger_selectors
from ..selectors import ledger_pages
from ..selectors.rules import proposal_list
from ..services.ledger import TALLY_JOB, recompute_start

PAGE_SIZE = 50
HONOR_BOARD_SIZE = 10


def optional_url(name: str, *args) -> str | None:
    """The URL of a page another part of incentives adds, or None until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def index(request):
    """激励: every page of incentives in one place; pages not built yet are left out."""
    links = {
        "records": optional_url("incentives:record-list"),
        "timely": optional_url("incentives:timely-list"),
        "unfit": optional_url("incentives:unfit-list"),
        "catalog": optional_url("incentives:measure-list"),
    }
    pending = proposal_list(user=request.user, state="pending").count()
    return render(request, "incentives/index.html", {
        "links": links, "pending": pending, "can_write": permissions.can_write(request.user)})


def _ledger_url(unit, year, **extra) -> str:
    return reverse("incentives:ledger") + "?" + urlencode({"unit": unit.pk, "year": year, **extra})


def _ledger_form(request, data):
    """The unit and year asked for, or the user's top unit and the newest year."""
    if not data.get("unit") and not data.get("year"):
        top = permissions.visible_units(request.user).order_by("depth", "path").first()
        data = {"unit": top.pk if top else "", "year": ledger_pages.default_year(user=request.user)}
    return LedgerFilterForm(data, user=request.user)


@login_required
def ledger(request):
    """A unit's year: the subtree's totals, the cadres' rows best first, the chart of the
    distribution, the export, and the running tally."""
    form = _ledger_form(request, request.GET.copy())
    context = {"form": form, "can_recompute": False}
    if form.is_valid():
        unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
        rows = ledger_selectors.ledger_list(user=request.user, year=year, unit=unit).defer("entries")
        job_id = request.GET.get("job", "")
        context.update(
            unit=unit, year=year,
            totals=ledger_selectors.unit_totals(user=request.user, unit=unit, year=year),
            page_obj=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            chart=ledger_pages.net_distribution(user=request.user, unit=unit, year=year),
            tally=ledger_pages.tally_state(user=request.user, kind=TALLY_JOB,
                                           job_id=int(job_id) if job_id.isdigit() else None),
            can_recompute=permissions.can_write_unit(request.user, unit),
            export_url=reverse("incentives:ledger-export") + "?" + urlencode(
                {"unit": unit.pk, "year": year}),
        )
        context["rank_offset"] = context["page_obj"].start_index() - 1
    status = 200 if form.is_valid() or not form.is_bound else 400
    return render(request, "incentives/ledger.html", context, status=status)


@login_required
def ledger_export(request):
    """The unit's year as an .xlsx: the same rows as the page, all of them, and the totals."""
    form = LedgerFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "incentives/ledger.html", {"form": form}, status=400)
    unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    content = ledger_pages.ledger_workbook(user=request.user, unit=unit, year=year)
    response = HttpResponse(content, content_type=ledger_pages.XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''ledger-{unit.pk}-{year}.xlsx"
    return response


@login_required
@require_POST
def ledger_recompute(request):
    """重新计算: start a tally of the year (staff/admin in scope) and come back to the ledger,
    which shows its progress."""
    form = LedgerFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择您管辖范围内的单位和年度后再重新计算。"))
        return redirect("incentives:ledger")
    unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    # The unit's cadres and below, for whoever may write there (recompute_start decides).
    try:
        job = recompute_start(actor=request.user, unit=unit, year=year)
    except PermissionDenied:
        raise
    except REFUSALS as exc:
        messages.error(request, _("未能开始重新计算：%(why)s") % {
            "why": " ".join(getattr(exc, "messages", None) or [str(exc)])})
        return redirect(_ledger_url(unit, year))
    if getattr(job, "reused", False):
        messages.info(request, _("该年度的台账已在重新计算中，下方显示其进度。"))
    else:
        messages.success(request, _("已开始重新计算 %(year)s 年度台账，下方显示进度。") % {"year": year})
    return redirect(_ledger_url(unit, year, job=job.pk))


def _record_links(cadre):
    """How a record entry links: to the record's page once it exists, else to the cadre's
    records, else nowhere (before the records pages are merged)."""
    detail = optional_url("incentives:record-detail", 0)
    if detail is not None:
        return lambda pk: reverse("incentives:record-detail", args=[pk]) if pk else None
    records = optional_url("incentives:record-list")
    if records is not None:
        url = records + "?" + urlencode({"cadre": cadre.pk})
        return lambda pk: url
    return lambda pk: None


@login_required
def cadre_ledger(request, pk: int):
    """A cadre's ledger, every year; each figure opens to its rule (parameters in words) or
    record. 404 for a cadre the user may not see."""
    cadre = cadre_get(user=request.user, pk=pk)
    years = ledger_pages.cadre_ledger(user=request.user, cadre=cadre)
    link = _record_links(cadre)
    for year in years:
        for why in year.whys:
            why.url = link(why.record_id) if why.kind == "record" else None
    return render(request, "incentives/ledger_cadre.html", {
        "cadre": cadre, "years": years,
        "can_decide": permissions.can_write_unit(request.user, cadre.unit)})


@login_required
def honor_board(request):
    """红黑榜: the top and the bottom of a unit category in a year, by net points."""
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = ledger_pages.default_year(user=request.user)
    if not data.get("category"):
        data["category"] = HonorBoardForm.base_fields["category"].choices[0][0]
    form = HonorBoardForm(data)
    context = {"form": form}
    if form.is_valid():
        year, category = form.cleaned_data["year"], form.cleaned_data["category"]
        top, bottom = ledger_selectors.honor_board(user=request.user, year=year, category=category,
                                                    size=HONOR_BOARD_SIZE)
        context.update(year=year, category_label=dict(form.fields["category"].choices)[category],
                       top=top, bottom=bottom)
    return render(request, "incentives/honor_board.html", context,
                  status=200 if form.is_valid() else 400)
