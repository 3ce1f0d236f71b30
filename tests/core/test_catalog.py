"""The English catalog covers every string the code marks for translation.

Found in a browser in English: the notices list said 任前公示 and 已发布 beside "Draft", and a
notice's service refusals (请填写标题。, 公示开始日期不能早于发布日期。) came back in Chinese,
because the notices strings were never added to locale/en. This runs `makemessages` on a copy
of the sources, as `make messages` does, and asks gettext which entries are still missing or
only guessed (fuzzy)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCES = shutil.ignore_patterns(
    ".venv", ".git", "media", "var", "staticfiles", "test-artifacts", "bench", "__pycache__",
    "*.egg-info", ".pytest_cache", "*.mo",
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} (gettext) is missing: install the gettext package (make sysdeps)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _msgids(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib keeps with these flags, one line each (wrapped lines joined)."""
    out = subprocess.run([_tool("msgattrib"), "--no-obsolete", "--no-wrap", *flags, str(po)],
                         capture_output=True, text=True, check=True).stdout
    return [line[len('msgid "'):-1] for line in out.splitlines()
            if line.startswith('msgid "') and line != 'msgid ""']


def test_every_string_marked_for_translation_has_its_english(tmp_path):
    _tool("xgettext")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCES)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location",
         "--ignore=tests", "--ignore=static"],
        cwd=copy, env=env, capture_output=True, text=True, check=True,
    )
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = _msgids(po, "--untranslated") + _msgids(po, "--only-fuzzy")
    assert missing == [], "no English in locale/en/LC_MESSAGES/django.po for:\n" + "\n".join(missing)
