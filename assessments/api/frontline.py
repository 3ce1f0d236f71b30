"""REST API: the frontline part of assessments (API.md)."""

ROUTES: list[tuple] = []
