"""REST API of notices (API.md `notices/`): config/urls.py registers ROUTES:
(prefix, viewset, basename), in the order given."""

from .batch import ROUTES as BATCH_ROUTES
from .notices import ROUTES as NOTICE_ROUTES

# The batch's fixed path first: notices/{pk}/ would otherwise match publish-batch.
ROUTES = [*BATCH_ROUTES, *NOTICE_ROUTES]
