"""manage.py seed_demo: the demo jurisdictions, cadres and accounts, loaded through the services."""

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from cadres import demo, idnumber
from cadres.models import Appointment, Cadre, Unit
from core.audit import verify_chain
from core.models import AuditEntry, User

PASSWORD = demo.DEFAULT_PASSWORD
REGIONS = {"370102", "370112", "440784", "530402", "330211", "330213", "330281", "330225", "370303"}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the class inside a transaction that is rolled back afterwards; each
    test runs in a savepoint within it, so the tests can neither see nor spoil each other."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            output = _seed()
            yield output
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()


@pytest.fixture
def demo_db(seeded, db):
    return seeded


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Unit, Cadre, Appointment, User, AuditEntry)
    }


def _subtree(code: str):
    return Unit.objects.get(code=code).path


def _token_client(username: str, password: str = PASSWORD) -> tuple[int, APIClient]:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    if response.status_code == 200:
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return response.status_code, client


class TestSeededDemo:
    """One seed shared by the class (the fixture is class-scoped so that its transaction
    closes before the reset test, which needs the database to itself)."""

    def test_loads_the_five_reports_jurisdictions(self, demo_db):
        cities = set(Unit.objects.filter(parent=None).values_list("name", flat=True))
        assert cities == {"济南市", "江门市", "玉溪市", "宁波市", "淄博市"}
        districts = set(
            Unit.objects.filter(depth=1, kind=Unit.Kind.PARTY_COMMITTEE)
            .exclude(name__endswith="组织部")
            .values_list("name", flat=True)
        )
        assert districts == {
            "历下区",
            "历城区",
            "鹤山市",
            "红塔区",
            "镇海区",
            "奉化区",
            "余姚市",
            "象山县",
            "张店区",
        }
        assert Unit.objects.count() == len(list(demo.unit_specs())) >= 150
        assert 280 <= Cadre.objects.count() <= 330
        # Many cadres have a history: more appointments than cadres, in at least half of them.
        assert Appointment.objects.values("cadre").distinct().count() >= Cadre.objects.count() // 2
        assert Cadre.objects.filter(is_reserve=True).count() >= 10
        tags = {tag for tags in Cadre.objects.values_list("tags", flat=True) for tag in tags}
        assert tags == {Cadre.Tag.STANDOUT, Cadre.Tag.RED_FLAG}
        assert set(Cadre.objects.values_list("status", flat=True)) >= {"active", "retired"}

    def test_unit_tree_paths_and_heshan_categories(self, demo_db):
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            parent = units.get(unit.parent_id)
            assert unit.path == (parent.path if parent else "/") + f"{unit.pk}/"
            assert unit.depth == (parent.depth + 1 if parent else 0)
        heshan = _subtree("JM-HS")
        departments = Unit.objects.filter(
            path__startswith=heshan, kind=Unit.Kind.GOVERNMENT_DEPARTMENT
        )
        assert set(departments.values_list("category", flat=True)) == {
            "comprehensive",
            "economic",
            "social",
            "vertical",
        }
        towns = Unit.objects.filter(
            path__startswith=heshan, kind__in=[Unit.Kind.TOWN, Unit.Kind.SUBDISTRICT]
        )
        assert towns.count() == 10
        assert set(towns.values_list("category", flat=True)) == {
            "optimized_development",
            "key_development",
            "ecological_protection",
        }
        assert Unit.objects.filter(kind=Unit.Kind.SOE).count() >= 5
        assert Unit.objects.filter(kind=Unit.Kind.PUBLIC_INSTITUTION).exists()

    def test_every_id_number_is_valid_unique_and_agrees_with_the_record(self, demo_db):
        numbers = list(Cadre.objects.values_list("id_number", "birth_date", "gender"))
        assert len({n for n, _b, _g in numbers}) == len(numbers)
        for number, birth, gender in numbers:
            assert idnumber.parse(number) == (birth, gender)
            assert number[:6] in REGIONS

    def test_traditional_names_and_the_exceptional_promotion_of_xie(self, demo_db):
        xie = Cadre.objects.get(name="謝允崗")
        assert xie.unit.name == "华山街道"
        assert xie.unit.parent.name == "历城区"
        assert xie.id_number.startswith("370112")
        first, second = xie.appointments.order_by("start_date")
        assert (first.post_level, second.post_level) == ("section_chief", "division_deputy")
        assert second.kind == Appointment.Kind.EXCEPTIONAL_PROMOTION
        assert second.exceptional_reason == "任职年限破格"
        assert (second.start_date - first.start_date).days < 550  # a year and a half
        assert xie.position_title == second.title and xie.post_level == "division_deputy"
        traditional = {name for name, _g in demo.TRADITIONAL_NAMES}
        assert (
            set(Cadre.objects.filter(name__in=traditional).values_list("name", flat=True))
            == traditional
        )

    def test_main_posts_never_overlap_and_current_posts_match_the_record(self, demo_db):
        posts = defaultdict(list)
        for a in Appointment.objects.filter(is_main=True).order_by("start_date"):
            posts[a.cadre_id].append(a)
        cadres = Cadre.objects.in_bulk(list(posts))
        for cadre_id, appointments in posts.items():
            for earlier, later in zip(appointments, appointments[1:], strict=False):
                assert earlier.end_date is not None and earlier.end_date <= later.start_date
            last = appointments[-1]
            cadre = cadres[cadre_id]
            if last.end_date is None:
                assert cadre.status == Cadre.Status.ACTIVE
                assert (cadre.unit_id, cadre.position_title, cadre.post_level) == (
                    last.unit_id,
                    last.title,
                    last.post_level,
                )
            else:
                assert cadre.status != Cadre.Status.ACTIVE
            assert all(
                a.start_date >= cadre.birth_date + dt.timedelta(days=365 * 22) for a in appointments
            )

    def test_everything_was_written_through_the_services_with_an_audit_trail(self, demo_db):
        admin = User.objects.get(username="admin")
        cadre_type = ContentType.objects.get_for_model(Cadre)
        created = AuditEntry.objects.filter(content_type=cadre_type, action="create")
        assert created.count() == Cadre.objects.count()
        assert set(created.values_list("actor", flat=True)) == {admin.pk}
        assert not any(
            "id_number" in e.changes
            and len(e.changes["id_number"][1]) == 18
            and "*" not in e.changes["id_number"][1]
            for e in created
        )  # masked in the trail
        checked, broken = verify_chain()
        assert broken is None and checked == AuditEntry.objects.count()

    @pytest.mark.parametrize("username", [a[0] for a in demo.DEMO_ACCOUNTS])
    def test_each_demo_account_logs_in_with_the_demo_password(self, demo_db, username):
        status, _client = _token_client(username)
        assert status == 200
        assert _token_client(username, "wrong-password")[0] == 400

    def test_demo_accounts_have_their_roles_and_scopes(self, demo_db):
        users = {u.username: u for u in User.objects.prefetch_related("units")}
        assert users["admin"].is_superuser and users["admin"].is_admin
        for username, role, scope in demo.DEMO_ACCOUNTS:
            user = users[username]
            assert user.has_role(role)
            assert [u.code for u in user.units.all()] == ([scope] if scope else [])
        assert users["cadre1"].cadre.id_number == demo.CADRE1_ID_NUMBER
        assert users["cadre1"].cadre.unit.parent.name == "余姚市"

    def test_staff_heshan_sees_exactly_the_heshan_cadres(self, demo_db):
        heshan = Cadre.objects.filter(unit__path__startswith=_subtree("JM-HS"))
        assert heshan.count() >= 20
        _status, client = _token_client("staff_heshan")
        data = client.get("/api/v1/cadres/", {"page_size": 200}).json()
        assert data["count"] == heshan.count()
        assert {c["id"] for c in data["results"]} == set(heshan.values_list("pk", flat=True))
        assert all(c["id_number"][6:] == "*" * 12 for c in data["results"])
        xie = Cadre.objects.get(name="謝允崗")
        assert client.get(f"/api/v1/cadres/{xie.pk}/").status_code == 404
        units = client.get("/api/v1/units/", {"page_size": 200}).json()
        assert {u["code"] for u in units["results"]} == set(
            Unit.objects.filter(path__startswith=_subtree("JM-HS")).values_list("code", flat=True)
        )

    def test_cadre1_sees_only_their_own_record(self, demo_db):
        _status, client = _token_client("cadre1")
        data = client.get("/api/v1/cadres/").json()
        assert [c["name"] for c in data["results"]] == ["胡海燕"]

    def test_second_run_changes_nothing_and_says_so(self, demo_db):
        before = _counts()
        # The newest entry is the same one (its digest: every field of it).
        last_hash = AuditEntry.objects.order_by("-id").values_list("digest", flat=True).first()
        output = _seed()
        assert "演示数据已存在" in output
        assert _counts() == before
        assert (
            AuditEntry.objects.order_by("-id").values_list("digest", flat=True).first() == last_hash
        )

    def test_first_run_prints_the_accounts_table(self, demo_db):
        lines = demo_db.splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("用户名"))
        rows = [line.split() for line in lines[header + 2 : header + 2 + len(demo.DEMO_ACCOUNTS)]]
        assert [r[0] for r in rows] == [a[0] for a in demo.DEMO_ACCOUNTS]
        assert all(r[-1] == PASSWORD for r in rows)
        scopes = {r[0]: r[2] for r in rows}
        assert scopes["staff_jinan"] == "济南市" and scopes["staff_heshan"] == "鹤山市"
        assert scopes["reviewer2"] == "宁波市" and "胡海燕" in scopes["cadre1"]

    def test_a_registered_loader_runs_once(self, demo_db, monkeypatch):
        calls = []
        monkeypatch.setitem(
            demo._LOADERS,
            "test-extra",
            demo.DemoLoader(
                name="test-extra",
                order=99,
                is_loaded=lambda: bool(calls),
                load=lambda ctx: calls.append(ctx) or "x",
            ),
        )
        assert "test-extra" in _seed()
        assert _seed().count("test-extra") == 0
        assert len(calls) == 1 and calls[0].actor.username == "admin"
        assert calls[0].unit("JM-HS").name == "鹤山市"


@pytest.mark.django_db(transaction=True)
def test_reset_rebuilds_the_database_and_reloads():
    try:
        _seed()
        first = _counts()
        User.objects.filter(username="reviewer3").update(first_name="changed")
        out = io.StringIO()
        call_command("seed_demo", "--reset", "--noinput", stdout=out)
        assert "演示数据已存在" not in out.getvalue()
        assert _counts() == first
        assert User.objects.get(username="reviewer3").first_name == ""
        assert verify_chain()[1] is None
    finally:
        ContentType.objects.clear_cache()
