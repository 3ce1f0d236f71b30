"""The sanction kinds of API.md: 撤职 is stored as `dismissal_from_post` (it was `dismissal`),
and 开除 (expulsion) and 诫勉 (admonishment) join. Every stored 撤职 row is renamed."""

from django.db import migrations, models


def rename(apps, schema_editor, *, old: str, new: str) -> None:
    Sanction = apps.get_model("discipline", "Sanction")
    Sanction.objects.using(schema_editor.connection.alias).filter(kind=old).update(kind=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, old="dismissal", new="dismissal_from_post")


def backwards(apps, schema_editor):
    rename(apps, schema_editor, old="dismissal_from_post", new="dismissal")


class Migration(migrations.Migration):
    dependencies = [
        ("discipline", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sanction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("warning", "警告"),
                    ("demerit", "记过"),
                    ("major_demerit", "记大过"),
                    ("demotion", "降级"),
                    ("dismissal_from_post", "撤职"),
                    ("expulsion", "开除"),
                    ("admonishment", "诫勉"),
                ],
                max_length=20,
                verbose_name="处分种类",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
