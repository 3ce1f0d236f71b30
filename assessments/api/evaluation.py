"""REST API: the evaluation part of assessments (API.md)."""

ROUTES: list[tuple] = []
