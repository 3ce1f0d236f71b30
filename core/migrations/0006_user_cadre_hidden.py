"""First step of reversing User.cadre into cadres.Cadre.account: the old key stops claiming
the name `account` on Cadre (state only), so the new field can take it. cadres 0005 copies
every link, then 0007 drops the old column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_unit_moves_to_core"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="cadre",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cadres.cadre",
                verbose_name="本人干部档案",
            ),
        ),
    ]
