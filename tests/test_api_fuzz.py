"""The API fuzzed against its own OpenAPI schema (schemathesis), in process through the WSGI
application: no server, no network. Every GET, and POST of units, cadres, appointments and
tolerance cases, as an administrator (who also holds the staff role, so that a case POST
reaches the case's own validation rather than a 403). Each answer must not be a 5xx, and a
documented answer must match its schema.

Bounded and reproducible: a fixed seed, Hypothesis derandomized, no example database, a
few examples per operation."""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from core.models import Job, Role
from discipline.services import clarification_create
from fault_tolerance.services import attachment_add, case_create

from .factories import AppointmentFactory, CadreFactory, UserFactory

SEED = 20261123
MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "deterministic": True, "database": "none"},
        # Fuzzing only: the coverage phase alone sends hundreds of boundary cases per operation.
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)


# Loaded once, at collection, through the WSGI application: the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _requests_share_the_test_transaction():
    """Like Django's test client, the in-process requests must not close the connection at
    each request's start and end: that would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(tree):
    """One object of each kind, so that detail operations answer with real data."""
    user = UserFactory(username="fuzz_admin", roles=[Role.ADMIN, Role.STAFF])
    cadre = CadreFactory(unit=tree["street"], name="謝允崗")
    appointment = AppointmentFactory(cadre=cadre, start_date=dt.date(2021, 3, 1))
    case = case_create(
        actor=user,
        title="先行组织中介机构开展安全检查",
        description="先检查后招标。",
        occurred_on=dt.date(2025, 3, 1),
        field="audit",
        source="audit",
        subject_cadres=[cadre],
    )
    attachment = attachment_add(case=case, actor=user, upload=SimpleUploadedFile("证据.pdf", PDF))
    clarification = clarification_create(
        actor=user,
        cadre=cadre,
        report_summary="举报其收受礼金",
        finding="经查不实",
        manner="written",
    )
    job = Job.objects.create(kind="fuzz", created_by=user)
    return {
        "token": AuthToken.objects.create(user=user)[1],
        "ids": {
            "units": tree["street"].pk,
            "cadres": cadre.pk,
            "appointments": appointment.pk,
            "tolerance-cases": case.pk,
            "clarifications": clarification.pk,
            "users": user.pk,
            "jobs": job.pk,
        },
        "attachment_id": attachment.pk,
    }


def _aim_at_real_objects(case, fuzz_data) -> None:
    """A random id is a 404 that says nothing of the response schema: aim the path at the
    fixture's object of that resource (the query and body stay fuzzed)."""
    resource = case.operation.path.split("/")[3]
    params = case.path_parameters or {}
    if "id" in params and resource in fuzz_data["ids"]:
        params["id"] = fuzz_data["ids"][resource]
    if "attachment_id" in params:
        params["attachment_id"] = fuzz_data["attachment_id"]


def _fuzz(case, fuzz_data) -> None:
    _aim_at_real_objects(case, fuzz_data)
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_data['token']}"}, checks=CHECKS)


@pytest.mark.django_db
@schema.include(method="GET").exclude(path_regex=r"/auth/").parametrize()
@FUZZ_SETTINGS
def test_get_operations_answer_no_5xx_and_match_the_schema(case, fuzz_data):
    _fuzz(case, fuzz_data)


@pytest.mark.django_db
@schema.include(
    method="POST", path_regex=r"^/api/v1/(units|cadres|appointments|tolerance-cases)/$"
).parametrize()
@FUZZ_SETTINGS
def test_creates_answer_no_5xx_and_match_the_schema(case, fuzz_data):
    _fuzz(case, fuzz_data)
