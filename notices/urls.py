"""Pages of notices under /notices/ (namespace `notices`); the public verification page
/verify/ is in public_urlpatterns (config/urls.py mounts it at the root)."""

from django.urls import path

from .views import batch, drafts, verify

app_name = "notices"

urlpatterns = [
    # drafts, preview, publish, download ---------------------------------------------------
    path("", drafts.notice_list, name="list"),
    path("new/<str:kind>/", drafts.notice_create_view, name="create"),
    path("<int:pk>/", drafts.notice_detail, name="detail"),
    path("<int:pk>/edit/", drafts.notice_edit_view, name="edit"),
    path("<int:pk>/preview/", drafts.notice_preview, name="preview"),
    path("<int:pk>/publish/", drafts.notice_publish_view, name="publish"),
    path("<int:pk>/pdf/", drafts.notice_pdf, name="pdf"),
    # batch publication ---------------------------------------------------------------------
    path("batch/", batch.batch_publish_view, name="batch"),
]

public_urlpatterns: list = [
    path("verify/", verify.verify_index, name="notices-verify-index"),
    path("verify/<str:code>/", verify.verify_code, name="notices-verify"),
]
