"""REST API of notices (API.md `notices/`): config/urls.py registers ROUTES:
(prefix, viewset, basename), in the order given."""

from .notices import ROUTES as NOTICE_ROUTES

ROUTES = [*NOTICE_ROUTES]
