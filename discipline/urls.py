"""Pages for clarifications (/clarifications/) and sanctions with re-use (/sanctions/): the
same paths as before the move out of fault_tolerance, under the `discipline` namespace."""

from django.urls import path

from . import views

app_name = "discipline"

urlpatterns = [
    path("clarifications/", views.clarification_list, name="clarification-list"),
    path(
        "clarifications/new/", views.ClarificationCreateView.as_view(), name="clarification-create"
    ),
    path("clarifications/<int:pk>/", views.clarification_detail, name="clarification-detail"),
    path("sanctions/", views.sanction_list, name="sanction-list"),
    path("sanctions/new/", views.SanctionCreateView.as_view(), name="sanction-create"),
    path("sanctions/cadre/<int:pk>/", views.cadre_sanctions, name="cadre-sanctions"),
    path("sanctions/cadre/<int:pk>/reuse/", views.reuse_create, name="reuse-create"),
]
