"""REST API of assessments (API.md): one module per mechanism. config/urls.py registers ROUTES:
(prefix, viewset, basename), in the order given."""

from .annual import ROUTES as ANNUAL_ROUTES
from .appraisal import ROUTES as APPRAISAL_ROUTES
from .evaluation import ROUTES as EVALUATION_ROUTES
from .frontline import ROUTES as FRONTLINE_ROUTES
from .team import ROUTES as TEAM_ROUTES

ROUTES = [*ANNUAL_ROUTES, *TEAM_ROUTES, *APPRAISAL_ROUTES, *EVALUATION_ROUTES, *FRONTLINE_ROUTES]
