"""REST API: the timely part of incentives (API.md)."""

ROUTES: list[tuple] = []
