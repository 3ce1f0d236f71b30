"""AuditEntry.object_type: the hashed "app_label.model" is stored in the entry, so that a
model moving to another app (its content type relabelled) leaves earlier entries verifiable.
Existing rows take the label their content type has now, which is what their hash covers."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    used = AuditEntry.objects.values_list("content_type_id", flat=True).distinct()
    for ct in ContentType.objects.filter(pk__in=list(used)):
        AuditEntry.objects.filter(content_type_id=ct.pk).update(
            object_type=f"{ct.app_label}.{ct.model}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_seed_holiday_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="object_type",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
