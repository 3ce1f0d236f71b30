"""REST API: the annual part of assessments (API.md)."""

ROUTES: list[tuple] = []
