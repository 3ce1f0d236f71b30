from django.contrib.auth.middleware import AuthenticationMiddleware as _AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as _MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as _SessionMiddleware
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware as _CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render

from .input import nul_errors


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Simplified Chinese unless the person chose otherwise.

    Pages ignore the browser's Accept-Language: a clerk on an English-language browser still
    works in Chinese until they press the English switch (a cookie). API clients are programs
    that ask on purpose, so the API honours Accept-Language."""

    def process_request(self, request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class RejectNulMiddleware:
    """A NUL in the query string, or in a page's form post, is a 400 naming the field
    (core.input says why); the API's bodies are checked by core.parsers where they are read.

    A form post is read here as CsrfViewMiddleware would read it anyway; an unreadable one
    raises as it would there (Django answers 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith("/api/")
        errors = nul_errors(request.GET)
        if not errors and request.method == "POST" and not is_api:
            errors = nul_errors(request.POST)
        if errors:
            return _bad_request(request, errors, is_api=is_api)
        return self.get_response(request)


def _bad_request(request, errors: dict, *, is_api: bool):
    if is_api:
        return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"errors": errors}, status=400)


# A token-authenticated API call is a program holding a key: it has no session, no CSRF cookie,
# and no flash messages. The middleware that serve people in browsers step aside for it
# (each is a subclass, so Django's admin checks still find them); every
# other request, an API call with a session cookie included, goes through them as before.


def is_token_api_call(request) -> bool:
    return request.path_info.startswith("/api/") and request.META.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Token ")


class _BrowserOnly:
    def __call__(self, request):
        if is_token_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_BrowserOnly, _SessionMiddleware):
    pass


class CsrfViewMiddleware(_BrowserOnly, _CsrfViewMiddleware):
    pass


class AuthenticationMiddleware(_BrowserOnly, _AuthenticationMiddleware):
    pass


class MessageMiddleware(_BrowserOnly, _MessageMiddleware):
    pass
