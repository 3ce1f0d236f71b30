"""REST API: the records part of incentives (API.md)."""

ROUTES: list[tuple] = []
