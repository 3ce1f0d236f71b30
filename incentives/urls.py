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
