"""REST API: the unfit part of incentives (API.md)."""

ROUTES: list[tuple] = []
