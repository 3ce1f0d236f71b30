from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.audit import chain_report


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain (chaining first any entry left unchained) and "
        "print its head; exits non-zero at the first entry that was altered or removed, when "
        "the newest entries were removed, or when --expect-head is not in the chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a head hash printed by an earlier run and kept outside the system",
        )

    def handle(self, *args, **options):
        report = chain_report(expect_head=options["expect_head"])
        if report.chained_now:
            self.stdout.write(
                self.style.WARNING(
                    _("已为 %(n)s 条提交后未入链的记录补链。") % {"n": report.chained_now}
                )
            )
        if not report.ok:
            raise CommandError("\n".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(_("审计链完好：已核验 %(n)s 条记录。") % {"n": report.checked})
        )
        # The head, for an operator to keep outside the system (--expect-head next time).
        self.stdout.write(
            _("链头：第 %(seq)s 条 %(hash)s") % {"seq": report.end_seq, "hash": report.end_hash}
        )
