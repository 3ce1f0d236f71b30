"""The cadre list's lean paths (issue 6, item 9) give what the general ones give."""

import datetime as dt

import pytest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from cadres import selectors
from cadres.views import CadreRow
from core.models import Role
from tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(tree):
    CadreFactory.create_batch(3, unit=tree["street"])
    CadreFactory.create_batch(2, unit=tree["district"])
    CadreFactory.create_batch(4, unit=tree["other"])


@pytest.fixture
def account_outside_scope(tree):
    """A staff member scoped to the street whose own record sits in the other county."""
    user = UserFactory(username="staff_street", roles=[Role.STAFF], units=[tree["street"]])
    CadreFactory(unit=tree["other"], account=user)
    return user


@pytest.mark.parametrize("who", ["admin", "staff", "account", "nobody"])
@pytest.mark.parametrize("params", [{}, {"page": "2", "page_size": "3"}])
def test_a_list_with_no_filter_skips_the_filterset_with_the_same_answer(
    who, params, tree, cadres, admin_user, staff_user, account_outside_scope
):
    user = {
        "admin": admin_user,
        "staff": staff_user,
        "account": account_outside_scope,
        "nobody": UserFactory(username="no_units", roles=[Role.STAFF]),
    }[who]
    fast, fast_count = selectors.cadre_list_counted(user=user, filters=params)
    # A filter named with no value goes through the FilterSet and filters nothing.
    full, full_count = selectors.cadre_list_counted(user=user, filters={**params, "status": ""})
    assert fast_count == full_count == full.count()
    assert list(fast.values_list("pk", flat=True)) == list(full.values_list("pk", flat=True))
    assert fast_count == {"admin": 10, "staff": 5, "account": 4, "nobody": 0}[who]


def test_a_bad_filter_is_still_refused_next_to_paging(admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        selectors.cadre_list_counted(user=admin_user, filters={"page": "1", "status": "nonsense"})


def test_page_rows_markup_is_what_format_html_join_gives(tree):
    """CadreRow.html escapes as format_html_join did, special characters included."""
    rows = [
        CadreRow(
            1,
            "<b>王&\"芳'</b>",
            "/cadres/1/",
            True,
            "女",
            dt.date(1980, 3, 9),
            "A&B<单位>",
            "",
            "科级<正职>",
            "在职",
            "active",
            "110105********123X",
        ),
        CadreRow(
            2,
            "张三",
            "/cadres/2/",
            False,
            "男",
            None,
            "济南市",
            "科长",
            "处级",
            "退休",
            "retired",
            "<script>",
        ),
    ]
    reserve = format_html(' <span class="tag tag-accent">{}</span>', _("后备"))
    expected = format_html_join(
        "\n",
        CadreRow.ROW_HTML,
        (
            (
                r.url,
                r.name,
                reserve if r.is_reserve else "",
                r.gender,
                f"{r.birth_date.year}.{r.birth_date.month:02d}" if r.birth_date else "",
                r.unit_name,
                r.position_title or "—",
                r.post_level,
                r.status_value,
                r.status,
                r.id_number_masked,
            )
            for r in rows
        ),
    )
    html = CadreRow.html(rows)
    assert html == expected
    assert "<b>" not in html and "&lt;script&gt;" in html
    assert hasattr(html, "__html__")  # safe: the template must not escape it again


def _filters_html(response) -> str:
    page = response.content.decode()
    return page[
        page.index('<div class="filters-row">') : page.index('<div class="filters-actions">')
    ]


def test_the_empty_filters_are_rendered_once_per_language_and_never_for_a_bound_form(
    client, staff_user, tree
):
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    cache.clear()
    client.force_login(staff_user)
    first = _filters_html(client.get("/cadres/"))
    assert 'name="status"' in first and "selected" in first  # "全部" chosen
    assert first == _filters_html(client.get("/cadres/"))  # the kept copy, the same markup
    assert cache.get(make_template_fragment_key("cadre_list_filters", ["zh-hans"])) is not None
    bound = _filters_html(client.get("/cadres/", {"status": "retired", "q": "王<"}))
    assert '<option value="retired" selected>' in bound and 'value="王&lt;"' in bound
    assert first == _filters_html(client.get("/cadres/?page=1"))  # bound to no filter: the same
    client.cookies["django_language"] = "en"
    english = _filters_html(client.get("/cadres/"))
    assert english != first and "全部" not in english
