"""Settings read from the environment: the SQLite default tuned for concurrent requests,
DATABASE_URL for PostgreSQL, and Celery eager exactly when there is no REDIS_URL."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler

from config.settings.base import BASE_DIR, database_from_env


def test_without_database_url_the_database_is_a_sqlite_file_tuned_for_concurrency(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert "PRAGMA journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://dandang:s3cret@db.internal:5433/dandang_prod")
    monkeypatch.setenv("CONN_MAX_AGE", "60")
    config = database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("dandang_prod", "dandang", "s3cret")
    assert (config["HOST"], config["PORT"], config["CONN_MAX_AGE"]) == ("db.internal", 5433, 60)
    assert "init_command" not in config.get("OPTIONS", {})  # the SQLite pragmas stay with SQLite


@pytest.fixture
def own_connections(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _sqlite_file(path, monkeypatch, **options):
    """A connection to a SQLite file configured exactly as database_from_env() configures the default."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    config = database_from_env()
    config["OPTIONS"].update(options)
    return ConnectionHandler({"default": config})["default"]


def test_a_sqlite_file_opened_with_the_defaults_is_in_wal_mode_with_a_busy_timeout(
        tmp_path, monkeypatch, own_connections):
    db = _sqlite_file(tmp_path / "wal.sqlite3", monkeypatch)
    try:
        with db.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    finally:
        db.close()


@pytest.mark.parametrize("mode, second_writer_waits", [("IMMEDIATE", True), ("DEFERRED", False)])
def test_transactions_take_the_write_lock_when_they_begin(
        tmp_path, monkeypatch, own_connections, mode, second_writer_waits):
    """With IMMEDIATE, a transaction that has only read so far already holds the write lock,
    so a second writer waits at its start instead of failing later on an upgrade; DEFERRED,
    the contrast, holds nothing until its first write."""
    path = tmp_path / "lock.sqlite3"
    first = _sqlite_file(path, monkeypatch, transaction_mode=mode)
    second = _sqlite_file(path, monkeypatch, timeout=0.1)
    try:
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n integer)")
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # as atomic() does
        with first.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
        with second.cursor() as cursor:
            if second_writer_waits:
                with pytest.raises(OperationalError, match="locked"):
                    cursor.execute("INSERT INTO t VALUES (1)")
            else:
                cursor.execute("INSERT INTO t VALUES (1)")
        first.rollback()
        first.set_autocommit(True)
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")  # once the first is done, the second gets in
    finally:
        first.close()
        second.close()


@pytest.mark.django_db
def test_the_test_database_runs_as_production_does():
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        assert settings.DATABASES["default"]["NAME"].startswith("test_")
        return
    # A file, not shared memory, so the pragmas and the busy timeout behave as in production.
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.transaction_mode == "IMMEDIATE"


CELERY_PROBE = """
import json
import django
django.setup()
from config.celery import app

@app.task
def add(x, y):
    return x + y

result = add.delay(2, 3)
print(json.dumps({"eager": app.conf.task_always_eager, "broker": app.conf.broker_url,
                  "result": type(result).__name__}))
"""


@pytest.mark.parametrize("redis_url, expected", [
    (None, {"eager": True, "broker": "memory://", "result": "EagerResult"}),
    # Port 9 has no listener: a task sent there would fail, so only the configuration is asked.
    ("redis://127.0.0.1:9/0", {"eager": False, "broker": "redis://127.0.0.1:9/0"}),
])
def test_celery_runs_tasks_in_process_exactly_when_there_is_no_redis_url(redis_url, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CI")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    code = CELERY_PROBE
    if redis_url:
        env["REDIS_URL"] = redis_url
        code = code.replace("result = add.delay(2, 3)", "result = None")
        expected = {**expected, "result": "NoneType"}
    done = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected


@pytest.mark.parametrize("env, expected", [({}, 60), ({"CONN_MAX_AGE": "0"}, 0)])
def test_production_keeps_database_connections_unless_told_otherwise(env, expected):
    code = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )
    environ = {k: v for k, v in os.environ.items() if k != "CONN_MAX_AGE"}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.production",
                   SECRET_KEY="a-production-secret-for-this-test")
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                         env=environ, cwd=BASE_DIR, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [expected, True]
