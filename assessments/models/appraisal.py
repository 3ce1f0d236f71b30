"""Models of the appraisal part of assessments (see models/__init__.py)."""

__all__: list[str] = []
