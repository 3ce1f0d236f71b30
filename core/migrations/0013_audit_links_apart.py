"""The audit chain's links move out of the entries (issue 6): an entry's seq, prev_hash and
hash go to AuditLink, a narrow table written once after the entry's transaction commits,
instead of an UPDATE of the wide entry row. Every link is moved as it is (the chain and its
head verify unchanged); entries not yet chained have no link and are chained as before."""

import django.db.models.deletion
from django.db import migrations, models


def move_links(apps, schema_editor):
    entries = apps.get_model("core", "AuditEntry")._meta.db_table
    links = apps.get_model("core", "AuditLink")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {links} (entry_id, seq, prev_hash, hash) "
            f"SELECT id, seq, prev_hash, hash FROM {entries} WHERE seq IS NOT NULL"
        )


def move_links_back(apps, schema_editor):
    entries = apps.get_model("core", "AuditEntry")._meta.db_table
    links = apps.get_model("core", "AuditLink")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        # UPDATE ... FROM: PostgreSQL and SQLite >= 3.33 alike.
        cursor.execute(
            f"UPDATE {entries} SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash "
            f"FROM {links} AS l WHERE {entries}.id = l.entry_id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_tokens_hashed"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="link",
                        db_constraint=False,
                        serialize=False,
                        to="core.auditentry",
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(unique=True)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "审计链环",
                "verbose_name_plural": "审计链环",
            },
        ),
        migrations.RunPython(move_links, move_links_back),
        migrations.RemoveIndex(
            model_name="auditentry",
            name="audit_unchained_idx",
        ),
        migrations.RemoveField(
            model_name="auditentry",
            name="hash",
        ),
        migrations.RemoveField(
            model_name="auditentry",
            name="prev_hash",
        ),
        migrations.RemoveField(
            model_name="auditentry",
            name="seq",
        ),
    ]
