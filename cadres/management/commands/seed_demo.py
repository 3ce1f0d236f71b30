"""`manage.py seed_demo`: demo jurisdictions, cadres and one account per role (cadres/demo.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cadres import demo


class Command(BaseCommand):
    help = (
        "加载演示数据（五地的单位、约300名干部及其任职记录、每个角色一个演示账号）；"
        "重复运行不做任何改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=demo.DEFAULT_PASSWORD, help="演示账号的密码（默认 %(default)s）"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先删除数据库中的全部表并重新迁移，再加载；会删除所有数据",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="--reset 时不再询问确认",
        )

    def handle(self, *args, password, reset, interactive, **options):
        if reset:
            self._rebuild(interactive=interactive)
        with transaction.atomic():
            result = demo.seed_demo(password=password)
        if result.changed:
            for name, summary in result.loaded:
                self.stdout.write(
                    _("已加载 %(name)s：%(summary)s") % {"name": name, "summary": summary}
                )
        else:
            self.stdout.write(_("演示数据已存在，未做任何改动（如需重新加载，请使用 --reset）。"))
        header = (_("用户名"), _("角色"), _("管辖范围"), _("密码"))
        self.stdout.write(demo.format_table(header, demo.accounts_table(password=password)))
        if not result.changed:
            self.stdout.write(_("已有账号的密码保持不变；上表的密码是演示默认值。"))

    def _rebuild(self, *, interactive: bool) -> None:
        """Drop every table and migrate again: unlike flush, this also restores what data
        migrations put there (catalogs other apps seed)."""
        if interactive:
            answer = input(
                _("这将删除数据库中的全部表和数据，重建后重新加载演示数据。输入 yes 继续：")
            ).strip()
            if answer != "yes":
                raise CommandError(_("已取消。"))
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            cascade = " CASCADE" if connection.vendor == "postgresql" else ""
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{cascade}")
        # The new tables give content types new ids; the cache still holds the old ones.
        ContentType.objects.clear_cache()
        call_command("migrate", interactive=False, verbosity=0)
