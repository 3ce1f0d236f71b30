"""The case page names people by their real names (issue 7, item 16): 填报人, not a login name."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_filers_name(client, people, new_case):
    people.filer.name = "赵填报"
    people.filer.save(update_fields=["name"])
    case = new_case()
    client.force_login(people.filer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "赵填报" in page
