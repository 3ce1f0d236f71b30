"""Pages of assessments under /assessments/ (namespace `assessments`); the public ballot page
/ballot/<code>/ is in public_urlpatterns (config/urls.py mounts it at the root)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import annual, appraisal, evaluation, frontline, team  # noqa: F401

app_name = "assessments"

urlpatterns = [
    # annual and quarterly -------------------------------------------------------------
    # team ------------------------------------------------------------------------------
    # democratic appraisal --------------------------------------------------------------
    # post-election evaluation and the reserve list --------------------------------------
    path("evaluations/", evaluation.evaluation_round_list, name="evaluation-round-list"),
    path("evaluations/new/", evaluation.EvaluationRoundCreateView.as_view(), name="evaluation-round-create"),
    path("evaluations/<int:pk>/", evaluation.evaluation_round_detail, name="evaluation-round-detail"),
    path("evaluations/<int:pk>/add/", evaluation.EvaluationCreateView.as_view(), name="evaluation-create"),
    path("evaluations/<int:pk>/shortlist/", evaluation.shortlist_confirm, name="evaluation-shortlist"),
    path("evaluations/item/<int:pk>/", evaluation.evaluation_detail, name="evaluation-detail"),
    path("reserve-list/", evaluation.reserve_list, name="reserve-list"),
    path("reserve-list/export/", evaluation.reserve_list_export, name="reserve-list-export"),
    # frontline inspection --------------------------------------------------------------
    path("frontline/", frontline.frontline_project_list, name="frontline-project-list"),
    path("frontline/new/", frontline.FrontlineProjectCreateView.as_view(), name="frontline-project-create"),
    path("frontline/<int:pk>/", frontline.frontline_project_detail, name="frontline-project-detail"),
    path("frontline/<int:pk>/cadres/", frontline.frontline_attach, name="frontline-attach"),
    path("frontline/<int:pk>/records/", frontline.frontline_record_create, name="frontline-record-create"),
    path("frontline/<int:pk>/outcomes/", frontline.frontline_outcome, name="frontline-outcome"),
]

# No account needed: the ballot page (appraisal).
public_urlpatterns: list = []
