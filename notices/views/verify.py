"""The public verification pages (no account): /verify/ takes a code or a PDF, /verify/<code>/
says whether that notice is genuine and checks an uploaded copy against it.

A page shows the notice's number, kind, issuing body, date, title and SHA-256: nothing of what
it names (the cadres, the text), which the notice itself is for. Rate-limited per address with
django-ratelimit as the ballot page is (the "ratelimit" cache); no cache keeps a page and no
link carries its code to another site."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.errors import PayloadTooLarge
from core.forms import add_service_errors
from core.views import public_rate_limited, public_response

from ..services import verify as services


class CodeForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=32, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}))


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("公告 PDF 文件"), required=True,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))


def _limited(request) -> bool:
    return public_rate_limited(request, group="notices.verify",
                               rate=settings.DANDANG["VERIFY_RATE_LIMIT"])


def _facts(notice) -> dict:
    return {"notice": notice, "issuing_body": services.issuing_body(notice)}


def _check(request, form: FileForm, expected=None):
    """(status, FileCheck or None): the upload checked, its refusal on the form."""
    if not form.is_valid():
        return 400, None
    try:
        return 200, services.check_file(form.cleaned_data["file"], expected=expected)
    except PayloadTooLarge as exc:
        form.add_error("file", exc.message)
        return 413, None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return 400, None


@require_http_methods(["GET", "POST"])
def verify_index(request):
    """公告核验: a code (GET ?code=) opens its page; a PDF (POST) is looked up by its hash."""
    if _limited(request):
        return public_response(render(request, "notices/verify_limited.html", status=429))
    code_form = CodeForm(request.GET or None)
    file_form = FileForm(request.POST or None, request.FILES or None)
    status, result = 200, None
    if request.method == "GET" and code_form.is_valid() and code_form.cleaned_data["code"]:
        code = code_form.cleaned_data["code"].strip().upper()
        if services.published_by_code(code) is None:
            return public_response(render(request, "notices/verify_unknown.html", {"code": code},
                                  status=404))
        return public_response(redirect("notices-verify", code=code))
    if request.method == "GET" and code_form.is_bound and not code_form.is_valid():
        status = 400
    if request.method == "POST":
        status, result = _check(request, file_form)
    context = {"code_form": code_form, "file_form": file_form, "result": result,
               "max_upload": settings.DANDANG["VERIFY_MAX_UPLOAD"]}
    if result is not None and result.found is not None:
        context.update(_facts(result.found))
    return public_response(render(request, "notices/verify.html", context, status=status))


@require_http_methods(["GET", "POST"])
def verify_code(request, code: str):
    """One notice by its code: genuine, its facts; a PDF posted here is checked against it."""
    if _limited(request):
        return public_response(render(request, "notices/verify_limited.html", status=429))
    notice = services.published_by_code(code)
    if notice is None:
        return public_response(render(request, "notices/verify_unknown.html", {"code": code[:32]},
                              status=404))
    file_form = FileForm(request.POST or None, request.FILES or None)
    status, result = 200, None
    if request.method == "POST":
        status, result = _check(request, file_form, expected=notice)
    return public_response(render(request, "notices/verify_code.html", {
        **_facts(notice), "file_form": file_form, "result": result,
        "max_upload": settings.DANDANG["VERIFY_MAX_UPLOAD"]}, status=status))
