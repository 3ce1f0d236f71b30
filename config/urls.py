from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessments.api import ROUTES as ASSESSMENT_ROUTES
from assessments.urls import public_urlpatterns as assessment_public_urls
from cadres.api import AppointmentViewSet, CadreUserViewSet, CadreViewSet, UnitViewSet
from core.api_views import JobViewSet, OwnTokenViewSet, TokenView
from discipline.api import ClarificationViewSet, SanctionViewSet
from fault_tolerance.api import CaseViewSet, CorrectionViewSet
from incentives.api import ROUTES as INCENTIVE_ROUTES
from notices.api import ROUTES as NOTICE_ROUTES
from notices.urls import public_urlpatterns as notice_public_urls

router = DefaultRouter()
router.register("users", CadreUserViewSet, basename="user")
router.register("auth/tokens", OwnTokenViewSet, basename="own-token")
router.register("units", UnitViewSet, basename="unit")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("jobs", JobViewSet, basename="job")
router.register("tolerance-cases", CaseViewSet, basename="tolerance-case")
router.register("corrections", CorrectionViewSet, basename="correction")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("sanctions", SanctionViewSet, basename="sanction")
for _prefix, _viewset, _basename in [*ASSESSMENT_ROUTES, *INCENTIVE_ROUTES, *NOTICE_ROUTES]:
    router.register(_prefix, _viewset, basename=_basename)

# A database that cannot answer is a 503 (JSON in the API, a Chinese page in the browser).
handler500 = "core.transport.server_error"
# Under /api/ Django's own refusals (an unknown path, a request refused before DRF) are JSON.
handler400 = "core.transport.bad_request"
handler403 = "core.transport.permission_denied"
handler404 = "core.transport.page_not_found"

urlpatterns = [
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's settings as a script file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Units moved to core (the organization tree): old admin bookmarks still arrive.
    re_path(r"^admin/cadres/unit/(?P<rest>.*)$",
            RedirectView.as_view(url="/admin/core/unit/%(rest)s", query_string=True)),
    re_path(r"^admin/fault_tolerance/(?P<rest>(clarification|dishonestyentry|sanction|reuse)/.*)$",
            RedirectView.as_view(url="/admin/discipline/%(rest)s", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("", include("cadres.urls")),
    path("", include("discipline.urls")),
    path("", include("fault_tolerance.urls")),
    path("assessments/", include("assessments.urls")),
    path("incentives/", include("incentives.urls")),
    path("notices/", include("notices.urls")),
    *assessment_public_urls,
    *notice_public_urls,
    path("notifications/", include("core.notification_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
