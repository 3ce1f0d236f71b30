"""The ledger row keeps its unit's path (a subtree in a year is one index range) and a digest
of its entries (a tally compares rows by it, not by the whole jsonb); the API's order within a
year has its index."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    LedgerRow = apps.get_model("incentives", "LedgerRow")
    Unit = apps.get_model("core", "Unit")
    LedgerRow.objects.update(
        unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]))
    # entries_digest stays "": the next tally rewrites every row once, with its digest.


class Migration(migrations.Migration):
    dependencies = [("incentives", "0003_rules"), ("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="ledgerrow", name="unit_path",
            field=models.CharField(default="", editable=False, max_length=255,
                                   verbose_name="单位路径"),
        ),
        migrations.AddField(
            model_name="ledgerrow", name="entries_digest",
            field=models.CharField(default="", editable=False, max_length=32,
                                   verbose_name="明细摘要"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="ledgerrow", name="ledger_year_net_idx"),
        migrations.AddIndex(
            model_name="ledgerrow",
            index=models.Index(fields=["year", "-net", "cadre"], name="ledger_year_net_cadre_idx"),
        ),
        migrations.AddIndex(
            model_name="ledgerrow",
            index=models.Index(fields=["year", "unit_path"], name="ledger_year_unit_path_idx",
                               opclasses=["int2_ops", "varchar_pattern_ops"]),
        ),
    ]
