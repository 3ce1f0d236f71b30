"""The API's token authentication (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES). A module
of its own: DRF imports it while importing its views, so it must not import them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .input import NUL


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, refusing before any query a key no token can have: a NUL in the header would
    reach PostgreSQL, which cannot even compare it (a 500)."""

    def authenticate_credentials(self, key):
        if NUL in key or len(key) > Token._meta.get_field("key").max_length:
            raise AuthenticationFailed(_("认证令牌无效。"))
        return super().authenticate_credentials(key)
