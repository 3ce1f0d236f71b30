"""A cadre's own account is held on the cadre (Cadre.account), no longer on the user
(core.User.cadre): core sits below cadres. Every link is copied in one UPDATE; core 0007,
which drops the old column, runs after this."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_links(apps, schema_editor):
    db = schema_editor.connection.alias
    User = apps.get_model("core", "User")
    Cadre = apps.get_model("cadres", "Cadre")
    linked = User.objects.using(db).filter(cadre_id=OuterRef("pk")).values("pk")[:1]
    Cadre.objects.using(db).filter(
        pk__in=User.objects.using(db).exclude(cadre_id=None).values("cadre_id")
    ).update(account_id=Subquery(linked))


def copy_links_back(apps, schema_editor):
    db = schema_editor.connection.alias
    User = apps.get_model("core", "User")
    Cadre = apps.get_model("cadres", "Cadre")
    own = Cadre.objects.using(db).filter(account_id=OuterRef("pk")).values("pk")[:1]
    User.objects.using(db).filter(
        pk__in=Cadre.objects.using(db).exclude(account_id=None).values("account_id")
    ).update(cadre_id=Subquery(own))
    if schema_editor.connection.vendor == "postgresql":
        # Check the new keys now: PostgreSQL refuses the ALTER TABLE that follows (dropping
        # Cadre.account) while deferred checks on these rows are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0004_unit_state_removed"),
        ("core", "0006_user_cadre_hidden"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("core", "0007_remove_user_cadre")]

    operations = [
        migrations.AddField(
            model_name="cadre",
            name="account",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="本人账号",
            ),
        ),
        migrations.RunPython(copy_links, copy_links_back),
    ]
