"""Writes: the catalog part of incentives."""
