"""Pages of assessments under /assessments/ (namespace `assessments`); the public ballot page
/ballot/<code>/ is in public_urlpatterns (config/urls.py mounts it at the root)."""

from django.urls import path  # noqa: F401  (each section adds its pages)

from .views import annual, appraisal, evaluation, frontline, team  # noqa: F401

app_name = "assessments"

urlpatterns = [
    # annual and quarterly -------------------------------------------------------------
    path("annual/", annual.annual_list, name="annual-list"),
    path("annual/grid/", annual.grid_choose, name="annual-choose"),
    path("annual/<int:unit_id>/<int:year>/", annual.annual_grid, name="annual-grid"),
    path("annual/<int:unit_id>/<int:year>/distribution/", annual.annual_distribution,
         name="annual-distribution"),
    path("quarterly/<int:unit_id>/<int:year>/<int:quarter>/", annual.quarterly_grid,
         name="quarterly-grid"),
    # team ------------------------------------------------------------------------------
    # democratic appraisal --------------------------------------------------------------
    # post-election evaluation and the reserve list --------------------------------------
    # frontline inspection --------------------------------------------------------------
]

# No account needed: the ballot page (appraisal).
public_urlpatterns: list = []
