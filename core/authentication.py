"""Signing in: the API's tokens (django-rest-knox: hashed at rest, expiring, several per user) and
the lockout rules around django-axes. A module of its own: DRF imports it while importing its
views, so it must not import them.

Lockout (README, "Accounts and sessions"):
- axes locks a (username, address) pair after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME;
  someone guessing from elsewhere cannot lock the owner out of their own office;
- a guessing run spread over many addresses is slowed: once a username has
  LOGIN_SLOWDOWN_AFTER failures within the cool-off, from whatever addresses, each further attempt
  must wait LOGIN_SLOWDOWN_SECONDS after the last recorded failure (a delay, never a lockout);
- attempts refused during either wait are not recorded, so they never extend it;
- the page and the token endpoint answer 429 with Retry-After.
"""

import math
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.exceptions import AuthenticationFailed

from .input import NUL

# The longest key a token of ours can have: knox's (64) and a carried-over DRF key (40).
_MAX_KEY_LENGTH = 64
_HEX = frozenset("0123456789abcdefABCDEF")
_INVALID = gettext_lazy("认证令牌无效或已过期，请重新获取。")


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's, in one query: the digest is the table's primary key, so the token is looked up by
    it (with its user) instead of by knox's 15-character key and a scan of the user's other
    tokens. Expired tokens are refused here and deleted when their owner next signs in. A key no
    token can have (a NUL, not hex, too long) is refused before any query."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeEncodeError:
            # A header DRF cannot encode as latin-1 (a client sending Chinese): a 401, not a 500.
            raise AuthenticationFailed(_INVALID) from None

    def authenticate_credentials(self, token: bytes):
        invalid = _INVALID
        try:
            key = token.decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(invalid) from None
        if NUL in key or not key or len(key) > _MAX_KEY_LENGTH or not set(key) <= _HEX:
            raise AuthenticationFailed(invalid)
        auth_token = AuthToken.objects.select_related("user").filter(digest=hash_token(key)).first()
        if auth_token is None or (auth_token.expiry and auth_token.expiry <= timezone.now()):
            raise AuthenticationFailed(invalid)
        if not auth_token.user.is_active:
            raise AuthenticationFailed(invalid)
        return auth_token.user, auth_token


def token_ttl(user) -> timedelta:
    """How long a new token of this user lives: longer for accounts marked as API clients."""
    if getattr(user, "is_api_client", False):
        return settings.API_CLIENT_TOKEN_TTL
    return knox_settings.TOKEN_TTL


# Lockout --------------------------------------------------------------------------------------


def _username_failures(username: str):
    """(failures, time of the latest) for a username within the cool-off, over every address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), latest=Max("attempt_time")
    )


def username_wait_seconds(username: str | None) -> int:
    """Seconds a new attempt for this username must still wait (0: none)."""
    if not username:
        return 0
    row = _username_failures(username)
    if (row["failures"] or 0) < settings.LOGIN_SLOWDOWN_AFTER:
        return 0
    ready = row["latest"] + timedelta(seconds=settings.LOGIN_SLOWDOWN_SECONDS)
    return max(0, math.ceil((ready - timezone.now()).total_seconds()))


def pair_wait_seconds(request, username: str | None) -> int:
    """Seconds until the (username, address) lock lifts, counted from the failure that set it."""
    cool_off = get_cool_off(request) or timedelta(0)
    latest = AccessAttempt.objects.filter(
        username=username or "", ip_address=get_client_ip_address(request)
    ).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return 0
    return max(1, math.ceil((latest + cool_off - timezone.now()).total_seconds()))


class LockoutBackend(AxesStandaloneBackend):
    """axes' check of the (username, address) lock, then the per-username slowdown. A refusal sets
    `axes_locked_out`, which also tells axes not to record the attempt (so it never extends the
    wait), and `lockout_retry_after` for the 429's Retry-After."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.lockout_retry_after = pair_wait_seconds(request, username)
            request.lockout_reason = "pair"
            raise
        if request is None or not settings.AXES_ENABLED:
            return None
        wait = username_wait_seconds(username)
        if wait:
            request.axes_locked_out = True
            request.lockout_retry_after = wait
            request.lockout_reason = "username"
            raise AxesBackendPermissionDenied(_("该账号近期登录失败次数过多，请稍后再试。"))
        return None


def lockout_message(request) -> str:
    if getattr(request, "lockout_reason", "pair") == "username":
        return _("该账号近期在多处登录失败次数过多，为防止密码被猜测，请 %(s)d 秒后再试。") % {
            "s": getattr(request, "lockout_retry_after", 0)
        }
    return _(
        "该账号在本机连续 %(limit)d 次登录失败，为保护账号安全，已暂时锁定；"
        "请 %(m)d 分钟后再试，或联系系统管理员解锁。"
    ) % {
        "limit": settings.AXES_FAILURE_LIMIT,
        "m": max(1, math.ceil(getattr(request, "lockout_retry_after", 0) / 60)),
    }


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for the API, the Chinese page otherwise."""
    retry_after = getattr(request, "lockout_retry_after", None)
    if retry_after is None:
        username = (credentials or {}).get("username")
        retry_after = pair_wait_seconds(request, username)
    request.lockout_retry_after = retry_after
    message = lockout_message(request)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "retry_after": retry_after},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(
            request,
            settings.AXES_LOCKOUT_TEMPLATE,
            {"message": message, "retry_after": retry_after},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response
