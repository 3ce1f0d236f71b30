"""Background work for fault tolerance: thin adapters that call services."""

from celery import shared_task


@shared_task(acks_late=True)
def refresh_uncounted_deadlines() -> int:
    """Count again the provisional deadlines (the calendar changed); safe to run twice."""
    from core.workdays import shared_calendar

    from .models import Case
    from .services import case_deadlines_refresh

    ids = list(Case.objects.exclude(deadline_notes={}).values_list("pk", flat=True))
    with shared_calendar():  # the calendar is read once for the whole set
        for case in Case.objects.filter(pk__in=ids):
            case_deadlines_refresh(case=case)
    return len(ids)
