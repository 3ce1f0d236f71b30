"""Every write to assessments, one module per mechanism (see models/__init__.py)."""
