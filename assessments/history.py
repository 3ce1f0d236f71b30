"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""

# annual ----

from core import history as _core_history  # noqa: E402

from .models import AnnualAssessment, AnnualReview, QuarterlyAssessment  # noqa: E402


# Grades have core's create/update; the review's steps (复核/申诉) are its own actions.
_core_history.register(AnnualAssessment)
_core_history.register(QuarterlyAssessment)
_core_history.register(AnnualReview, actions=AnnualReview.Action)
