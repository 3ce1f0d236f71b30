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

# HTTPS only (issue 7, item 11). TLS ends at the reverse proxy, which sets X-Forwarded-Proto;
# plain HTTP is redirected. /healthz is answered before SecurityMiddleware (core.transport),
# so the containers' own HTTP probe is not redirected.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# HSTS: browsers keep to HTTPS for a year once they have seen the site over it.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # noqa: F405
# Preloading is a promise for the whole registrable domain (the department's, not this
# site's) and is made by submitting that domain to the browsers' list: the department decides
# it, so it is off unless the environment turns it on, and check --deploy's W021 is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # noqa: F405
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
# security.W003 looks for Django's CsrfViewMiddleware by name; MIDDLEWARE has its subclass
# core.middleware.CsrfViewMiddleware, which steps aside only for token-authenticated API calls
# (no cookies, so nothing to forge): every browser request is checked as by Django's own
# (tests/core/test_transport.py holds a cookie POST without the token to 403).
SILENCED_SYSTEM_CHECKS = ["security.W021", "security.W003"]
