"""Issue 7, item 16 (pages): a cadre's own account sees no raw "#141", no link that leads to a
404, and only the menu entries it can use."""

import re

import pytest

pytestmark = pytest.mark.django_db

RAW_ID = re.compile(r"(?<![&\w])#\d+")


def _main_text(html: str) -> str:
    main = html.split('id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


def test_a_cadre_account_sees_names_and_only_links_it_can_open(
    client, people, new_case, advance, tree
):
    case = advance(new_case(subject_units=[tree["street"]]), "notified")
    client.force_login(people.cadre_account)
    pages = [f"/tolerance/{case.pk}/", people.subject.get_absolute_url(), "/", "/tolerance/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not RAW_ID.search(_main_text(html)), (url, RAW_ID.findall(_main_text(html)))
        for href in set(re.findall(r'href="(/[^"#?]*)', html)):
            if href.startswith(("/static/", "/logout", "/i18n/")) or "/attachments/" in href:
                continue
            assert client.get(href).status_code < 400, (url, href)
    case_page = client.get(f"/tolerance/{case.pk}/").content.decode()
    assert "解放路街道" in _main_text(case_page)  # the subject unit, named though not linked


def test_a_cadre_account_is_offered_only_the_menu_it_can_use(client, people):
    client.force_login(people.cadre_account)
    nav = client.get("/").content.decode().split('id="sidenav"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'class="nav-item[^"]*"[^>]*>([^<]*)<', nav)
    assert entries == ["首页", "我的档案", "容错纠错"]
    assert "is-disabled" not in nav
    client.force_login(people.staff)
    staff_nav = client.get("/").content.decode().split('id="sidenav"', 1)[1]
    assert "/cadres/" in staff_nav and "/units/" in staff_nav
