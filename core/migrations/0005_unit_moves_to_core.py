"""Unit moves from cadres to core (the organization tree scoping is about), state only: the
table keeps its name (cadres_unit), every row, index and constraint. cadres' migrations then
point their keys here and drop their own Unit from the state (cadres 0003, 0004), and
relabel the content type row."""

import django.db.models.deletion
from django.db import migrations, models

UNIT_KINDS = [
    ("party_committee", "党委"),
    ("government_department", "政府部门"),
    ("subdistrict", "街道"),
    ("town", "镇"),
    ("soe", "国有企业"),
    ("public_institution", "事业单位"),
]
UNIT_CATEGORIES = [
    ("comprehensive", "综合管理类"),
    ("economic", "经济管理类"),
    ("social", "社会管理类"),
    ("vertical", "垂直管理类"),
    ("optimized_development", "优化发展区"),
    ("key_development", "重点开发区"),
    ("ecological_protection", "生态保护区"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_auditentry_object_type"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Unit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="单位名称")),
                        (
                            "code",
                            models.CharField(max_length=40, unique=True, verbose_name="单位代码"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=UNIT_KINDS, max_length=30, verbose_name="单位类型"
                            ),
                        ),
                        (
                            "category",
                            models.CharField(
                                blank=True,
                                choices=UNIT_CATEGORIES,
                                default="",
                                max_length=30,
                                verbose_name="考核类别",
                            ),
                        ),
                        (
                            "path",
                            models.CharField(
                                db_index=True, default="", editable=False, max_length=255
                            ),
                        ),
                        ("depth", models.PositiveSmallIntegerField(default=0, editable=False)),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="core.unit",
                                verbose_name="上级单位",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "单位",
                        "verbose_name_plural": "单位",
                        "db_table": "cadres_unit",
                        "ordering": ["path"],
                        "indexes": [
                            models.Index(
                                fields=["path"],
                                name="unit_path_prefix_idx",
                                opclasses=["varchar_pattern_ops"],
                            ),
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="scoped_users",
                        to="core.unit",
                        verbose_name="管辖单位",
                    ),
                ),
            ],
        ),
    ]
