"""With the old key gone (core 0007), the cadre's account is reached back as `user.cadre`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0005_cadre_account"),
        ("core", "0007_remove_user_cadre"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cadre",
            name="account",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="cadre",
                to=settings.AUTH_USER_MODEL,
                verbose_name="本人账号",
            ),
        ),
    ]
