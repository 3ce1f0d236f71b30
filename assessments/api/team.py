"""REST API: the team part of assessments (API.md)."""

ROUTES: list[tuple] = []
