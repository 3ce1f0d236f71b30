"""REST API of incentives (API.md): one module per mechanism. config/urls.py registers ROUTES:
(prefix, viewset, basename), in the order given (a fixed path such as ledger/recompute/ before
a detail route that would take it for an id)."""

from .catalog import ROUTES as CATALOG_ROUTES
from .ledger import ROUTES as LEDGER_ROUTES
from .records import ROUTES as RECORD_ROUTES
from .rules import ROUTES as RULE_ROUTES
from .timely import ROUTES as TIMELY_ROUTES
from .unfit import ROUTES as UNFIT_ROUTES

ROUTES = [*CATALOG_ROUTES, *RECORD_ROUTES, *RULE_ROUTES, *LEDGER_ROUTES, *TIMELY_ROUTES,
          *UNFIT_ROUTES]
