"""Pages: 民主测评. Staff open a round and get its codes on the answer page (printable slips and
an .xlsx download), the round's page shows turnout and, once closed, the results; the public
ballot page /ballot/<code>/ takes one ballot per code, without an account.

The slips are never stored: the answer that opens a round carries the codes (in the slips
and in the download form's hidden fields); the download POSTs them back, each is checked
against the round's hashes, and the sheet is made from them. Whoever does not hold the codes
cannot get them again: the server has only their hashes."""

from io import BytesIO

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.models import Role
from core.services import require_role
from core.views import form_refusals, has_any_role, public_rate_limited, public_response

from .. import permissions
from ..forms import AppraisalOpenForm, BallotForm
from ..models import AppraisalCode, AppraisalRound
from ..selectors import appraisal as selectors
from ..services import appraisal as services

PAGE_SIZE = 50
OPEN_ROLES = (Role.STAFF, Role.ADMIN)


@login_required
def appraisal_list(request):
    """Rounds of the units the user may see."""
    rows = selectors.appraisal_list(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessments/appraisal_list.html", {
        "page_obj": page, "can_create": has_any_role(request.user, *OPEN_ROLES),
    })


def _slips(request, codes: list[str]) -> list[dict]:
    import segno

    slips = []
    for code in codes:
        url = request.build_absolute_uri(reverse("appraisal-ballot", args=[code]))
        slips.append({"code": code, "url": url,
                      "qr": segno.make(url, error="m").svg_data_uri(scale=3, border=2)})
    return slips


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_open(request):
    """发起民主测评: the answer to a valid POST is the codes' page, shown this once."""
    require_role(request.user, *OPEN_ROLES)
    template = "assessments/appraisal_form.html"
    if request.method == "GET":
        form = AppraisalOpenForm(user=request.user, initial={"kind": AppraisalRound.Kind.ANNUAL})
        return render(request, template, {"form": form})
    form = AppraisalOpenForm(request.POST, user=request.user)
    status = 400
    if form.is_valid():
        with form_refusals(form) as refused:
            opened = services.appraisal_open(actor=request.user, **form.cleaned_data)
        if not refused:
            response = render(request, "assessments/appraisal_codes.html", {
                "round": opened.round, "slips": _slips(request, opened.codes),
            }, status=201)
            response["Cache-Control"] = "no-store"
            return response
        status = refused.status
    return render(request, template, {"form": form}, status=status)


@login_required
@require_POST
def appraisal_slips(request, pk: int):
    """The slips as .xlsx, made from the codes the opening answer posts back (never stored)."""
    appraisal_round = selectors.appraisal_get(user=request.user, pk=pk)
    if not permissions.can_open_appraisal(request.user, appraisal_round.unit):
        raise Http404
    raw = request.POST.getlist("code")
    codes = [services.normalize_code(c) for c in raw]
    if not codes or len(codes) > appraisal_round.voters or not all(codes):
        return HttpResponseBadRequest(_("测评码无效。").encode())
    hashes = {services.code_hash(c) for c in codes}
    known = AppraisalCode.objects.filter(round=appraisal_round, code_hash__in=hashes).count()
    if known != len(hashes):
        return HttpResponseBadRequest(_("测评码不属于本次测评。").encode())
    response = HttpResponse(
        _slips_xlsx(request, appraisal_round, [services.format_code(c) for c in codes]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="appraisal-{appraisal_round.pk}-codes.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _slips_xlsx(request, appraisal_round, codes: list[str]) -> bytes:
    import segno
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    wb = Workbook()
    ws = wb.active
    ws.title = _("测评码")
    ws.append([_("序号"), _("测评"), _("测评码"), _("投票网址"), _("截止时间"), _("二维码")])
    closes = appraisal_round.closes_at.astimezone().strftime("%Y-%m-%d %H:%M")
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 60
    ws.column_dimensions["E"].width = 18
    ws.column_dimensions["F"].width = 16
    for n, slip in enumerate(_slips(request, codes), start=1):
        row = n + 1
        ws.append([n, str(appraisal_round), slip["code"], slip["url"], closes])
        png = BytesIO()
        segno.make(slip["url"], error="m").save(png, kind="png", scale=3, border=2)
        png.seek(0)
        image = Image(png)
        ws.add_image(image, f"F{row}")
        ws.row_dimensions[row].height = 90
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
def appraisal_detail(request, pk: int):
    """A round: turnout and closing time; its results once closed (the first reading seals it)."""
    appraisal_round = selectors.appraisal_get(user=request.user, pk=pk)
    results = None
    if permissions.can_see_appraisal_results(request.user, appraisal_round):
        appraisal_round = services.appraisal_seal(round=appraisal_round, actor=request.user)
        results = selectors.appraisal_results(appraisal_round=appraisal_round)
    return render(request, "assessments/appraisal_detail.html", {
        "round": appraisal_round, "results": results,
        "cadres": None if results else list(appraisal_round.cadres.order_by("name", "pk")),
        "scores": selectors.rating_scores(),
    })


# The public ballot page ------------------------------------------------------------------


def _limited(request) -> bool:
    return public_rate_limited(request, group="assessments.ballot", rate=settings.DANDANG["BALLOT_RATE_LIMIT"])


def _refused(request, reason: str):
    if reason == "closed":
        return public_response(render(request, "assessments/ballot_closed.html", status=410))
    return public_response(render(request, "assessments/ballot_invalid.html", status=404))


@require_http_methods(["GET", "POST"])
def ballot(request, code: str):
    """投票: one ballot per code, without an account."""
    if _limited(request):
        return public_response(render(request, "assessments/ballot_limited.html", status=429))
    try:
        appraisal_round = services.ballot_round(code=code)
    except services.BallotRefused as exc:
        return _refused(request, exc.reason)
    cadres = list(appraisal_round.cadres.order_by("name", "pk"))
    form = BallotForm(request.POST or None, cadres=cadres)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.ballot_cast(code=code, team=form.cleaned_data["team"], marks=form.marks())
            except services.BallotRefused as exc:
                return _refused(request, exc.reason)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return public_response(redirect("appraisal-ballot-done"))
    return public_response(render(request, "assessments/ballot_form.html", {
        "round": appraisal_round, "form": form,
    }, status=status))


def ballot_done(request):
    """Thanks: names no code and no round."""
    return public_response(render(request, "assessments/ballot_done.html"))
