"""The production shape: docker-compose.yml, the Dockerfile and .env.example.

Docker can't run here, so the files are parsed, and every command they would run is
checked against the project: the modules import, the management commands exist, the
options are ones the programs accept, and the production settings load from the example
environment."""

import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import gunicorn.config
import pytest
import yaml
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(settings.BASE_DIR)
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a `cmd && exec cmd` script."""
    argvs = []
    for part in script.split("&&"):
        argv = shlex.split(part)
        argvs.append(argv[1:] if argv[:1] == ["exec"] else argv)
    return argvs


def argvs(spec) -> list[list[str]]:
    """The commands a compose `command`, a healthcheck `test` or a Dockerfile CMD runs."""
    if isinstance(spec, str):
        return shell_commands(spec)
    if spec[0] == "CMD-SHELL":
        return shell_commands(spec[1])
    if spec[0] == "CMD":
        return [spec[1:]]
    if spec[:2] == ["sh", "-c"]:
        return shell_commands(spec[2])
    return [spec]


def app_commands():
    for name in APP_SERVICES:
        service = SERVICES[name]
        for argv in argvs(service["command"]):
            yield f"{name}: command", argv
        for argv in argvs(service["healthcheck"]["test"]):
            yield f"{name}: healthcheck", argv
    yield "Dockerfile: CMD", json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1))


def check_options(argv: list[str], known: set[str], where: str) -> None:
    for arg in argv:
        if arg.startswith("-") and arg != "-":  # a lone "-" is a value: stdout
            assert arg.split("=")[0] in known, f"{where}: unknown option {arg} in {argv}"


def check_manage(argv: list[str], where: str) -> None:
    name = argv[2]
    commands = get_commands()
    assert name in commands, f"{where}: manage.py has no command {name!r}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    parser.parse_args(argv[3:])  # raises CommandError on an option the command does not take


def check_gunicorn(argv: list[str], where: str) -> None:
    module, _, attr = argv[1].partition(":")
    assert callable(getattr(importlib.import_module(module), attr or "application")), where
    flags = {flag for setting in gunicorn.config.KNOWN_SETTINGS for flag in (setting.cli or [])}
    check_options(argv[2:], flags, where)


def check_celery(argv: list[str], where: str) -> None:
    assert argv[1:3] == ["-A", "config"], f"{where}: the Celery app is config.celery: {argv}"
    from config import celery_app

    assert celery_app.main == "dandang"
    subcommand = celery_cli.commands[argv[3]]
    known = {o for p in celery_cli.params + subcommand.params for o in p.opts + p.secondary_opts}
    check_options(argv[4:], known, where)
    if "--scheduler" in argv:
        module, _, attr = argv[argv.index("--scheduler") + 1].partition(":")
        assert getattr(importlib.import_module(module), attr)
        assert module.split(".")[0] in settings.INSTALLED_APPS, f"{where}: {module} is not installed"


def check_python(argv: list[str], where: str) -> None:
    if argv[1] == "manage.py":
        check_manage(argv, where)
    else:
        assert argv[1] == "-c", f"{where}: {argv}"
        compile(argv[2], where, "exec")


CHECKS = {"python": check_python, "gunicorn": check_gunicorn, "celery": check_celery,
          "test": lambda argv, where: None}  # the shell's test: beat's pid file, checked below


def test_the_five_services_each_with_a_healthcheck():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in SERVICES.items():
        check = service.get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"
        assert check["interval"] and check["retries"] >= 3


def test_postgres_15_and_redis_7_with_healthchecks_that_ask_the_server():
    assert SERVICES["postgres"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert "pg_isready" in SERVICES["postgres"]["healthcheck"]["test"][1]
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_web_worker_and_beat_run_one_image_through_the_anchor():
    assert "x-app: &app" in COMPOSE_TEXT
    for name in APP_SERVICES:
        assert re.search(rf"^  {name}:\n    <<: \*app$", COMPOSE_TEXT, re.M), f"{name} does not use *app"
    images = {(SERVICES[n]["image"], SERVICES[n]["build"], SERVICES[n]["env_file"]) for n in APP_SERVICES}
    assert images == {("dandang:latest", ".", ".env")}
    assert {SERVICES[n]["command"][0] for n in APP_SERVICES} == {"sh", "celery"}


def test_web_migrates_before_gunicorn_and_the_workers_wait_for_it():
    web = argvs(SERVICES["web"]["command"])
    assert [argv[:3] for argv in web] == [["python", "manage.py", "migrate"], ["gunicorn", "config.wsgi:application", "--bind"]]
    for name in ("worker", "beat"):
        assert SERVICES[name]["depends_on"]["web"]["condition"] == "service_healthy"
    for backing in ("postgres", "redis"):
        assert SERVICES["web"]["depends_on"][backing]["condition"] == "service_healthy"


def test_worker_and_beat_commands():
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    beat = SERVICES["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "config", "beat"]
    assert beat[beat.index("--scheduler") + 1] == "django_celery_beat.schedulers:DatabaseScheduler"
    pidfile = beat[beat.index("--pidfile") + 1]
    assert pidfile in SERVICES["beat"]["healthcheck"]["test"][1]


@pytest.mark.parametrize("where, argv", list(app_commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_the_containers_run_exists_in_the_project(where, argv):
    assert argv[0] in CHECKS, f"{where}: no check for {argv[0]!r}; add one"
    CHECKS[argv[0]](argv, where)


def test_data_lives_in_named_volumes():
    declared = set(COMPOSE["volumes"])
    assert {"postgres-data", "media"} <= declared
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    media_root = env_example()["MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert f"media:{media_root}" in SERVICES[name]["volumes"]
    for service in SERVICES.values():
        for mount in service.get("volumes", []):
            assert mount.split(":")[0] in declared, f"{mount} is not a named volume"


def test_every_variable_compose_needs_is_in_the_example_env():
    example = env_example()
    for name in re.findall(r"(?<!\$)\$\{(\w+)(?::?[-?][^}]*)?\}", COMPOSE_TEXT):
        required = re.search(rf"\$\{{{name}:\?", COMPOSE_TEXT)
        assert not required or name in example, f"{name} is required by compose but not in .env.example"


def test_the_example_env_names_every_setting_production_reads():
    example = env_example()
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                 "MEDIA_ROOT", "EMAIL_BACKEND", "DANDANG_ISSUING_BODY", "AXES_FAILURE_LIMIT", "LOG_LEVEL"):
        assert name in example, name
    assert example["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert example["SECRET_KEY"] == "", "the example must not ship a usable secret"
    user, password, db = example["POSTGRES_USER"], example["POSTGRES_PASSWORD"], example["POSTGRES_DB"]
    assert example["DATABASE_URL"] == f"postgres://{user}:{password}@postgres:5432/{db}"
    assert example["REDIS_URL"].startswith("redis://redis:6379/")


def run_with_example_env(code: str, **overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(env_example(), **overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_production_settings_load_from_the_example_env_and_the_worker_finds_its_tasks():
    code = """
