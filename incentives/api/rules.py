"""REST API: the rules part of incentives (API.md)."""

ROUTES: list[tuple] = []
