"""The audit chain, batched (issue 6): entries are chained after their transaction commits,
in the order of a sequence, with a hash that covers every field (hash_version 2), and the
chain's newest link is kept apart in AuditHead.

Every existing row is kept as it is: it becomes hash_version 1 (its hash stays valid under
the formula it was written with), its sequence is its place in id order (the order it was
chained in), and the head is the newest of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    table = AuditEntry._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        # Window functions and UPDATE ... FROM: PostgreSQL and SQLite >= 3.33 alike.
        cursor.execute(
            f"UPDATE {table} SET seq = numbered.n FROM "
            f"(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table}) AS numbered "
            f"WHERE {table}.id = numbered.id"
        )
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, hash_ = last if last else (0, GENESIS_HASH)
    AuditHead.objects.create(pk=1, seq=seq, hash=hash_)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0009_jobs_lease"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS_HASH, max_length=64)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="audit_head_single_row"
                    )
                ],
            },
        ),
        # Existing rows: version 1. New rows: version 2 (the model's default).
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="digest",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="content_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_unchained_idx"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
