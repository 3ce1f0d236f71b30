"""Pages of incentives under /incentives/ (namespace `incentives`)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import catalog, ledger, records, rules, timely, unfit  # noqa: F401

app_name = "incentives"

urlpatterns = [
    # records and the catalog ------------------------------------------------------------
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
    # unfit for the post --------------------------------------------------------------------
]
