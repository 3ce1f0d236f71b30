"""REST API: the appraisal part of assessments (API.md)."""

ROUTES: list[tuple] = []
