"""The test suite: the same settings, fast hashing, in-memory mail, plain static storage."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="dandang-test-media-")

import atexit  # noqa: E402
import shutil  # noqa: E402

atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: shared cache locks tables without honouring the
    # busy timeout, so threaded race tests would fail where production (a file) waits.
    import os  # noqa: E402

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"dandang-test-{os.getpid()}.sqlite3")
    }

# The ballot page's rate-limit counters in memory: a test starts from an empty cache (the
# appraisal tests clear it), whatever Redis holds from another run.
CACHES = {**CACHES, "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",  # noqa: F405
                                  "LOCATION": "ratelimit"}}
