"""A developer's machine: `make run`. DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = ALLOWED_HOSTS + ["testserver"]  # noqa: F405
