"""Models of the timely part of incentives (see models/__init__.py)."""

__all__: list[str] = []
