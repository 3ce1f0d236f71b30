"""Pages of assessments under /assessments/ (namespace `assessments`); the public ballot page
/ballot/<code>/ is in public_urlpatterns (config/urls.py mounts it at the root)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import annual, annual_excel, appraisal, evaluation, frontline, index, team  # noqa: F401

app_name = "assessments"

urlpatterns = [
    path("", index.index, name="index"),
    # annual and quarterly -------------------------------------------------------------
    path("annual/", annual.annual_list, name="annual-list"),
    path("annual/grid/", annual.grid_choose, name="annual-choose"),
    path("annual/<int:unit_id>/<int:year>/", annual.annual_grid, name="annual-grid"),
    path("annual/<int:unit_id>/<int:year>/distribution/", annual.annual_distribution,
         name="annual-distribution"),
    path("quarterly/<int:unit_id>/<int:year>/<int:quarter>/", annual.quarterly_grid,
         name="quarterly-grid"),
    # annual-excel: the Excel import and export of annual grades
    path("annual/import/", annual_excel.annual_import_page, name="annual-import"),
    path("annual/import/<int:pk>/confirm/", annual_excel.annual_import_confirm,
         name="annual-import-confirm"),
    path("annual/import/template/", annual_excel.annual_import_template,
         name="annual-import-template"),
    path("annual/export/", annual_excel.annual_export_page, name="annual-export"),
    # team ------------------------------------------------------------------------------
    path("team/", team.team_ranking, name="team-ranking"),
    path("team/new/", team.TeamAssessmentEntryView.as_view(), name="team-entry"),
    path("team/proposals/", team.team_proposals, name="team-proposals"),
    path("team/proposals/<int:pk>/confirm/", team.team_proposal_confirm,
         name="team-proposal-confirm"),
    path("team/proposals/<int:pk>/dismiss/", team.team_proposal_dismiss,
         name="team-proposal-dismiss"),
    # democratic appraisal --------------------------------------------------------------
    path("appraisals/", appraisal.appraisal_list, name="appraisal-list"),
    path("appraisals/new/", appraisal.appraisal_open, name="appraisal-create"),
    path("appraisals/<int:pk>/", appraisal.appraisal_detail, name="appraisal-detail"),
    path("appraisals/<int:pk>/slips/", appraisal.appraisal_slips, name="appraisal-slips"),
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
public_urlpatterns: list = [
    path("ballot/done/", appraisal.ballot_done, name="appraisal-ballot-done"),
    path("ballot/<str:code>/", appraisal.ballot, name="appraisal-ballot"),
]