import json, django
django.setup()
from django.conf import settings
from config.celery import app
import config.wsgi
app.loader.import_default_modules()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"], "debug": settings.DEBUG,
    "eager": app.conf.task_always_eager, "broker": app.conf.broker_url,
    "scheduler": app.conf.beat_scheduler, "run_job": "core.tasks.run_job" in app.tasks,
    "media": str(settings.MEDIA_ROOT), "cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""
    done = run_with_example_env(code, SECRET_KEY="a-test-secret-that-is-long-enough-for-this-check")
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {
        "engine": "django.db.backends.postgresql", "debug": False, "eager": False,
        "broker": "redis://redis:6379/0", "scheduler": "django_celery_beat.schedulers:DatabaseScheduler",
        "run_job": True, "media": "/app/media", "cookie_secure": True,
    }


def test_production_refuses_to_start_without_a_secret_key():
    done = run_with_example_env("import django; django.setup()")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_the_dockerfile_builds_the_project_as_a_non_root_user():
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, re.M)
    assert re.search(r"^COPY \. \.$", DOCKERFILE, re.M), "the Dockerfile must copy the project"
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in DOCKERFILE
    assert "pip install ." in DOCKERFILE
    assert "manage.py collectstatic --noinput" in DOCKERFILE
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and users[-1] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".env", "db.sqlite3*"} <= set(ignored)


def test_the_web_healthcheck_asks_healthz_which_checks_the_database_and_broker():
    probe = SERVICES["web"]["healthcheck"]["test"]
    assert "http://127.0.0.1:8000/healthz" in probe[-1]


def test_check_deploy_with_the_production_settings_is_clean():
    """Each warning the production settings silence is explained beside SILENCED_SYSTEM_CHECKS."""
    outside = ("DJANGO_", "DATABASE_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(outside)}
    env.update(env_example(), SECRET_KEY="x7Kq2vN9pLm4Rt8Wz1Yb6Hc3Jf5Gd0Sa-uEiOoPqXrTyVwZnMkLjB")
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_sends_hsts_and_redirects_plain_http():
    code = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps([settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
                  settings.SECURE_SSL_REDIRECT, list(settings.SECURE_PROXY_SSL_HEADER)]))
"""
    done = run_with_example_env(code, SECRET_KEY="a-test-secret-that-is-long-enough-for-this-check")
    assert done.returncode == 0, done.stderr
    hsts, subdomains, redirect, proxy = json.loads(done.stdout.strip().splitlines()[-1])
    assert hsts >= 365 * 24 * 3600 and subdomains and redirect
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]
