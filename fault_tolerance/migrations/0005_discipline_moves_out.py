"""Clarifications, the dishonesty list, sanctions and re-use left for discipline (state only;
the tables and rows stay). Their content type rows are relabelled, so permissions, audit
entries and notifications keep pointing at them; audit hashes cover the stored object_type
text, so earlier entries stay verifiable."""

from django.db import migrations

MOVED = ("clarification", "dishonestyentry", "sanction", "reuse")


def relabel(apps, schema_editor, *, old: str, new: str) -> None:
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    rows = ContentType.objects.using(db)
    for model in MOVED:
        if not rows.filter(app_label=old, model=model).exists():
            continue
        # A fresh row under the new label (content types made in between) carries nothing.
        for fresh in rows.filter(app_label=new, model=model):
            Permission.objects.using(db).filter(content_type=fresh).delete()
            fresh.delete()
        rows.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="fault_tolerance", new="discipline")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="discipline", new="fault_tolerance")


class Migration(migrations.Migration):
    dependencies = [
        ("discipline", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("fault_tolerance", "0004_unit_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="dishonestyentry",
                    name="clarification",
                ),
                migrations.RemoveField(
                    model_name="reuse",
                    name="appointment",
                ),
                migrations.RemoveField(
                    model_name="reuse",
                    name="sanction",
                ),
                migrations.RemoveField(
                    model_name="sanction",
                    name="cadre",
                ),
                migrations.RemoveField(
                    model_name="sanction",
                    name="created_by",
                ),
                migrations.DeleteModel(
                    name="Clarification",
                ),
                migrations.DeleteModel(
                    name="DishonestyEntry",
                ),
                migrations.DeleteModel(
                    name="Reuse",
                ),
                migrations.DeleteModel(
                    name="Sanction",
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
