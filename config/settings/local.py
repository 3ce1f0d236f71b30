"""A developer's machine: `make run`. DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = ALLOWED_HOSTS + ["testserver"]  # noqa: F405

# --- notices (issue #10): the demo's signing certificate ----------------------------------
# With none configured, `make run` signs published notices with the self-signed certificate
# that seed_demo makes under var/ (notices.signing.ensure_demo_certificate, DEMO_PASSPHRASE).
_DEMO_P12 = BASE_DIR / "var" / "notice-signing-demo.p12"  # noqa: F405
if not DANDANG["NOTICE_SIGNING_P12"] and _DEMO_P12.exists():  # noqa: F405
    DANDANG["NOTICE_SIGNING_P12"] = str(_DEMO_P12)  # noqa: F405
    DANDANG["NOTICE_SIGNING_PASSPHRASE"] = "dandang-demo"  # noqa: F405
