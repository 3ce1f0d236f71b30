"""Clarifications, the dishonesty list, sanctions and re-use move here from fault_tolerance,
state only: the tables keep their fault_tolerance_* names, every row, index and constraint.
fault_tolerance 0005 drops them from its state and relabels the content types."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cadres", "0006_cadre_account_related_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Clarification",
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
                        ("report_summary", models.TextField(verbose_name="举报内容摘要")),
                        ("finding", models.TextField(verbose_name="核查结论")),
                        (
                            "manner",
                            models.CharField(
                                choices=[
                                    ("written", "书面"),
                                    ("meeting", "会议"),
                                    ("in_person", "当面"),
                                    ("circular", "通报"),
                                ],
                                max_length=10,
                                verbose_name="澄清方式",
                            ),
                        ),
                        ("clarified_on", models.DateField(verbose_name="澄清日期")),
                        (
                            "follow_up_on",
                            models.DateField(blank=True, null=True, verbose_name="回访日期"),
                        ),
                        ("malicious", models.BooleanField(default=False, verbose_name="诬告陷害")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "cadre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="clarifications",
                                to="cadres.cadre",
                                verbose_name="干部",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "澄清正名",
                        "verbose_name_plural": "澄清正名",
                        "db_table": "fault_tolerance_clarification",
                        "ordering": ["-clarified_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="DishonestyEntry",
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
                        ("name", models.CharField(max_length=60, verbose_name="姓名")),
                        (
                            "id_number",
                            models.CharField(
                                blank=True, default="", max_length=18, verbose_name="身份证号"
                            ),
                        ),
                        (
                            "detail",
                            models.TextField(blank=True, default="", verbose_name="情况说明"),
                        ),
                        ("listed_on", models.DateField(verbose_name="列入日期")),
                        (
                            "clarification",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="dishonesty_entry",
                                to="discipline.clarification",
                                verbose_name="澄清记录",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "失信黑名单",
                        "verbose_name_plural": "失信黑名单",
                        "db_table": "fault_tolerance_dishonestyentry",
                        "ordering": ["-listed_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Sanction",
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
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("warning", "警告"),
                                    ("demerit", "记过"),
                                    ("major_demerit", "记大过"),
                                    ("demotion", "降级"),
                                    ("dismissal", "撤职"),
                                ],
                                max_length=20,
                                verbose_name="处分种类",
                            ),
                        ),
                        ("decided_on", models.DateField(verbose_name="处分决定日期")),
                        (
                            "document_number",
                            models.CharField(
                                blank=True, default="", max_length=60, verbose_name="处分文号"
                            ),
                        ),
                        (
                            "reason",
                            models.TextField(blank=True, default="", verbose_name="处分事由"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "cadre",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="sanctions",
                                to="cadres.cadre",
                                verbose_name="干部",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "处分",
                        "verbose_name_plural": "处分",
                        "db_table": "fault_tolerance_sanction",
                        "ordering": ["cadre_id", "-decided_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Reuse",
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
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "appointment",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reuse",
                                to="cadres.appointment",
                                verbose_name="任职记录",
                            ),
                        ),
                        (
                            "sanction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reuses",
                                to="discipline.sanction",
                                verbose_name="处分",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "重新使用",
                        "verbose_name_plural": "重新使用",
                        "db_table": "fault_tolerance_reuse",
                    },
                ),
            ],
        ),
    ]
