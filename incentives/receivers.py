"""Registrations of incentives: receivers."""


# ledger ----
import datetime as dt  # noqa: E402

from django.dispatch import receiver  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.signals import grades_saved, team_grades_saved, team_measure_confirmed  # noqa: E402
from cadres.signals import unit_moved  # noqa: E402
from discipline.signals import sanction_saved  # noqa: E402
from fault_tolerance.signals import case_decided  # noqa: E402

from .signals import sources_changed  # noqa: E402


@receiver(unit_moved, dispatch_uid="incentives.ledger.unit_moved")
def repath_ledger(sender, *, old_path, new_path, **kwargs) -> None:
    """A unit moved under another parent: the ledger rows tallied in it or below it take the
    new path (one UPDATE, in the move's transaction), so a subtree's rows stay one prefix of
    unit_path. The next tally writes the same paths from the units."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from .models import LedgerRow

    LedgerRow.objects.filter(unit_path__startswith=old_path).update(
        unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1)))


@receiver(sources_changed, dispatch_uid="incentives.ledger.sources_changed")
def recompute_touched(sender, *, cadre_ids=None, years=None, **kwargs) -> None:
    """A source of the ledger changed (sent on commit): queue an incremental tally of the
    cadres it touches, every year (a streak reaches across years), deduplicated with a queued
    tally of the same scope. cadre_ids None: everyone (a rule changed)."""
    from .services.ledger import recompute_start

    if cadre_ids is not None and not cadre_ids:
        return
    recompute_start(actor=None, cadre_ids=None if cadre_ids is None else sorted(cadre_ids))


@receiver(grades_saved, dispatch_uid="incentives.ledger.grades_saved")
@receiver(sanction_saved, dispatch_uid="incentives.ledger.sanction_saved")
@receiver(case_decided, dispatch_uid="incentives.ledger.case_decided")
def lower_source_changed(sender, *, cadre_ids, **kwargs) -> None:
    sources_changed.send(sender=sender, cadre_ids=set(cadre_ids), years=kwargs.get("years"))


@receiver(team_grades_saved, dispatch_uid="incentives.ledger.team_grades_saved")
def team_source_changed(sender, *, unit_ids, years=None, **kwargs) -> None:
    """A team's grade, rank or 末位 proposals changed: its cadres' ledgers (the principal
    leaders are among them)."""
    from cadres.models import Cadre

    cadre_ids = set(Cadre.objects.filter(unit_id__in=list(unit_ids)).values_list("pk", flat=True))
    sources_changed.send(sender=sender, cadre_ids=cadre_ids, years=years)


@receiver(team_measure_confirmed, dispatch_uid="incentives.ledger.team_measure_confirmed")
def record_team_measure(sender, *, proposal, actor, **kwargs) -> None:
    """A confirmed 末位 measure becomes the cadre's incentive record (source assessment), in
    the confirming transaction: it fails with it, and it with it."""
    from .models import IncentiveRecord, Measure
    from .services.records import record_create

    code = {"talk_reminder": "talk_reminder", "admonishment": "admonishment_talk",
            "post_adjustment": "post_adjustment"}[proposal.measure]
    measure = Measure.objects.get(code=code)
    assessment = proposal.assessment
    # Dated in the year assessed (its last day, or today while that year runs): the ledger
    # counts it in that year.
    date = min(timezone.localdate(), dt.date(assessment.year, 12, 31))
    record_create(
        actor=actor, measure=measure, cadre=proposal.cadre, date=date,
        reason=f"{assessment.unit} {assessment.year}年度班子考核末位：{proposal.get_measure_display()}",
        source=IncentiveRecord.Source.ASSESSMENT, source_id=proposal.pk, check_scope=False)
