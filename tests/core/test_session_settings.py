"""production.py reads its cookie flags with env_bool, like every other flag (issue 7, item 9):
a value such as "True" or "1" used to turn secure cookies *off*."""

import json
import os
import subprocess
import sys

import pytest

from config.settings.base import BASE_DIR

_CODE = (
    "import json, importlib; s = importlib.import_module('config.settings.production'); "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))"
)


def _production_flags(value):
    env = {k: v for k, v in os.environ.items() if k != "SESSION_COOKIE_SECURE"}
    env["SECRET_KEY"] = "a-real-secret-for-this-test-only-0123456789"
    if value is not None:
        env["SESSION_COOKIE_SECURE"] = value
    done = subprocess.run(
        [sys.executable, "-c", _CODE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("value", ["True", "true", "1", "yes", "on", None])
def test_secure_cookies_are_on_for_every_true_spelling_and_by_default(value):
    assert _production_flags(value) == [True, True]


@pytest.mark.parametrize("value", ["false", "0", "no"])
def test_secure_cookies_turn_off_only_when_said_so(value):
    assert _production_flags(value) == [False, False]
