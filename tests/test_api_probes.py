"""An outside tester's probes of the REST API, for each role: a method an endpoint never
answers is 405 whoever asks (not 403 for a role that may not write), anonymous is 401."""

import pytest

from core.models import Role

from .factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "admin": [Role.ADMIN],
    "staff": [Role.STAFF],
    "reviewer": [Role.REVIEWER],
    "liaison": [Role.LIAISON],
    "cadre": [Role.CADRE],
}

# (method, path): a method the path's methods in API.md / API-EXTENSIONS.md do not list.
NEVER_ANSWERED = [
    ("delete", "sanctions/1/"), ("put", "sanctions/1/"), ("patch", "sanctions/1/"),
    ("delete", "clarifications/1/"), ("put", "clarifications/1/"),
    ("delete", "incentive-records/1/"), ("put", "incentive-records/1/"),
    ("delete", "timely-rewards/1/"), ("patch", "timely-rewards/1/"),
    ("delete", "measures/1/"), ("put", "measures/1/"),
    ("delete", "notices/1/"), ("put", "notices/1/"),
    ("get", "notices/1/publish/"), ("post", "notices/1/pdf/"),
    ("delete", "ledger/"), ("get", "ledger/recompute/"), ("post", "ledger/honor-board/"),
    ("post", "rule-proposals/"), ("delete", "rule-proposals/1/"),
    ("post", "team-measure-proposals/"), ("get", "team-measure-proposals/1/confirm/"),
    ("delete", "annual-reviews/1/"), ("post", "excellence-quota/"),
    ("delete", "jobs/1/"), ("post", "jobs/1/"), ("get", "jobs/1/cancel/"),
    ("post", "unfit-situations/"), ("get", "notices/publish-batch/"),
]


@pytest.fixture
def users(tree):
    own = CadreFactory(unit=tree["street"])
    return {name: UserFactory(roles=roles, units=[] if name in ("admin", "cadre")
                              else [tree["district"]], cadre=own if name == "cadre" else None)
            for name, roles in ROLES.items()}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("method,path", NEVER_ANSWERED)
def test_a_method_an_endpoint_never_answers_is_405_for_every_role(api, users, role, method, path):
    if role != "anonymous":
        api.force_authenticate(user=users[role])
    response = getattr(api, method)(f"/api/v1/{path}", {}, format="json")
    assert response.status_code == (401 if role == "anonymous" else 405), response.content[:200]
    if role != "anonymous":
        assert response.json()["detail"]
