"""Transport concerns that every answer shares: the health check, caching of personal data,
and what a request meets when the database is down (issue 7, items 11 and 12)."""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
# Seconds a client should wait before asking again after a 503.
RETRY_AFTER = 30
# Errors that mean the database cannot answer now, not that the request was wrong: a refused
# or dropped connection, a server shutting down, an exhausted pool.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable_message() -> str:
    return _("数据库暂时无法访问，请稍后重试。")


def is_api_request(request) -> bool:
    return request.path_info.startswith("/api/")


# ---------------------------------------------------------------- health


def check_database() -> str:
    """ "ok", or a short reason; asks every configured database."""
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.warning("health: database %s unreachable: %s", alias, exc)
            return "unreachable"
    return "ok"


def check_broker() -> str | None:
    """ "ok" or "unreachable" for the Celery broker; None where none is configured (tasks run
    in-process without REDIS_URL)."""
    url = settings.REDIS_URL
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        logger.warning("health: broker unreachable: %s", exc)
        return "unreachable"
    return "ok"


def health() -> tuple[bool, dict]:
    checks = {"database": check_database()}
    broker = check_broker()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(value == "ok" for value in checks.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}


class HealthCheckMiddleware:
    """GET /healthz: 200 when the database (and the broker, where one is configured) answer,
    503 otherwise, with each check in the JSON.

    First in MIDDLEWARE, so that a container's own probe (http://127.0.0.1:8000/healthz) is
    neither refused by ALLOWED_HOSTS nor redirected to HTTPS, and touches no session. It says
    only "ok" or "unreachable", so it is safe to leave open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != HEALTHZ_PATH:
            return self.get_response(request)
        healthy, body = health()
        response = JsonResponse(body, status=200 if healthy else 503)
        add_never_cache_headers(response)
        if not healthy:
            response["Retry-After"] = str(RETRY_AFTER)
        return response


# ---------------------------------------------------------------- caching


class NoStoreMiddleware:
    """Every answer to a signed-in user (a session or an API token) carries personal data or
    may: no cache, shared or private, keeps it (Cache-Control: no-store, private, ...).

    Placed after WhiteNoise, so static files keep their long cache headers; anonymous pages
    (the login page) are left to Django's defaults."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF copies an API token's user onto the Django request, so this sees both kinds.
        try:
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
        except DATABASE_UNAVAILABLE:
            signed_in = True  # unknown: the safe answer is not to cache it
        if signed_in:
            add_never_cache_headers(response)
        return response


# ---------------------------------------------------------------- database down


def database_unavailable_response(request) -> HttpResponse:
    """503: JSON {"detail": ...} for the API, the Chinese 503 page for browsers."""
    message = database_unavailable_message()
    if is_api_request(request):
        response = JsonResponse(
            {"detail": message}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        # Rendered without a RequestContext: its context processors would ask the database
        # for the user, which is what just failed.
        html = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def server_error(request, *args, **kwargs):
    """handler500: a database that cannot answer is a 503 (JSON for the API, the Chinese
    page for browsers); any other error is the 500 page, or JSON for the API.

    Django calls this for an exception raised anywhere in the middleware or the view, so it
    covers what the API's exception handler cannot see (a session loaded before DRF runs)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    if is_api_request(request):
        return JsonResponse(
            {"detail": _("服务器处理请求时出错，已记录。请稍后再试。")},
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    html = loader.get_template("500.html").render()
    return HttpResponse(html, status=500, content_type="text/html; charset=utf-8")


# ---------------------------------------------------------------- other errors outside DRF


def _api_json_or(page_view, status: int, message):
    """handler400/403/404: JSON {"detail": ...} under /api/ (a path the router does not know,
    a request Django refuses before DRF runs), Django's page elsewhere."""

    def view(request, exception=None):
        if is_api_request(request):
            return JsonResponse(
                {"detail": str(message())}, status=status, json_dumps_params={"ensure_ascii": False}
            )
        return page_view(request, exception)

    return view


bad_request = _api_json_or(lambda r, e: defaults.bad_request(r, e), 400, lambda: _("请求有误。"))
permission_denied = _api_json_or(
    lambda r, e: defaults.permission_denied(r, e), 403, lambda: _("您没有执行该操作的权限。")
)
page_not_found = _api_json_or(
    lambda r, e: defaults.page_not_found(r, e), 404, lambda: _("未找到。")
)
