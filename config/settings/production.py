"""Production: docker compose. SECRET_KEY and DATABASE_URL must be set."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if SECRET_KEY in ("", "dev-insecure-key-change-me"):  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
# Read like every other flag (env_bool): "True", "1", "yes" and "on" all mean on. Secure is the
# default; only an explicit "false"/"0"/"no" (a plain-HTTP trial behind no proxy) turns it off.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Persistent database connections: a new PostgreSQL connection costs about 2 ms on every
# request otherwise (docs/PERFORMANCE.md, "The request path"). gunicorn's sync workers serve one
# request at a time per process, so one connection a worker; the health check replaces a
# connection the server closed (a restart, a failover) before a request uses it.
if "CONN_MAX_AGE" not in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
