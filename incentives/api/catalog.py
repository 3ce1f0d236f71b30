"""REST API: the catalog part of incentives (API.md)."""

ROUTES: list[tuple] = []
