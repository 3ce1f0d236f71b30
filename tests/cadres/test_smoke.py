import pytest

pytestmark = pytest.mark.django_db


def test_staff_sees_cadre_below_their_unit_and_not_outside(as_user, staff_user, cadre_in_street, tree):
    from tests.factories import CadreFactory

    outsider = CadreFactory(unit=tree["other"])
    api = as_user(staff_user)
    data = api.get("/api/v1/cadres/").json()
    ids = [c["id"] for c in data["results"]]
    assert ids == [cadre_in_street.id]
    assert data["results"][0]["name"] == "謝允崗"
    assert api.get(f"/api/v1/cadres/{outsider.id}/").status_code == 404
