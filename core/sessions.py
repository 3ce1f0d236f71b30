"""The session store (SESSION_ENGINE): Django's database sessions, taking only a key it could
have made. A forged cookie's NUL would reach PostgreSQL, which cannot even compare it (a 500);
now such a cookie is simply no session, as any unknown key is."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and set(key) <= _KEY_CHARS
