"""Cadres and appointments point at core.Unit (state only: the same table, cadres_unit)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0002_appointment_newest_idx"),
        ("core", "0005_unit_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cadre",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cadres",
                        to="core.unit",
                        verbose_name="所在单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="appointment",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.unit",
                        verbose_name="任职单位",
                    ),
                ),
            ],
        ),
    ]
