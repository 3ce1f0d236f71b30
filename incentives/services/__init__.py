"""Every write to incentives, one module per mechanism (see models/__init__.py)."""
