"""Pages of incentives under /incentives/ (namespace `incentives`)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import catalog, ledger, records, rules, timely, unfit  # noqa: F401

app_name = "incentives"

urlpatterns = [
    # records and the catalog ------------------------------------------------------------
    path("records/", records.record_list_view, name="record-list"),
    path("records/new/", records.RecordCreateView.as_view(), name="record-create"),
    path("records/<int:pk>/", records.record_detail, name="record-detail"),
    path("measures/", records.measure_list_view, name="measure-list"),
    # ledger, 红黑榜, proposals ------------------------------------------------------------
    path("", ledger.index, name="index"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/export/", ledger.ledger_export, name="ledger-export"),
    path("ledger/recompute/", ledger.ledger_recompute, name="ledger-recompute"),
    path("ledger/cadre/<int:pk>/", ledger.cadre_ledger, name="ledger-cadre"),
    path("honor-board/", ledger.honor_board, name="honor-board"),
    path("proposals/", rules.proposal_list_page, name="proposal-list"),
    path("proposals/<int:pk>/confirm/", rules.proposal_confirm_view, name="proposal-confirm"),
    path("proposals/<int:pk>/dismiss/", rules.proposal_dismiss_view, name="proposal-dismiss"),
    # timely rewards ------------------------------------------------------------------------
    path("timely-rewards/", timely.timely_list_view, name="timely-list"),
    path("timely-rewards/new/", timely.TimelyNominateView.as_view(), name="timely-create"),
    path("timely-rewards/<int:pk>/", timely.timely_detail, name="timely-detail"),
    path("timely-rewards/<int:pk>/approve/", timely.timely_approve, name="timely-approve"),
    path("timely-rewards/<int:pk>/reject/", timely.timely_reject, name="timely-reject"),
    # unfit for the post --------------------------------------------------------------------
    path("unfit/", unfit.unfit_list, name="unfit-list"),
    path("unfit/new/", unfit.UnfitCreateView.as_view(), name="unfit-create"),
]
