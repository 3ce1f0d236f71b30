"""The layer moves keep every row: Unit from cadres to core (state only, its content type
relabelled, earlier audit entries still verifiable), the user's cadre link reversed onto
the cadre (Cadre.account), and clarifications, the dishonesty list, sanctions and re-use
from fault_tolerance to discipline (state only, content types relabelled, 撤职 renamed).
Migrates back to the state before the moves, writes data with the historical models,
migrates forward and checks what survived."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import GENESIS_HASH, AuditEntry

BEFORE = [
    ("core", "0004_auditentry_object_type"),
    ("cadres", "0002_appointment_newest_idx"),
    ("fault_tolerance", "0003_policy_majority"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _hashed_entry(Entry, *, content_type, object_type, object_id, changes, prev):
    # The hash is computed by the model's own code, with the formula entries had before the
    # moves (hash_version 1): the historical model has no methods.
    entry = AuditEntry(
        hash_version=1,
        object_type=object_type,
        object_id=object_id,
        actor_username="system",
        at=timezone.now(),
        action="create",
        changes=changes,
    )
    digest = entry.compute_hash(prev)
    Entry.objects.create(
        content_type_id=content_type.pk,
        object_type=object_type,
        object_id=object_id,
        object_repr="",
        actor_username="system",
        at=entry.at,
        action="create",
        changes=changes,
        prev_hash=prev,
        hash=digest,
    )
    return digest


@pytest.mark.django_db(transaction=True)
def test_unit_move_and_account_reversal_keep_every_row():
    old = _migrate(BEFORE)
    try:
        ContentType = old.get_model("contenttypes", "ContentType")
        Unit = old.get_model("cadres", "Unit")
        Cadre = old.get_model("cadres", "Cadre")
        Appointment = old.get_model("cadres", "Appointment")
        User = old.get_model("core", "User")
        Policy = old.get_model("fault_tolerance", "Policy")
        Entry = old.get_model("core", "AuditEntry")

        city = Unit.objects.create(
            name="济南市", code="JN", kind="party_committee", path="", depth=0
        )
        city.path = f"/{city.pk}/"
        city.save()
        street = Unit.objects.create(
            name="解放路街道", code="JN-JFL", kind="subdistrict", parent=city, path="", depth=1
        )
        street.path = f"{city.path}{street.pk}/"
        street.save()
        cadre = Cadre.objects.create(
            name="张三",
            gender="M",
            birth_date=dt.date(1980, 1, 1),
            id_number="110105198001010011",
            unit=street,
            post_level="section_chief",
        )
        lone = Cadre.objects.create(
            name="李四",
            gender="F",
            birth_date=dt.date(1981, 2, 2),
            id_number="110105198102020022",
            unit=city,
            post_level="staff",
        )
        appointment = Appointment.objects.create(
            cadre=cadre,
            unit=street,
            title="主任",
            post_level="section_chief",
            kind="promotion",
            start_date=dt.date(2020, 1, 1),
        )
        own = User.objects.create(username="cadre_zhang", roles=["cadre"], cadre=cadre)
        staff = User.objects.create(username="staff_jn", roles=["staff"])
        staff.units.set([city, street])
        policy = Policy.objects.create(jurisdiction=street)
        Sanction = old.get_model("fault_tolerance", "Sanction")
        Reuse = old.get_model("fault_tolerance", "Reuse")
        Clarification = old.get_model("fault_tolerance", "Clarification")
        DishonestyEntry = old.get_model("fault_tolerance", "DishonestyEntry")
        sanction = Sanction.objects.create(
            cadre=cadre, kind="dismissal", decided_on=dt.date(2017, 3, 1), created_by=own
        )
        warning = Sanction.objects.create(
            cadre=lone, kind="warning", decided_on=dt.date(2018, 3, 1), created_by=own
        )
        reuse = Reuse.objects.create(sanction=sanction, appointment=appointment)
        clarification = Clarification.objects.create(
            cadre=cadre,
            report_summary="举报",
            finding="不实",
            manner="written",
            clarified_on=dt.date(2024, 1, 1),
            malicious=True,
            created_by=own,
        )
        listed = DishonestyEntry.objects.create(
            name="王五", clarification=clarification, listed_on=dt.date(2024, 1, 1)
        )
        moved_types = {
            model: ContentType.objects.get_or_create(app_label="fault_tolerance", model=model)[0].pk
            for model in ("sanction", "reuse", "clarification", "dishonestyentry")
        }
        unit_type, _ = ContentType.objects.get_or_create(app_label="cadres", model="unit")
        Entry.objects.all().delete()
        head = _hashed_entry(
            Entry,
            content_type=unit_type,
            object_type="cadres.unit",
            object_id=city.pk,
            changes={"name": [None, "济南市"]},
            prev=GENESIS_HASH,
        )
        _hashed_entry(
            Entry,
            content_type=unit_type,
            object_type="cadres.unit",
            object_id=street.pk,
            changes={"name": [None, "解放路街道"]},
            prev=head,
        )
    finally:
        new = _migrate(_latest())

    Unit = new.get_model("core", "Unit")
    Cadre = new.get_model("cadres", "Cadre")
    Appointment = new.get_model("cadres", "Appointment")
    User = new.get_model("core", "User")
    Policy = new.get_model("fault_tolerance", "Policy")
    ContentType = new.get_model("contenttypes", "ContentType")

    assert Unit._meta.db_table == "cadres_unit"
    assert set(Unit.objects.values_list("pk", "code", "parent_id", "path")) == {
        (city.pk, "JN", None, city.path),
        (street.pk, "JN-JFL", city.pk, street.path),
    }
    assert Cadre.objects.get(pk=cadre.pk).unit_id == street.pk
    assert Appointment.objects.get(pk=appointment.pk).unit_id == street.pk
    assert Policy.objects.get(pk=policy.pk).jurisdiction_id == street.pk
    assert sorted(User.objects.get(pk=staff.pk).units.values_list("pk", flat=True)) == sorted(
        [city.pk, street.pk]
    )
    # The link is on the cadre now, and the unlinked cadre stays unlinked.
    assert Cadre.objects.get(pk=cadre.pk).account_id == own.pk
    assert Cadre.objects.get(pk=lone.pk).account_id is None
    # The same content type row, relabelled: the entries still point at it.
    relabelled = ContentType.objects.get(pk=unit_type.pk)
    assert (relabelled.app_label, relabelled.model) == ("core", "unit")
    assert not ContentType.objects.filter(app_label="cadres", model="unit").exists()
    assert AuditEntry.objects.filter(content_type_id=unit_type.pk).count() == 2
    Sanction = new.get_model("discipline", "Sanction")
    assert dict(Sanction.objects.values_list("pk", "kind")) == {
        sanction.pk: "dismissal_from_post",
        warning.pk: "warning",
    }
    assert new.get_model("discipline", "Reuse").objects.get(pk=reuse.pk).sanction_id == sanction.pk
    moved = new.get_model("discipline", "Clarification").objects.get(pk=clarification.pk)
    assert (moved.cadre_id, moved.malicious) == (cadre.pk, True)
    assert (
        new.get_model("discipline", "DishonestyEntry").objects.get(pk=listed.pk).clarification_id
        == moved.pk
    )
    for model, pk in moved_types.items():
        assert ContentType.objects.get(pk=pk).app_label == "discipline", model
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "已核验 2 条记录" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_moves_migrate_backwards_with_the_links():
    _migrate(_latest())
    new = MigrationExecutor(connection).loader.project_state(_latest()).apps
    Unit = new.get_model("core", "Unit")
    Cadre = new.get_model("cadres", "Cadre")
    User = new.get_model("core", "User")
    unit = Unit.objects.create(name="济南市", code="JN", kind="party_committee", path="/x/")
    user = User.objects.create(username="cadre_zhang", roles=["cadre"])
    cadre = Cadre.objects.create(
        name="张三",
        gender="M",
        birth_date=dt.date(1980, 1, 1),
        id_number="110105198001010011",
        unit=unit,
        post_level="staff",
        account=user,
    )
    try:
        old = _migrate(BEFORE)
        assert old.get_model("core", "User").objects.get(pk=user.pk).cadre_id == cadre.pk
        assert old.get_model("cadres", "Unit").objects.get(pk=unit.pk).code == "JN"
    finally:
        _migrate(_latest())
