from django.urls import path

from . import views

app_name = "fault_tolerance"

urlpatterns = [
    path("tolerance/", views.case_list, name="index"),
    path("tolerance/queue/", views.work_queue, name="queue"),
    path("tolerance/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("tolerance/<int:pk>/", views.case_detail, name="case-detail"),
    path("tolerance/<int:pk>/edit/", views.CaseEditView.as_view(), name="case-edit"),
    path("tolerance/<int:pk>/propose/", views.ProposalView.as_view(), name="case-propose"),
    path("tolerance/<int:pk>/act/<slug:action>/", views.case_action, name="case-action"),
    path("tolerance/<int:pk>/panel/", views.panel_assign, name="case-panel"),
    path("tolerance/<int:pk>/reviewers/", views.reviewer_autocomplete, name="reviewer-autocomplete"),
    path("tolerance/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("tolerance/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download,
         name="attachment-download"),
    path("tolerance/<int:pk>/corrections/", views.correction_add, name="correction-add"),
    path("tolerance/<int:pk>/corrections/<int:correction_pk>/done/", views.correction_done,
         name="correction-done"),
]
