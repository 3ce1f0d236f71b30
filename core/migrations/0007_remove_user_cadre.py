"""The old key from the user to the cadre goes: every link now lives on the cadre
(cadres.Cadre.account, copied by cadres 0005, which runs before this)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_user_cadre_hidden"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="cadre"),
    ]
