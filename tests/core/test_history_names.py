"""Pages show people by their real name (issue 7, item 16): the history panel and a case's
timeline name the actor; the API's history keeps the username (API.md); a hidden actor stays
hidden."""

import re

import pytest

from cadres.services import cadre_update
from core.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_history_panel_names_the_actor_and_the_api_keeps_the_username(client, api, tree, cadre_in_street):
    editor = UserFactory(username="liu_jh", name="刘建华", roles=[Role.STAFF], units=[tree["district"]])
    cadre_update(cadre=cadre_in_street, actor=editor, position_title="副局长")
    client.force_login(editor)
    history = client.get(f"/cadres/{cadre_in_street.pk}/").content.decode().split('id="history"', 1)[1]
    assert "刘建华" in history and not re.search(r">\s*liu_jh\s*<", history)
    api.force_authenticate(user=editor)
    entries = api.get(f"/api/v1/cadres/{cadre_in_street.pk}/history/").json()["results"]
    assert entries[0]["actor"] == "liu_jh"


def test_an_actor_without_a_name_is_shown_by_login_name(client, tree, cadre_in_street):
    editor = UserFactory(username="staff_x", name="", roles=[Role.STAFF], units=[tree["district"]])
    cadre_update(cadre=cadre_in_street, actor=editor, position_title="副局长")
    client.force_login(editor)
    assert "staff_x" in client.get(f"/cadres/{cadre_in_street.pk}/").content.decode().split('id="history"', 1)[1]
