import os

import pytest
from rest_framework.test import APIClient

from core.models import Role

from .factories import CadreFactory, UnitFactory, UserFactory

CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionstart(session):
    """Under CI the suite must run on PostgreSQL and Redis; a missing service fails the run."""
    if not CI:
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.exit("CI=true needs DATABASE_URL pointing at PostgreSQL", returncode=3)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        pytest.exit("CI=true needs REDIS_URL pointing at Redis", returncode=3)
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the service is missing
        pytest.exit(f"CI=true but Redis at {redis_url} is unreachable: {exc}", returncode=3)


@pytest.fixture
def tree(db):
    """city → district → street, plus an unrelated county."""
    city = UnitFactory(name="济南市", code="JN", kind="party_committee")
    district = UnitFactory(name="历下区", code="JN-LX", parent=city, kind="party_committee")
    street = UnitFactory(name="解放路街道", code="JN-LX-JFL", parent=district, kind="subdistrict")
    other = UnitFactory(name="鹤山市", code="HS", kind="party_committee")
    return {"city": city, "district": district, "street": street, "other": other}


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin1", roles=[Role.ADMIN])


@pytest.fixture
def staff_user(tree):
    return UserFactory(username="staff1", roles=[Role.STAFF], units=[tree["district"]])


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login


@pytest.fixture
def cadre_in_street(tree):
    return CadreFactory(unit=tree["street"], name="謝允崗")


# --- Celery: eager in every test but those that ask for a real worker --------------------


@pytest.fixture(autouse=True)
def _celery_eager_unless_worker(request):
    """Tasks run in-process in every test, whatever REDIS_URL says, so the suite behaves
    the same on a laptop and in CI; tests marked celery_worker get the real broker."""
    from config.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def live_celery_worker(request):
    """A real Celery worker, in a thread of this process, consuming from the Redis broker.
    Tests using it are marked celery_worker and use django_db(transaction=True): the worker
    has its own database connection and sees only committed rows."""
    if not request.node.get_closest_marker("celery_worker"):
        raise pytest.UsageError("live_celery_worker needs @pytest.mark.celery_worker")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        # Under CI=true pytest_sessionstart has already stopped the run without Redis.
        pytest.skip("needs REDIS_URL (Redis as the Celery broker); CI sets it")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        # No ping check: it needs a result backend, and the project keeps none.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(saved)


# --- Transactional tests: every one restores the migrated data ------------------------------


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Every transactional test (django_db(transaction=True)) starts from the data the
    migrations load (situations, policy, holidays) and ends with a flush that does not
    re-create content types. Mixing serialized and plain transactional tests otherwise
    breaks whichever runs after the other: rows missing, or duplicate content types."""
    return True


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English (LocaleMiddleware activates it for the thread and leaves it so)
    must not make the next test's command output or messages English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
