"""Models of the unfit part of incentives (see models/__init__.py)."""

__all__: list[str] = []
