"""The API fuzzed against its own OpenAPI schema (schemathesis), in process through the WSGI
application: no server, no network. Every operation of the schema, as an administrator (who
also holds the staff role, so that a case POST reaches the case's own validation rather than
a 403), with every check schemathesis has (`--checks all`): no 5xx, every status documented,
answers matching their schema and content type, bad input refused, a request without
credentials refused with 401, an undocumented method 405.

Bounded and reproducible: a fixed seed, Hypothesis derandomized, no example database, a
few examples per operation."""

import datetime as dt
import json

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from core.models import Job, Role
from discipline.services import clarification_create
from fault_tolerance.services import attachment_add, case_create
from notices.services import notice_create

from .factories import AppointmentFactory, CadreFactory, UserFactory

SEED = 20261123
MAX_EXAMPLES = 15
# Every check schemathesis has, as `schemathesis run --checks all` would run them.
schemathesis.checks.load_all_checks()
CHECKS = list(schemathesis.checks.CHECKS.get_all())
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        # No extra, undeclared query parameters: the API ignores those (DRF's way, and a
        # client that adds one, a cache buster say, must keep working), so they prove nothing.
        "generation": {
            "mode": "all",
            "deterministic": True,
            "database": "none",
            "allow-extra-parameters": False,
        },
        "checks": {
            # Data the schema allows may still break a rule the schema cannot say (an id out
            # of the caller's scope, a unique code taken, a date before another, a workflow
            # step's own checks): the API answers those 400 with the reason, as API.md says.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "413"],
            },
        },
        # Fuzzing only: the coverage phase alone sends hundreds of boundary cases per operation.
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)


# Built once, at collection, by the generator /api/schema/ serves (which needs a signed-in
# user, so a database, which collection has not); the cases run through the WSGI application.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)),
    config=CONFIG,
)
schema.app = get_wsgi_application()
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
    notice = notice_create(actor=user, kind="clarification", issuing_unit=tree["district"],
                           clarification=clarification)
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
            "notices": notice.pk,
        },
        "attachment_id": attachment.pk,
    }


def _aim_at_real_objects(case, fuzz_data) -> None:
    """A random id is a 404 that says nothing of the response schema: aim the path at the
    fixture's object of that resource (the query and body stay fuzzed)."""
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
        return  # an id that is not a valid id stays one: it must be refused
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
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_passes_every_check(case, fuzz_data):
    _fuzz(case, fuzz_data)
