"""REST API: the ledger part of incentives (API.md)."""

ROUTES: list[tuple] = []
