"""Keys into units point at core.Unit (state only: the same table, cadres_unit). Runs before
cadres drops its own Unit from the state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fault_tolerance", "0003_policy_majority"),
        ("core", "0005_unit_moves_to_core"),
    ]
    run_before = [("cadres", "0004_unit_state_removed")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="jurisdiction",
                    field=models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.unit",
                        verbose_name="主管单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="subject_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="tolerance_cases",
                        to="core.unit",
                        verbose_name="容错对象（单位）",
                    ),
                ),
                migrations.AlterField(
                    model_name="policy",
                    name="jurisdiction",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="留空为全局默认；设定后对该单位及其下级单位生效。",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.unit",
                        verbose_name="适用单位",
                    ),
                ),
            ],
        ),
    ]
