"""Pages of incentives under /incentives/ (namespace `incentives`)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import catalog, ledger, records, rules, timely, unfit  # noqa: F401

app_name = "incentives"

urlpatterns = [
    # records and the catalog ------------------------------------------------------------
    # ledger, 红黑榜, proposals ------------------------------------------------------------
    # timely rewards ------------------------------------------------------------------------
    # unfit for the post --------------------------------------------------------------------
]
