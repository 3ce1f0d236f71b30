"""cadres' own Unit leaves the state (nothing points at it any more: fault_tolerance's keys
moved before this, see its run_before), and the content type row is relabelled
cadres.unit -> core.unit, so permissions, audit entries and notifications keep their rows.
Audit hashes cover the stored object_type text, not the content type: earlier entries stay
verifiable (manage.py audit_verify)."""

from django.db import migrations


def relabel(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    rows = ContentType.objects.using(db)
    if rows.filter(app_label=new, model="unit").exists():
        # Already there (a database whose content types were created in between): the
        # row that carries the history is the old one; the new one is only a fresh copy.
        fresh = rows.get(app_label=new, model="unit")
        if rows.filter(app_label=old, model="unit").exists():
            apps.get_model("auth", "Permission").objects.using(db).filter(
                content_type=fresh
            ).delete()
            fresh.delete()
    rows.filter(app_label=old, model="unit").update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="cadres", new="core")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="core", new="cadres")


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0003_unit_moves_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Unit")]),
        migrations.RunPython(forwards, backwards),
    ]
